"""jlp search through the CLI (CliRunner): several words without quotes,
--all, and the notes a person at a terminal gets on stderr."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from jlp_cli.cli import output
from jlp_cli.cli.app import app

from .conftest import MINI

runner = CliRunner()
FACT_KEYS = ["id", "section", "kind", "text", "quote", "entities", "figures", "tags", "period"]


def jlp(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture()
def terminal(monkeypatch):
    """stdout is a terminal (no colour, no pager), as a person runs jlp."""
    monkeypatch.setattr(output.Terminal, "detect",
                        classmethod(lambda cls, stream, settings, no_color=False: cls(is_tty=True, color=False)))


def test_several_unquoted_words_are_one_query():
    result = jlp("search", "digital", "building", "--json", "-n", "2")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["id"] in ("caption-chongqing-digital-building",
                                                  "chongqing-digital-building-clustering")
    assert jlp("search", "digital building", "--json", "-n", "2").stdout == result.stdout


def test_best_match_answers_when_no_fact_has_every_word():
    result = jlp("search", "hydrogen", "火星", "--json")
    assert result.exit_code == 0
    hits = json.loads(result.stdout)
    assert hits and all("hydrogen" in hit["text"]["en"].lower() for hit in hits)
    assert list(hits[0]) == FACT_KEYS + ["score"]  # the JSON of a partial match is a hit like any other


def test_all_asks_for_every_word():
    result = jlp("search", "hydrogen", "火星", "--all", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout) == []
    assert "--all" in result.stderr  # the hint says what to drop
    hits = json.loads(jlp("search", "hydrogen", "revenue", "--all", "--json").stdout)
    assert [hit["id"] for hit in hits] == ["hydrogen-revenue-2023"]


def test_explain_names_the_words_a_result_leaves_unmatched():
    hits = json.loads(jlp("search", "hydrogen", "火星", "--json", "--explain", "-n", "1").stdout)
    assert hits[0]["explain"]["unmatched"] == ["火星"]
    hits = json.loads(jlp("search", "hydrogen revenue", "--json", "--explain", "-n", "1").stdout)
    assert hits[0]["explain"]["unmatched"] == []


def test_a_terminal_is_told_when_no_fact_has_every_word(terminal):
    result = jlp("search", "hydrogen", "火星", "-n", "2")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert "jlp: no fact has all of: hydrogen, 火星; showing best partial matches" in lines
    assert "jlp: showing 2 of 10 (--limit 0 for all)" in lines


def test_a_terminal_is_told_when_the_limit_cuts_the_results(terminal):
    result = jlp("search", "hydrogen", "-n", "3")
    assert result.stderr.splitlines() == ["jlp: showing 3 of 10 (--limit 0 for all)"]
    assert jlp("search", "hydrogen", "-n", "0").stderr == ""  # all shown
    assert jlp("search", "hydrogen revenue", "-n", "20").stderr == ""  # fewer than the limit, all complete


def test_a_terminal_is_not_told_of_a_cut_when_the_limit_is_exactly_the_number_found(terminal):
    assert len(json.loads(jlp("search", "hydrogen", "-n", "0", "--json").stdout)) == 10
    result = jlp("search", "hydrogen", "-n", "10")
    assert result.exit_code == 0 and result.stderr == ""
    assert jlp("search", "hydrogen", "-n", "9").stderr.splitlines() == ["jlp: showing 9 of 10 (--limit 0 for all)"]


def test_scripts_get_no_notes():
    """In a pipe stderr stays quiet: the notes are for people."""
    for args in (["hydrogen", "火星", "-n", "2"], ["hydrogen", "-n", "3", "--json"]):
        assert jlp("search", *args).stderr == ""


def test_a_query_of_unknown_words_finds_nothing():
    result = jlp("search", "bitcoin", "mining", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout) == []


def test_a_terminal_is_told_when_the_one_word_typed_is_only_nearly_found(terminal):
    """5亿 is only part of the 2.5亿 that the fact writes: one word, so the
    note speaks of it, not of 'all of' the words."""
    result = jlp("search", "5亿", "--facts", str(MINI))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == ["jlp: no fact has 5亿 as such; showing near matches"]
    assert jlp("search", "2.5亿", "--facts", str(MINI)).stderr == ""  # the whole number: no note


def test_explain_says_for_each_match_its_column_form_tokens_note_piece_and_quality():
    """A half-typed word is a prefix: its tokens end in *, its note is the word
    with …; a word matched as typed has no note (null, not ""); qualities
    and score parts keep three decimals."""
    explain = json.loads(jlp("search", "hydr", "--json", "--explain", "-n", "1").stdout)[0]["explain"]
    assert explain["matches"][:2] == [
        {"column": "en", "form": "prefix", "tokens": "hydr*", "note": "hydr…", "piece": "hydr", "quality": 0.7},
        {"column": "names", "form": "prefix", "tokens": "hydr*", "note": "hydr…", "piece": "hydr", "quality": 0.269},
    ]
    explain = json.loads(jlp("search", "hydrogen ", "--json", "--explain", "-n", "1").stdout)[0]["explain"]
    assert explain["matches"][0] == {"column": "en", "form": "english", "tokens": "hydrogen", "note": None,
                                     "piece": "hydrogen", "quality": 1.0}
    assert explain["score_parts"] == {"match": 10.0, "bm25": 4.0, "phrase": 0.0, "entity": 0.0, "early": 0.929}


def test_the_score_of_a_result_is_the_sum_of_its_parts_to_four_decimals():
    hit = json.loads(jlp("search", "hydrogen", "--json", "--explain", "-n", "1").stdout)[0]
    assert hit["score"] == 14.9286
    assert abs(hit["score"] - sum(hit["explain"]["score_parts"].values())) < 0.001


def test_explain_shows_a_typo_corrected_counting_for_less_than_the_word_itself():
    hit = json.loads(jlp("search", "hydrogn", "--json", "--explain", "-n", "1").stdout)[0]
    assert hit["explain"]["matches"][0] == {"column": "en", "form": "typo", "tokens": "hydrogen", "note": "hydrogen",
                                            "piece": "hydrogn", "quality": 0.6}
    assert hit["explain"]["score_parts"]["match"] == 6.0  # hydrogen typed right: 10.0


@pytest.mark.parametrize("words, message, hint", [
    (["hydrogen"] * 17, "the query has 17 separate words; the limit is 16.", "search for fewer words"),
    (["氢" * 501], "the query is 501 characters long; the limit is 500.", "search for a few words or characters"),
    (["？！"], "the query has no letters, digits or characters to search for.",
     "try a word such as 氢能, hydrogen or qingneng"),
])
def test_a_query_too_long_or_with_nothing_to_search_for_is_refused_saying_what_to_do(words, message, hint):
    result = jlp("search", *words)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"jlp: {message}", f"hint: {hint}"]


def test_a_query_of_sixteen_words_or_500_characters_is_searched():
    assert jlp("search", *["hydrogen"] * 16, "--json").exit_code == 0
    assert jlp("search", "氢" * 500, "--json").exit_code in (0, 1)  # searched: found or not, no usage error


HYDROGEN_PROJECTS = {"western-hydrogen-valley-site", "western-hydrogen-valley-components", "hydrogen-major-projects"}


@pytest.mark.parametrize("query", [["hydrogen"], ["hydrogen", "火星"], ["hydrogen", "revenue"], ["氫能"]])
def test_a_kind_filter_keeps_every_result_of_a_search_of_that_kind(query):
    """Of the ten facts that say hydrogen only the three projects come back,
    whether every word is matched or only some of them."""
    result = jlp("search", *query, "--kind", "project", "--json")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)
    assert {hit["id"] for hit in hits} == HYDROGEN_PROJECTS
    assert {hit["kind"] for hit in hits} == {"project"}


def test_every_word_with_a_filter_that_excludes_the_fact_finds_nothing():
    assert [hit["id"] for hit in json.loads(jlp("search", "hydrogen", "revenue", "--all", "--kind", "statistic",
                                                "--json").stdout)] == ["hydrogen-revenue-2023"]
    result = jlp("search", "hydrogen", "revenue", "--all", "--kind", "goal", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout) == []


def test_the_all_hint_is_given_only_when_the_filtered_facts_match_some_of_the_words():
    """No place says hydrogen: dropping --all would find nothing either, so
    the hint is the general one, not 'without --all'."""
    result = jlp("search", "hydrogen", "火星", "--all", "--kind", "place")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "jlp: no fact matches 'hydrogen 火星'.",
        "hint: try fewer words, another spelling, pinyin or English; filters narrow the search too"]
    result = jlp("search", "hydrogen", "火星", "--all", "--kind", "project")
    assert result.stderr.splitlines()[-1] == "hint: without --all, facts that match some of the words are shown"


def test_a_terminal_is_told_how_many_facts_the_filter_leaves_when_the_limit_cuts_them(terminal):
    result = jlp("search", "hydrogen", "--kind", "project", "-n", "2")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["jlp: showing 2 of 3 (--limit 0 for all)"]
    assert jlp("search", "hydrogen", "--kind", "project", "-n", "3").stderr == ""


def test_words_typed_in_the_order_the_fact_says_them_score_a_phrase_part_of_three():
    together = json.loads(jlp("search", "red brick buildings", "--json", "--explain", "-n", "1").stdout)[0]
    apart = json.loads(jlp("search", "buildings red brick", "--json", "--explain", "-n", "1").stdout)[0]
    assert together["id"] == apart["id"] == "minzhucun-red-brick-buildings"
    assert together["explain"]["score_parts"]["phrase"] == 3.0
    assert apart["explain"]["score_parts"]["phrase"] == 0.0
    assert together["score"] == round(apart["score"] + 3.0, 4)


def test_the_count_of_a_cut_question_counts_only_facts_with_the_words_asked_for(terminal):
    """how much only ranks: the ten facts that say hydrogen are counted, not
    every fact that states a number."""
    result = jlp("search", "how much hydrogen 火星", "-n", "2")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["jlp: no fact has all of: hydrogen, 火星; showing best partial matches",
                                          "jlp: showing 2 of 10 (--limit 0 for all)"]


@pytest.mark.parametrize("query, piece", [("how much hydrogen revenue", "how much"), ("氢能产业营收多少", "多少")])
def test_explain_shows_a_how_much_question_met_by_a_figure_counting_for_less_than_a_word(query, piece):
    hit = json.loads(jlp("search", query, "--json", "--explain", "-n", "1").stdout)[0]
    assert hit["id"] == "hydrogen-revenue-2023"
    assert [m for m in hit["explain"]["matches"] if m["piece"] == piece] == [
        {"column": "num", "form": "mark", "tokens": ".figure.", "note": "@figure", "piece": piece, "quality": 0.675}]
    assert hit["explain"]["score_parts"]["question"] == 1.35


def test_twenty_results_by_default_and_limit_zero_gives_all_that_the_note_counts(terminal):
    result = jlp("search", "jiulongpo")
    assert result.stderr.splitlines() == ["jlp: showing 20 of 79 (--limit 0 for all)"]
    assert len(json.loads(jlp("search", "jiulongpo", "--json").stdout)) == 20
    assert len(json.loads(jlp("search", "jiulongpo", "-n", "0", "--json").stdout)) == 79
