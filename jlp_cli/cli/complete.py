"""Tab completion: read the compiled store only, and never fail loudly.

No ``from __future__ import annotations`` here: Typer inspects the signature
of every completion function of the command it builds, on every run, and
string annotations would be compiled and evaluated each time.
"""

from typing import Callable

import typer


def _book(ctx: typer.Context):
    from ..cache import open_store
    from ..source import locate

    facts = ctx.params.get("facts")
    root = ctx.find_root().obj
    if not facts and isinstance(root, dict):
        facts = root.get("facts")
    return open_store(locate(facts))


def _safely(produce: Callable) -> Callable:
    def complete(ctx: typer.Context, incomplete: str):
        try:
            return [item for item in produce(ctx, incomplete) if item[0].startswith(incomplete)]
        except Exception:  # completion must never print a traceback into a shell
            return []
    return complete


complete_fact_ids = _safely(lambda ctx, incomplete: [(i, "") for i in _book(ctx).fact_ids(incomplete, limit=200)])
complete_sections = _safely(lambda ctx, incomplete: [
    (s["id"], s["title"]["en"]) for s in _book(ctx).sections()])
complete_entities = _safely(lambda ctx, incomplete: [
    (e["id"], e["name"]["en"]) for e in _book(ctx).entities()])
complete_tags = _safely(lambda ctx, incomplete: [(t, f"{n} facts") for t, n in _book(ctx).tags()])


def complete_kinds(incomplete: str):
    from ..vocabulary import FACT_KINDS

    return [k for k in FACT_KINDS if k.startswith(incomplete)]


def complete_types(incomplete: str):
    from ..vocabulary import ENTITY_TYPES

    return [t for t in ENTITY_TYPES if t.startswith(incomplete)]


def complete_figure_sorts():
    from ..queries import FIGURE_SORTS

    return list(FIGURE_SORTS)
