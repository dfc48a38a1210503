"""Tab completion: ids, sections, entity names, kinds and tags, read from the
compiled store only, never failing loudly. (The options that print or install
the completion script are in ``shells.py``.)

No ``from __future__ import annotations`` here: Typer inspects the signature
of every completion function of the command it builds, on every run, and
string annotations would be compiled and evaluated each time.
"""

from typing import Callable

import typer


def _book(ctx: typer.Context):
    from .context import Session, Settings

    session = Session(Settings.from_environment())
    facts = ctx.params.get("facts") or ctx.find_root().params.get("facts")
    session.choose({"facts": facts}, root=True)
    return session.book


def _safely(produce: Callable) -> Callable:
    def complete(ctx: typer.Context, incomplete: str):
        try:
            wanted = incomplete.casefold()
            seen: set = set()
            out = []
            for value, help_text in produce(ctx, incomplete):
                if value.casefold().startswith(wanted) and value not in seen:
                    seen.add(value)
                    out.append((value, help_text))
            return out
        except Exception:  # completion must never print a traceback into a shell
            return []
    return complete


def _entity_names(ctx: typer.Context, incomplete: str):
    """Every name an entity answers to: its id, Chinese and English names and
    aliases, so that 民主<Tab> offers 民主村社区 and Chin<Tab> Chinalco."""
    for entity in _book(ctx).entities():
        label = entity["name"]["en"]
        yield entity["id"], label
        yield entity["name"]["zh"], label
        yield entity["name"]["en"], entity["name"]["zh"]
        for alias in entity["aliases"]:
            yield alias, label


complete_fact_ids = _safely(lambda ctx, incomplete: [(i, "") for i in _book(ctx).fact_ids(incomplete, limit=200)])
complete_sections = _safely(lambda ctx, incomplete: [
    (s["id"], s["title"]["en"]) for s in _book(ctx).sections()])
complete_entities = _safely(_entity_names)
complete_tags = _safely(lambda ctx, incomplete: [(t, f"{n} facts") for t, n in _book(ctx).tags()])


def complete_kinds(incomplete: str):
    from ..vocabulary import FACT_KINDS

    return [k for k in FACT_KINDS if k.startswith(incomplete)]


def complete_types(incomplete: str):
    from ..vocabulary import ENTITY_TYPES

    return [t for t in ENTITY_TYPES if t.startswith(incomplete)]


def complete_export_formats(incomplete: str):
    return [f for f in ("json", "yaml", "sqlite") if f.startswith(incomplete)]


def complete_figure_sorts():
    from ..lookups import FIGURE_SORTS

    return list(FIGURE_SORTS)
