"""Unit tests of the query side of search: folding, tokens, pinyin, parsing.

Parsing runs without a database here; the callbacks stand in for the book.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from jlp_cli.errors import UsageError
from jlp_cli.search.normalize import char_tokens, fold, fold_text, stem, tokenize
from jlp_cli.search.query import (
    MAX_PIECES,
    MAX_QUERY_CHARS,
    SYNONYM_GROUPS,
    Form,
    clean,
    parse,
    segment_pinyin,
    segmentations,
)

from .conftest import SHIPPED


def texts(tokens) -> list[str]:
    return [t.text for t in tokens]


def forms(query, kind: str) -> list[tuple[str, ...]]:
    return [f.tokens for f in query.all_forms() if f.kind == kind]


# --- fold -------------------------------------------------------------------

@pytest.mark.parametrize("raw, folded", [
    ("九龍坡", "九龙坡"),
    ("重慶數字大廈", "重庆数字大厦"),
    ("營業收入", "营业收入"),
    ("２０２４", "2024"),  # full-width digits
    ("３ km²", "3 km2"),
    ("Qīngnéng", "qingneng"),  # tone marks
    ("HUAWEI", "huawei"),
    ("Ａｌｕｍｉｎｉｕｍ", "aluminium"),
])
def test_fold(raw, folded):
    assert fold_text(raw) == folded


def test_fold_keeps_where_each_character_came_from():
    folded, origin = fold("Ａ㎢b")  # ㎢ folds to three characters
    assert folded == "akm2b"
    assert origin == [0, 1, 1, 1, 2]


# --- tokens -----------------------------------------------------------------

def test_decimal_numbers_are_one_token():
    assert texts(tokenize(fold_text("营业收入10.6亿元，增长32.5%"))) == \
        ["营", "业", "收", "入", "10.6", "亿", "元", "增", "长", "32.5"]
    assert texts(tokenize("166.67")) == ["166.67"]
    assert texts(tokenize("106")) == ["106"]


def test_chinese_is_one_token_per_character_and_latin_runs_stay_whole():
    assert texts(tokenize(fold_text("5G融合"))) == ["5g", "融", "合"]
    assert texts(tokenize(fold_text("land-sea corridor"))) == ["land", "sea", "corridor"]


def test_char_tokens_split_numbers_too():
    assert texts(char_tokens(fold_text("10.6亿，5G"))) == ["1", "0", ".", "6", "亿", "5", "g"]


def test_stems_join_word_forms():
    assert stem("renewal") == stem("renew") == "renew"
    assert stem("investment") == stem("investing") == "invest"
    assert stem("10.6") == "10.6" and stem("5g") == "5g"


# --- pinyin -------------------------------------------------------------------

@pytest.mark.parametrize("letters, syllables", [
    ("qingneng", ["qing", "neng"]),
    ("minzhucun", ["min", "zhu", "cun"]),
    ("chongqing", ["chong", "qing"]),
    ("chongq", ["chong", "q"]),  # the last syllable cut short
    ("jiulongpo", ["jiu", "long", "po"]),
    ("changjiang", ["chang", "jiang"]),
    ("lvyi", ["lv", "yi"]),
])
def test_segment_pinyin(letters, syllables):
    assert segment_pinyin(letters, allow_prefix=True) == syllables


@pytest.mark.parametrize("letters", ["ong", "iang", "ingneng", "q", "hydrogen", "xyz", "", "qing2", "重庆"])
def test_no_pinyin_starts_in_the_middle_of_a_syllable(letters):
    assert segment_pinyin(letters, allow_prefix=True) is None


def test_a_lone_prefix_is_no_pinyin():
    assert segment_pinyin("ch", allow_prefix=True) is None
    assert segment_pinyin("chongq", allow_prefix=False) is None


def test_every_split_with_the_fewest_syllables_is_tried():
    assert segmentations("xingao", allow_prefix=False) == [["xing", "ao"], ["xin", "gao"]]


def test_the_index_reads_chongqing_as_a_phrase():
    from jlp_cli.search.index import pinyin_columns

    assert pinyin_columns("重庆") == (["chong", "qing"], ["zhong", "qing"], ["c", "q"])
    primary, _alt, initials = pinyin_columns("长江之畔的九龙坡")
    assert primary[:2] == ["chang", "jiang"]
    assert "".join(initials[-3:]) == "jlp"


# --- parse ------------------------------------------------------------------

@pytest.mark.parametrize("query", ["qingneng", "Qīngnéng", "qing2neng2", "QINGNENG"])
def test_pinyin_forms_drop_tones(query):
    assert ("qing", "neng") in forms(parse(query), "pinyin")


def test_pinyin_typed_with_spaces_is_also_taken_whole():
    query = parse("qing2 neng2")
    assert [p.text for p in query.pieces] == ["qing2", "neng2"]
    assert [f.tokens for f in query.whole if f.kind == "pinyin"] == [("qing", "neng")]


def test_u_umlaut_is_v_in_pinyin():
    assert ("lv", "yi") in forms(parse("lüyi"), "pinyin")
    assert ("lv", "yi") in forms(parse("lǚyì"), "pinyin")


def test_ong_gives_no_pinyin():
    """ong is the end of long (龙), never a syllable of its own; as initials
    it is o-n-g, three syllables, none of them long."""
    query = parse("ong")
    assert forms(query, "pinyin") == forms(query, "pinyin-alt") == []
    assert forms(query, "initials") == [("o", "n", "g")]


def test_initials_need_two_letters_that_are_no_pinyin():
    assert forms(parse("jlp"), "initials") == [("j", "l", "p")]
    assert forms(parse("cqszds"), "initials") == [tuple("cqszds")]
    for word in ("j", "qing", "iot", "5g"):
        assert forms(parse(word), "initials") == [], word


def test_numbers_stay_whole_and_are_also_searched_character_by_character():
    query = parse("10.6")
    assert ("10.6",) in forms(query, "number")
    assert forms(query, "partial") == [("1", "0", ".", "6")]
    assert forms(parse("106"), "number")[0] == ("106",)


def test_mixed_script_is_one_chinese_phrase():
    assert forms(parse("5G融合"), "chinese") == [("5g", "融", "合")]
    assert forms(parse("10.6亿"), "chinese") == [("10.6", "亿")]


def test_full_width_digits_are_folded():
    assert forms(parse("２０２４"), "number")[0] == ("2024",)


def test_traditional_queries_are_folded():
    assert forms(parse("九龍坡"), "chinese") == [("九", "龙", "坡")]


def test_spaces_and_punctuation_separate_pieces():
    query = parse("hydrogen, revenue！民主村")
    assert [p.text for p in query.pieces] == ["hydrogen", "revenue", "民主村"]


def test_stopwords_are_dropped_unless_nothing_else_is_left():
    assert [p.text for p in parse("the hydrogen of Jiulongpo").pieces] == ["hydrogen", "jiulongpo"]
    assert [p.text for p in parse("the").pieces] == ["the"]


def test_synonyms_are_found_for_every_form_of_a_word():
    notes = lambda q: {f.note for f in parse(q).all_forms() if f.kind == "synonym"}  # noqa: E731
    assert "aluminium" in notes("aluminum") and "aluminum" in notes("aluminium")
    assert notes("renew") == notes("renewal") >= {"regeneration", "renovation"}
    assert "capital" in notes("investment")
    assert "物联网" in notes("IoT")


def test_synonyms_of_several_words_are_taken_for_the_whole_query():
    whole = {f.note for f in parse("hot pot").whole}
    assert {"hotpot", "火锅"} <= whole
    assert "平方公里" in {f.note for f in parse("square kilometres").whole}


def test_synonym_groups_hold_no_member_twice():
    members = [m for group in SYNONYM_GROUPS for m in group]
    assert len(members) == len(set(members))


def test_typos_only_for_unknown_words_of_five_letters_or_more():
    asked = []

    def similar(word, distance):
        asked.append((word, distance))
        return ["hydrogen"]

    unknown = lambda word: False  # noqa: E731
    assert forms(parse("hydrogn", unknown, similar), "typo") == [("hydrogen",)]
    assert asked == [("hydrogn", 1)]
    parse("aluminimm", unknown, similar)
    assert asked[-1] == ("aluminimm", 2)  # two edits from eight letters on
    asked.clear()
    for short in ("art", "part", "ong", "iot"):
        assert forms(parse(short, unknown, similar), "typo") == []
    assert asked == []
    assert forms(parse("hydrogen", lambda w: True, similar), "typo") == []


def test_pinyin_found_in_the_book_is_no_typo():
    similar = lambda word, distance: ["qingling"]  # noqa: E731
    unknown = lambda word: False  # noqa: E731
    assert forms(parse("qingneng", unknown, similar, found=lambda form: True), "typo") == []
    assert forms(parse("qingneng", unknown, similar, found=lambda form: False), "typo") == [("qingl",)]


def test_fts_phrases_are_quoted():
    form = Form("english", ("en",), ('a"b', "or"))
    assert form.fts() == '{en} : "a""b or"'
    # Words of FTS5's syntax are only ever words inside a phrase.
    fts = parse('NEAR( OR "x" *').fts()
    assert fts.count('"') % 2 == 0 and "NEAR(" not in fts


def test_lone_surrogates_are_cleaned():
    assert clean("\ud800氢") .endswith("氢")
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in clean("\ud800氢\udfff"))
    assert forms(parse("\ud800氢能"), "chinese") == [("氢", "能")]


@pytest.mark.parametrize("query", ["", "   ", "？！。", "...", "\u3000", "“”", "--"])
def test_nothing_to_search_for_is_a_usage_error(query):
    with pytest.raises(UsageError):
        parse(query)


def test_a_long_query_is_a_usage_error():
    parse("氢" * MAX_QUERY_CHARS)
    with pytest.raises(UsageError):
        parse("氢" * (MAX_QUERY_CHARS + 1))
    with pytest.raises(UsageError):
        parse(" ".join(["hydrogen"] * (MAX_PIECES + 1)))


# --- the query path stays light -------------------------------------------------

def test_searching_loads_neither_pypinyin_nor_pydantic(shipped_store):
    """pypinyin's dictionaries and pydantic are for building a store; a
    search on a built one needs neither."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from jlp_cli.search.layout import SEARCH_INDEX\n"
        "from jlp_cli.store.cache import StoreOptions, open_store\n"
        "from jlp_cli.search.engine import highlight_spans, search\n"
        f"store = open_store(Path({str(SHIPPED)!r}), StoreOptions(SEARCH_INDEX, Path({os.environ['JLP_CACHE_DIR']!r})))\n"
        "for q in ('qingneng', 'hydrogn', '九龍坡', '10.6', 'jlp', 'hot pot'):\n"
        "    for hit in search(store, q):\n"
        "        highlight_spans(hit, 'zh'), highlight_spans(hit, 'en')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pypinyin', 'pydantic'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
                            check=True)
    assert result.stdout.strip() == "[]"


def test_decimal_numbers_stay_whole_inside_chinese_text():
    from jlp_cli.search.normalize import fold_text, tokenize

    words = [t.text for t in tokenize(fold_text("收入10.6亿元，增速32.5%。5G融合"))]
    assert words == ["收", "入", "10.6", "亿", "元", "增", "速", "32.5", "5g", "融", "合"]


# -- synonyms: looked up without stemming every member ---------------------------

def _full_synonym_table(latin: bool) -> dict:
    """Every member's key, the table synonyms_of must agree with."""
    from jlp_cli.search.query import SYNONYM_GROUPS, _has_latin, synonym_key

    table: dict = {}
    for group in SYNONYM_GROUPS:
        for member in group:
            if _has_latin(member) and not latin:
                continue
            key = synonym_key(member)
            table[key] = tuple(dict.fromkeys(table.get(key, ()) + tuple(m for m in group if m != member)))
    return table


def test_member_keys_have_what_the_lookup_assumes():
    from jlp_cli.search.query import SYNONYM_GROUPS, synonym_key

    for member in (m for group in SYNONYM_GROUPS for m in group):
        key = synonym_key(member)
        if member.isascii():
            assert key[0] == member[0].lower() and key.count(" ") == member.count(" "), member
        else:
            assert not key[0].isascii(), member


@pytest.mark.parametrize("latin", [True, False])
def test_synonyms_agree_with_the_table_of_every_member(latin):
    from jlp_cli.search.query import SYNONYM_GROUPS, _has_latin, synonym_key, synonyms_of

    table = _full_synonym_table(latin)
    texts = [m for group in SYNONYM_GROUPS for m in group]
    texts += [t + suffix for t in texts if t.isascii() for suffix in ("s", "ing", "ed")]
    texts += ["Aluminium", "RENEWALS", "Hot  Pot", "qingneng", "氢能", "外資", "平方公里", "q1 2024", ""]
    for text in texts:
        key = synonym_key(text)
        if _has_latin(key) == latin:
            assert synonyms_of(text) == table.get(key, ()), text



def test_every_traditional_character_of_the_table_folds_to_its_simplified_one():
    from pathlib import Path

    import jlp_cli
    from jlp_cli.search.normalize import fold_text, simplified

    pairs = (Path(jlp_cli.__file__).parent / "data" / "t2s.txt").read_text(encoding="utf-8").replace("\n", "")
    table = dict(zip(pairs[0::2], pairs[1::2]))
    assert len(table) > 4000
    for traditional, simple in table.items():
        assert simplified(traditional) == simple
    assert fold_text("重慶九龍坡區") == "重庆九龙坡区"
    for char in "重庆九龙坡区氢能铝":  # simplified characters stay as they are
        assert simplified(char) == char
