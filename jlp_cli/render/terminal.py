"""Write laid-out lines to a terminal, with Rich's styles.

``layout`` has already fitted every line to the width, so nothing here wraps,
measures or parses: each piece is written as it is (data reached the pieces
through ``sanitize.for_terminal``, so it cannot act on the terminal), with
its style turned into an SGR sequence by ``rich.style.Style``. There is no
markup to interpret, no highlighter and no emoji codes on this path: data is
never anything but text.

Rich's ``Console`` would add nothing to that but its import (about a seventh
of a Typer start, see benchmarks/PROFILE.md); its ``Table`` laid out the old
views and cut numbers to fit them.
"""

from __future__ import annotations

from typing import IO

from .layout import GLUE

MIN_WIDTH = 40  # narrower terminals get 40-column lines and wrap them themselves
DEFAULT_WIDTH = 80


def terminal_width(width: int) -> int:
    """The width to lay out in: the one the CLI found (``$COLUMNS``, the
    terminal's size, or a default), never below 40."""
    return max(width or DEFAULT_WIDTH, MIN_WIDTH)


def write(lines: list, out: IO[str], color: bool) -> None:
    """Write ``lines`` (lists of (text, style) pieces), styled when ``color``."""
    if not color:
        out.write("".join("".join(text for text, _style in line) + "\n" for line in lines).replace(GLUE, " "))
        return
    from rich.color import ColorSystem
    from rich.style import Style

    system = ColorSystem.STANDARD  # jlp's styles are the 16 standard colours, bold, dim and italic
    cache: dict = {}

    def styled(text: str, name: str) -> str:
        if not name:
            return text
        style = cache.get(name)
        if style is None:
            style = cache[name] = Style.parse(name)
        return style.render(text, color_system=system)

    out.write("".join("".join(styled(text, name) for text, name in line) + "\n" for line in lines).replace(GLUE, " "))
