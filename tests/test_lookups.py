"""What commands ask of a store, on books made for the edges the shipped
book lacks: overlapping periods, figures without a value, capitalised
metrics, a book without headline tags, ties among the entities a card
lists, numbers written with 万, characters of the CJK extensions."""

from __future__ import annotations

import pytest
import yaml

from jlp_cli import lookups
from jlp_cli.search.engine import search
from jlp_cli.search.normalize import fold_text

from .conftest import MINI, book_with, open_store

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


# -- what an unknown name is told ------------------------------------------------------

def usage_error(call):
    from jlp_cli.errors import UsageError

    with pytest.raises(UsageError) as caught:
        call()
    return caught.value


def test_a_near_miss_of_a_kind_or_type_is_told_the_close_one():
    error = usage_error(lambda: lookups.check_kind("statistics"))
    assert (error.message, error.hint) == ("there is no fact kind 'statistics'", "did you mean 'statistic'?")
    error = usage_error(lambda: lookups.check_entity_type("compny"))
    assert (error.message, error.hint) == ("there is no entity type 'compny'", "did you mean 'company'?")


def test_a_word_close_to_nothing_is_shown_every_choice():
    from jlp_cli.vocabulary import ENTITY_TYPES, FACT_KINDS

    error = usage_error(lambda: lookups.check_kind("zzz"))
    assert error.hint == "choose one of: " + ", ".join(FACT_KINDS)  # 11 kinds: all shown, no "…"
    error = usage_error(lambda: lookups.check_entity_type("zzz"))
    assert error.hint == "choose one of: " + ", ".join(ENTITY_TYPES)


def test_known_kinds_and_types_pass_through_and_none_means_no_filter():
    assert lookups.check_kind("goal") == "goal" and lookups.check_kind(None) is None
    assert lookups.check_entity_type("company") == "company" and lookups.check_entity_type(None) is None


@pytest.mark.parametrize("count", [12, 13])
def test_more_than_twelve_choices_are_cut_with_an_ellipsis(tmp_path, count):
    tags = [f"tag{n:02d}" for n in range(count)]

    def only_these_tags(book):
        for fact in book["facts"]:
            fact["tags"] = []
        book["facts"][0]["tags"] = tags

    store = open_store(book_with(tmp_path, only_these_tags))
    error = usage_error(lambda: lookups.check_tag(store, "qqq"))
    assert error.message == "no fact has the tag 'qqq'"
    assert error.hint == "choose one of: " + ", ".join(tags[:12]) + (", …" if count > 12 else "")
    assert lookups.check_tag(store, tags[0]) == tags[0]


def test_a_tag_near_a_real_one_is_told_it(tmp_path):
    store = open_store(MINI)
    error = usage_error(lambda: lookups.check_tag(store, "hydrogn"))
    assert error.hint == "did you mean 'hydrogen'?"


def test_sections_resolve_by_id_number_or_prefix_and_say_what_is_wrong():
    store = open_store(MINI)
    assert lookups.resolve_section(store, "industry") == "industry"
    assert lookups.resolve_section(store, " INDUSTRY ") == "industry"
    assert lookups.resolve_section(store, "0") == "intro"  # the number is the book's order
    assert lookups.resolve_section(store, "1") == "industry"
    assert lookups.resolve_section(store, "ind") == "industry"
    error = usage_error(lambda: lookups.resolve_section(store, "indstry"))
    assert (error.message, error.hint) == ("there is no section 'indstry'", "did you mean 'industry' or 'intro'?")
    error = usage_error(lambda: lookups.resolve_section(store, "qqq"))
    assert error.hint == "choose one of: intro, industry"
    error = usage_error(lambda: lookups.resolve_section(store, "i"))
    assert (error.message, error.hint) == ("section 'i' is ambiguous", "it could be intro, industry")


def test_with_headline_tags_the_overview_shows_theirs():
    store = open_store(MINI)
    headline = lookups.overview(store)["headline_figures"]
    assert headline and headline == lookups.figures(store, tag="headline")
    assert len(headline) < len(lookups.figures(store))


def test_a_hint_at_half_the_letters_still_names_the_word():
    error = usage_error(lambda: lookups.check_kind("sl"))  # 'slogan': a similarity of exactly one half
    assert error.hint == "did you mean 'slogan'?"


def test_did_you_mean_names_the_three_closest_at_most():
    from jlp_cli.errors import did_you_mean

    choices = ["hydrogen-a", "hydrogen-b", "hydrogen-c", "hydrogen-d", "aluminium"]
    hint = did_you_mean("hydrogen-x", choices)
    assert hint.startswith("did you mean ") and hint.endswith("?")
    named = hint.removeprefix("did you mean ").removesuffix("?").split(" or ")
    assert len(named) == 3 and set(named) < {"'hydrogen-a'", "'hydrogen-b'", "'hydrogen-c'", "'hydrogen-d'"}
    assert did_you_mean("zzz", choices) is None
    assert did_you_mean("hydro", choices, cutoff=0.9) is None and did_you_mean("hydro", choices, cutoff=0.5)


def test_a_name_that_starts_several_entities_asks_which_one():
    store = open_store(MINI)
    error = usage_error(lambda: lookups.resolve_entity(store, "Lake"))
    assert error.message == "'Lake' names several entities"
    assert error.hint.startswith("use one of the ids: ")
    assert sorted(error.hint.removeprefix("use one of the ids: ").split(", ")) == ["lake-aluminium", "lakeside-town"]
    assert lookups.resolve_entity(store, "Lakes") == "lakeside-town"  # one name starts so: no question
    assert lookups.resolve_entity(store, "lake-aluminium") == "lake-aluminium"


def test_a_fact_by_its_id_in_any_case_by_a_unique_start_or_told_what_it_could_be(tmp_path):
    from jlp_cli.errors import NotFound

    def an_id_inside_another(book):
        for fact in book["facts"]:
            if fact["id"] == "old-street-houses":
                fact["id"] = "old-street-renewal-houses"

    store = open_store(book_with(tmp_path, an_id_inside_another))
    assert lookups.fact(store, "old-street-renewal")["id"] == "old-street-renewal"  # whole, though it starts another
    assert lookups.fact(store, " OLD-STREET-RENEWAL-HOUSES ")["id"] == "old-street-renewal-houses"
    assert lookups.fact(store, "Old-Street-Renewal")["id"] == "old-street-renewal"  # any case, though it starts another
    assert lookups.fact(store, "old-street-renewal-h")["id"] == "old-street-renewal-houses"
    assert lookups.fact(store, "alum")["id"] == "aluminium-ingots"
    with pytest.raises(NotFound) as caught:
        lookups.fact(store, "old-street-r")
    assert caught.value.message == "'old-street-r' is the start of several fact ids"
    assert caught.value.hint == "it could be old-street-renewal, old-street-renewal-houses"
    with pytest.raises(NotFound) as caught:
        lookups.fact(store, "aluminium-ingot-x")
    assert caught.value.message == "there is no fact 'aluminium-ingot-x'"
    assert caught.value.hint == "did you mean 'aluminium-ingots'?"
    with pytest.raises(NotFound) as caught:
        lookups.fact(store, "aiuminium-ingots")  # a slip at the second letter is still close
    assert caught.value.hint == "did you mean 'aluminium-ingots'?"
    with pytest.raises(NotFound) as caught:
        lookups.fact(store, "bluminium-ingots")  # ids are offered by their first letter
    assert caught.value.hint == "list the ids with 'jlp facts', or try 'jlp search bluminium-ingots'"


def test_at_most_six_ids_are_offered_for_a_start_that_fits_many(tmp_path):
    from jlp_cli.errors import NotFound

    from .conftest import SHIPPED

    store = open_store(SHIPPED)
    ids = [f["id"] for f in lookups.facts(store)]
    start = max({i[:2] for i in ids}, key=lambda s: sum(i.startswith(s) for i in ids))
    assert sum(i.startswith(start) for i in ids) > 6
    with pytest.raises(NotFound) as caught:
        lookups.fact(store, start)
    assert len(caught.value.hint.removeprefix("it could be ").split(", ")) == 6


def test_an_unknown_entity_is_told_the_close_id_and_an_empty_section_name_is_no_prefix():
    from jlp_cli.errors import NotFound

    store = open_store(MINI)
    with pytest.raises(NotFound) as caught:
        lookups.resolve_entity(store, "Lakeside-Twn")
    assert (caught.value.message, caught.value.hint) == ("no entity is named 'Lakeside-Twn'",
                                                         "did you mean 'lakeside-town'?")
    error = usage_error(lambda: lookups.resolve_entity(store, "Lakeside-Twn", usage=True))
    assert error.hint == "did you mean 'lakeside-town'?"
    with pytest.raises(NotFound) as caught:
        lookups.resolve_entity(store, "qqqq")
    assert caught.value.hint == "'jlp entities' lists them; 'jlp search qqqq' finds the facts that mention it"
    error = usage_error(lambda: lookups.resolve_section(store, "  "))
    assert error.message == "there is no section '  '"
    with pytest.raises(NotFound) as caught:
        lookups.resolve_entity(store, "lksid")  # half its letters or so: still offered
    assert caught.value.hint == "did you mean 'lakeside-town'?"


def test_a_name_that_starts_many_entities_offers_twelve_ids_on_one_line(tmp_path):
    def thirteen_lakes(book):
        book["entities"] += [{"id": f"lake-{n:02}", "type": "place", "name": {"zh": f"湖{n}", "en": f"Lake {n}"}}
                             for n in range(1, 14)]
        book["facts"][0]["entities"] += [f"lake-{n:02}" for n in range(1, 14)]

    store = open_store(book_with(tmp_path, thirteen_lakes))
    error = usage_error(lambda: lookups.resolve_entity(store, "Lake "))
    offered = error.hint.removeprefix("use one of the ids: ").split(", ")
    named = {f"lake-{n:02}" for n in range(1, 14)} | {"lakeside-town", "lake-aluminium"}  # 15 start so
    assert len(offered) == 12 and set(offered) <= named
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


def test_an_entity_asked_for_by_its_id_is_that_entity_even_when_another_is_called_so(tmp_path):
    # Hupan is an alias of Lakeside Town and the id of a park: the id is unique, the name is not.
    def park(book):
        book["entities"].append({"id": "hupan", "type": "place", "name": {"zh": "湖畔公园", "en": "Hupan Park"}})
        book["facts"][0]["entities"].append("hupan")

    store = open_store(book_with(tmp_path, park), cache_dir=None)
    assert lookups.resolve_entity(store, "hupan") == "hupan"
    assert lookups.entity_card(store, "hupan")["name"]["en"] == "Hupan Park"
    error = usage_error(lambda: lookups.resolve_entity(store, "Hupan "))  # a name, as typed: both are so named
    assert error.hint == "use one of the ids: lakeside-town, hupan"


def test_a_section_is_named_by_the_start_of_its_id_not_by_any_part_of_it(mini_store):
    from jlp_cli.errors import UsageError

    assert lookups.resolve_section(mini_store, "ind") == "industry"
    assert lookups.resolve_section(mini_store, "1") == "industry"
    for typed in ("dustry", "tro"):
        with pytest.raises(UsageError) as error:
            lookups.resolve_section(mini_store, typed)
        assert error.value.message == f"there is no section {typed!r}"


def test_figures_cannot_be_sorted_by_anything_else_and_say_by_what_they_can():
    from jlp_cli.store.reader import FactStore

    error = usage_error(lambda: lookups.figures(open_store(MINI), sort="size"))
    assert error.message == "cannot sort figures by 'size'"
    assert error.hint == "use one of: " + ", ".join(lookups.FIGURE_SORTS)
    assert set(lookups.FIGURE_SORTS) <= set(FactStore.FIGURE_ORDER)


def test_entities_of_a_type_are_listed_in_the_books_order_not_by_id(tmp_path):
    def old_street_first(book):
        book["entities"][0], book["entities"][1] = book["entities"][1], book["entities"][0]

    store = open_store(book_with(tmp_path, old_street_first), cache_dir=None)
    assert [e["id"] for e in lookups.entities(store, "place")] == ["old-street", "lakeside-town"]
    assert [e["id"] for e in lookups.entities(store)][:2] == ["old-street", "lakeside-town"]


# -- orders and counts a script reads --------------------------------------------------------

def test_figures_in_reverse_are_the_exact_reverse_ties_included(mini_store):
    """Figures of the same period (two in 2022, two in 2023-Q1) come in reverse book order too."""
    forward = [(r["fact"], r["metric"]["en"]) for r in lookups.figures(mini_store, sort="period")]
    backward = [(r["fact"], r["metric"]["en"]) for r in lookups.figures(mini_store, sort="period", descending=True)]
    assert backward == forward[::-1]
    assert backward[:2] == [("foreign-capital-2023-q1", "rank in the city"),
                            ("foreign-capital-2023-q1", "growth in the number of new foreign-invested enterprises")]


def test_the_overview_counts_every_kind_of_record(mini_store):
    assert lookups.overview(mini_store)["counts"] == {"sections": 2, "entities": 4, "facts": 5, "figures": 5}


def test_an_unknown_tag_is_shown_every_tag_in_alphabetical_order(mini_store):
    with pytest.raises(lookups.UsageError) as caught:
        lookups.check_tag(mini_store, "zzzz")
    assert (caught.value.message, caught.value.hint) == (
        "no fact has the tag 'zzzz'",
        "choose one of: aluminium, foreign-investment, headline, heritage, hydrogen, urban-renewal")


@pytest.mark.parametrize("typed, section", [("0", "intro"), ("1", "industry"), (" Intro ", "intro"), ("ind", "industry")])
def test_a_section_is_found_by_its_number_from_zero(mini_store, typed, section):
    assert lookups.resolve_section(mini_store, typed) == section


def test_an_entity_named_twice_in_one_fact_counts_that_fact_once(tmp_path):
    def twice(book):
        book["facts"][3]["entities"] = ["lake-aluminium", "lake-aluminium"]

    store = open_store(book_with(tmp_path, twice), cache_dir=None)
    card = lookups.entity_card(store, "lake-aluminium")
    assert (card["fact_count"], [f["id"] for f in card["facts"]]) == (1, ["aluminium-ingots"])
    assert {e["id"]: e["fact_count"] for e in lookups.entities(store)}["lake-aluminium"] == 1


def test_a_fact_without_a_period_of_its_own_is_dated_by_its_first_figure(tmp_path):
    def undated(book):
        book["facts"][2]["period"] = None  # its figures still say 2022

    rows = lookups.timeline(open_store(book_with(tmp_path, undated), cache_dir=None))
    assert [(r["fact"], r["period"]) for r in rows] == [
        ("old-street-houses", "1960s/1980s"), ("hydrogen-revenue-2022", "2022"), ("foreign-capital-2023-q1", "2023-Q1")]
