"""--show-completion [SHELL] and --install-completion [SHELL].

Typer's own options detect the shell and print bash's script when they
cannot, so ``jlp --show-completion zsh`` printed bash's. Ours take the shell's
name (bash, zsh, fish, powershell, pwsh) and detect it only when it is not
given.
"""

import typer

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
COMPLETION_OPTIONS = ("--install-completion", "--show-completion")


def _shell(value: str) -> str:
    from ..errors import UsageError

    if value and value != "detect":
        shell = value.strip().lower()
        if shell not in SHELLS:
            raise UsageError(f"jlp has no completion for the shell {value!r}",
                             hint="name one of: " + ", ".join(SHELLS))
        return shell
    try:
        from typer._completion_shared import _get_shell_name
    except ImportError:  # pragma: no cover
        _get_shell_name = None
    shell = _get_shell_name() if _get_shell_name else None
    if shell not in SHELLS:
        raise UsageError("cannot tell which shell this is", hint="name it, e.g. --show-completion zsh")
    return shell


def _show(ctx, _param, value):
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    from .clicklib import echo

    completion_init()
    prog = ctx.find_root().info_name or "jlp"
    script = get_completion_script(prog_name=prog, complete_var=f"_{prog.replace('-', '_').upper()}_COMPLETE",
                                   shell=_shell(value))
    echo(script)
    ctx.exit(0)


def _install(ctx, _param, value):
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_classes import completion_init
    from typer._completion_shared import install

    from .clicklib import echo

    completion_init()
    shell, path = install(shell=_shell(value), prog_name=ctx.find_root().info_name or "jlp")
    echo(f"{shell} completion installed in {path}", err=True)
    echo("Completion takes effect in a new shell.", err=True)
    ctx.exit(0)


def attach_completion_options(group) -> None:
    """--show-completion [SHELL] and --install-completion [SHELL]: with the
    shell named (bash, zsh, fish, powershell, pwsh), or detected if not
    (``completion_args`` gives a bare option its "detect")."""
    from typer.main import get_click_param
    from typer.utils import get_params_from_function

    def options(
        install_completion: str = typer.Option(
            None, "--install-completion", metavar="[SHELL]", callback=_install, expose_value=False, is_eager=True,
            help="Install Tab completion for SHELL (bash, zsh, fish, powershell; default: the current shell)."),
        show_completion: str = typer.Option(
            None, "--show-completion", metavar="[SHELL]", callback=_show, expose_value=False, is_eager=True,
            help="Print the Tab completion script for SHELL (bash, zsh, fish, powershell; default: the current "
                 "shell)."),
    ):
        pass

    group.params.extend(get_click_param(meta)[0] for meta in get_params_from_function(options).values())


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
