"""The concept table (``data/concepts.txt``): how people say what a book says.

Read when a store is built and compiled into it (``rows``): each row is a
key (the folded, stemmed form of a term that asks) and a term it finds. A
query looks its words up by key (``key``), one SQL query for all of them, so
the query path never reads the file (see ``FactStore.concepts``).

Three kinds of line (the file's header says how they are written):

* ``same``: every term finds the others;
* ``asks``: the terms left of ``>`` find those right of it;
* ``question``: the same, for a question phrase (how big, 多少): a fact
  without the answer it asks for still matches the query's other words.
"""

from __future__ import annotations

from pathlib import Path

from .layout import MARKS
from .normalize import fold_text, is_han_char, stem, tokenize

PATH = Path(__file__).resolve().parent.parent / "data" / "concepts.txt"
#: Targets that are no words: a fact with a figure, a fact with a date (the
#: index marks them with these tokens).
MARKERS = tuple(MARKS)


class Line:
    __slots__ = ("number", "kind", "asking", "found")

    def __init__(self, number: int, kind: str, asking: tuple[str, ...], found: tuple[str, ...]):
        self.number = number  # in the file, for messages
        self.kind = kind  # same, asks, question
        self.asking = asking  # the terms a query may say
        self.found = found  # the terms they find

    def pairs(self):
        """(asking term, found term) pairs."""
        for term in self.asking:
            for other in self.found:
                if other != term:
                    yield term, other


def parse(text: str) -> list[Line]:
    """The lines of a concept file. ValueError names a malformed line."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        body = raw.strip()
        if not body or body.startswith("#"):
            continue
        kind = "same"
        if body.startswith("?"):
            kind, body = "question", body[1:].strip()
        if body.count(">") > 1:
            raise ValueError(f"line {number}: more than one '>'")
        left, arrow, right = body.partition(">")
        asking = _terms(left)
        found = _terms(right) if arrow else asking
        if kind == "same" and arrow:
            kind = "asks"
        if kind == "question" and not arrow:
            raise ValueError(f"line {number}: a question needs '>' and what it asks for")
        if not asking or not found or (kind == "same" and len(asking) < 2):
            raise ValueError(f"line {number}: a concept needs two terms or more")
        for term in asking:
            if term.startswith("@"):
                raise ValueError(f"line {number}: {term} can only be found, not asked")
        for term in found:
            if term.startswith("@") and term not in MARKERS:
                raise ValueError(f"line {number}: unknown marker {term}")
        lines.append(Line(number, kind, asking, found))
    return lines


def _terms(side: str) -> tuple[str, ...]:
    return tuple(term.strip() for term in side.split("|") if term.strip())


def key(text: str) -> str:
    """How a term is looked up: folded tokens, English ones stemmed, Chinese
    characters run together (外资, internet of thing, 20 世纪)."""
    return join_key([stem(t.text) for t in tokenize(fold_text(text))])


def join_key(tokens: list[str]) -> str:
    """Tokens as a key: a space between two tokens unless both are Chinese
    characters."""
    out = ""
    previous_han = False
    for token in tokens:
        han = len(token) == 1 and is_han_char(token)
        if out and not (han and previous_han):
            out += " "
        out += token
        previous_han = han
    return out


def load(path: Path = PATH) -> list[Line]:
    return parse(path.read_text(encoding="utf-8"))


def target(term: str) -> tuple[str, str]:
    """How a term found is searched for: (tokens, script). Chinese as its
    characters, English stemmed, a marker as its token: made when the store
    is built, so that a query never stems (nor loads the stemmer for) the
    English terms a Chinese word finds."""
    if term in MARKERS:
        return MARKS[term], "mark"
    tokens = [t.text for t in tokenize(fold_text(term))]
    if any(len(t) == 1 and is_han_char(t) for t in tokens):
        return " ".join(tokens), "zh"
    return " ".join(stem(t) for t in tokens), "en"


def rows(path: Path = PATH) -> list[tuple[str, str, str, str, int]]:
    """(key, term found, its tokens, its script, 1 for a question) for the
    store, without repeats."""
    found: dict[tuple[str, str], int] = {}
    for line in load(path):
        question = int(line.kind == "question")
        for asking, other in line.pairs():
            asked = key(asking)
            if asked and (asked, other) not in found:
                found[asked, other] = question
    out = []
    for (asked, other), question in found.items():
        tokens, script = target(other)
        if tokens:
            out.append((asked, other, tokens, script, question))
    return out
