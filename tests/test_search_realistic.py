"""Realistic queries (issue 10): how well ``jlp search`` answers what people type.

The suite is data, tests/search_suite/realistic.yaml (its header says how the
queries were written and what ``first``, ``top3`` and ``nothing`` mean); the
scoring is tests/search_suite/harness.py, which benchmarks/relevance.py uses
too. Two sets:

* realistic.yaml, 214 queries written from the user's side before the engine
  was changed: it then met 82 of them (MRR 0.368); best-match search meets
  212 (MRR 0.983). The two it misses are in ``KNOWN_MISSES``: a half-typed
  pinyin word that is the start of two words of the book (qingneng yingy:
  营业 or 应用, and the fact with 应用 says 氢能 three times), and a question
  whose two answers match its words alike (which factory did minzhu village
  belong to);
* fresh.yaml, 62 queries written afterwards as a held-out check, before any of
  them was run: the first run met 61 (MRR 0.977; the miss was a number with
  thousands separators, 1,060,000,000, now read as one number).

The score must not fall below what the engine reaches (``REQUIRED_*``), and
every case not in ``KNOWN_MISSES`` must pass. A case of the list that passes
is named in the test's output: take it off the list, so that it is guarded
too.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest
import yaml

from jlp_cli.errors import UsageError
from jlp_cli.search.engine import search

from .conftest import SHIPPED
from .search_suite.harness import FRESH as FRESH_PATH
from .search_suite.harness import KINDS, PERSONAS, RealisticCase, judge, load_realistic, score
from .test_search_relevance import CASES as KEYWORD_CASES
from .test_search_relevance import _check

# What the engine reaches: 212 of 214 cases, MRR 0.983 (issue 10 asked for at least 204 and 0.9).
REQUIRED_HITS = 212
REQUIRED_MRR = 0.98
# The fresh set: 62 of 62, MRR 0.992.
REQUIRED_FRESH_HITS = 62
REQUIRED_FRESH_MRR = 0.99

REALISTIC = load_realistic()
FRESH = load_realistic(FRESH_PATH)

#: The cases the engine fails today; see the module's docstring.
KNOWN_MISSES = frozenset({
    "qingneng yingy",
    "which factory did minzhu village belong to",
})


@lru_cache(maxsize=1)
def _facts() -> list[dict]:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["facts"]


def jlp_search(store):
    """jlp's engine as the harness wants it: every fact found, best first."""
    def run(query: str, **filters) -> list[str]:
        return [hit.fact["id"] for hit in search(store, query, limit=None, **filters)]
    return run


# --- the suite itself -------------------------------------------------------------

def test_every_named_fact_exists():
    known = {fact["id"] for fact in _facts()}
    for case in REALISTIC:
        assert set(case.wanted()) <= known, (case.query, set(case.wanted()) - known)


def test_the_suite_is_sound():
    assert len(REALISTIC) >= 130
    queries = [case.query for case in REALISTIC]
    assert len(queries) == len(set(queries)), "a query is in the suite twice"
    for case in REALISTIC:
        assert case.kind in KINDS and case.persona in PERSONAS, case.query
        assert (case.kind == "nothing") == case.nothing, case.query
    # Every kind of user and every kind of query is there, several times.
    for persona in PERSONAS:
        assert sum(case.persona == persona for case in REALISTIC) >= 20, persona
    for kind in KINDS:
        assert sum(case.kind == kind for case in REALISTIC) >= 3, kind
    assert KNOWN_MISSES <= set(queries), KNOWN_MISSES - set(queries)


def test_the_fresh_set_is_sound():
    known = {fact["id"] for fact in _facts()}
    assert len(FRESH) >= 40
    queries = [case.query for case in FRESH]
    assert len(queries) == len(set(queries)) and not set(queries) & {case.query for case in REALISTIC}
    for case in FRESH:
        assert set(case.wanted()) <= known, (case.query, set(case.wanted()) - known)
        assert case.kind in KINDS and case.persona in PERSONAS, case.query
    for persona in ("analyst", "official", "student", "fact-checker"):
        assert sum(case.persona == persona for case in FRESH) >= 8, persona


def test_nothing_queries_name_nothing_the_book_says():
    """A query that must find nothing has no word that the book has (in any
    letter case; for Chinese, no two characters in a row), so that a search
    finding something for it is wrong."""
    book = SHIPPED.read_text(encoding="utf-8").lower()
    for case in REALISTIC + FRESH:
        if not case.nothing:
            continue
        for word in re.findall(r"[a-z0-9]+", case.query.lower()):
            assert not re.search(rf"\b{word}\b", book), (case.query, word)
        for run in re.findall(r"[\u4e00-\u9fff]+", case.query):
            pairs = {run[i:i + 2] for i in range(len(run) - 1)}
            assert not [pair for pair in pairs if pair in book], (case.query, pairs)


# --- the harness --------------------------------------------------------------------

def test_the_harness_scores_by_the_rules():
    cases = [
        RealisticCase("a", kind="name", persona="analyst", first=("x", "y")),
        RealisticCase("b", kind="name", persona="analyst", top3=("z",)),
        RealisticCase("c", kind="nothing", persona="analyst", nothing=True),
        RealisticCase("d", kind="name", persona="analyst", first=("x",)),
        RealisticCase("e", kind="name", persona="analyst", first=("x",)),
    ]
    results = {"a": ["y", "x"], "b": ["p", "q", "z", "r"], "c": [], "d": ["p", "x"]}

    def fake(query):
        if query == "e":
            raise UsageError("no words")
        return results[query]

    result = score(fake, cases, errors=(UsageError,))
    assert [o.hit for o in result.outcomes] == [True, True, True, False, False]
    assert (result.hits, result.total) == (3, 5)
    # 1 (a: y is first) + 1/3 (b) + 1/2 (d) + 0 (e raised), over the 4 cases that want facts.
    assert result.mrr == pytest.approx((1 + 1 / 3 + 1 / 2 + 0) / 4)
    assert [f.query for f in result.failures] == ["d", "e"]
    assert result.failures[0].got == ("p", "x") and "UsageError" in result.failures[1].got[0]
    assert result.by("kind") == {"name": (2, 4), "nothing": (1, 1)}
    assert judge(cases[2], ["x"]) == (False, None)


def test_the_harness_judges_the_keyword_suite_as_its_own_test_does(shipped_store):
    run = jlp_search(shipped_store)
    for case in KEYWORD_CASES:
        hit, _rank = judge(case, run(case.query, **case.filters))
        assert hit == (not _check(shipped_store, case)), case.query


def test_load_refuses_a_case_without_exactly_one_rule(tmp_path):
    path = tmp_path / "suite.yaml"
    path.write_text("cases:\n  - {query: q, first: [a], top3: [b], kind: name, persona: analyst}\n")
    with pytest.raises(ValueError, match="exactly one"):
        load_realistic(path)


# --- jlp on the suite ------------------------------------------------------------------

def test_no_case_that_passed_fails_now(shipped_store, capsys):
    """A regression guard: every case not in KNOWN_MISSES must pass."""
    result = score(jlp_search(shipped_store), REALISTIC, errors=(UsageError,))
    missed = {failure.query for failure in result.failures}
    regressed = [str(failure) for failure in result.failures if failure.query not in KNOWN_MISSES]
    assert regressed == [], "cases that passed fail now:\n" + "\n".join(regressed)
    fixed = sorted(KNOWN_MISSES - missed)
    if fixed:
        with capsys.disabled():
            print(f"\n{len(fixed)} of KNOWN_MISSES pass now; take them off the list so that they stay guarded: "
                  + ", ".join(map(repr, fixed)))


def test_realistic_score(shipped_store, capsys):
    result = score(jlp_search(shipped_store), REALISTIC, errors=(UsageError,))
    with capsys.disabled():
        print(f"\nrealistic search suite: {result.hits}/{result.total} cases met ({result.rate:.1%}), "
              f"MRR {result.mrr:.3f}")
    assert result.hits >= REQUIRED_HITS
    assert result.mrr >= REQUIRED_MRR


def test_fresh_score(shipped_store, capsys):
    result = score(jlp_search(shipped_store), FRESH, errors=(UsageError,))
    with capsys.disabled():
        print(f"\nfresh realistic set: {result.hits}/{result.total} cases met ({result.rate:.1%}), "
              f"MRR {result.mrr:.3f}")
    assert [str(failure) for failure in result.failures] == []
    assert result.hits >= REQUIRED_FRESH_HITS
    assert result.mrr >= REQUIRED_FRESH_MRR
