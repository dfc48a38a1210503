"""Properties of the search, on the shipped book, for any query at all.

* Searching never fails: it returns a list, or raises our UsageError for a
  query with nothing to search for or one that is too long.
* Any verbatim span of two or more characters of a fact's Chinese text finds
  that fact (with no limit), even a span that cuts a number (6亿 of 10.6亿),
  unless the span is a number alone that a longer number holds (the 20 of
  2023, the 0.6 of 10.6): a number typed alone is a whole number, never a
  part of one (6 districts is not the 6 of 166.67).
"""

from __future__ import annotations

from functools import lru_cache

import yaml
from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from jlp_cli.errors import UsageError
from jlp_cli.search.engine import highlight_spans, search

from .conftest import SHIPPED, examples

PROPERTY = examples(200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@lru_cache(maxsize=1)
def _facts() -> list[dict]:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["facts"]


#: Bits of query syntax (FTS5's, SQL's, ours) and of the book, to mix in.
SYNTAX = ['"', "'", "*", "(", ")", "{", "}", ":", "^", "-", "+", "NEAR(", "NEAR", "OR", "AND", "NOT",
          "'; DROP TABLE facts; --", "zh:", "{zh py}", "\\", "%", "_", "\x00", "zzzsep", "\u200b",
          "\ufeff", "\u3000", "１０.６", "10.6", "km²", "ü", "ǚ", "氢能", "九龍坡", "qing", "jlp", "5G"]

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
syntax_soup = st.lists(st.one_of(st.sampled_from(SYNTAX), any_text), max_size=8).map(" ".join)


def _search_or_usage_error(store, query: str, strict: bool = False):
    try:
        hits = search(store, query, limit=None, strict=strict)
    except UsageError:
        return None
    assert isinstance(hits, list)
    for hit in hits:
        # Highlighting must hold up for whatever matched.
        for field in ("zh", "en"):
            for start, end in highlight_spans(hit, field):
                assert 0 <= start < end <= len(hit.fact["text"][field])
    return hits


@PROPERTY
@given(query=st.one_of(any_text, syntax_soup))
@example(query='"')
@example(query='NEAR(a b)')
@example(query="'; DROP TABLE facts; --")
@example(query="OR AND NOT")
@example(query="\ud800氢")  # a lone surrogate, as a terminal in the wrong encoding sends it
@example(query="a" * 600)
@example(query=" ".join("abcdefghijklmnopqrstu"))  # more words than allowed
@example(query="ǚ")
def test_searching_never_fails(shipped_store, query):
    _search_or_usage_error(shipped_store, query)


@PROPERTY
@given(query=st.one_of(any_text, syntax_soup, st.lists(st.sampled_from(
    ["how", "many", "多少", "是什么", "三十二点五", "thirty", "two", "point", "1.06bn", "1,060", "per", "cent", "qin",
     "hydr", "parkign", "外企", "第一", "亿", "the", "of", "民主村社区火锅店", "6", ".6亿"]), max_size=6).map(" ".join)))
def test_searching_never_fails_with_every_word_required(shipped_store, query):
    """The same, for --all, and for queries made of the parts that parsing
    treats specially: question words, numbers in words, magnitudes,
    prefixes, typos, concepts."""
    hits = _search_or_usage_error(shipped_store, query, strict=True)
    loose = _search_or_usage_error(shipped_store, query)
    if hits is not None:
        assert {h.fact["id"] for h in hits} <= {h.fact["id"] for h in loose}


def _a_part_of_a_number(text: str, span: str) -> bool:
    """Whether ``span`` is a number alone (digits and points, nothing else
    searchable) and ``text`` holds it only inside a longer token (10.6, 5G)."""
    searchable = "".join(c for c in span if c.isalnum() or c == ".").strip(".")
    if not searchable or not all(c.isdigit() or c == "." for c in searchable):
        return False
    from jlp_cli.search.normalize import fold_text, tokenize

    return searchable not in {t.text for t in tokenize(fold_text(text))}


def _finds(store, fact: dict, span: str) -> None:
    hits = _search_or_usage_error(store, span)
    if hits is None:
        # Only a span with nothing to search for (“，” or 。”) may be refused.
        assert not any(c.isalnum() for c in span), span
        return
    if _a_part_of_a_number(fact["text"]["zh"], span):
        return
    assert fact["id"] in {h.fact["id"] for h in hits}, (fact["id"], span)


def test_a_number_alone_is_never_a_part_of_another(shipped_store):
    """The precision rule: 6, 0.6 and 20 find no fact only because 10.6,
    166.67 or 2023 hold them."""
    for query, holders in (("6", ("hydrogen-revenue-2023", "new-foreign-enterprises-2024q1")),
                           ("0.6", ("hydrogen-revenue-2023",)), ("20", ("hydrogen-revenue-2023",))):
        found = {h.fact["id"] for h in search(shipped_store, query, limit=None)}
        assert not found & set(holders), (query, found & set(holders))


@PROPERTY
@given(data=st.data())
def test_any_span_of_a_facts_chinese_text_finds_it(shipped_store, data):
    fact = data.draw(st.sampled_from(_facts()), label="fact")
    text = fact["text"]["zh"]
    start = data.draw(st.integers(0, len(text) - 2), label="start")
    end = data.draw(st.integers(start + 2, min(len(text), start + 40)), label="end")
    _finds(shipped_store, fact, text[start:end])


def test_spans_that_cut_a_number_find_their_fact(shipped_store):
    """Every span around every number of the book, cut anywhere."""
    for fact in _facts():
        text = fact["text"]["zh"]
        for index, char in enumerate(text):
            if not char.isdigit():
                continue
            for start in range(max(0, index - 3), index + 1):
                for end in range(max(start + 2, index + 1), min(len(text), index + 4) + 1):
                    _finds(shipped_store, fact, text[start:end])
