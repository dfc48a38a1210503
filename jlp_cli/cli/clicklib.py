"""The few Click names jlp uses, from the copy of Click that Typer 0.26–0.28
carry (``typer._click``), or from Click itself for a Typer that uses it."""

try:
    from typer._click.exceptions import ClickException, UsageError
    from typer._click.globals import get_current_context
    from typer._click.utils import echo
except ImportError:  # pragma: no cover
    from click import ClickException, UsageError, echo, get_current_context  # type: ignore[no-redef]

__all__ = ["ClickException", "UsageError", "echo", "get_current_context"]
