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

from ..records import Record

# Runs of letters, digits and decimal numbers (a '.' only between digits).
# Chinese characters are split off the runs in Python: a regular expression
# with the Han ranges in a character class takes milliseconds to compile, on
# every call.
WORD = re.compile(r"(?:\d+(?:\.\d+)+|[^\W_])+")


#: CJK ideographs: unified, extension A, compatibility, extensions B–G.
HAN_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def is_han_char(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in HAN_RANGES)


def han_class() -> str:
    """The Chinese characters as the inside of a regular expression's
    character class. A pattern with it takes milliseconds to compile, so only
    index building uses one (see ``words``)."""
    return "".join(f"{chr(low)}-{chr(high)}" for low, high in HAN_RANGES)


def is_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return not text.isascii() and any(is_han_char(c) for c in text)


class Token(Record):
    __slots__ = ("text", "start", "end")

    def __init__(self, text: str, start: int, end: int):
        self.text = text
        self.start = start  # offsets in the folded text
        self.end = end

    @property
    def is_han(self) -> bool:
        return len(self.text) == 1 and is_han_char(self.text)


@lru_cache(maxsize=1)
def _t2s_pairs() -> str:
    """Traditional → simplified, one character each, as pairs of characters
    (built from OpenCC by ``scripts/build_t2s.py``)."""
    raw = (Path(__file__).resolve().parent.parent / "data" / "t2s.txt").read_text(encoding="utf-8")
    return raw.replace("\n", "")


def simplified(char: str) -> str:
    """One character traditional → simplified. Found in the pairs by
    ``str.find`` rather than through a dict of its 4,572 pairs, which would
    cost a millisecond to build on every Chinese query: a query folds a few
    characters, and each character is folded once per process (``_FOLD``)."""
    pairs = _t2s_pairs()
    at = pairs.find(char)
    while at >= 0 and at % 2:  # a simplified character: look on
        at = pairs.find(char, at + 1)
    return pairs[at + 1] if at >= 0 else char


def fold_char(char: str) -> str:
    """One character in search form: compatibility forms unified, diacritics
    and case dropped, traditional folded to simplified."""
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFKC", stripped).casefold()
    if is_han(folded):
        folded = "".join(map(simplified, folded))
    return folded


class _FoldTable(dict):
    """``str.translate`` table that folds each character the first time it is
    met: folding then runs at C speed, which matters for a 100,000-fact index."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the original index."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _FOLD[ord(char)]
        out.append(folded)
        if len(folded) == 1:
            origin.append(index)
        else:
            origin.extend([index] * len(folded))
    return "".join(out), origin


def fold_text(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_FOLD)


def tokenize(folded: str) -> list[Token]:
    tokens: list[Token] = []
    for match in WORD.finditer(folded):
        run, start = match.group(), match.start()
        if run.isascii():
            tokens.append(Token(run, start, match.end()))
            continue
        # One token per Chinese character; the other characters between them
        # stay together (5g融合 → 5g 融 合).
        pending = start
        for offset, char in enumerate(run, start):
            if is_han_char(char):
                if pending < offset:
                    tokens.append(Token(folded[pending:offset], pending, offset))
                tokens.append(Token(char, offset, offset + 1))
                pending = offset + 1
        if pending < match.end():
            tokens.append(Token(folded[pending:match.end()], pending, match.end()))
    return tokens


@lru_cache(maxsize=2)
def _index_words(han: bool) -> re.Pattern:
    """``WORD`` as index building wants it: a run of letters and digits
    matched as a whole, not a character at a time (three times faster), a '.'
    kept between digits. With ``han``, a Chinese character alone or a run
    without one. Built on first use (see ``han_class``)."""
    ranges = han_class() if han else ""
    run = rf"[^\W_{ranges}]+(?:(?<=\d)\.(?=\d)[^\W_{ranges}]+)*"
    return re.compile(rf"(?=\w)[{ranges}]|{run}" if han else run)


def words(folded: str) -> list[str]:
    """The texts of ``tokenize(folded)``, made at C speed for index building."""
    return _index_words(not folded.isascii()).findall(folded)


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



def name_key(name: str) -> str:
    """How entity names are looked up: folded, without spaces or punctuation,
    so that 'Minzhucun community', '民主村社区' and 'minzhucun-community'
    all meet their entity."""
    # What re.sub(r"[\W_]+", "") keeps, without compiling a pattern per process.
    return "".join(filter(str.isalnum, fold_text(name)))
