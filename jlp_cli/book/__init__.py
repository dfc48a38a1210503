"""Finding and reading a facts file: ``source`` (the file), ``yaml_events``
(the one YAML reader), ``rules`` (the one rule checker), ``reader`` (one pass
over a book, for validate and for building a store)."""

from pathlib import Path


def packaged_facts(package: Path = Path(__file__).resolve().parent.parent) -> Path:
    """The book that ships with jlp: inside the package (``jlp_cli/``) when
    installed from a wheel, beside it at the top of a checkout otherwise.
    (Here, not in ``source``: every command asks for it, and most never open
    the file.)"""
    inside = package / "facts.yaml"
    return inside if inside.is_file() else package.parent / "facts.yaml"
