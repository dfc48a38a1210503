"""Questions the commands ask of a store, answered as plain data.

Resolution of what users type (a section's number or id prefix, an entity's
name in any language) lives here too, so every command understands the same
things. Nothing here prints; unknown names raise ``UsageError`` (a filter that
cannot be right) or ``NotFound`` (a lookup that found nothing).
"""

from __future__ import annotations

from typing import Iterator

from .errors import NotFound, UsageError, did_you_mean
from .store.reader import FactStore

FIGURE_SORTS = tuple(FactStore.FIGURE_ORDER)


def _suggest(word: str, choices: list[str]) -> str:
    close = did_you_mean(word, choices, cutoff=0.5)
    if close:
        return close
    shown = ", ".join(choices[:12]) + (", …" if len(choices) > 12 else "")
    return f"choose one of: {shown}"


# -- resolution ---------------------------------------------------------------

def resolve_section(store: FactStore, text: str) -> str:
    """A section id from its id, its number (order) or a unique id prefix."""
    ids = store.section_ids()
    wanted = text.strip().lower()
    if wanted in ids:
        return wanted
    sections = store.sections()
    if wanted.isdigit():
        for section in sections:
            if section["order"] == int(wanted):
                return section["id"]
    starts = [i for i in ids if i.startswith(wanted)] if wanted else []
    if len(starts) == 1:
        return starts[0]
    if len(starts) > 1:
        raise UsageError(f"section {text!r} is ambiguous", hint="it could be " + ", ".join(starts))
    raise UsageError(f"there is no section {text!r}", hint=_suggest(wanted, ids))


def find_entities(store: FactStore, text: str) -> list[str]:
    """Entity ids named by ``text`` (id, Chinese or English name, alias)."""
    if store.entity(text.strip()):
        return [text.strip()]
    return store.entities_named(text)


def resolve_entity(store: FactStore, text: str, usage: bool = False) -> str:
    """An entity id from its id, any of its names or aliases, or the start
    of one name that no other entity's name starts with (民主 → 民主村社区)."""
    found = find_entities(store, text) or store.entities_named_from(text)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise UsageError(f"{text!r} names several entities", hint="use one of the ids: " + ", ".join(found[:12]))
    ids = [e["id"] for e in store.entities()]
    error = UsageError if usage else NotFound
    close = did_you_mean(text.strip().lower(), ids, cutoff=0.5)
    hint = close or f"'jlp entities' lists them; 'jlp search {text.strip()}' finds the facts that mention it"
    raise error(f"no entity is named {text!r}", hint=hint)


def check_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    from .vocabulary import FACT_KINDS  # only when a kind is given

    if kind not in FACT_KINDS:
        raise UsageError(f"there is no fact kind {kind!r}", hint=_suggest(kind, list(FACT_KINDS)))
    return kind


def check_entity_type(entity_type: str | None) -> str | None:
    if entity_type is None:
        return None
    from .vocabulary import ENTITY_TYPES

    if entity_type not in ENTITY_TYPES:
        raise UsageError(f"there is no entity type {entity_type!r}", hint=_suggest(entity_type, list(ENTITY_TYPES)))
    return entity_type


def check_tag(store: FactStore, tag: str | None) -> str | None:
    if tag is not None and not store.has_tag(tag):
        tags = [t for t, _n in store.tags()]
        raise UsageError(f"no fact has the tag {tag!r}", hint=_suggest(tag, tags))
    return tag


def filters(store: FactStore, section=None, kind=None, entity=None, tag=None) -> dict:
    """The shared fact filters, each resolved and checked."""
    return {
        "section": resolve_section(store, section) if section else None,
        "kind": check_kind(kind),
        "entity": resolve_entity(store, entity, usage=True) if entity else None,
        "tag": check_tag(store, tag),
    }


# -- answers ------------------------------------------------------------------

def fact(store: FactStore, fact_id: str) -> dict:
    wanted = fact_id.strip()
    found = store.fact(wanted) or store.fact(wanted.lower())
    if found:
        return found
    wanted = wanted.lower()
    candidates = store.fact_ids(wanted)
    if len(candidates) == 1:
        return store.fact(candidates[0])  # type: ignore[return-value]
    if candidates:
        raise NotFound(f"{fact_id!r} is the start of several fact ids",
                       hint="it could be " + ", ".join(candidates[:6]))
    hint = did_you_mean(wanted, store.fact_ids(wanted[:1], limit=5000)) or \
        f"list the ids with 'jlp facts', or try 'jlp search {wanted}'"
    raise NotFound(f"there is no fact {fact_id!r}", hint=hint)


def facts(store: FactStore, **chosen) -> Iterator[dict]:
    return store.facts(**chosen)


def figure_row(figure: dict, fact_ref: dict) -> dict:
    return {"fact": fact_ref["id"], "section": fact_ref["section"], **figure}


def figures(store: FactStore, sort: str = "fact", descending: bool = False, **chosen) -> list[dict]:
    if sort not in FactStore.FIGURE_ORDER:
        raise UsageError(f"cannot sort figures by {sort!r}", hint="use one of: " + ", ".join(FIGURE_SORTS))
    return [figure_row(f, ref) for f, ref in store.figures(sort=sort, descending=descending, **chosen)]


def timeline(store: FactStore) -> list[dict]:
    return [
        {"period": period, "start": start, "end": end, "fact": record["id"], "section": record["section"],
         "kind": record["kind"], "text": record["text"]}
        for record, period, start, end in store.dated_facts()
    ]


def headline_figures(store: FactStore) -> list[dict]:
    if store.has_tag("headline"):
        return figures(store, tag="headline")
    return figures(store)[:6]


def overview(store: FactStore) -> dict:
    return {
        "article": store.article(),
        "sections": store.sections(),
        "headline_figures": headline_figures(store),
        "counts": store.counts(),
    }


def section_detail(store: FactStore, section_text: str) -> dict:
    try:
        section_id = resolve_section(store, section_text)
    except UsageError as error:  # a lookup that finds nothing (a filter that cannot be is a usage error)
        raise NotFound(error.message, error.hint) from None
    section = store.section(section_id)
    records = list(store.facts(section=section_id))
    entity_ids = [e for record in records for e in record["entities"]]
    return {
        **section,  # type: ignore[dict-item]
        "figures": figures(store, section=section_id),
        "entities": store.entities_by_ids(entity_ids),
        "facts": records,
    }


def entity_card(store: FactStore, name: str) -> dict:
    entity_id = resolve_entity(store, name)
    entity = store.entity(entity_id)
    related = store.related_entities(entity_id)
    by_id = {e["id"]: e for e in store.entities_by_ids([r for r, _n in related])}
    return {
        **entity,  # type: ignore[dict-item]
        "facts": list(store.facts(entity=entity_id)),
        "related": [
            {"id": rid, "name": by_id[rid]["name"], "type": by_id[rid]["type"], "shared_facts": count}
            for rid, count in related if rid in by_id
        ],
    }


def entities(store: FactStore, entity_type: str | None = None) -> list[dict]:
    return store.entities(check_entity_type(entity_type))


def export(store: FactStore) -> dict:
    """The whole book in the shape of facts.yaml (computed fields removed)."""
    meta = store.meta()
    strip = lambda record, *keys: {k: v for k, v in record.items() if k not in keys}  # noqa: E731
    return {
        "schema_version": int(meta.get("schema_version", 1)),
        "article": store.article(),
        "sections": [strip(s, "fact_count") for s in store.sections()],
        "entities": [strip(e, "fact_count") for e in store.entities()],
        "facts": list(store.facts()),
    }
