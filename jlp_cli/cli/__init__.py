"""The command-line interface: Typer commands over the core."""
