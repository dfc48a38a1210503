"""Page long output at a terminal, as git and gh do.

The output is drawn into a buffer first. At a terminal where a person can
scroll (stdin and stdout both terminals), output taller than the screen goes
to the pager (``JLP_PAGER``, else ``PAGER``, else ``less``) with ``LESS=FRX``
unless LESS is set: less then quits by itself when the text fits, keeps the
colours, and leaves the text on the screen. A pager that cannot be started or
fails is never a reason to lose the output: it is printed directly, with a
note on stderr.
"""

from __future__ import annotations

import sys


def page(text: str, settings, terminal, out, always: bool = False) -> None:
    """Show ``text``: through the pager when it is taller than the screen
    (or ``always``), else straight to ``out``."""
    command = settings.pager
    if command is None or not text or (not always and text.count("\n") < max(terminal.height - 1, 1)):
        out.write(text)
        return
    import subprocess

    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=settings.pager_environment())
    except OSError as exc:
        _note(f"the pager {command[0]!r} could not be started ({exc.strerror or exc}); printing instead",
              "set PAGER or JLP_PAGER to a pager that exists, or pass --no-pager")
        out.write(text)
        return
    try:
        process.stdin.write(text.encode("utf-8", "replace"))
        process.stdin.close()
    except BrokenPipeError:  # the person quit the pager before the end: fine
        pass
    except KeyboardInterrupt:
        pass
    try:
        status = process.wait()
    except KeyboardInterrupt:
        status = process.wait()
    if status not in (0, -13, 141):  # 141 and -13: the pager ended on a broken pipe
        _note(f"the pager {command[0]!r} failed (exit status {status}); printing instead",
              "pass --no-pager, or set PAGER or JLP_PAGER to another pager")
        out.write(text)


def _note(message: str, hint: str) -> None:
    try:
        sys.stderr.write(f"jlp: {message}.\nhint: {hint}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
