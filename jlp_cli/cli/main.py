"""The entry point: run a command, and turn every error into a message and an
exit status. This is the only place that prints errors or exits.

``JlpGroup`` is the Typer group of the app, so the same mapping applies when
tests drive the app through ``typer.testing.CliRunner``."""

from __future__ import annotations

import os
import sqlite3
import sys

from typer.core import TyperGroup

from ..errors import DataError, ExitStatus, JlpError, OutputClosed


def _say(message: str, hint: str | None = None) -> None:
    from ..render.sanitize import for_terminal

    message = for_terminal(message.rstrip("."), single_line=True)
    lines = [f"jlp: {message}."]
    if hint:
        lines.append(f"hint: {for_terminal(hint, single_line=True)}")
    try:
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _click_exceptions():
    import typer

    try:
        from typer._click.exceptions import ClickException
    except ImportError:  # a Typer that uses Click itself
        from click.exceptions import ClickException  # type: ignore[no-redef]
    return typer.Exit, typer.Abort, ClickException




class JlpGroup(TyperGroup):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
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
    from . import session

    debug = os.environ.get("JLP_DEBUG") == "1"
    Exit, Abort, ClickException = _click_exceptions()
    for attempt in (1, 2):
        try:
            return invoke()
        except sqlite3.DatabaseError:
            # A store that was damaged after it was opened: discard it, rebuild,
            # and run the command once more.
            if attempt == 2 or debug:
                if debug:
                    raise
                _say("the compiled store keeps failing", "delete the cache directory and run again")
                return ExitStatus.ERROR
            from ..cache import discard

            for store in session.opened:
                discard(store)
            session.opened.clear()
            session.rebuild_next = True
        except DataError as error:
            if debug:
                raise
            _say(error.message, error.hint)
            return error.status
        except JlpError as error:
            if debug:
                raise
            _say(error.message, error.hint)
            return error.status
        except Exit as exit_:  # raised by --version, --help
            return exit_.exit_code
        except ClickException as error:
            if debug:
                raise
            _say(_usage_message(error), _usage_hint(error))
            return ExitStatus.ERROR
        except Abort:
            _say("interrupted")
            return ExitStatus.INTERRUPTED
        except KeyboardInterrupt:
            try:
                sys.stderr.write("\n")
            except (OSError, ValueError):
                pass
            return ExitStatus.INTERRUPTED
        except (OutputClosed, BrokenPipeError):
            _quiet_stdout()
            return ExitStatus.OK
        except RecursionError:
            if debug:
                raise
            _say("the input is nested too deeply to process", "simplify the facts file")
            return ExitStatus.ERROR
        except MemoryError:
            _say("out of memory", "the facts file may be too large")
            return ExitStatus.ERROR
        except Exception as error:  # a bug: still one sentence, not a traceback
            if debug:
                raise
            _say(f"internal error ({type(error).__name__}: {error})",
                 "this is a bug in jlp; run again with JLP_DEBUG=1 and report the traceback")
            return ExitStatus.ERROR
    return ExitStatus.ERROR


def _usage_message(error) -> str:
    message = error.format_message()
    return message.replace("\n", " ")


def _usage_hint(error) -> str:
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "jlp"
    return f"run '{path} --help' for usage"
