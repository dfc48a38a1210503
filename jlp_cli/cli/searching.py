"""jlp search: run the engine, shape its hits for the output layer, and say
what a person at a terminal should know about them."""

from __future__ import annotations

from ..render import views
from ..render.view import View
from ..search.engine import Found, find, highlight_spans


def run_search(book, query: str, limit: int, explain: bool, chosen: dict, highlight: bool,
               strict: bool = False) -> tuple[View, Found]:
    found = find(book, query, limit=limit or None, strict=strict, **chosen)
    records = []
    highlights = {}
    for hit in found.hits:
        record = {**hit.fact, "score": hit.score}
        if explain:
            record["explain"] = hit.explain()
        records.append(record)
        if highlight:
            highlights[hit.fact["id"]] = {"zh": highlight_spans(hit, "zh"), "en": highlight_spans(hit, "en")}
    view = views.search(records, highlights, explain, query)
    if strict and not found.hits and find(book, query, limit=1, **chosen).hits:
        view.empty_hint = "without --all, facts that match some of the words are shown"
    return view, found


def notes(found: Found, limit: int) -> list[str]:
    """One-line notes for a person at a terminal: that no fact matches every
    word (the results are the best partial matches), and that the results
    were cut by --limit."""
    out = []
    if found.hits and not found.complete:
        if len(found.words) > 1:
            out.append(f"no fact has all of: {', '.join(found.words)}; showing best partial matches")
        else:
            out.append(f"no fact has {', '.join(found.words)} as such; showing near matches")
    if limit and len(found.hits) >= limit:
        total = found.total()
        if total > len(found.hits):
            out.append(f"showing {len(found.hits)} of {total} (--limit 0 for all)")
    return out


def say_notes(lines: list[str]) -> None:
    """The notes on stderr, one line each, as jlp's other messages are
    written (without the full stop of a sentence: a note is no error)."""
    import sys

    from ..render.sanitize import for_terminal

    try:
        for line in lines:
            sys.stderr.write(f"jlp: {for_terminal(line, single_line=True)}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
