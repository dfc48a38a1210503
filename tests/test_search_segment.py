"""Run-together Chinese split into words: alone (segment) and with the book
(the words its store holds, built from its entity names and text)."""

from __future__ import annotations

import pytest

from jlp_cli.search.engine import StoreLexicon, compile_query
from jlp_cli.search.query import parse
from jlp_cli.search.segment import segment, substrings

#: Words a book might know.
KNOWN = {"民主村", "民主村社区", "社区", "民主", "火锅", "营收", "氢能", "氢能产业", "产业", "铝产业", "西部氢谷",
         "面积", "房子", "第一季度", "一季度", "平方公里", "百分之", "三国三园", "十百千万", "外资", "增速", "排名"}


def split(run: str, known=frozenset(KNOWN)) -> list[str]:
    return [f"{chunk.kind}:{chunk.text}" for chunk in segment(run, known)]


@pytest.mark.parametrize("run, words", [
    ("民主村社区火锅店", ["word:民主村社区", "word:火锅", "unknown:店"]),  # the longest word wins
    ("氢能产业营收多少", ["word:氢能产业", "word:营收", "stop:多少"]),
    ("西部氢谷面积多大", ["word:西部氢谷", "word:面积", "stop:多大"]),
    ("民主村房子哪年建的", ["word:民主村", "word:房子", "stop:哪年", "unknown:建", "stop:的"]),
    ("三平方公里", ["number:三", "word:平方公里"]),
    ("四季度", ["number:四", "unknown:季度"]),  # the fourth quarter: 季 is a measure word
    ("三个", ["number:三", "unknown:个"]),
    ("百分之三十二点五", ["word:百分之", "number:三十二点五"]),
    ("十点六亿元", ["number:十点六亿", "unknown:元"]),
    ("外资增速排名第一", ["word:外资", "word:增速", "word:排名", "ordinal:第一"]),
    ("第一季度", ["word:第一季度"]),
    ("三国三园", ["word:三国三园"]),  # a word, not numbers
    ("三", ["number:三"]),  # one numeral alone is a number
    ("第", ["unknown:第"]),  # 第 with no number after it is no ordinal
    ("第二十", ["ordinal:第二十"]),
    ("五", ["number:五"]),
])
def test_segment(run, words):
    assert split(run) == words


@pytest.mark.parametrize("run", ["九龙坡", "三峡", "一应俱全", "三国三园"])
def test_a_numeral_inside_an_unknown_word_is_no_number(run):
    """三 of 三峡 or 九 of 九龙坡 is part of a word; a numeral is a number
    when it is several (三十二), alone, or before a measure word (三个)."""
    assert split(run, frozenset()) == [f"unknown:{run}"]


def test_unknown_characters_stay_together():
    assert split("地铁票价", frozenset()) == ["unknown:地铁票价"]


def test_substrings_are_every_possible_word():
    assert substrings("氢能产") == {"氢", "能", "产", "氢能", "能产", "氢能产"}


def test_the_book_splits_what_its_words_do_not_cover(shipped_store):
    """Parts no word of the book covers are split where the book holds them
    (政务中心 → 政务 · 中心), and a lone character joins the word it belongs
    to (火锅 · 店 → 火锅店)."""
    assert [p.text for p in compile_query(shipped_store, "华为云政务中心").pieces] == ["华为云", "政务", "中心"]
    assert [p.text for p in compile_query(shipped_store, "民主村社区火锅店").pieces] == ["民主村社区", "火锅店"]


@pytest.mark.parametrize("query, pieces", [
    ("氢能产业营收多少", ["氢能产业", "营收"]),
    ("民主村有哪些配套设施", ["民主村", "配套设施"]),
    ("九龙坡是否是全国首批城市更新试点", ["九龙坡", "全国", "首批", "城市更新", "试点"]),
    ("彩云湖产业园引进了哪些项目", ["彩云湖", "产业园", "引进", "项目"]),
])
def test_the_words_of_a_run_together_question(shipped_store, query, pieces):
    """Question and filler words are dropped; the rest are the book's words
    (as the book's dictionary words and names split them)."""
    got = [p.text for p in compile_query(shipped_store, query).pieces if not p.optional]
    assert "".join(got) == "".join(pieces)  # no character lost or added
    assert len(got) >= 2


def test_the_whole_run_is_also_a_phrase(shipped_store):
    query = compile_query(shipped_store, "民主村社区火锅店")
    whole = [span.form.tokens for span in query.spans if span.form.kind == "chinese"]
    assert tuple("民主村社区火锅店") in whole


def test_parsing_alone_knows_no_words():
    """Without a book, a run of Chinese is one word (nothing to split it at)
    but for the question words."""
    assert [p.text for p in parse("民主村社区火锅店").pieces] == ["民主村社区火锅店"]
    assert [p.text for p in parse("西部氢谷在哪里").pieces] == ["西部氢谷"]


def test_the_store_knows_the_book_s_words(shipped_store):
    lexicon = StoreLexicon(shipped_store)
    # Entity names and their parts, dictionary words of the text, concept keys.
    assert {"西部氢谷", "华为云", "政务应用创新中心", "社区", "营收", "外企"} <= lexicon.known(
        {"西部氢谷", "华为云", "政务应用创新中心", "社区", "营收", "外企", "熊猫"})
    assert "熊猫" not in lexicon.known({"熊猫"})


def test_an_alias_is_a_word_even_where_the_text_runs_it_into_others(mini_store):
    """湖畔 (an alias of 湖畔镇) and 湖光铝 (of Lakelight Aluminium) are words
    the segmenter knows, though no text writes them apart from other words."""
    lexicon = StoreLexicon(mini_store)
    assert {"湖畔", "湖光铝", "湖畔镇"} <= lexicon.known({"湖畔", "湖光铝", "湖畔镇", "畔氢"})
    assert "畔氢" not in lexicon.known({"畔氢"})


@pytest.mark.parametrize("name", ["博世庆铃氢燃料电池发动机", "中共重庆九龙坡区委宣传部"])
def test_a_long_name_typed_whole_is_one_word(name):
    """Entity names run to twelve characters; typed whole, such a name is
    one word, not pieces of it."""
    assert split(name, frozenset(KNOWN | {name, "重庆", "九龙坡", "庆铃", "燃料电池", "宣传部"})) == [f"word:{name}"]
