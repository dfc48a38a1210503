"""What --show-completion [SHELL] and --install-completion [SHELL] do (the
options are declared in ``group.py``).

Typer's own options detect the shell and print bash's script when they
cannot, so ``jlp --show-completion zsh`` printed bash's. Ours take the shell's
name (bash, zsh, fish, powershell, pwsh) and detect it only when it is not
given.
"""


SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


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


def show(ctx, _param, value):
    if value is None or ctx.resilient_parsing:
        return
    from typer._click.utils import echo
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    completion_init()
    prog = ctx.find_root().info_name or "jlp"
    script = get_completion_script(prog_name=prog, complete_var=f"_{prog.replace('-', '_').upper()}_COMPLETE",
                                   shell=_shell(value))
    echo(script)
    ctx.exit(0)


def install(ctx, _param, value):
    if value is None or ctx.resilient_parsing:
        return
    from typer._click.utils import echo
    from typer._completion_classes import completion_init
    from typer._completion_shared import install as install_script

    completion_init()
    shell, path = install_script(shell=_shell(value), prog_name=ctx.find_root().info_name or "jlp")
    echo(f"{shell} completion installed in {path}", err=True)
    echo("Completion takes effect in a new shell.", err=True)
    ctx.exit(0)
