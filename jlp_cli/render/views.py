"""The view of each command: which records, which columns, which card.

One function per command, so a reader finds in one place what ``jlp facts``
or ``jlp entity`` shows in every format.
"""

from __future__ import annotations

from typing import Iterable

from .numbers import figure_value, plain
from .view import Column, View

TEXT = Column("text", "text", bilingual=True)
ID = Column("id", "id", wrap=False, style="cyan")


def _ids(key: str):
    return lambda record: [item["id"] for item in record.get(key) or []]


def facts(records: Iterable[dict]) -> View:
    return View(records, [ID, Column("section", "section", wrap=False), Column("kind", "kind", wrap=False), TEXT],
                kind="fact", empty="no fact matches all of these filters",
                empty_hint="drop a filter, or list what exists with jlp sections, jlp entities")


def search(records: Iterable[dict], highlights: dict, explain: bool, query: str = "") -> View:
    columns = [ID, Column("score", "score", wrap=False, style="magenta"), Column("section", "section", wrap=False), TEXT]
    return View(records, columns, kind="hit", extra={"highlights": highlights, "explain": explain},
                empty=f"no fact matches {query.strip()!r}",
                empty_hint="try fewer words, another spelling, pinyin or English; filters narrow the search too")


def show(record: dict, entities: list[dict], section: dict | None) -> View:
    columns = [
        ID, Column("section", "section"), Column("kind", "kind"), TEXT,
        Column("quote", "quote"), Column("entities", "entities"),
        Column("figures", "figures"),
        Column("tags", "tags"), Column("period", "period"),
    ]
    return View(record, columns, single=True, kind="fact",
                extra={"entities": entities, "section": section})


def sections(records: list[dict]) -> View:
    columns = [Column("order", "#", wrap=False), ID, Column("fact_count", "facts", wrap=False),
               Column("title", "title", bilingual=True),
               Column("tagline", "in one line", bilingual=True, get=lambda s: s.get("tagline") or s["summary"])]
    return View(records, columns, kind="section")


def section(detail: dict) -> View:
    columns = [ID, Column("order", "order"), Column("title", "title", bilingual=True),
               Column("summary", "summary", bilingual=True), Column("fact_count", "fact_count"),
               Column("entities", "entities", get=_ids("entities")), Column("facts", "facts", get=_ids("facts"))]
    return View(detail, columns, single=True, kind="section")


def entities(records: list[dict]) -> View:
    columns = [ID, Column("type", "type", wrap=False), Column("fact_count", "facts", wrap=False),
               Column("name", "name", bilingual=True), Column("aliases", "aliases")]
    return View(records, columns, kind="entity", empty="no entity of that type")


def entity(card: dict) -> View:
    columns = [ID, Column("type", "type"), Column("name", "name", bilingual=True), Column("aliases", "aliases"),
               Column("fact_count", "fact_count"), Column("facts", "facts", get=_ids("facts")),
               Column("related", "related", get=_ids("related"))]
    return View(card, columns, single=True, kind="entity")


def figures(rows: list[dict], chart: bool = True) -> View:
    columns = [
        Column("fact", "fact", wrap=False, style="cyan"),
        Column("metric", "metric", bilingual=True),
        Column("value", "value", wrap=False,
               get=lambda r: r["value"] if r["value"] is not None else figure_value(r, plain)),
        Column("value_end", "to", wrap=False),
        Column("unit", "unit", wrap=False),
        Column("unit_en", "unit (English)", wrap=False),
        Column("value_base", "base value", wrap=False),
        Column("value_base_end", "base value to", wrap=False),
        Column("unit_base", "base unit", wrap=False),
        Column("derived", "derived", wrap=False),
        Column("period", "period", wrap=False),
        Column("as_written", "as written"),
    ]
    return View(rows, columns, kind="figure", extra={"chart": chart}, empty="no figure matches these filters")


def timeline(rows: list[dict]) -> View:
    columns = [Column("period", "period", wrap=False, style="green"), Column("fact", "fact", wrap=False, style="cyan"),
               TEXT]
    return View(rows, columns, kind="event", empty="no dated facts")


def overview(data: dict) -> View:
    article = data["article"]
    columns = [
        Column("article.title", "title", bilingual=True),
        Column("article.source", "source", bilingual=True),
        Column("counts.facts", "facts"),
        Column("counts.entities", "entities"),
        Column("counts.figures", "figures"),
        Column("sections", "sections", get=lambda d: [s["id"] for s in d["sections"]]),
        Column("headline_figures", "headline figures"),
    ]
    return View(data, columns, single=True, kind="overview", title=article["title"]["zh"])


def validation(report: dict) -> View:
    """Tabular formats list the problems; json and yaml give the whole report."""
    columns = [Column("file", "file", get=lambda p: report["file"]), Column("line", "line"),
               Column("column", "column"), Column("path", "path"), Column("message", "message"),
               Column("hint", "hint")]
    return View(report["problems"], columns, kind="problem", document=report, empty="")
