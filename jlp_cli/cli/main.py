"""The entry point: run a command, and turn every error into a message and an
exit status. This is the only place that prints errors or exits.

``JlpGroup`` is the Typer group of the app, so the same mapping applies when
tests drive the app through ``typer.testing.CliRunner``."""

from __future__ import annotations

import os
import sqlite3
import sys

from typer import Abort, Exit
from typer.core import TyperGroup

try:  # Typer 0.26–0.28 carry their own copy of Click
    from typer._click.exceptions import ClickException
    from typer._click.exceptions import UsageError as ClickUsageError
except ImportError:  # a Typer that uses Click itself
    from click.exceptions import ClickException  # type: ignore[no-redef]
    from click.exceptions import UsageError as ClickUsageError  # type: ignore[no-redef]

from ..errors import ExitStatus, JlpError, OutputClosed, did_you_mean


def _say(message: str, hint: str | None = None) -> None:
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
    except (OSError, ValueError):
        pass




class JlpGroup(TyperGroup):
    """The jlp group: subcommands built on demand (see ``registry``), and
    every error mapped to a message and an exit status."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._built: dict = {}

    def list_commands(self, ctx) -> list[str]:
        from .registry import COMMANDS

        return list(COMMANDS)

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self._built:
            from .registry import build

            self._built[cmd_name] = build(cmd_name)
        return self._built[cmd_name]

    def resolve_command(self, ctx, args):
        try:
            return self._click_resolve_command(ctx, args)
        except ClickUsageError as error:
            close = did_you_mean(args[0], self.list_commands(ctx)) if args else None
            if close:
                error.message = error.message.rstrip(".") + ". " + close[0].upper() + close[1:]
            raise

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from . import registry

        # Typer's own rule for the variable that asks for completions.
        variable = complete_var or f"_{prog_name or 'jlp'}_COMPLETE".replace("-", "_").upper()
        registry.completing = bool(os.environ.get(variable))

        def invoke() -> int:
            result = super(JlpGroup, self).main(args=args, prog_name=prog_name or "jlp", complete_var=complete_var,
                                                standalone_mode=False, **extra)
            return result if isinstance(result, int) else 0

        status = int(_run(invoke))
        if standalone_mode:
            sys.exit(status)
        return status


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's
    final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run(args: list[str] | None = None) -> None:
    """The console script: run jlp and exit with its status."""
    from .app import app

    app(args=args, prog_name="jlp")


def _run(invoke) -> int:
    """Run ``invoke`` and return the exit status for whatever happened."""
    from . import session

    try:
        try:
            return invoke()
        except sqlite3.DatabaseError:
            # A store damaged after it was opened: discard it and run the
            # command once more on a rebuilt store.
            from ..cache import discard

            for store in session.opened:
                discard(store)
            session.opened.clear()
            session.rebuild_next = True
            return invoke()
    except Exception as error:
        if os.environ.get("JLP_DEBUG") == "1" and not isinstance(error, _QUIET):
            raise
        return _report(error)
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED


_QUIET = (OutputClosed, BrokenPipeError)


def _report(error: Exception) -> int:
    """Say what went wrong in one sentence and a hint; return the status."""
    if isinstance(error, JlpError):
        _say(error.message, error.hint)
        return error.status
    if isinstance(error, Exit):  # --version, --help, and Ctrl-C inside Click
        return error.exit_code
    if isinstance(error, ClickException):
        _say(_usage_message(error), _usage_hint(error))
        return ExitStatus.ERROR
    if isinstance(error, Abort):
        return ExitStatus.INTERRUPTED
    if isinstance(error, _QUIET):  # the reader of stdout went away: not an error
        _quiet_stdout()
        return ExitStatus.OK
    if isinstance(error, sqlite3.DatabaseError):
        _say("the compiled store keeps failing", "delete the cache directory and run again")
    elif isinstance(error, RecursionError):
        _say("the input is nested too deeply to process", "simplify the facts file")
    elif isinstance(error, MemoryError):
        _say("out of memory", "the facts file may be too large")
    else:  # a bug: still one sentence, not a traceback
        _say(f"internal error ({type(error).__name__}: {error})",
             "this is a bug in jlp; run again with JLP_DEBUG=1 and report the traceback")
    return ExitStatus.ERROR


def _usage_message(error) -> str:
    message = error.format_message()
    return message.replace("\n", " ")


def _usage_hint(error) -> str:
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "jlp"
    return f"run '{path} --help' for usage"
