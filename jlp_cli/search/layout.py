"""The layout of the search index: its columns, their weights, and how a
row read back from the store is completed.

Shared by the build (``index``, which makes the tokens) and the query path
(``query``, ``engine``), which must not import the build's tokeniser: this
module imports nothing.
"""

from __future__ import annotations

COLUMNS = ("zh", "quote", "en", "names", "py", "py_alt", "ini", "chars")
#: The columns a query on a column looks in: ``chars`` is empty where it
#: would equal ``zh``, and a phrase of single characters in ``zh`` is one in
#: ``chars`` too.
MATCH_COLUMNS = {"chars": ("chars", "zh")}
#: The index table. unicode61 with '.' kept inside tokens (10.6 is one token;
#: ours never hold any other punctuation). No prefix indexes: they would
#: triple the index of every column for the one kind of query that ends in a
#: prefix (chongq → chong q*), which FTS5 answers from the term list anyway.
FTS_SCHEMA = (f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(COLUMNS)}, "
              "tokenize = \"unicode61 remove_diacritics 0 tokenchars '.'\")")
#: BM25 column weights: which matches pick the candidates. ``names`` is low
#: because it repeats every name in several forms (zh, en, pinyin, initials),
#: which would outweigh what the fact's own text says.
WEIGHTS = {"zh": 10.0, "quote": 4.0, "en": 8.0, "names": 2.0, "py": 6.0, "py_alt": 0.5, "ini": 4.0,
           "chars": 1.0}
#: How candidates are ranked: BM25 with the column weights. (Measured: an
#: explicit bm25() is 1.4× faster than the same function configured as the
#: table's ``rank``, whose ORDER BY goes through FTS5's own sorter.)
BM25 = f"bm25(fts, {', '.join(str(WEIGHTS[c]) for c in COLUMNS)})"
#: Put between the parts of a column so that a phrase never runs from one
#: name into the next. One token for FTS5 ('.' is a token character), but
#: never one of a query's: ``tokenize`` keeps a '.' only between digits.
SEPARATOR = "sep.sep"


def full_row(columns: dict[str, str]) -> dict[str, str]:
    """An index row as read from the store, with ``chars`` as it was before
    the store left it out."""
    if "chars" in columns and "zh" in columns:
        columns["chars"] = " ".join("".join(columns["zh"].split()))
    return columns
