"""The jlp command group: subcommands built on demand, the shared options,
one session per run, and every error mapped to a message and a status.

``JlpGroup`` is the Click group of the Typer app, so the same mapping applies
when tests drive the app through ``typer.testing.CliRunner``.
"""

from __future__ import annotations

import sys

from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup

from ..errors import StoreDamaged, did_you_mean
from .output import attach_shared_options


class JlpGroup(TyperGroup):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attach_shared_options(self, root=True)
        self.params.extend(_completion_options())
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
        from .context import Session, Settings

        settings = Settings.from_environment()
        # Typer's own rule for the variable that asks for completions.
        variable = complete_var or f"_{prog_name or 'jlp'}_COMPLETE".replace("-", "_").upper()
        registry.completing = bool(settings.get(variable))
        if registry.completing:
            from typer._completion_classes import completion_init

            completion_init()  # the shells' completion classes (Typer's add_completion would)

        if args is None:
            args = sys.argv[1:]
        args = completion_args(list(args))

        def invoke(session: Session) -> int:
            result = super(JlpGroup, self).main(args=args, prog_name=prog_name or "jlp", complete_var=complete_var,
                                                standalone_mode=False, obj=session, **extra)
            return result if isinstance(result, int) else 0

        # Everything written to stdout (help, version and completion scripts
        # included) goes through one stream that says in one sentence when it
        # cannot be written, and ends quietly when its reader has gone.
        from .output import TrackedStream

        stdout = sys.stdout
        sys.stdout = TrackedStream(stdout) if not isinstance(stdout, TrackedStream) else stdout
        try:
            status = run_session(invoke, settings)
        finally:
            sys.stdout = stdout
        if standalone_mode:
            sys.exit(status)
        return status


def run_session(invoke, settings) -> int:
    """Run ``invoke(session)`` and return the exit status for whatever
    happened. A store found damaged is removed; the command runs once more on
    a rebuilt store only if it has written nothing yet (else its output would
    be doubled), and otherwise ends with one sentence and status 2."""
    from .context import Session

    session = Session(settings)
    try:
        try:
            return invoke(session)
        except StoreDamaged:
            session.discard_book()
            if session.written:
                raise
            session.close()
            session = Session(settings, rebuild=True)
            return invoke(session)
    except Exception as error:
        from . import failures

        if settings.debug and not isinstance(error, failures.QUIET):
            raise
        if isinstance(error, StoreDamaged):
            session.discard_book()
        return failures.report(error)
    except KeyboardInterrupt:
        from . import failures

        return failures.report(KeyboardInterrupt())
    finally:
        session.close()


# -- --show-completion [SHELL], --install-completion [SHELL] ---------------------------

COMPLETION_OPTIONS = ("--install-completion", "--show-completion")


def _completion_options() -> list:
    """The two options, taking the shell's name (bash, zsh, fish, powershell,
    pwsh) or detecting it (``completion_args`` gives a bare option "detect");
    what they do is in ``shells.py``, imported only when one is given."""
    from typer.core import TyperOption

    def run(action: str):
        def callback(ctx, param, value):
            if value is None or ctx.resilient_parsing:
                return
            from . import shells

            getattr(shells, action)(ctx, param, value)
        return callback

    return [
        TyperOption(param_decls=["--install-completion"], metavar="[SHELL]", callback=run("install"),
                    expose_value=False, is_eager=True,
                    help="Install Tab completion for SHELL (bash, zsh, fish, powershell; default: the current shell)."),
        TyperOption(param_decls=["--show-completion"], metavar="[SHELL]", callback=run("show"),
                    expose_value=False, is_eager=True,
                    help="Print the Tab completion script for SHELL (bash, zsh, fish, powershell; default: the current "
                         "shell)."),
    ]


def completion_args(args: list[str]) -> list[str]:
    """``args`` with "detect" after a completion option given without a shell."""
    out = []
    for position, arg in enumerate(args):
        out.append(arg)
        if arg in COMPLETION_OPTIONS:
            following = args[position + 1] if position + 1 < len(args) else None
            if following is None or following.startswith("-"):
                out.append("detect")
    return out
