"""The index rows of facts: what the build writes into the search table."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jlp_cli.search.index import Indexer
from jlp_cli.search.normalize import tokenize, words

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def book() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def entity_names(book: dict) -> dict[str, list[str]]:
    return {e["id"]: [e["name"]["zh"], e["name"]["en"], *e["aliases"]] for e in book["entities"]}


def test_rows_are_the_row_of_each_fact_in_order(book):
    facts = book["facts"]
    expected = [Indexer(entity_names(book)).row(f) for f in facts]
    lazy = (f for f in facts)  # the build hands over facts as it reads them
    assert list(Indexer(entity_names(book)).rows(lazy)) == expected


def test_rows_of_no_facts(book):
    assert list(Indexer(entity_names(book)).rows(iter([]))) == []


# Digits, dots, letters, Chinese characters (a compatibility ideograph and
# one of extension B too), full-width forms, underscores and spaces.
TRICKY = st.text(alphabet="0123456789.._ aZé亿融重\uf900\U00020000２，", max_size=30)


@given(TRICKY)
@example("10.6亿元 5g融合 ab亿.5 1.融")
@settings(max_examples=300, deadline=None)
def test_index_words_are_the_query_tokens(text):
    assert words(text) == [t.text for t in tokenize(text)]


def test_pinyin_is_pypinyins_phrase_reading(book):
    """The index reads runs of characters as pypinyin's ``lazy_pinyin`` does
    (phrases first: 重庆 is chong qing, 银行 yin hang), only faster."""
    import random

    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT

    from jlp_cli.search.index import _han_runs, _run_pinyin
    from jlp_cli.search.normalize import fold_text

    runs = {run for fact in book["facts"] for run in _han_runs().findall(fold_text(fact["text"]["zh"]))}
    phrases = sorted(p for p in PHRASES_DICT if _han_runs().fullmatch(p))
    rng = random.Random(5)
    runs |= {"".join(rng.sample(phrases, 3)) for _ in range(300)}
    runs |= {"银行", "行长", "重庆", "长江", "绿意"}
    for run in sorted(runs):
        expected = tuple(r.replace("ü", "v") for r in lazy_pinyin(run, style=Style.NORMAL))
        assert _run_pinyin(run) == expected, run


def test_a_character_without_a_reading_keeps_the_syllables_aligned():
    from jlp_cli.search.index import pinyin_columns

    rare = "\U00020002"  # in CJK extension B, not in pypinyin's dictionary
    assert pinyin_columns(f"重{rare}庆") == (["zhong", "?", "qing"], ["chong", "?", "qing"], ["z", "?", "q"])
