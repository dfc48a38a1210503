"""The view of each command: which records, which columns, which card.

One function per command, so a reader finds in one place what ``jlp facts``
or ``jlp entity`` shows in every format.
"""

from __future__ import annotations

from typing import Iterable

from .numbers import figure_value, plain
from .view import Column, View

TEXT = Column("text", bilingual=True)
ID = Column("id")


def _ids(key: str):
    return lambda record: [item["id"] for item in record.get(key) or []]


def facts(records: Iterable[dict]) -> View:
    return View(records, [ID, Column("section"), Column("kind"), TEXT],
                kind="fact", empty="no fact matches all of these filters",
                empty_hint="drop a filter, or list what exists with jlp sections, jlp entities")


def search(records: Iterable[dict], highlights: dict, explain: bool, query: str = "") -> View:
    columns = [ID, Column("score"), Column("section"), TEXT]
    return View(records, columns, kind="hit", extra={"highlights": highlights, "explain": explain},
                empty=f"no fact matches {query.strip()!r}",
                empty_hint="try fewer words, another spelling, pinyin or English; filters narrow the search too")


def show(record: dict, entities: list[dict], section: dict | None) -> View:
    columns = [ID, Column("section"), Column("kind"), TEXT, Column("quote"), Column("entities"), Column("figures"),
               Column("tags"), Column("period")]
    return View(record, columns, single=True, kind="fact",
                extra={"entities": entities, "section": section})


def sections(records: list[dict]) -> View:
    columns = [Column("order"), ID, Column("fact_count"),
               Column("title", bilingual=True),
               Column("tagline", bilingual=True, get=lambda s: s.get("tagline") or s["summary"])]
    return View(records, columns, kind="section")


def section(detail: dict) -> View:
    columns = [ID, Column("order"), Column("title", bilingual=True),
               Column("summary", bilingual=True), Column("fact_count"),
               Column("entities", get=_ids("entities")), Column("facts", get=_ids("facts"))]
    return View(detail, columns, single=True, kind="section")


def entities(records: list[dict]) -> View:
    columns = [ID, Column("type"), Column("fact_count"), Column("name", bilingual=True), Column("aliases")]
    return View(records, columns, kind="entity", empty="no entity of that type",
                empty_hint="list every entity with jlp entities")


def entity(card: dict) -> View:
    columns = [ID, Column("type"), Column("name", bilingual=True), Column("aliases"),
               Column("fact_count"), Column("facts", get=_ids("facts")),
               Column("related", get=_ids("related"))]
    return View(card, columns, single=True, kind="entity")


def figures(rows: list[dict], chart: bool = True) -> View:
    columns = [
        Column("fact"), Column("metric", bilingual=True),
        Column("value", get=lambda r: r["value"] if r["value"] is not None else figure_value(r, plain)),
        *(Column(key) for key in ("value_end", "unit", "unit_en", "value_base", "value_base_end", "unit_base",
                                  "derived", "period", "as_written")),
    ]
    return View(rows, columns, kind="figure", extra={"chart": chart}, empty="no figure matches these filters")


def timeline(rows: list[dict]) -> View:
    columns = [Column("period"), Column("fact"), TEXT]
    return View(rows, columns, kind="event", empty="no dated facts")


def overview(data: dict) -> View:
    article = data["article"]
    columns = [
        Column("article.title", bilingual=True),
        Column("article.source", bilingual=True),
        Column("counts.facts"),
        Column("counts.entities"),
        Column("counts.figures"),
        Column("sections", get=lambda d: [s["id"] for s in d["sections"]]),
        Column("headline_figures"),
    ]
    return View(data, columns, single=True, kind="overview", title=article["title"]["zh"])


def validation(report: dict) -> View:
    """Tabular formats list the problems; json and yaml give the whole report."""
    columns = [Column("file", get=lambda p: report["file"]), Column("line"), Column("column"), Column("path"),
               Column("message"), Column("hint")]
    return View(report["problems"], columns, kind="problem", document=report, empty="")
