"""Numbers however they are written: Chinese numerals, English words, digits
with a magnitude, and the tokens the index holds for figures. No database."""

from __future__ import annotations

import pytest

from jlp_cli.search.numbers import (
    Decimal,
    canonical,
    figure_tokens,
    parse_en,
    parse_zh,
    period_tokens,
    plain,
    split_before,
    split_magnitude,
    with_magnitude,
)


def written(number) -> tuple[str, str, str]:
    return str(number.value), number.magnitude, str(number.base)


@pytest.mark.parametrize("text, value, magnitude, base", [
    ("三十二点五", "32.5", "", "32.5"),
    ("一百六十六点六七", "166.67", "", "166.67"),
    ("十点六亿", "10.6", "亿", "1060000000"),
    ("三千万", "3000", "万", "30000000"),
    ("两万", "2", "万", "20000"),
    ("一万二千", "12000", "", "12000"),
    ("二〇二四", "2024", "", "2024"),  # a year, digit by digit
    ("五十", "50", "", "50"),
    ("十", "10", "", "10"),
    ("三", "3", "", "3"),
    ("零点五", "0.5", "", "0.5"),
])
def test_chinese_numerals(text, value, magnitude, base):
    assert written(parse_zh(text)) == (value, magnitude, base)


@pytest.mark.parametrize("text", ["点", "万万", "十百千万", "三国", "", "一二三十"])
def test_what_is_no_chinese_number(text):
    assert parse_zh(text) is None


@pytest.mark.parametrize("words, value", [
    ("thirty two point five", "32.5"),
    ("one hundred sixty six point six seven", "166.67"),
    ("three", "3"),
    ("one hundred and six", "106"),
    ("two million", "2000000"),
    ("two thousand and twenty four", "2024"),
    ("one million two hundred thousand", "1200000"),
])
def test_english_number_words(words, value):
    assert str(parse_en(words.split()).base) == value


@pytest.mark.parametrize("words", ["million", "point five", "and", "point", "three roles",
                                   "five six", "three four", "twenty thirty", "ten twelve", "one eight",
                                   "twenty twelve"])
def test_what_is_no_english_number(words):
    """Number words that follow each other without making one number (five
    six) are not added up into another."""
    assert parse_en(words.split()) is None


def test_magnitudes_in_both_languages_meet_in_one_base_value():
    billions = with_magnitude("1.06", "billion")
    bn = with_magnitude(*split_magnitude("1.06bn"))
    yi = parse_zh("十点六亿")
    assert str(billions.base) == str(bn.base) == str(yi.base) == "1060000000"
    # Each is also written the way the other language's text writes it.
    assert ("10.6", "亿") in billions.text_forms()[0] and ("1.06", "billion") in yi.text_forms()[1]


def test_only_a_number_with_a_magnitude_is_split():
    assert split_magnitude("1.06bn") == ("1.06", "bn")
    assert split_magnitude("3m") == ("3", "m")
    for token in ("5g", "km2", "2024q1", "q1", "bn"):
        assert split_magnitude(token) is None


def test_small_whole_numbers_have_words_in_both_languages():
    assert plain("6").word_forms() == (["六"], [("six",)])
    assert plain("32").word_forms() == (["三十二"], [("thirty", "two")])
    assert plain("1").word_forms() == ([], [("one",)])  # 一 is in too many words to stand for 1
    assert plain("10.6").word_forms() == ([], [])


@pytest.mark.parametrize("value, text", [
    (166.67, "166.67"), (1e9, "1000000000"), (3.0, "3"), (1950, "1950"), (0.05, "0.05"), (1e-7, "0.0000001"),
    (Decimal.of("32.50"), "32.5"),
])
def test_canonical_numbers(value, text):
    assert canonical(value) == text


def test_decimals_are_exact():
    assert Decimal.of("abc") is None and Decimal.of("1.2.3") is None
    assert str(Decimal.of("10.6").scaled(8)) == "1060000000"
    assert str(Decimal.of("1060000000").scaled(-9)) == "1.06"
    assert Decimal.of("1e8").ge_power(8) and not Decimal.of("99999999").ge_power(8)


def test_figure_tokens_hold_the_written_and_the_base_value_and_unit():
    assert figure_tokens({"value": 10.6, "unit": "亿元", "value_base": 1060000000, "unit_base": "CNY"}) == \
        ["10.6", "1060000000", "cny"]
    assert figure_tokens({"value": 32.5, "value_base": 32.5, "unit_base": "percent"}) == ["32.5", "percent"]
    assert figure_tokens({"components": [1, 8], "value_base": 9, "unit_base": "platform"}) == \
        ["1", "8", "9", "platform"]
    assert figure_tokens({"value": 6, "value_base": 6, "unit_base": "count"}) == ["6"]


def test_period_tokens():
    assert period_tokens("2024-Q1") == ["2024", "q1"]
    assert period_tokens("1950s/1990s") == ["1950s", "1990s"]
    assert period_tokens(None) == []


def test_segmentation_knows_the_same_numerals():
    from jlp_cli.search import numbers, segment

    assert segment.ZH_NUMERALS == numbers.ZH_NUMERALS


@pytest.mark.parametrize("text, value", [
    ("一千二百三十四万", "12340000"), ("三千五百亿", "350000000000"), ("两千零二十四", "2024"),
    ("十万", "100000"), ("一亿二千万", "120000000"),
])
def test_chinese_numerals_with_units_and_magnitudes(text, value):
    assert str(parse_zh(text).base) == value


@pytest.mark.parametrize("digits, ending", [
    ("1", "st"), ("2", "nd"), ("3", "rd"), ("4", "th"), ("10", "th"), ("11", "th"), ("12", "th"), ("13", "th"),
    ("20", "th"), ("21", "st"), ("22", "nd"), ("23", "rd"), ("101", "st"), ("111", "th"), ("112", "th"),
])
def test_ordinals_are_read_only_with_their_own_ending(digits, ending):
    assert split_magnitude(digits + ending) == (digits, ending)
    wrong = {"st", "nd", "rd", "th"} - {ending}
    assert all(split_magnitude(digits + other) is None for other in wrong)  # 11st is no ordinal


def test_a_negative_number_keeps_its_sign():
    assert str(Decimal.of("-32.50")) == "-32.5" and str(Decimal.of("-1.06e9")) == "-1060000000"


def test_a_plain_number_is_looked_for_as_itself_in_both_languages():
    number = parse_en(["thirty", "two", "point", "five"])
    zh, en = number.text_forms()
    assert ("32.5",) in zh and ("32.5",) in en


@pytest.mark.parametrize("whole, zh, en", [
    (0, [], [("zero",)]), (1, [], [("one",)]), (2, ["二"], [("two",)]), (32, ["三十二"], [("thirty", "two")]),
    (99, ["九十九"], [("ninety", "nine")]), (100, [], []),
])
def test_small_whole_numbers_have_word_forms_and_larger_ones_none(whole, zh, en):
    from jlp_cli.search.numbers import Number

    assert Number(Decimal.of(str(whole))).word_forms() == (zh, en)


@pytest.mark.parametrize("token, split", [
    ("1.06bn", ("1.06", "bn")), ("1.06bln", ("1.06", "bln")), ("1060mln", ("1060", "mln")),
    ("1060mn", ("1060", "mn")), ("3sqkm", ("3", "sqkm")), ("3km", ("3", "km")), ("32.5pct", ("32.5", "pct")),
    ("32.5percent", ("32.5", "percent")), ("10yuan", ("10", "yuan")), ("10rmb", ("10", "rmb")),
])
def test_a_magnitude_or_unit_glued_to_a_number_is_split_from_it(token, split):
    assert split_magnitude(token) == split


@pytest.mark.parametrize("token, split", [
    ("rmb1.06", ("rmb", "1.06")), ("cny1.06bn", ("cny", "1.06bn")), ("no1", ("no", "1")), ("nr1", ("nr", "1")),
    ("q1", None), ("5g", None), ("km2", None),
])
def test_a_currency_or_number_sign_glued_before_a_number_is_split_from_it(token, split):
    assert split_before(token) == split


@pytest.mark.parametrize("number, zh, en", [
    (with_magnitude("1.5", "mln"), [("150", "万")], [("1.5", "million")]),
    (plain("2500000"), [("2500000",), ("250", "万")], [("2500000",), ("2.5", "million")]),
    (plain("1060000000"), [("1060000000",), ("10.6", "亿")], [("1060000000",), ("1.06", "billion")]),
    (with_magnitude("2", "trillion"), [("20000", "亿")], [("2", "trillion")]),
    (plain("32.5"), [("32.5",)], [("32.5",)]),
])
def test_a_number_is_written_with_the_largest_magnitude_each_language_uses(number, zh, en):
    assert number.text_forms() == (zh, en)
