"""What commands ask of a store, on books made for the edges the shipped
book lacks: overlapping periods, figures without a value, capitalised
metrics, a book without headline tags, ties among the entities a card
lists, numbers written with 万, characters of the CJK extensions."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from jlp_cli import lookups
from jlp_cli.search.engine import search
from jlp_cli.search.normalize import fold_text

from .conftest import MINI, open_store

BASE = yaml.safe_load(MINI.read_text(encoding="utf-8"))


def book_with(tmp_path: Path, change) -> Path:
    book = copy.deepcopy(BASE)
    change(book)
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# -- the timeline ----------------------------------------------------------------------

PERIODS = {  # fact id → period; the order by start is not the order by end
    "old-street-renewal": "2020/2024",
    "aluminium-ingots": "2021-Q3",
    "old-street-houses": "1960s/1980s",
    "hydrogen-revenue-2022": "2022",
    "foreign-capital-2023-q1": "2021-06",
}


def test_the_timeline_runs_by_start_then_end(tmp_path):
    def dated(book):
        for fact in book["facts"]:
            fact["period"] = PERIODS[fact["id"]]
            for figure in fact.get("figures", []):
                figure["period"] = PERIODS[fact["id"]]

    rows = lookups.timeline(open_store(book_with(tmp_path, dated), cache_dir=None))
    assert [r["fact"] for r in rows] == ["old-street-houses", "old-street-renewal", "foreign-capital-2023-q1",
                                         "aluminium-ingots", "hydrogen-revenue-2022"]
    assert [(r["start"], r["end"]) for r in rows] == [("1960-01", "1989-12"), ("2020-01", "2024-12"),
                                                      ("2021-06", "2021-06"), ("2021-07", "2021-09"),
                                                      ("2022-01", "2022-12")]


def test_facts_of_the_same_start_run_by_end(tmp_path):
    def same_start(book):
        for fact in book["facts"]:
            fact["period"] = None
            for figure in fact.get("figures", []):
                figure["period"] = None
        book["facts"][0]["period"] = "2022/2024"
        book["facts"][2]["period"] = "2022"

    rows = lookups.timeline(open_store(book_with(tmp_path, same_start), cache_dir=None))
    assert [r["period"] for r in rows] == ["2022", "2022/2024"]


def test_a_fact_is_dated_by_its_own_period_before_its_figures(tmp_path):
    def figure_of_another_year(book):
        book["facts"][2]["figures"][0]["period"] = "2021-Q4"  # the fact itself says 2022

    rows = lookups.timeline(open_store(book_with(tmp_path, figure_of_another_year), cache_dir=None))
    row = next(r for r in rows if r["fact"] == "hydrogen-revenue-2022")
    assert (row["period"], row["start"], row["end"]) == ("2022", "2022-01", "2022-12")


# -- figures ------------------------------------------------------------------------------

@pytest.mark.parametrize("sort", ["value", "value_base", "period"])
@pytest.mark.parametrize("descending", [False, True])
def test_figures_without_the_sorted_value_come_last_either_way(tmp_path, sort, descending):
    def a_sum(book):
        fact = book["facts"][4]
        fact["text"]["zh"] += "“1+8”平台。"
        fact["quote"] += "，“1+8”平台"
        fact["figures"].append({"metric": {"zh": "平台数", "en": "number of platforms"}, "components": [1, 8],
                                "as_written": "1+8"})

    store = open_store(book_with(tmp_path, a_sum), cache_dir=None)
    rows = lookups.figures(store, sort=sort, descending=descending)
    keys = [r[sort] for r in rows]
    present = [k for k in keys if k is not None]
    assert keys == present + [None] * (len(keys) - len(present)), keys
    assert present == sorted(present, reverse=descending)
    assert None in keys


def test_figures_by_metric_ignore_capitals(tmp_path):
    def capitalised(book):
        book["facts"][2]["figures"][0]["metric"]["en"] = "Hydrogen industry operating revenue"
        book["facts"][4]["figures"][1]["metric"]["en"] = "Rank in the city"

    store = open_store(book_with(tmp_path, capitalised), cache_dir=None)
    metrics = [r["metric"]["en"] for r in lookups.figures(store, sort="metric")]
    assert metrics == ["construction period of the houses", "growth in the number of new foreign-invested enterprises",
                       "Hydrogen industry operating revenue", "Rank in the city", "year-on-year revenue growth"]
    assert [r["metric"]["en"] for r in lookups.figures(store, sort="metric", descending=True)] == metrics[::-1]


def test_without_headline_tags_the_overview_shows_the_first_six_figures(tmp_path):
    from .conftest import SHIPPED

    book = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    for fact in book["facts"]:
        fact["tags"] = [tag for tag in fact["tags"] if tag != "headline"]
    path = tmp_path / "untagged.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    store = open_store(path, cache_dir=None)
    shown = lookups.overview(store)["headline_figures"]
    assert len(shown) == 6
    assert shown == lookups.figures(store)[:6]


def test_figures_in_book_order_keep_each_facts_figures_together(shipped_store):
    rows = lookups.figures(shipped_store)
    facts = [r["fact"] for r in rows]
    assert facts == sorted(facts, key=facts.index)  # no fact's figures interleave with another's


# -- characters of the CJK extensions --------------------------------------------------------

def _pairs() -> list[tuple[str, str]]:
    from jlp_cli.search.normalize import _t2s_pairs

    raw = _t2s_pairs()
    return [(raw[i], raw[i + 1]) for i in range(0, len(raw), 2)]


def test_every_traditional_character_of_the_table_folds_in_running_text():
    """Folding goes through the same path as indexing and queries, for the
    characters of every block: the basic one and extensions A and B."""
    pairs = _pairs()
    blocks = {"basic": 0, "extension": 0}
    for traditional, simple in pairs:
        assert fold_text(f"a{traditional}b") == f"a{simple}b", (traditional, simple)
        blocks["basic" if 0x4E00 <= ord(traditional) <= 0x9FFF else "extension"] += 1
    assert blocks["extension"] > 100


def test_a_fact_with_an_extension_character_is_found_in_traditional(tmp_path):
    traditional, simple = next((t, s) for t, s in _pairs() if 0x3400 <= ord(t) <= 0x4DBF and 0x3400 <= ord(s) <= 0x4DBF)

    def with_rare_character(book):
        book["facts"][3]["text"]["zh"] = f"湖光铝每年生产铝合金铸锭和{simple}{simple}。"

    store = open_store(book_with(tmp_path, with_rare_character), cache_dir=None)
    assert [h.fact["id"] for h in search(store, traditional * 2)][:1] == ["aluminium-ingots"]


# -- numbers written with 万 -----------------------------------------------------------------

def test_a_number_typed_in_digits_finds_the_fact_that_writes_it_in_wan(tmp_path):
    def in_wan(book):
        fact = book["facts"][3]
        fact["text"] = {"zh": "湖光铝每年生产铝合金铸锭3.5万吨。",
                        "en": "Lakelight Aluminium produces aluminium alloy ingots every year."}

    store = open_store(book_with(tmp_path, in_wan), cache_dir=None)
    for typed in ("35000", "35,000", "三万五千"):
        assert [h.fact["id"] for h in search(store, typed)][:1] == ["aluminium-ingots"], typed


# -- ids --------------------------------------------------------------------------------------

def test_a_fact_id_prefix_of_several_facts_is_not_taken_for_one_of_them(mini_store):
    from jlp_cli.errors import NotFound

    assert lookups.fact(mini_store, "old-street-r")["id"] == "old-street-renewal"
    with pytest.raises(NotFound) as found:
        lookups.fact(mini_store, "old-street")
    assert "several fact ids" in found.value.message
    assert "old-street-renewal" in found.value.hint and "old-street-houses" in found.value.hint


# -- entity cards ------------------------------------------------------------------------------

def test_appears_with_lists_the_most_shared_first_then_in_book_order(tmp_path):
    def shares(book):  # lakeside-town shares one fact with old-street, two with hydrogen-industry
        book["facts"][4]["entities"] = ["lakeside-town", "hydrogen-industry"]

    store = open_store(book_with(tmp_path, shares), cache_dir=None)
    related = lookups.entity_card(store, "lakeside-town")["related"]
    assert [(r["id"], r["shared_facts"]) for r in related] == [("hydrogen-industry", 2), ("old-street", 1)]
    # Ties keep the order of the book's entities (old-street before hydrogen-industry), not of their ids.
    related = lookups.entity_card(open_store(MINI, cache_dir=None), "lakeside-town")["related"]
    assert [(r["id"], r["shared_facts"]) for r in related] == [("old-street", 1), ("hydrogen-industry", 1)]


def test_an_entity_is_found_by_the_start_of_a_name_in_either_language(mini_store):
    assert lookups.resolve_entity(mini_store, "老街") == "old-street"
    assert lookups.resolve_entity(mini_store, "湖光") == "lake-aluminium"
    assert lookups.resolve_entity(mini_store, "Lakelight") == "lake-aluminium"
    assert lookups.entity_card(mini_store, "老街")["id"] == "old-street"


def test_a_section_is_named_by_the_start_of_its_id_not_by_any_part_of_it(mini_store):
    from jlp_cli.errors import UsageError

    assert lookups.resolve_section(mini_store, "ind") == "industry"
    assert lookups.resolve_section(mini_store, "1") == "industry"
    for typed in ("dustry", "tro"):
        with pytest.raises(UsageError) as error:
            lookups.resolve_section(mini_store, typed)
        assert error.value.message == f"there is no section {typed!r}"
