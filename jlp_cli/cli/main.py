"""The console script: make the standard streams fit for UTF-8, then run jlp."""

from __future__ import annotations

import sys


def _utf8_streams() -> None:
    """jlp writes UTF-8 whatever the locale or PYTHONIOENCODING says: its data
    is Chinese, and JSON and CSV readers expect UTF-8. (A closed stream stays
    closed; writing to it is reported when it happens.)"""
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if stream is not None and encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors=errors)
            except (ValueError, OSError):
                pass


def run(args: list[str] | None = None) -> None:
    """Run jlp and exit with its status."""
    _utf8_streams()
    from .app import app

    app(args=args, prog_name="jlp")
