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
    Form,
    Lexicon,
    clean,
    family,
    parse,
    segmentations,
)

from .conftest import SHIPPED


def texts(tokens) -> list[str]:
    return [t.text for t in tokens]


def forms(query, kind: str) -> list[tuple[str, ...]]:
    return [f.tokens for f in query.all_forms() if f.kind == kind]


class Book(Lexicon):
    """A lexicon for parsing without a store: the words it knows, the forms
    it finds, the typo candidates it offers."""

    def __init__(self, words=(), found=lambda form: False, similar=(), starting=()):
        self.words = set(words)
        self.finds = found
        self.candidates = list(similar)
        self.starts = list(starting)
        self.asked: list[tuple[str, int]] = []

    def known(self, candidates):
        return set(candidates) & self.words

    def found(self, form):
        return self.finds(form)

    def similar(self, word, distance):
        self.asked.append((word, distance))
        return self.candidates

    def starting(self, prefix):
        return [w for w in self.starts if w.startswith(prefix)]


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
    assert segmentations(letters, allow_prefix=True)[0] == syllables


@pytest.mark.parametrize("letters", ["ong", "iang", "ingneng", "q", "hydrogen", "xyz", "", "qing2", "重庆"])
def test_no_pinyin_starts_in_the_middle_of_a_syllable(letters):
    assert segmentations(letters, allow_prefix=True) == []


def test_a_lone_prefix_is_no_pinyin():
    assert segmentations("ch", allow_prefix=True) == []
    assert segmentations("chongq", allow_prefix=False) == []


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
    assert ("qing", "neng") in [f.tokens for f in query.whole if f.kind == "pinyin"]


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


def test_numbers_stay_whole_and_a_number_alone_is_never_a_part_of_another():
    query = parse("10.6")
    assert ("10.6",) in forms(query, "number")
    assert forms(query, "partial") == []  # 6 is not the 6 of 10.6, nor 10 the 10 of 10.6
    assert forms(parse("106"), "number")[0] == ("106",)
    # A fragment cut from the text says so with its decimal point: .6 may be the end of 10.6.
    assert forms(parse(".6"), "partial") == [(".", "6")] or forms(parse(".6"), "partial") == [("6",)]


def test_mixed_script_is_a_phrase_of_its_own():
    """5G融合 is two words, 5g and 融合, and also the phrase as typed; a
    number glued to Chinese (10.6亿) may also be a fragment cut from the text."""
    query = parse("5G融合")
    assert [p.text for p in query.pieces] == ["5g", "融合"]
    assert ("5g", "融", "合") in [s.form.tokens for s in query.spans if s.form.kind == "chinese"]
    query = parse("6亿")
    assert forms(query, "partial") == [("6", "亿")]


@pytest.mark.parametrize("query, pieces", [
    ("3km2", ["3", "km2"]),  # a unit written right after the number
    ("1.06bn", ["1.06bn"]),  # a magnitude: one number
    ("rmb1.06", ["rmb", "1.06"]),
    ("1,060,000,000 yuan", ["1060000000", "yuan"]),  # thousands separators
    ("1，060，000，000元", ["1060000000", "元"]),  # full-width ones, as a Chinese keyboard types them
    ("2023,2024", ["2023", "2024"]),  # two years typed with a comma: no thousands separator
    ("2023，2024年", ["2023", "2024", "年"]),
    ("106,000 万", ["106000万"]),  # a magnitude typed apart
    ("10.6 亿元", ["10.6亿", "元"]),
    ("3 万达", ["3", "万达"]),  # a name that starts with 万 is no magnitude
    ("thirty-two point five", ["thirty two point five"]),  # number words: one number
    ("No. 1", ["no 1"]),  # an ordinal
    ("1st", ["1st"]),
    ("5g", ["5g"]), ("q1", ["q1"]), ("1950s", ["1950s"]),  # no number with a unit
    ("2024q4", ["2024", "q4"]), ("2023Q2", ["2023", "q2"]),  # a year and its quarter, as ids write them
    ("3 m", ["3", "m"]), ("5 k", ["5", "k"]),  # m or k apart is no million or thousand
    ("3m", ["3m"]), ("5k", ["5k"]),
    ("Nr. 1", ["nr 1"]),
])
def test_numbers_and_what_is_written_around_them(query, pieces):
    assert [p.text for p in parse(query).pieces] == pieces


def test_full_width_digits_are_folded():
    assert forms(parse("２０２４"), "number")[0] == ("2024",)


def test_traditional_queries_are_folded():
    assert forms(parse("九龍坡"), "chinese") == [("九", "龙", "坡")]


def test_spaces_and_punctuation_separate_pieces():
    query = parse("hydrogen, revenue！民主村")
    assert [p.text for p in query.pieces] == ["hydrogen", "revenue", "民主村"]


def test_stopwords_are_dropped_unless_nothing_else_is_left():
    assert [p.text for p in parse("the hydrogen of Jiulongpo").pieces] == ["hydrogen", "jiulongpo"]
    assert [p.text for p in parse("how much did the hydrogen industry make").pieces] == \
        ["hydrogen", "industry", "make"]
    assert [p.text for p in parse("the").pieces] == ["the"]
    assert [p.text for p in parse("what is it").pieces] == ["what", "is", "it"]


def test_chinese_question_words_are_dropped():
    book = Book({"民主村", "配套设施", "西部氢谷"})
    assert [p.text for p in parse("民主村有哪些配套设施", book).pieces] == ["民主村", "配套设施"]
    assert [p.text for p in parse("西部氢谷是什么", book).pieces] == ["西部氢谷"]
    assert [p.text for p in parse("什么", book).pieces] == ["什么"]


def test_typos_only_for_unknown_words_of_four_letters_or_more():
    book = Book(similar=["hydrogen"])
    assert forms(parse("hydrogn", book), "typo") == [("hydrogen",)]
    assert book.asked == [("hydrogn", 1)]
    parse("aluminimm", book)
    assert book.asked[-1] == ("aluminimm", 2)  # two edits from eight letters on
    book.asked.clear()
    for short in ("art", "ong", "iot"):
        assert forms(parse(short, book), "typo") == []
    assert book.asked == []
    assert forms(parse("hydrogen", Book({"hydrogen"}, similar=["hydrogen"])), "typo") == []


def test_a_swap_is_one_typo_and_short_words_only_swap():
    assert forms(parse("lkae", Book(similar=["lake", "like"])), "typo") == [("lake",)]  # like is no swap of lkae
    assert forms(parse("parkign", Book({"park"})), "typo") == [("park",)]  # parking, a form of park


def test_pinyin_found_in_the_book_is_no_typo():
    similar = ["qingling"]
    assert forms(parse("qingneng", Book(found=lambda form: True, similar=similar)), "typo") == []
    assert forms(parse("qingneng", Book(found=lambda form: False, similar=similar)), "typo") == [("qingl",)]


def test_pinyin_with_two_letters_swapped_is_a_typo_of_the_syllables_the_book_has():
    book = Book(found=lambda form: form.kind == "typo" and form.tokens == ("tui", "shui"))
    assert forms(parse("tusihui", book), "typo") == [("tui", "shui")]


def test_the_last_word_is_also_a_prefix_unless_the_query_ends_with_a_space():
    assert [f.tokens for f in parse("hydrogen reven").pieces[1].forms if f.kind == "prefix"] == [("reven",)]
    assert [f.tokens for f in parse("reven hydrogen").pieces[0].forms if f.kind == "prefix"] == []
    assert [f.tokens for f in parse("hydrogen reven ").pieces[1].forms if f.kind == "prefix"] == []
    assert [f.tokens for f in parse("hy").pieces[0].forms if f.kind == "prefix"] == []  # from three letters
    # A whole syllable typed last may be the start of a longer one: qin → qing.
    assert ("qin",) in [f.tokens for f in parse("qin").pieces[0].forms if f.kind == "prefix" and f.prefix]


@pytest.mark.parametrize("word, other, related", [
    ("finance", "financial", True), ("history", "historical", True), ("economy", "economic", True),
    ("grow", "growth", True), ("new", "newly", True), ("invest", "investor", True),
    ("car", "care", False), ("part", "party", False), ("port", "portion", False), ("plan", "plant", False),
    ("art", "article", False), ("use", "user", False), ("new", "news", False), ("hydrogen", "hydrogen", False),
])
def test_word_families(word, other, related):
    assert family(word, other) is related
    assert family(other, word) is related


def test_the_book_s_words_of_a_family_are_forms_of_the_word():
    book = Book(starting=["financial", "finally", "finance"])
    assert [f.note for f in parse("finance", book).all_forms() if f.kind == "family"] == ["financial"]


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


def test_the_index_pattern_of_chinese_characters_covers_every_range():
    import re

    from jlp_cli.search.normalize import HAN_RANGES, han_class

    pattern = re.compile(f"[{han_class()}]+")
    for low, high in HAN_RANGES:
        text = chr(low) + chr((low + high) // 2) + chr(high)
        assert pattern.fullmatch(text), hex(low)
    assert pattern.fullmatch("九龙坡𠀀㑯") and not pattern.search("abc XYZ 123 ，。-")


def test_a_compatibility_character_unfolds_to_its_characters_and_nothing_between():
    from jlp_cli.search.normalize import fold_text

    assert fold_text("㍻") == "平成"
    assert fold_text("平成㍻") == "平成平成"


def test_a_chinese_numeral_typed_alone_is_a_number():
    """五 typed alone is five, which a fact may write 5, as 三 before a
    measure word is (三个); inside a word (五金, 九龙坡) it is a character."""
    assert forms(parse("五"), "number")[0] == ("5",)
    assert forms(parse("三个"), "number")[0] == ("3",)
    assert forms(parse("五金"), "number") == []


@pytest.mark.parametrize("query, prefix", [("xia", True), ("xian", True), ("lv", False), ("qing", False)])
def test_a_last_syllable_of_three_letters_or_more_also_starts_longer_ones(query, prefix):
    """xia is a syllable and the start of xian, xiang, xiao: typed last, it
    finds them too; lv (two letters) and qing (no longer syllable) do not."""
    pinyin_prefixes = [f for f in parse(query).forms_of(0) if f.kind == "prefix" and "py" in f.columns]
    assert bool(pinyin_prefixes) == prefix


@pytest.mark.parametrize("letters", ["jl", "cq", "jlp"])
def test_pinyin_initials_from_two_letters_are_read_as_initials(letters):
    """jl (九龙), cq (重庆): what people type for a name they know by its sound."""
    assert any(f.kind == "initials" for f in parse(letters).forms_of(0)), [f.kind for f in parse(letters).forms_of(0)]


@pytest.mark.parametrize("query, syllables", [
    ("qing1neng2", ("qing", "neng")),
    ("hao3de5", ("hao", "de")),  # 5: the neutral tone, as pinyin keyboards number it
    ("lv4se4", ("lv", "se")),
])
def test_every_tone_digit_from_one_to_five_is_dropped(query, syllables):
    assert syllables in forms(parse(query), "pinyin")


def test_initials_of_a_long_name_are_read_up_to_eight_letters():
    """cqsjlpq: 重庆市九龙坡区, typed by its initials."""
    for letters in ("cqsjlpq", "cqsjlpqz"):
        assert forms(parse(letters), "initials") == [tuple(letters)]
    assert forms(parse("cqsjlpqzx"), "initials") == []


@pytest.mark.parametrize("query, numeral", [
    ("12th", ("第", "十", "二")),  # as the Chinese text writes a rank
    ("第12", ("第", "十", "二")),
    ("12个区", ("十", "二", "个", "区")),  # digits among characters, as Chinese writes them there
    ("2个", ("二", "个")),
    ("32", ("三", "十", "二")),
])
def test_numbers_of_two_digits_are_also_chinese_numerals(query, numeral):
    assert numeral in forms(parse(query), "numeral")


def test_a_last_word_of_three_letters_is_also_a_prefix():
    assert [f.tokens for f in parse("hyd").pieces[0].forms if f.kind == "prefix"] == [("hyd",)]


@pytest.mark.parametrize("query, pieces", [
    ("what is the hydrogen valley", ["hydrogen", "valley"]),
    ("where is the hydrogen valley", ["hydrogen", "valley"]),
    ("please tell me about minzhucun", ["minzhucun"]),
    ("which companies invest in Jiulongpo", ["companies", "invest", "jiulongpo"]),
    ("请问氢能", ["氢能"]),
    ("介绍一下民主村", ["民主村"]),
    ("民主村在哪里", ["民主村"]),
    ("氢能是什么", ["氢能"]),
    ("xibu qinggu zai nali", ["xibu", "qinggu"]),  # the question typed in pinyin
])
def test_the_words_people_ask_with_are_not_searched_for(query, pieces):
    book = Book({"氢能", "民主村"})
    assert [p.text for p in parse(query, book).pieces] == pieces


def test_every_word_of_a_family_the_book_has_is_a_form_of_the_word():
    book = Book(starting=["financial", "financially", "finance"])
    assert [f.note for f in parse("finance", book).all_forms() if f.kind == "family"] == ["financial", "financially"]


def test_a_word_people_ask_with_is_never_taken_for_the_correction_of_a_typo():
    """rover is one letter from over, which a query never searches for: only
    river is offered."""
    assert forms(parse("rover", Book(similar=["over", "river"])), "typo") == [("river",)]
