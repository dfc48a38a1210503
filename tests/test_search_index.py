"""The index rows of facts: what the build writes into the search table."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from jlp_cli.search.index import Indexer
from jlp_cli.search.layout import SEPARATOR
from jlp_cli.search.normalize import tokenize, words
from jlp_cli.store.writer import entity_names

from .conftest import SHIPPED, examples


@pytest.fixture(scope="module")
def book() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


# Digits, dots, letters, Chinese characters (a compatibility ideograph and
# one of extension B too), full-width forms, underscores and spaces.
TRICKY = st.text(alphabet="0123456789.._ aZé亿融重\uf900\U00020000２，", max_size=30)


@given(TRICKY)
@example("10.6亿元 5g融合 ab亿.5 1.融")
@examples(300, deadline=None)
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


def test_chars_is_left_out_where_it_repeats_zh_and_restored_on_reading(book):
    from jlp_cli.search.layout import full_row

    indexer = Indexer(entity_names(book))
    plain = {**book["facts"][0], "text": {"zh": "九龙坡区氢能", "en": ""}}
    number = {**book["facts"][0], "text": {"zh": "收入10.6亿元", "en": ""}}
    assert indexer.row(plain)[0]["chars"] == ""
    assert full_row(dict(indexer.row(plain)[0]))["chars"] == "九 龙 坡 区 氢 能"
    assert indexer.row(number)[0]["chars"] == "收 入 1 0 . 6 亿 元"
    assert full_row(dict(indexer.row(number)[0]))["chars"] == "收 入 1 0 . 6 亿 元"


def test_a_number_cut_from_spaced_text_is_still_found(book, tmp_path, monkeypatch):
    """5G融合 finds '5 G融合' (the text spaced apart) through the characters of
    zh, where no chars column is stored."""
    import copy

    from jlp_cli.search.engine import search

    from .conftest import open_store

    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    spaced = copy.deepcopy(book)
    fact = next(f for f in spaced["facts"] if not f.get("figures"))
    fact["text"]["zh"] = "推动5 G融合应用。"
    path = tmp_path / "spaced.yaml"
    path.write_text(yaml.safe_dump(spaced, allow_unicode=True), encoding="utf-8")
    found = [h.fact["id"] for h in search(open_store(path), "5G融合", limit=None)]
    assert fact["id"] in found


def test_a_name_inside_a_longer_name_is_indexed_once(book):
    names = entity_names(book)
    entity = next(e for e, n in names.items() if "重庆市" in n and "重庆" in n)
    column = Indexer(names).row({**book["facts"][0], "entities": [entity]})[0]["names"]
    parts = column.split(f" {SEPARATOR} ")
    assert "重 庆 市" in parts and "重 庆" not in parts  # a phrase query finds 重 庆 in 重 庆 市
    assert not any(f" {a} " in f" {b} " for a in parts for b in parts if a != b)
