"""What may reach a terminal, and the small text helpers of the query path."""

from __future__ import annotations

import re
import sys

import pytest

from jlp_cli.render.sanitize import _UNSAFE_CHARACTERS, for_field, for_terminal
from jlp_cli.search.normalize import name_key
from jlp_cli.search.query import pinyin_letters


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\u202e", "\u200b", "\ufeff", "\u115f", "\u1160", "\u3164",
                                  "\U000e0041", "\ud800"])
def test_unsafe_characters_are_shown_not_obeyed(char):
    shown = for_terminal(f"a{char}b")
    assert char not in shown
    assert shown.startswith("a") and shown.endswith("b") and len(shown) > 3


def test_every_unsafe_character_is_escaped_even_in_printable_text():
    unsafe = re.compile(_UNSAFE_CHARACTERS)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unsafe.match(char):
            assert char not in for_terminal("氢能" + char), hex(code)


def test_safe_text_is_unchanged():
    text = "氢能产业营业收入10.6亿元 — Jiulongpo's “hydrogen” revenue"
    assert for_terminal(text) == text


def test_fields_stay_on_one_line():
    assert for_field("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e"


def test_floods_of_combining_marks_are_cut():
    assert for_terminal("e" + "\u0301" * 10) == "e" + "\u0301" * 3 + "…"


@pytest.mark.parametrize("word, letters", [("qing2", "qing"), ("qing2neng2", "qingneng"), ("lü4", "lv"),
                                           ("a11", "a1"), ("5g", "5g"), ("km2", "km"), ("x9", "x9")])
def test_tone_digits_after_a_letter_are_dropped(word, letters):
    assert pinyin_letters(word) == letters


@pytest.mark.parametrize("name, key", [("Minzhucun community", "minzhucuncommunity"), ("民主村社区", "民主村社区"),
                                       ("minzhucun-community", "minzhucuncommunity"), ("a_b.c", "abc"),
                                       ("西部(重庆)科学城", "西部重庆科学城")])
def test_name_keys_drop_spaces_and_punctuation(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize("char, shown", [("\x1b", "\\x1b"), ("\x9b", "\\x9b"), ("\u061c", "<U+061C>"),
                                         ("\u200b", "<U+200B>"), ("\U000e0041", "<U+E0041>")])
def test_each_unsafe_character_is_shown_by_its_code(char, shown):
    assert for_terminal(f"a{char}b") == f"a{shown}b"
