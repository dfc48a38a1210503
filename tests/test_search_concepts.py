"""The concept table (jlp_cli/data/concepts.txt): its format, that every
concept points at words the book contains, and what it does to queries."""

from __future__ import annotations

import pytest

from jlp_cli.search import concepts
from jlp_cli.search.engine import compile_query, search
from jlp_cli.search.query import _concept_forms

from .conftest import read_book

LINES = concepts.load()


def test_the_file_parses_and_is_not_small():
    assert len(LINES) >= 150
    assert {line.kind for line in LINES} == {"same", "asks", "question"}


@pytest.mark.parametrize("text, problem", [
    ("a", "two terms"),
    ("a > b > c", "more than one"),
    ("? how big", "needs '>'"),
    ("@figure | number", "can only be found"),
    ("a > @nothing", "unknown marker"),
])
def test_malformed_lines_are_refused(text, problem):
    with pytest.raises(ValueError, match=problem):
        concepts.parse(text)


def test_a_term_asks_on_one_line_only():
    """Two lines with the same asking key would silently merge."""
    seen: dict[str, int] = {}
    for line in LINES:
        for term in line.asking:
            key = concepts.key(term)
            assert seen.setdefault(key, line.number) == line.number, (term, seen[key], line.number)


def test_keys_are_folded_and_stemmed():
    assert concepts.key("Internet of Things") == "internet of thing"
    assert concepts.key("外資") == "外资"
    assert concepts.key("20世纪") == "20 世纪"


def test_rows_follow_the_kind_of_line():
    rows = concepts.rows(_write("aluminium | aluminum\nfdi > 外资\n? how big > km2 | @figure\n"))
    pairs = {(key, term): question for key, term, _tokens, _script, question in rows}
    assert pairs == {("aluminium", "aluminum"): 0, ("aluminum", "aluminium"): 0, ("fdi", "外资"): 0,
                     ("how big", "km2"): 1, ("how big", "@figure"): 1}
    scripts = {term: (tokens, script) for _key, term, tokens, script, _q in rows}
    assert scripts["外资"] == ("外 资", "zh") and scripts["@figure"] == (".figure.", "mark")
    assert scripts["aluminum"] == ("aluminum", "en")


def _write(text: str):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "concepts.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_concept_points_at_words_the_book_contains(shipped_store):
    """Each line has a term the shipped book holds (in its text, quote,
    entity names or figures), on the side that is found (right of >): a
    concept that finds nothing is dead weight."""
    dead = []
    for line in LINES:
        terms = dict.fromkeys(line.found)
        rows = [(term, *concepts.target(term), False) for term in terms]
        if not any(shipped_store.matches_any(form.fts()) for form in _concept_forms(rows)):
            dead.append(f"line {line.number}: {' | '.join(terms)}")
    assert dead == []


def test_the_store_holds_the_table(shipped_store):
    found = shipped_store.concepts({"外企", "how big"})
    assert ("外资企业", "外 资 企 业", "zh", False) in found["外企"]
    assert all(row[3] for row in found["how big"])  # a question


@pytest.mark.parametrize("query, fact", [
    ("外企", "new-foreign-enterprises-2024q1"),  # a Chinese short form
    ("营收", "hydrogen-revenue-2023"),
    ("aluminum coil", "caption-hot-rolled-aluminium-coil"),  # American spelling
    ("fdi", "foreign-investment-growth-rank-2024q1"),
    ("internet of things", "minzhucun-on-the-cloud-built"),  # several words, one concept
    ("hydrogen trucks", "qingling-hydrogen-vehicle-cabs"),  # an everyday word
    ("banyan trees", "minzhucun-huangjue-trees"),
    ("duty free", "departure-tax-refund-stores"),
])
def test_concepts_find_what_the_book_says_another_way(shipped_store, query, fact):
    assert search(shipped_store, query, limit=3)[0].fact["id"] == fact


def test_concepts_hold_for_every_form_of_a_word(shipped_store):
    def notes(query):
        return {f.note for f in compile_query(shipped_store, query).all_forms() if f.kind == "synonym"}

    assert notes("renew") == notes("renewal") >= {"regeneration", "renovation", "更新"}
    assert "aluminium" in notes("aluminum") and "aluminum" in notes("aluminium")


def test_a_question_phrase_ranks_but_never_decides(shipped_store):
    """how big asks for an area: the fact with one ranks first, and a fact
    without one still matches every word of the query."""
    query = compile_query(shipped_store, "how big is the hydrogen valley")
    assert [(p.text, p.optional) for p in query.pieces] == [("hydrogen", False), ("valley", False),
                                                             ("how big", True)]
    hits = search(shipped_store, "how big is the hydrogen valley", limit=None)
    assert hits[0].fact["id"] == "western-hydrogen-valley-site"
    components = next(h for h in hits if h.fact["id"] == "western-hydrogen-valley-components")
    assert components.complete


@pytest.mark.parametrize("query, pieces", [
    ("九龙坡区氢能产业收入多少", [("九龙坡区", False), ("氢能产业", False), ("收入", False), ("多少", True)]),
    ("qingneng shouru duoshao", [("qingneng", False), ("shouru", False), ("duoshao", True)]),
    ("how much revenue did the hydrogen industry make",
     [("revenue", False), ("hydrogen", False), ("industry", False), ("make", False), ("how much", True)]),
    ("how is the hydrogen industry doing", [("hydrogen", False), ("industry", False)]),
])
def test_a_question_as_people_type_it_asks_only_for_its_content_words(shipped_store, query, pieces):
    """The question words (多少, duoshao, how much) only rank: a fact need not
    match them to match every word; how alone is not searched at all."""
    assert [(p.text, p.optional) for p in compile_query(shipped_store, query).pieces] == pieces


@pytest.mark.parametrize("query", ["重庆数字大厦有什么作用", "重庆数字大厦的作用是什么", "what is the chongqing digital building for"])
def test_asking_what_a_thing_is_for_finds_the_fact_that_says_what_it_does(shipped_store, query):
    """有什么作用 asks what a thing does; the fact answers with 发挥…功能. The
    "three roles" (三个作用) of another fact are no answer."""
    hits = [hit.fact["id"] for hit in search(shipped_store, query, limit=3)]
    assert hits[0] == "chongqing-digital-building-clustering"
    assert "three-roles" not in hits[:2]


def test_a_question_alone_still_answers(shipped_store):
    assert search(shipped_store, "多少", limit=5)
    assert search(shipped_store, "how many", limit=5)


@pytest.mark.parametrize("query", ["when", "哪年", "什么时候"])
def test_a_when_question_alone_finds_every_dated_fact(shipped_store, query):
    dated = {f["id"] for f in read_book()["facts"]
             if f.get("period") or any(figure.get("period") for figure in f.get("figures") or [])}
    assert len(dated) >= 4
    assert dated <= {hit.fact["id"] for hit in search(shipped_store, query, limit=None)}


@pytest.mark.parametrize("query", ["多少", "how many"])
def test_a_how_many_question_alone_finds_every_fact_with_a_figure(shipped_store, query):
    with_figure = {f["id"] for f in read_book()["facts"] if f.get("figures")}
    assert len(with_figure) >= 10
    assert with_figure <= {hit.fact["id"] for hit in search(shipped_store, query, limit=None)}


@pytest.mark.parametrize("query, fact", [
    ("popular", "caption-hot-rolled-aluminium-coil"),  # not the hot of hot-rolled
    ("rank", "old-place-new-life"),  # not the place of old place
    ("finance", "yangtze-riverside-greenery"),  # not the banks of the Yangtze
    ("factory", "chongqing-strategic-fulcrum-and-hub"),  # not the district's work
    ("engine", "qingling-digital-welding-workshop"),  # not Qingling Motors
    ("produce", "better-lives-for-the-people"),  # not make people's lives better
])
def test_no_concept_finds_a_word_of_another_meaning(shipped_store, query, fact):
    assert fact not in {hit.fact["id"] for hit in search(shipped_store, query, limit=None)}


@pytest.mark.parametrize("term, stored", [
    ("first quarter", ("first quarter", "en")),  # several words: each stemmed, one space apart
    ("Internet of Things", ("internet of thing", "en")),
    ("氢能", ("氢 能", "zh")),  # Chinese: one token a character
    ("km2", ("km2", "en")),
])
def test_a_concept_term_is_stored_as_the_tokens_a_query_meets(term, stored):
    assert concepts.target(term) == stored
