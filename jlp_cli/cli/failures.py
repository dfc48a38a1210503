"""The one place where an error becomes a message on stderr and an exit status.

Errors the user can cause (a usage error, an unusable facts file, a damaged
store, output that cannot be written) are one sentence and a hint; "internal
error" is kept for real bugs, with a hint to rerun with JLP_DEBUG=1.
"""

from __future__ import annotations

import os
import sqlite3
import sys

from typer import Abort, Exit
from typer._click.exceptions import ClickException

from ..errors import ExitStatus, JlpError, OutputClosed

#: The reader of stdout went away (``jlp facts | head -1``): not an error.
QUIET = (OutputClosed, BrokenPipeError)


def say(message: str, hint: str | None = None) -> None:
    """One sentence on stderr, and a hint on the next line."""
    from ..render.sanitize import for_terminal

    message = for_terminal(message.strip(), single_line=True)
    if not message.endswith((".", "?", "!")):
        message += "."
    lines = [f"jlp: {message}"]
    if hint:
        lines.append(f"hint: {for_terminal(hint, single_line=True)}")
    try:
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def report(error: BaseException) -> int:
    """Say what went wrong; return the exit status."""
    if isinstance(error, JlpError):
        say(error.message, error.hint)
        return error.status
    if isinstance(error, Exit):  # --version, --help
        return error.exit_code
    if isinstance(error, ClickException):
        say(error.format_message().replace("\n", " "), _usage_hint(error))
        return ExitStatus.ERROR
    if isinstance(error, (Abort, KeyboardInterrupt)):
        return ExitStatus.INTERRUPTED
    if isinstance(error, QUIET):
        quiet_stdout()
        return ExitStatus.OK
    if isinstance(error, sqlite3.DatabaseError):
        say(f"the compiled store could not be read ({error})", "delete the cache directory and run again")
    elif isinstance(error, RecursionError):
        say("the input is nested too deeply to process", "simplify the facts file")
    elif isinstance(error, MemoryError):
        say("out of memory", "the facts file may be too large")
    else:  # a bug: still one sentence, not a traceback
        say(f"internal error ({type(error).__name__}: {error})",
            "this is a bug in jlp; run again with JLP_DEBUG=1 and report the traceback")
    return ExitStatus.ERROR


def _usage_hint(error) -> str:
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "jlp"
    return f"run '{path} --help' for usage"


def quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's
    final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
