"""The layout of the search index: every fact about each of its columns.

A column's name, its BM25 weight, how much a match in it says about a fact
(``quality``), what it is made from, and which kinds of query form look in
it, all live here; ``index.py`` makes the tokens of each column (one function
per column name) and nothing else names them. Adding a column touches this
file and the tokeniser, nothing else.

The store is written and read through ``SEARCH_INDEX``, which the store
receives rather than imports (the store is below search in the layers). This
module imports nothing when it loads, so the query path can read the layout
without loading the tokeniser.
"""

from __future__ import annotations

import os


class IndexColumn:
    __slots__ = ("name", "weight", "quality", "made_from")

    def __init__(self, name: str, weight: float, quality: float, made_from: str):
        self.name = name
        self.weight = weight  # BM25 weight: which matches pick the candidates
        self.quality = quality  # how much a match here says about the fact (ranking)
        self.made_from = made_from  # for people: what the tokens are


#: The columns, in the order of the FTS table. ``names`` has a low weight
#: because it repeats every name in several forms (zh, en, pinyin, initials),
#: which would outweigh what the fact's own text says; a rare reading of a
#: character (重 as zhong in 重庆) or a cut number (6 of 10.6) says least.
COLUMNS = (
    IndexColumn("zh", 10.0, 1.0, "the Chinese text, folded: one token per character, numbers whole"),
    IndexColumn("quote", 4.0, 0.8, "the verbatim quote, tokenised as zh"),
    IndexColumn("en", 8.0, 1.0, "the English text: stemmed words and numbers"),
    IndexColumn("names", 2.0, 0.7, "the names and aliases of the fact's entities, in every form"),
    IndexColumn("py", 6.0, 0.9, "phrase-aware pinyin, one syllable per Chinese character of zh"),
    IndexColumn("py_alt", 0.5, 0.25, "the same with each heteronym's first other reading"),
    IndexColumn("ini", 4.0, 0.6, "the first letter of each syllable of py"),
    IndexColumn("chars", 1.0, 0.4, "zh one character per token, numbers too (10.6 → 1 0 . 6); "
                                    "empty where that is zh itself"),
    IndexColumn("num", 3.0, 0.9, "the figures' values as written and in base units, with the unit "
                                 "(10.6 1060000000 cny), periods (2024 q1) and the marks .figure., .date."),
)
NAMES = tuple(column.name for column in COLUMNS)
WEIGHTS = {column.name: column.weight for column in COLUMNS}
QUALITY = {column.name: column.quality for column in COLUMNS}

#: The columns each kind of query form looks in.
FORM_COLUMNS = {
    "chinese": ("zh", "quote", "names"),
    "english": ("en", "names", "num"),  # num: units (percent, km2) and periods (q1)
    "latin": ("zh", "quote"),  # numbers and Latin words also stand in Chinese text: 10.6, 5G
    "number": ("num",),  # a number's value in a base unit (1060000000 for 10.6亿)
    "pinyin": ("py", "names"),
    "pinyin-alt": ("py_alt",),
    "initials": ("ini", "names"),
    "partial": ("chars",),
    "mark": ("num",),  # .figure., .date.: what a question asks for
}
#: The columns a query on a column reads: ``chars`` is left empty where it
#: would equal ``zh``, and a phrase of single characters in ``zh`` is one in
#: ``chars`` too.
MATCH_COLUMNS = {"chars": ("chars", "zh")}
#: Columns whose position of a match tells how early in the fact it is.
POSITIONAL = ("zh", "en", "py", "ini")

#: The index table. unicode61 with '.' kept inside tokens (10.6 is one token;
#: ours never hold any other punctuation). No prefix indexes: they would
#: triple the index of every column for the one kind of query that ends in a
#: prefix (chongq → chong q*), which FTS5 answers from the term list anyway.
FTS_SCHEMA = (f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(NAMES)}, "
              "tokenize = \"unicode61 remove_diacritics 0 tokenchars '.'\")")
#: How candidates are ranked: BM25 with the column weights. (Measured: an
#: explicit bm25() is 1.4× faster than the same function configured as the
#: table's ``rank``, whose ORDER BY goes through FTS5's own sorter.)
BM25 = f"bm25(fts, {', '.join(str(column.weight) for column in COLUMNS)})"
#: Put between the parts of a column so that a phrase never runs from one
#: name into the next. One token for FTS5 ('.' is a token character), but
#: never one of a query's, nor the start of one (a query's last word may be
#: a prefix): ``tokenize`` keeps a '.' only between digits.
SEPARATOR = ".sep."
#: Marks in the ``num`` column, tokens of the same kind: the fact states a
#: number, the fact is dated. The concept table's @figure and @date find
#: them (how many → a number; when → a date).
MARKS = {"@figure": ".figure.", "@date": ".date."}


def full_row(columns: dict[str, str]) -> dict[str, str]:
    """An index row as read from the store, with ``chars`` as it was before
    the store left it out."""
    if "chars" in columns and "zh" in columns and not columns["chars"]:
        columns["chars"] = " ".join("".join(columns["zh"].split()))
    return columns


class SearchIndex:
    """What the store needs to know of the search index: how to create it,
    its columns, how to rank, how to make rows and name keys, and a version
    that changes whenever the tokens would. Handed to the store by whoever
    opens one (the CLI), so that the store never imports search."""

    schema = FTS_SCHEMA
    columns = NAMES
    rank = BM25

    def indexer(self, entity_names: dict[str, list[str]]):
        """A function from a fact's indexed part to (columns, words)."""
        from .index import Indexer

        return Indexer(entity_names).row

    def name_key(self, name: str) -> str:
        from .normalize import name_key

        return name_key(name)

    def concept_rows(self) -> list[tuple[str, str, str, str, int]]:
        """The concept table as rows (key, term found, its tokens, its
        script, question): see ``concepts``."""
        from .concepts import rows

        return rows()

    @property
    def version(self) -> str:
        """A checksum of the sources that decide the index's tokens (their
        size and time): a store built by other code is never read by this one."""
        return _sources_checksum()


_CHECKSUM: list[str] = []


def _sources_checksum() -> str:
    if not _CHECKSUM:
        from ..store.cache import sources_checksum

        here = os.path.dirname(os.path.abspath(__file__))
        _CHECKSUM.append(sources_checksum(here, ("layout.py", "index.py", "normalize.py", "numbers.py",
                                                 "concepts.py", os.path.join("..", "data", "t2s.txt"),
                                                 os.path.join("..", "data", "concepts.txt"))))
    return _CHECKSUM[0]


SEARCH_INDEX = SearchIndex()
