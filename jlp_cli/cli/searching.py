"""jlp search: run the engine and shape its hits for the output layer."""

from __future__ import annotations

from ..render import views
from ..render.view import View
from ..search.engine import highlight_spans, search


def run_search(book, query: str, limit: int, explain: bool, chosen: dict, highlight: bool) -> View:
    hits = search(book, query, limit=limit or None, **chosen)
    records = []
    highlights = {}
    for hit in hits:
        record = {**hit.fact, "score": hit.score}
        if explain:
            record["explain"] = hit.explain()
        records.append(record)
        if highlight:
            highlights[hit.fact["id"]] = {"zh": highlight_spans(hit, "zh"), "en": highlight_spans(hit, "en")}
    return views.search(records, highlights, explain, query)
