"""One normalisation for indexed text and for queries.

``fold`` maps text to a search form: compatibility forms unified (NFKC, so
full-width ２０２４ is 2024 and km² is km2), diacritics and case dropped, and
traditional characters folded to simplified. It keeps, for every folded
character, the index of the original character it came from, so that a match
found in folded text can be highlighted in the original.

``tokenize`` splits folded text into tokens: one per Chinese character,
decimal numbers whole (10.6, never 10 and 6), other runs of letters and digits
whole (5g, km2). English words are stemmed (renewal → renew) by ``stem``.
``char_tokens`` splits the same text into single characters instead, so that
a span that cuts a number or a Latin word (the 6亿 of 10.6亿) is still a
phrase of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN = re.compile(f"[{HAN_RANGES}]")
TOKEN = re.compile(rf"\d+(?:\.\d+)+|[^\W_{HAN_RANGES}]+|[{HAN_RANGES}]")


class Token(NamedTuple):
    text: str
    start: int  # offsets in the folded text
    end: int

    @property
    def is_han(self) -> bool:
        return len(self.text) == 1 and HAN.match(self.text) is not None


@lru_cache(maxsize=1)
def t2s_table() -> dict[str, str]:
    """Traditional → simplified, one character each (built from OpenCC by
    ``scripts/build_t2s.py``)."""
    raw = (Path(__file__).resolve().parent.parent / "data" / "t2s.txt").read_text(encoding="utf-8")
    pairs = raw.replace("\n", "")
    return {pairs[i]: pairs[i + 1] for i in range(0, len(pairs) - 1, 2)}


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFKC", stripped).casefold()
    if any(HAN.match(c) for c in folded):
        table = t2s_table()
        folded = "".join(table.get(c, c) for c in folded)
    return folded


def fold(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the original index."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            folded = char.lower()
        else:
            folded = fold_char(char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def fold_text(text: str) -> str:
    return fold(text)[0]


def tokenize(folded: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(folded)]


def char_tokens(folded: str) -> list[Token]:
    """One token per searchable character: every character of every token of
    ``tokenize``, so '.' stays only inside decimal numbers (10.6 → 1 0 . 6)."""
    out: list[Token] = []
    for token in tokenize(folded):
        if len(token.text) == 1:
            out.append(token)
        else:
            out.extend(Token(c, token.start + i, token.start + i + 1) for i, c in enumerate(token.text))
    return out


@lru_cache(maxsize=1)
def _stemmer():
    # PyStemmer is Snowball's own C binding: the English (Porter2) stemmer
    # loads in a millisecond, where the pure-Python snowballstemmer package
    # loads all of its 30 languages first.
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English stem of a folded word; numbers and mixed tokens are kept."""
    if not word.isalpha() or not word.isascii():
        return word
    return _stemmer().stemWord(word)


def is_han(text: str) -> bool:
    return bool(HAN.search(text))
