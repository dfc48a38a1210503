"""The width sweep: no human view cuts a number, a period or an id, at any width.

Every human view is drawn as a terminal shows it (``--format table``, the
width from $COLUMNS, through the CLI and the real renderer) at each width of
``WIDTHS``, for the shipped book and for ``fixtures/edges.yaml`` (the edges
the shipped book lacks: 10- and 12-digit values, floats and whole floats,
ranges, negative rates, ids of 60+ characters, a long unit, Extension A/B
characters and "|" in names, periods of decades, quarters and months).

Each number and period of the same command's JSON output must appear whole on
one line of the view, written as the view writes it (``numbers.quantity``:
1,060,000,000), and from 80 columns so must every fact id; no "…" may stand for
part of a value, and no line may be wider than the terminal.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache

import pytest
import yaml
from rich.cells import cell_len
from typer.testing import CliRunner

from jlp_cli.cli.app import app
from jlp_cli.render.numbers import plain, quantity

from .conftest import FIXTURES, SHIPPED

WIDTHS = (40, 60, 80, 100, 120, 160, 200)
IDS_FROM = 80  # below this a stacked record may break an id longer than the line at a hyphen
EDGES = FIXTURES / "edges.yaml"
runner = CliRunner()


def invoke(args: list[str], env: dict | None = None) -> tuple[str, str]:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stdout, result.stderr)
    return result.stdout, result.stderr


@lru_cache(maxsize=None)
def _book(path: str) -> dict:
    """The facts file as YAML: the cases are read from it, not from the CLI,
    so collecting the tests runs none of the code under test."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fact_ids(book: str) -> frozenset:
    return frozenset(fact["id"] for fact in _book(book)["facts"])


def _commands(book: str) -> list[list[str]]:
    """Every view of ``book``: each section, each fact with figures and three
    without, the two entities with the most facts and the one with the fewest."""
    data = _book(book)
    facts = data["facts"]
    fact_count = Counter(entity for fact in facts for entity in fact.get("entities") or ())
    with_figures = [f["id"] for f in facts if f.get("figures")]
    others = [f["id"] for f in facts if not f.get("figures")][:3]
    busiest = sorted(data["entities"], key=lambda e: -fact_count[e["id"]])
    sections = sorted(data["sections"], key=lambda s: s["order"])
    return [
        [], ["sections"], ["facts"], ["entities"], ["figures"], ["figures", "--sort", "value_base", "--reverse"],
        ["timeline"], ["search", "营业收入", "--explain"], ["search", "hydrogen revenue"], ["validate"],
        *(["section", s["id"]] for s in sections),
        *(["show", fact_id] for fact_id in with_figures + others),
        *(["entity", e["id"]] for e in busiest[:2] + busiest[-1:]),
    ]


CASES = [(name, args, lang) for name, book in (("shipped", SHIPPED), ("edges", EDGES))
         for args in _commands(str(book)) for lang in ("both", "en")
         if lang == "both" or args[:1] in ([], ["figures"], ["show"], ["section"], ["entity"])]


# -- what the JSON says must be shown whole -----------------------------------------------

#: Fact listings show one line of text per fact: the numbers of its figures
#: are in that text as the article writes them, and whole in `jlp show` and
#: `jlp figures`; the listing does not repeat them.
NOT_IN_LISTINGS = {"figures"}


def expected(data, listing: bool, ids: frozenset) -> tuple[set, set, set]:
    """(numbers, periods, fact ids) in ``data``, as the human views write them."""
    numbers, periods, facts = set(), set(), set()

    def walk(value, key=None, in_fact=False):
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, (int, float)):
            numbers.add(plain(value) if key in ("line", "column") else quantity(value))
        elif isinstance(value, str):
            if key == "period":
                periods.add(value)
            elif key == "fact" or (key == "id" and in_fact):
                if value in ids:
                    facts.add(value)
        elif isinstance(value, list):
            for item in value:
                walk(item, key, in_fact)
        elif isinstance(value, dict):
            fact = "quote" in value or "kind" in value
            for k, v in value.items():
                if listing and fact and k in NOT_IN_LISTINGS:
                    continue
                walk(v, k, fact)

    walk(data)
    return numbers, periods, facts


def _whole(token: str, lines: list[str], before: str, after: str) -> bool:
    pattern = re.compile(f"(?<!{before}){re.escape(token)}(?!{after})")
    return any(pattern.search(line) for line in lines)


NUMBER_EDGES = (r"[\d.,]", r"\d|[.,]\d")
WORD_EDGES = (r"[\w-]", r"[\w-]")


def check(view: str, data, width: int, listing: bool, ids: frozenset, json_text: str, said: str = "") -> list[str]:
    """What is wrong with ``view`` (the human output at ``width``); ``said``
    is what the command wrote on stderr, where a value may also be."""
    lines = view.splitlines() + said.splitlines()
    numbers, periods, facts = expected(data, listing, ids)
    wrong = [f"number {n} is not whole on a line" for n in sorted(numbers) if not _whole(n, lines, *NUMBER_EDGES)]
    wrong += [f"period {p} is not whole on a line" for p in sorted(periods) if not _whole(p, lines, *WORD_EDGES)]
    if width >= IDS_FROM:
        wrong += [f"fact id {i} is not whole on a line" for i in sorted(facts) if not _whole(i, lines, *WORD_EDGES)]
    if view.count("…") > json_text.count("…"):
        wrong.append("an ellipsis stands for part of a value")
    wrong += [f"line wider than {width}: {line!r}" for line in view.splitlines() if cell_len(line) > width]
    return wrong


@pytest.mark.parametrize("book, args, lang", CASES, ids=[f"{b}:{' '.join(a) or 'overview'}:{lang}"
                                                         for b, a, lang in CASES])
def test_no_view_cuts_a_value_at_any_width(book, args, lang):
    path = str(SHIPPED if book == "shipped" else EDGES)
    common = [*args, "--facts", path, "--lang", lang]
    json_out, json_err = invoke([*common, "--format", "json"])
    data = json.loads(json_out) if json_out.strip() else None
    listing = args[:1] in (["facts"], ["search"])
    problems = {}
    for width in WIDTHS:
        out, err = invoke([*common, "--format", "table"], env={"COLUMNS": str(width)})
        assert out.strip() or data in (None, []) or args[:1] == ["validate"], (args, width)
        said = err if args[:1] == ["validate"] else ""  # a clean book is reported on stderr
        wrong = check(out, data, width, listing, fact_ids(path), json_out, said)
        if wrong:
            problems[width] = wrong
    assert not problems, problems


def test_the_sweep_sees_a_cut_number():
    """The check itself: a view with a cut number, period or id fails it."""
    data = [{"fact": "hydrogen-revenue-2023", "value": 10.6, "value_base": 1060000000, "period": "1950s/1990s"}]
    ids = frozenset({"hydrogen-revenue-2023"})
    whole = "hydrogen-revenue-2023  10.6  1,060,000,000  1950s/1990s"
    assert check(whole, data, 80, False, ids, "") == []
    assert check("hydrogen-revenue-2023  10.6  106000000  1950s/1990s", data, 80, False, ids, "")
    assert check("hydrogen-revenue-2023  10.6  1,060,000,000  1950s/1990", data, 80, False, ids, "")
    assert check("hydrogen-revenue-20…  10.6  1,060,000,000  1950s/1990s", data, 80, False, ids, "")
    assert check("hydrogen-revenue-2023  10.  1,060,000,000  1950s/1990s", data, 80, False, ids, "")
    assert check(whole + " " * 30, data, 60, False, ids, "")  # wider than the terminal


def test_the_validation_report_keeps_every_line_and_column_whole(tmp_path):
    """jlp validate on a broken book: each problem's line and column, at every width."""
    text = EDGES.read_text(encoding="utf-8")
    broken = text.replace("kind: statistic", "kind: statistics", 2).replace("id: people\n", "id: People\n")
    broken += "\n  - {id: orphan-fact-with-a-rather-long-identifier-and-no-text, section: nowhere}\n" * 3
    folder = tmp_path / "a-rather-long-directory-name-for-the-report"
    folder.mkdir()
    path = folder / "broken-book.yaml"
    path.write_text(broken, encoding="utf-8")
    json_out, _ = invoke(["validate", "--facts", str(path), "--format", "json"])
    data = json.loads(json_out)
    assert len(data["problems"]) > 5
    for width in WIDTHS:
        out, _err = invoke(["validate", "--facts", str(path), "--format", "table"], env={"COLUMNS": str(width)})
        assert not check(out, data, width, False, frozenset(), json_out), (width, out)
