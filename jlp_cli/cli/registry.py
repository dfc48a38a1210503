"""Commands are registered here and turned into Click commands only when used.

Typer builds a Click command by inspecting every parameter of its function;
for a dozen commands that is most of a run's own time, so ``JlpGroup`` builds
just the one being run (or all of them for ``jlp --help``). The command
modules write their annotations as strings (``from __future__ import
annotations``), so a command's Typer options are made only when it is built.
"""

from __future__ import annotations

from typing import Callable

#: name → (function, Typer options, whether it takes the shared output options)
COMMANDS: dict[str, tuple[Callable, dict, bool]] = {}
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

#: Whether the shell asked this run for completions (set by ``JlpGroup.main``
#: before any command is built).
completing = False


def completion(name: str) -> Callable | None:
    """The completion function ``name`` of ``complete.py`` when the shell asks
    for completions, else None: Typer inspects the signature of every
    completion function of a command it builds, which a run that completes
    nothing need not pay (four of them for search or facts)."""
    if not completing:
        return None
    from . import complete

    return getattr(complete, name)


def command(name: str, shared: bool = True, **options):
    """Register ``func`` as the subcommand ``name`` (options as for Typer);
    ``shared``: it takes the shared output options (``output.py``)."""

    def decorate(func: Callable) -> Callable:
        COMMANDS[name] = (func, options, shared)
        return func

    return decorate


def evaluated(func: Callable) -> Callable:
    """``func`` as Typer should see it: its string annotations evaluated once,
    here. Typer evaluates a function's annotations twice each time it reads
    its parameters (``inspect.signature`` and ``get_type_hints``), and reads
    them several times per command: with the signature made ahead and no
    annotations left to evaluate, that work is done once instead of ten times."""
    import functools
    import inspect

    signature = inspect.signature(func, eval_str=True)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {}
    del wrapper.__wrapped__  # Typer must see this signature, not the function's
    return wrapper


def build(name: str):
    """The Click command for ``name``, or None if there is no such command."""
    if name not in COMMANDS:
        return None
    import typer
    from typer.main import get_command

    from .output import attach_shared_options

    func, options, shared = COMMANDS[name]
    single = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                         context_settings=CONTEXT_SETTINGS)
    single.command(name, **options)(evaluated(func))
    built = get_command(single)
    built.name = name
    if shared:
        attach_shared_options(built)
    return built
