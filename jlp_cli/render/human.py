"""Human output: what a terminal shows, laid out to its width.

Every view is made of paragraphs, ``label  value`` pairs and tables, laid
out by ``layout`` so that a number, an id, a period or a unit is never cut:
a table that is too wide narrows its text, then drops whole low-priority
columns (named once in a dim footer), then shows one record per block.
Every piece of text from data passes ``sanitize.for_terminal`` first, so it
cannot act on the terminal; ``terminal`` writes the lines with Rich's styles.
"""

from __future__ import annotations

from typing import Any, Optional

from . import layout, terminal
from .language import aliases
from .layout import Column, Line, joined, pairs, para
from .numbers import DERIVED_MARK, DERIVED_NOTE, figure_base, figure_value, is_derived, quantity, units
from .sanitize import for_terminal
from .view import View, check_fields, lookup, project

HIGHLIGHT = "bold yellow"
DIM = "dim"
ID_STYLE = "cyan"
EXPLAIN_INDENT = 4
TEXT_WIDTH = 40  # a fact's text in a narrower column is hard to read: drop columns, or stack


# -- text from data -----------------------------------------------------------------------

def safe(value: Any) -> str:
    """A value as text that cannot act on the terminal; numbers as quantities."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return quantity(value)
    if isinstance(value, list):
        return ", ".join(safe(v) for v in value)
    if isinstance(value, dict):
        import json

        return for_terminal(json.dumps(value, ensure_ascii=False))
    return for_terminal(str(value))


def atom(value: Any, style: str = "") -> layout.Para:
    """A value that is never broken: a number, an id, a period, a unit."""
    return para(safe(value), style, atomic=True)


def words(value: Any, style: str = "") -> layout.Para:
    """Text that wraps at spaces and between Chinese characters."""
    return para(safe(value), style)


def highlighted(value: str, spans: list, style: str = "") -> layout.Para:
    """``value`` with ``spans`` (offsets into it) in the highlight style."""
    out: layout.Para = []
    position = 0
    for start, end in spans:
        out.append((for_terminal(value[position:start]), style, False))
        out.append((for_terminal(value[start:end]), f"{style} {HIGHLIGHT}".strip(), False))
        position = end
    out.append((for_terminal(value[position:]), style, False))
    return [run for run in out if run[0]]


def bilingual(value: Any, lang: str, spans: Optional[dict] = None, style: str = "") -> layout.Cell:
    """Chinese above English (both), or the one language asked for."""
    if not isinstance(value, dict):
        return [words(value, style)]
    spans = spans or {}
    cell = []
    for code in (("zh", "en") if lang == "both" else (lang,)):
        if value.get(code) is None:
            continue
        tone = f"{style} {DIM}".strip() if (lang == "both" and code == "en") else style
        cell.append(highlighted(value[code], spans.get(code, []), tone))
    return cell


def one(value: Any, lang: str) -> str:
    """The one text of a bilingual value for a label or a name: Chinese
    unless English is asked for."""
    if isinstance(value, dict):
        return value.get("en" if lang == "en" else "zh") or value.get("zh") or value.get("en") or ""
    return "" if value is None else str(value)


def name_of(entity: dict, lang: str) -> str:
    name = entity.get("name") or {}
    if lang == "both":
        return f"{name.get('zh', '')} ({name.get('en', '')})"
    return one(name, lang)


class Page:
    """The lines of one view, and the footer notes said once at its end."""

    def __init__(self, width: int, lang: str):
        self.width = width
        self.lang = lang
        self.lines: list[Line] = []
        self.dropped: list[str] = []
        self.notes: list[str] = []

    def add(self, lines: list[Line], gap: bool = False) -> None:
        if gap and self.lines and lines:
            self.lines.append([])
        self.lines.extend(lines)

    def paragraph(self, cell: layout.Cell, indent: int = 0) -> None:
        self.add(layout.indented(layout.wrap_cell(cell, self.width - indent), indent) if indent else
                 layout.wrap_cell(cell, self.width))

    def table(self, columns: list[Column], records: list, title: str = "", key: Optional[Column] = None,
              gap: bool = True, lift: bool = False) -> None:
        laid = layout.table(columns, records, self.width, title, key, lift)
        self.add(laid.lines, gap)
        self.dropped += [name for name in laid.dropped if name not in self.dropped]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def finished(self) -> list[Line]:
        footer = []
        if self.dropped:
            footer.append(f"not shown at this width: {', '.join(self.dropped)} — "
                          "widen the terminal or use --format json")
        footer += self.notes
        lines = list(self.lines)
        for text in footer:
            lines.extend(layout.wrap(para(text, DIM), self.width))
        return lines


# -- columns ------------------------------------------------------------------------------

def facts_tag(count: str) -> str:
    return f"{count} fact" if count == "1" else f"{count} facts"


def _id_column(key: str = "id", header: str = "id") -> Column:
    return Column(header, lambda r: [atom(r.get(key), ID_STYLE)], style="")


def fact_columns(lang: str, highlights: Optional[dict] = None, section: bool = True, score: bool = False
                 ) -> tuple[list[Column], Column]:
    """id, (score), (section), kind, period, text: the facts listing and the
    fact lists of cards."""
    key = _id_column()
    columns = [key]
    if score:
        columns.append(Column("score", lambda r: [atom(r.get("score"), "magenta")], justify="right",
                              inline=True, tag=lambda text: f"score {text}"))
    if section:
        columns.append(Column("section", lambda r: [atom(r.get("section"))], drop=1, inline=True))
    columns += [
        Column("kind", lambda r: [atom(r.get("kind"))], drop=2, inline=True),
        Column("period", lambda r: [atom(r.get("period"), "green")], inline=True),
        Column("text", lambda r: bilingual(r.get("text"), lang, (highlights or {}).get(r.get("id"))), wrap=True,
               label="", minimum=TEXT_WIDTH),
    ]
    return columns, key


def figure_columns(page: Page, with_fact: bool = True) -> tuple[list[Column], Optional[Column]]:
    """fact, metric, value, unit, base value, base unit, period, as written.

    The metric, the numbers, their units and the period always stay; "as
    written" (the article's own digits, also in the fact's quote) goes first,
    then the base unit."""
    lang = page.lang

    def base(figure: dict) -> layout.Cell:
        text = figure_base(figure)
        if text and is_derived(figure):
            page.note(DERIVED_NOTE)
            text += DERIVED_MARK
        return [para(text, "", atomic=True)]

    key = _id_column("fact", "fact") if with_fact else None
    columns = [key] if key else []
    columns += [
        Column("metric", lambda f: bilingual(f.get("metric"), lang), wrap=True, minimum=20, comfortable=30),
        Column("value", lambda f: [para(figure_value(f), "", atomic=True)], justify="right"),
        Column("unit", lambda f: [para(for_terminal(u), "", atomic=True) for u in units(f, lang)], follows=True),
        Column("base value", base, justify="right"),
        Column("base unit", lambda f: [atom(f.get("unit_base"))], drop=2, follows=True),
        Column("period", lambda f: [atom(f.get("period"), "green")], inline=True),
        Column("as written", lambda f: [atom(f.get("as_written"))], drop=1),
    ]
    return columns, key


def entity_columns(lang: str) -> tuple[list[Column], Column]:
    key = _id_column()
    return [
        key,
        Column("type", lambda e: [atom(e.get("type"))], drop=2, inline=True),
        Column("facts", lambda e: [atom(e.get("fact_count"))], justify="right", inline=True, tag=facts_tag),
        Column("name", lambda e: bilingual(e.get("name"), lang), wrap=True, label=""),
        Column("aliases", lambda e: [joined((words(a) for a in aliases(e.get("aliases") or [], lang)), " · ")],
               wrap=True, drop=1),
    ], key


def section_columns(lang: str) -> tuple[list[Column], Column]:
    key = _id_column()

    def title_and_line(section: dict) -> layout.Cell:
        return bilingual(section.get("title"), lang, style="bold") + \
            bilingual(section.get("tagline") or section.get("summary"), lang)

    return [
        Column("#", lambda s: [atom(s.get("order"))], justify="right", inline=True, tag=lambda text: f"#{text}"),
        key,
        Column("facts", lambda s: [atom(s.get("fact_count"))], justify="right", inline=True, tag=facts_tag),
        Column("title and summary", title_and_line, wrap=True, label="", minimum=24),
    ], key


def timeline_columns(lang: str) -> tuple[list[Column], Column]:
    key = Column("period", lambda r: [atom(r.get("period"), "green")])
    return [
        key,
        Column("fact", lambda r: [atom(r.get("fact"), ID_STYLE)], inline=True),
        Column("text", lambda r: bilingual(r.get("text"), lang), wrap=True, label=""),
    ], key


# -- listings -----------------------------------------------------------------------------

LISTINGS = {
    "fact": lambda page, view: fact_columns(page.lang),
    "hit": lambda page, view: fact_columns(page.lang, view.extra.get("highlights"), score=True),
    "entity": lambda page, view: entity_columns(page.lang),
    "section": lambda page, view: section_columns(page.lang),
    "event": lambda page, view: timeline_columns(page.lang),
    "figure": lambda page, view: figure_columns(page),
}


def listing(page: Page, view: View, records: list[dict]) -> None:
    make = LISTINGS.get(view.kind)
    columns, key = make(page, view) if make else generic_columns(records, page.lang)
    page.table(columns, records, view.title, key, gap=False, lift=view.kind == "figure")
    if view.kind == "figure" and view.extra.get("chart"):
        growth_chart(page, records)
    if view.kind == "hit" and view.extra.get("explain"):
        explanations(page, records)


def growth_chart(page: Page, rows: list[dict]) -> None:
    """Bars for the percentages: the one place where a picture beats the table.
    Each label is the whole metric and period, wrapped; the bar and the rate
    go on the line below it."""
    rates = [r for r in rows if r.get("unit_base") == "percent" and isinstance(r.get("value"), (int, float))
             and not isinstance(r.get("value"), bool)]
    if len(rates) < 2:
        return
    top = max(abs(r["value"]) for r in rates) or 1
    lines: list[Line] = [[("growth rates (%)", "bold")]]
    for row in rates:
        label = bilingual(row.get("metric"), page.lang)
        if row.get("period"):
            label[0] = label[0] + [(" (", "", False), (for_terminal(row["period"]), "", True), (")", "", False)]
        lines.extend(layout.wrap_cell(label, page.width))
        rate = f" {quantity(row['value'])}%"
        room = max(1, page.width - layout.INDENT - len(rate))
        bar = "█" * max(1, round(abs(row["value"]) / top * room))
        lines.append([(" " * layout.INDENT, ""), (bar, "green"), (rate, "")])
    page.add(lines, gap=True)


def explanations(page: Page, records: list[dict]) -> None:
    for record in records:
        explain = record.get("explain") or {}
        lines = layout.wrap(joined([atom(record.get("id"), "bold"), atom(f"score {quantity(record.get('score'))}",
                                                                          "bold")], "  "), page.width)
        parts = joined((atom(f"{part} {quantity(value)}") for part, value in
                        (explain.get("score_parts") or {}).items()), "  ")
        lines += layout.indented(layout.wrap(parts, page.width - EXPLAIN_INDENT), EXPLAIN_INDENT)
        for match in explain.get("matches") or []:
            note = f" ({match['note']})" if match.get("note") else ""
            quality = f" (quality {quantity(match['quality'])})" if match.get("quality") is not None else ""
            text = words(f"matched {match.get('form')}{note} '{match.get('tokens')}' in {match.get('column')}"
                         f"{quality}")
            lines += layout.indented(layout.wrap(text, page.width - EXPLAIN_INDENT), EXPLAIN_INDENT)
        if explain.get("unmatched"):
            text = words("unmatched (no match, or only a weak one): " + ", ".join(explain["unmatched"]))
            lines += layout.indented(layout.wrap(text, page.width - EXPLAIN_INDENT), EXPLAIN_INDENT)
        page.add(lines, gap=True)


def generic_columns(records: list[dict], lang: str) -> tuple[list[Column], Optional[Column]]:
    """One column per key of the records, for a view without columns of its own."""
    keys: list[str] = []
    for record in records:
        for key in record:
            if key not in keys:
                keys.append(key)
    return [value_column(key, [r.get(key) for r in records], lang) for key in keys], None


def value_column(header: str, values: list, lang: str, get=None) -> Column:
    """A column for values of any shape: numbers right-aligned and whole,
    bilingual texts wrapped, short words (ids, periods) kept on one line."""
    get = get or (lambda record: record.get(header))
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return Column(header, lambda r: [atom(get(r))], justify="right")
    if all(isinstance(v, str) and not any(c.isspace() for c in v) and len(v) <= 48 for v in present):
        return Column(header, lambda r: [atom(get(r), ID_STYLE if header in ("id", "fact") else "")])
    return Column(header, lambda r: value_cell(get(r), lang), wrap=True)


def value_cell(value: Any, lang: str) -> layout.Cell:
    if isinstance(value, dict) and value and set(value) <= {"zh", "en"}:
        return bilingual(value, lang)
    if isinstance(value, list):
        return [joined((paragraph for v in value for paragraph in value_cell(v, lang)[:1]), ", ")]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [atom(value)]
    if isinstance(value, str) and value and not any(c.isspace() for c in value):
        return [atom(value)]
    return [words(value)]


# -- cards --------------------------------------------------------------------------------

def fact_card(page: Page, view: View) -> None:
    record = view.records
    lang = page.lang
    section = view.extra.get("section") or {}
    rows: list[tuple[str, layout.Cell]] = [
        ("id", [atom(record["id"], ID_STYLE)]),
        ("section", [joined([atom(record.get("section")), words(one(section.get("title"), lang))], "  ")]),
        ("kind", [atom(record.get("kind"))]),
    ]
    text = record.get("text") or {}
    if lang in ("zh", "both") and text.get("zh"):
        rows.append(("中文", [words(text["zh"])]))
    if lang in ("en", "both") and text.get("en"):
        rows.append(("English", [words(text["en"])]))
    rows.append(("quote", [words(f"「{record.get('quote', '')}」", "italic")]))
    names = [words(name_of(e, lang)) for e in view.extra.get("entities") or []]
    if names:
        rows.append(("entities", [joined(names, " · ")]))
    if record.get("tags"):
        rows.append(("tags", [joined((atom(t) for t in record["tags"]), ", ")]))
    if record.get("period"):
        rows.append(("period", [atom(record["period"], "green")]))
    page.add(pairs(rows, page.width))
    if record.get("figures"):
        columns, key = figure_columns(page, with_fact=False)
        page.table(columns, record["figures"], "figures")


def entity_card(page: Page, view: View) -> None:
    card = view.records
    lang = page.lang
    rows: list[tuple[str, layout.Cell]] = [("id", [atom(card["id"], ID_STYLE)]), ("type", [atom(card.get("type"))])]
    name = card.get("name") or {}
    if lang in ("zh", "both") and name.get("zh"):
        rows.append(("中文", [words(name["zh"], "bold")]))
    if lang in ("en", "both") and name.get("en"):
        rows.append(("English", [words(name["en"], "bold")]))
    shown = aliases(card.get("aliases") or [], lang)
    if shown:
        rows.append(("aliases", [joined((words(a) for a in shown), " · ")]))
    if card.get("description"):
        rows.append(("about", bilingual(card["description"], lang)))
    if card.get("related"):
        rows.append(("appears with", [joined(
            (words(one(r.get("name"), lang)) + [(" ×", "", False), (quantity(r.get("shared_facts")), "", True)]
             for r in card["related"]), " · ")]))
    page.add(pairs(rows, page.width))
    facts = card.get("facts") or []
    figures = [{"fact": f["id"], **figure} for f in facts for figure in f.get("figures") or []]
    if figures:
        columns, key = figure_columns(page)
        page.table(columns, figures, f"figures ({quantity(len(figures))})", key, lift=True)
    columns, key = fact_columns(lang)
    page.table(columns, facts, f"facts ({quantity(card.get('fact_count', len(facts)))})", key)


def section_card(page: Page, view: View) -> None:
    detail = view.records
    lang = page.lang
    page.add(layout.wrap(joined([atom(detail.get("order"), ID_STYLE), atom(detail.get("id"), ID_STYLE)], "  "),
                         page.width))
    page.paragraph(bilingual(detail.get("title"), lang, style="bold"))
    page.add([[]])
    page.paragraph(bilingual(detail.get("summary"), lang))
    if detail.get("figures"):
        columns, key = figure_columns(page)
        page.table(columns, detail["figures"], "key figures", key, lift=True)
    entities = detail.get("entities") or []
    if entities:
        names = joined((words(name_of(e, lang)) + [(" ×", DIM, False), (quantity(e.get("fact_count")), DIM, True)]
                        for e in entities), " · ")
        page.add(pairs([("entities", [names])], page.width), gap=True)
        page.note("×n after an entity: the number of facts that mention it in the whole article")
    columns, key = fact_columns(lang, section=False)
    facts = detail.get("facts") or []
    page.table(columns, facts, f"facts ({quantity(detail.get('fact_count', len(facts)))})", key)


def overview_card(page: Page, view: View) -> None:
    data = view.records
    lang = page.lang
    article = data["article"]
    page.paragraph(bilingual(article.get("title"), lang, style="bold"))
    source = article.get("source") or {}
    source_text = one(source, lang) if lang != "both" else f"{source.get('zh', '')} · {source.get('en', '')}"
    page.paragraph([words(f"source: {source_text}", DIM)])
    if article.get("description"):
        page.add([[]])
        page.paragraph(bilingual(article["description"], lang))
    counts = data.get("counts") or {}
    page.paragraph([joined((atom(f"{quantity(counts.get(name))} {name}", DIM)
                            for name in ("facts", "entities", "figures", "sections")), " · ", DIM)])
    columns, key = section_columns(lang)
    page.table(columns, data.get("sections") or [], "sections", key)
    if data.get("headline_figures"):
        columns, key = figure_columns(page)
        page.table(columns, data["headline_figures"], "headline figures", key, lift=True)
    page.add(layout.wrap(joined((atom(hint, DIM) for hint in ("jlp section ID", "jlp search QUERY", "jlp --help")),
                                " · ", DIM), page.width), gap=True)


def validation_report(page: Page, view: View) -> None:
    report = view.document or {}
    for problem in report.get("problems", []):
        where = ":".join(str(p) for p in (report.get("file"), problem.get("line"), problem.get("column"))
                         if p is not None)
        runs: layout.Para = [(for_terminal(where + ":"), "bold", True)]
        if problem.get("path"):
            runs += [(" ", "", False), (for_terminal(problem["path"] + ":"), ID_STYLE, True)]
        runs += [(" ", "", False), (for_terminal(problem.get("message") or ""), "", False)]
        if problem.get("hint"):
            runs += [(" ", "", False), (for_terminal(f"({problem['hint']})"), DIM, False)]
        page.add(layout.hanging(runs, page.width))


def fields_card(page: Page, record: dict, fields: list[str]) -> None:
    page.add(pairs([(path, value_cell(lookup(record, path), page.lang)) for path in fields], page.width))


CARDS = {
    ("fact", True): fact_card,
    ("entity", True): entity_card,
    ("section", True): section_card,
    ("overview", True): overview_card,
    ("problem", False): validation_report,
}


def render(view: View, out, color: bool, lang: str, width: int = 80,
           fields: Optional[list[str]] = None) -> int:
    """Draw ``view`` on ``out`` in ``width`` columns (at least 40); return
    the number of records shown. With ``fields``, a table of
    those fields (dotted paths), or their pairs for a single record."""
    page = Page(terminal.terminal_width(width), lang)
    count = _draw(page, view, fields)
    terminal.write(page.finished(), out, color)
    return count


def _draw(page: Page, view: View, fields: Optional[list[str]]) -> int:
    if fields:
        return _draw_fields(page, view, fields)
    card = CARDS.get((view.kind, view.single))
    if card is not None:
        card(page, view)
        return len(view.records) if isinstance(view.records, list) else 1
    records = list(view.records)  # type: ignore[arg-type]
    if records:
        listing(page, view, records)
    return len(records)


def _draw_fields(page: Page, view: View, fields: list[str]) -> int:
    if view.single or view.document is not None:
        record = view.document if view.document is not None else view.records
        check_fields(fields, record)  # type: ignore[arg-type]
        fields_card(page, record, fields)  # type: ignore[arg-type]
        return 1
    records = list(view.records)  # type: ignore[arg-type]
    if not records:
        return 0
    check_fields(fields, records[0])
    projected = [project(record, fields) for record in records]
    columns = [value_column(path, [lookup(r, path) for r in projected], page.lang,
                            get=lambda r, path=path: lookup(r, path)) for path in fields]
    key = next((c for c in columns if c.header in ("id", "fact")), columns[0])
    page.table(columns, projected, "", key, gap=False)
    return len(records)
