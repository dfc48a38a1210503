"""Split a run of Chinese characters typed without spaces into words.

People type 民主村社区火锅店 or 氢能产业营收多少 without spaces; the index holds
one token per character, so the words of such a query are found here, from
what the book knows (``known``: the words of the store's vocabulary, built
from the book's entity names and the dictionary words its text holds, and the
keys of the concept table), from the question and filler words
(``stopwords``) and from Chinese numerals (三十二点五).

The best split covers the most characters with the longest known words (the
sum of the squares of their lengths: 民主村社区 beats 民主 + 村 + 社区), then
has the fewest words. Characters no known word covers stay together as one
unknown word (房子, 进展): the query layer may split it further by asking the
book which of its parts it holds.

Pure: ``known`` is a set the caller filled (one query for every substring).
"""

from __future__ import annotations

from .stopwords import STOP_ZH

#: Chinese numerals (``numbers`` reads them; imported only when a query has one).
ZH_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿点")

#: The longest word looked up: longer runs are made of several.
LONGEST = 12


class Chunk:
    __slots__ = ("text", "start", "kind", "number")

    def __init__(self, text: str, start: int, kind: str, number=None):
        self.text = text
        self.start = start  # offset in the run
        self.kind = kind  # word, stop, number, ordinal, unknown
        self.number = number  # the Number of a number

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def __repr__(self) -> str:
        return f"{self.kind}:{self.text}"

    def __eq__(self, other) -> bool:
        return isinstance(other, Chunk) and (self.text, self.start, self.kind) == (other.text, other.start, other.kind)


def substrings(run: str, longest: int = LONGEST) -> set[str]:
    """Every part of ``run`` a word could be: what to look up in the book."""
    return {run[i:j] for i in range(len(run)) for j in range(i + 1, min(len(run), i + longest) + 1)}


def segment(run: str, known: set[str] | frozenset[str]) -> list[Chunk]:
    """The words of ``run`` (Chinese characters only), in order."""
    n = len(run)
    # best[i]: (score, -chunks, chunks) of the best split of run[:i].
    best: list[tuple[int, int, list[Chunk]] | None] = [None] * (n + 1)
    best[0] = (0, 0, [])
    for end in range(1, n + 1):
        options = []
        for start in range(max(0, end - LONGEST), end):
            if best[start] is None:
                continue
            part = run[start:end]
            chunk = _chunk(part, start, known)
            if chunk is not None and chunk.kind == "number" and not _stands_alone(run, start, end):
                chunk = Chunk(part, start, "unknown") if len(part) == 1 else None
            if chunk is None:
                continue
            score, count, chunks = best[start]
            gain = len(part) ** 2 if chunk.kind != "unknown" else 0
            options.append((score + gain, count - 1, chunks + [chunk]))
        best[end] = max(options, key=lambda option: (option[0], option[1]))
    return _join_unknown(best[n][2])


def _chunk(part: str, start: int, known) -> Chunk | None:
    if part in STOP_ZH:
        return Chunk(part, start, "stop")
    if part in known and (len(part) > 1 or not _numeral(part)):
        return Chunk(part, start, "word")
    if _numeral(part):
        from .numbers import parse_zh

        number = parse_zh(part)
        if number is not None:
            return Chunk(part, start, "number", number)
    if len(part) > 1 and part[0] == "第" and _numeral(part[1:]):
        from .numbers import parse_zh

        number = parse_zh(part[1:])  # an ordinal: 第一, 第三十二
        if number is not None and number.magnitude == "":
            return Chunk(part, start, "ordinal", number)
    if len(part) == 1:
        return Chunk(part, start, "unknown")
    return None


#: Characters that follow a number: measure words and units (三个, 五十年代,
#: 三平方公里, 十点六亿元).
MEASURES = frozenset("个年月日号季度亿万元倍平公米家项种条位名次批座所栋层成%")


def _stands_alone(run: str, start: int, end: int) -> bool:
    """Whether numerals run[start:end] are a number: more than one numeral
    (三十二), or one alone, or one before a measure word (三个, 三平方公里);
    not 三 of 三国 or 九 of 九龙坡, which are words."""
    return end - start > 1 or (start == 0 and end == len(run)) or run[end:end + 1] in MEASURES


def _numeral(part: str) -> bool:
    return all(c in ZH_NUMERALS for c in part)


def _join_unknown(chunks: list[Chunk]) -> list[Chunk]:
    """Unknown characters in a row are one unknown word."""
    out: list[Chunk] = []
    for chunk in chunks:
        if chunk.kind == "unknown" and out and out[-1].kind == "unknown":
            out[-1] = Chunk(out[-1].text + chunk.text, out[-1].start, "unknown")
        else:
            out.append(chunk)
    return out
