"""Human output: Rich tables and cards for a terminal.

Every piece of text that comes from data enters Rich as ``Text(...)`` after
``sanitize.for_terminal``; the console has markup, emoji and highlighting off.
So ``[bold]`` in a fact prints as written and an escape sequence in a fact is
shown, not obeyed. Rich is imported here only, when a table is drawn.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .machine import cell
from .sanitize import for_terminal
from .view import Column, View, lookup
from .views import figure_base, figure_value

HIGHLIGHT = "bold yellow"
DIM = "dim"


MIN_WIDTH = 40  # below this, tables have no room for text: let the terminal wrap instead


def console(file, color: bool, width: int | None = None) -> Console:
    con = Console(
        file=file,
        markup=False,
        emoji=False,
        highlight=False,
        force_terminal=True if color else None,
        no_color=not color,
        color_system="auto" if color else None,
        width=width,
        soft_wrap=False,
    )
    if con.width < MIN_WIDTH:
        con.width = MIN_WIDTH
    return con


def text(value: Any, style: str = "") -> Text:
    return Text(for_terminal(cell(value)), style=style)


def highlighted(value: str, spans: list[tuple[int, int]], style: str = "") -> Text:
    """``value`` with ``spans`` (offsets into it) in the highlight style."""
    out = Text(style=style)
    position = 0
    for start, end in spans:
        out.append(for_terminal(value[position:start]))
        out.append(for_terminal(value[start:end]), style=HIGHLIGHT)
        position = end
    out.append(for_terminal(value[position:]))
    return out


def bilingual(value: Any, lang: str, spans: dict | None = None) -> Text:
    """Chinese above English (both), or the one language asked for."""
    if not isinstance(value, dict):
        return text(value)
    spans = spans or {}
    parts = []
    for code in (("zh", "en") if lang == "both" else (lang,)):
        if value.get(code) is None:
            continue
        style = DIM if (lang == "both" and code == "en") else ""
        parts.append(highlighted(value[code], spans.get(code, []), style))
    return Text("\n").join(parts)


def _table(title: str = "") -> Table:
    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=title or None,
                 title_justify="left", title_style="bold", header_style="bold", expand=False)


def _add_columns(table: Table, columns: list[Column]) -> None:
    for column in columns:
        table.add_column(column.header, style=column.style or None, no_wrap=not column.wrap,
                         overflow="fold", ratio=3 if column.bilingual else None,
                         min_width=12 if column.bilingual else None)


def _cell(column: Column, record: dict, lang: str, spans: dict | None = None) -> Text:
    value = column.get(record) if column.get else lookup(record, column.key)
    if column.bilingual:
        return bilingual(value, lang, spans if column.key == "text" else None)
    return text(value)


def listing(view: View, lang: str, records: list[dict] | None = None) -> Table:
    table = _table(view.title)
    _add_columns(table, view.columns)
    highlights = view.extra.get("highlights") or {}
    for record in records if records is not None else view.records:  # type: ignore[union-attr]
        spans = highlights.get(record.get("id"))
        table.add_row(*(_cell(c, record, lang, spans) for c in view.columns))
    return table


def _pairs(rows: list[tuple[str, Any]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label), value if isinstance(value, Text) else text(value))
    return grid


def figures_table(rows: list[dict], lang: str, title: str = "", with_fact: bool = True) -> Table:
    table = _table(title)
    if with_fact:
        table.add_column("fact", style="cyan", no_wrap=True)
    table.add_column("metric", ratio=3, overflow="fold", min_width=12)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("base value", justify="right", no_wrap=True)
    table.add_column("base unit", no_wrap=True)
    table.add_column("period", no_wrap=True)
    for row in rows:
        cells = [text(row["fact"])] if with_fact else []
        cells += [bilingual(row["metric"], lang), text(figure_value(row)), text(row.get("unit")),
                  text(figure_base(row)), text(row.get("unit_base")), text(row.get("period"))]
        table.add_row(*cells)
    return table


def growth_chart(rows: list[dict], lang: str, width: int) -> Group | None:
    """Bars for the percentages: the one place where a picture beats the table."""
    rates = [r for r in rows if r.get("unit_base") == "percent" and isinstance(r.get("value"), (int, float))]
    if len(rates) < 2:
        return None
    top = max(abs(r["value"]) for r in rates) or 1
    code = "en" if lang == "en" else "zh"
    labels = [for_terminal(f"{r['metric'][code]} ({r['period'] or ''})") for r in rates]
    label_width = min(max(Text(label).cell_len for label in labels), max(12, width // 3))
    bar_room = max(8, width - label_width - 12)
    lines = [Text("growth rates (%)", style="bold")]
    for row, label in zip(rates, labels):
        line = Text(label[:label_width].ljust(label_width) if Text(label).cell_len <= label_width else label[:label_width])
        line.append(" ")
        line.append("█" * max(1, round(abs(row["value"]) / top * bar_room)), style="green")
        line.append(f" {cell(row['value'])}%")
        lines.append(line)
    return Group(*lines)


def _fact_rows(records: list[dict], lang: str, title: str) -> Table:
    table = _table(title)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("text", ratio=3, overflow="fold", min_width=12)
    for record in records:
        table.add_row(text(record["id"]), text(record["kind"]), bilingual(record["text"], lang))
    return table


def _names(entities: list[dict], lang: str) -> Text:
    parts = []
    for entity in entities:
        name = entity["name"]
        label = name["zh"] if lang == "zh" else name["en"] if lang == "en" else f"{name['zh']} ({name['en']})"
        parts.append(text(label))
    return Text(", ").join(parts)


# -- cards ----------------------------------------------------------------------

def fact_card(view: View, lang: str, width: int):
    record = view.records
    section = view.extra.get("section") or {}
    rows: list[tuple[str, Any]] = [
        ("id", text(record["id"], "cyan")),
        ("section", text(f"{record['section']}  {section.get('title', {}).get('en' if lang == 'en' else 'zh', '')}")),
        ("kind", record["kind"]),
    ]
    if lang in ("zh", "both"):
        rows.append(("中文", text(record["text"]["zh"])))
    if lang in ("en", "both"):
        rows.append(("English", text(record["text"]["en"])))
    rows.append(("quote", text(f"「{record['quote']}」", "italic")))
    if record["entities"]:
        rows.append(("entities", _names(view.extra.get("entities") or [], lang)))
    if record["tags"]:
        rows.append(("tags", ", ".join(record["tags"])))
    if record["period"]:
        rows.append(("period", record["period"]))
    parts = [_pairs(rows)]
    if record["figures"]:
        parts.append(Padding(figures_table([{"fact": record["id"], **f} for f in record["figures"]], lang,
                                           "figures", with_fact=False), (1, 0, 0, 0)))
    return Group(*parts)


def entity_card(view: View, lang: str, width: int):
    card = view.records
    rows: list[tuple[str, Any]] = [("id", text(card["id"], "cyan")), ("type", card["type"])]
    if lang in ("zh", "both"):
        rows.append(("中文", text(card["name"]["zh"], "bold")))
    if lang in ("en", "both"):
        rows.append(("English", text(card["name"]["en"], "bold")))
    if card["aliases"]:
        rows.append(("aliases", ", ".join(card["aliases"])))
    if card.get("description"):
        rows.append(("about", bilingual(card["description"], lang)))
    if card["related"]:
        rows.append(("appears with", Text(", ").join(
            text(f"{r['name']['zh'] if lang == 'zh' else r['name']['en']} ×{r['shared_facts']}")
            for r in card["related"][:12])))
    return Group(_pairs(rows), Padding(_fact_rows(card["facts"], lang, f"facts ({len(card['facts'])})"), (1, 0, 0, 0)))


def section_card(view: View, lang: str, width: int):
    detail = view.records
    head = [text(f"{detail['order']}  {detail['id']}", "cyan"), bilingual(detail["title"], lang),
            Text(""), bilingual(detail["summary"], lang)]
    parts: list[Any] = [Group(*head)]
    if detail["figures"]:
        parts.append(Padding(figures_table(detail["figures"], lang, "key figures"), (1, 0, 0, 0)))
    if detail["entities"]:
        parts.append(Padding(_pairs([("entities", _names(detail["entities"], lang))]), (1, 0, 0, 0)))
    parts.append(Padding(_fact_rows(detail["facts"], lang, f"facts ({len(detail['facts'])})"), (1, 0, 0, 0)))
    return Group(*parts)


def overview_card(view: View, lang: str, width: int):
    data = view.records
    article = data["article"]
    head: list[Any] = [bilingual(article["title"], lang)]
    source = article["source"]
    head.append(text(f"source: {source['zh'] if lang == 'zh' else source['en'] if lang == 'en' else source['zh'] + ' · ' + source['en']}", DIM))
    if article.get("description"):
        head += [Text(""), bilingual(article["description"], lang)]
    counts = data["counts"]
    head.append(text(f"{counts['facts']} facts · {counts['entities']} entities · {counts['figures']} figures · "
                     f"{counts['sections']} sections", DIM))
    table = _table("sections")
    table.add_column("#", no_wrap=True)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("facts", justify="right", no_wrap=True)
    table.add_column("title and summary", ratio=3, overflow="fold")
    for section in data["sections"]:
        title = bilingual(section["title"], lang)
        title.stylize("bold")
        table.add_row(text(section["order"]), text(section["id"]), text(section["fact_count"]),
                      Text("\n").join([title, bilingual(section.get("tagline") or section["summary"], lang)]))
    parts = [Group(*head), Padding(table, (1, 0, 0, 0))]
    if data["headline_figures"]:
        parts.append(Padding(figures_table(data["headline_figures"], lang, "headline figures"), (1, 0, 0, 0)))
    parts.append(Text("jlp section ID · jlp search QUERY · jlp --help", style=DIM))
    return Group(*parts)


def validation_report(view: View, lang: str, width: int):
    report = view.document or {}
    lines = []
    for problem in report.get("problems", []):
        where = ":".join(str(p) for p in (report["file"], problem["line"], problem["column"]) if p is not None)
        line = text(where + ": ", "bold")
        if problem["path"]:
            line.append(for_terminal(problem["path"] + ": "), style="cyan")
        line.append(for_terminal(problem["message"]))
        if problem.get("hint"):
            line.append(for_terminal(f" ({problem['hint']})"), style=DIM)
        lines.append(line)
    return Group(*lines)


CARDS = {
    ("fact", True): fact_card,
    ("entity", True): entity_card,
    ("section", True): section_card,
    ("overview", True): overview_card,
    ("problem", False): validation_report,
}


def render(view: View, out, color: bool, lang: str, width: int | None = None) -> int:
    """Draw ``view`` on ``out``; return the number of records shown."""
    con = console(out, color, width)
    card = CARDS.get((view.kind, view.single))
    if card is not None:
        con.print(card(view, lang, con.width))
        return len(view.records) if isinstance(view.records, list) else 1
    records = list(view.records)  # type: ignore[arg-type]
    if not records:
        return 0
    con.print(listing(view, lang, records))
    if view.kind == "figure" and view.extra.get("chart"):
        chart = growth_chart(records, lang, con.width)
        if chart is not None:
            con.print(chart)
    if view.kind == "hit" and view.extra.get("explain"):
        for record in records:
            con.print(text(f"{record['id']}  score {record['score']}", "bold"))
            for part, value in record["explain"]["score_parts"].items():
                con.print(text(f"    {part:8} {value}"))
            for match in record["explain"]["matches"]:
                note = f" ({match['note']})" if match["note"] else ""
                con.print(text(f"    matched {match['form']}{note} '{match['tokens']}' in {match['column']}"))
    return len(records)
