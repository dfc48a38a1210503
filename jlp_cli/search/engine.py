"""Run a parsed query against a store's FTS5 index and rank the results.

SQLite ranks every match with BM25 (column weights below) and hands back the
best candidates; they are re-ranked here with boosts that BM25 cannot see:
the whole query as one phrase, a query that names an entity of the fact, and
a match early in the fact. Each result keeps what matched where, for
highlighting and ``--explain``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from ..store import FactStore, name_key
from .index import COLUMNS
from .normalize import fold, stem, tokenize
from .query import Form, Query, parse

WEIGHTS = {"zh": 10.0, "quote": 4.0, "en": 8.0, "names": 3.0, "py": 6.0, "py_alt": 0.5, "ini": 2.0}
PHRASE_BOOST = 4.0
ENTITY_BOOST = 3.0
EARLY_BOOST = 1.0


@dataclass
class Match:
    form: Form
    column: str


@dataclass
class Hit:
    fact: dict
    score: float
    parts: dict[str, float]
    matches: list[Match] = field(default_factory=list)
    columns: dict[str, list[str]] = field(default_factory=dict)  # the fact's index tokens

    def explain(self) -> dict:
        return {
            "score_parts": {k: round(v, 3) for k, v in self.parts.items()},
            "matches": [
                {"column": m.column, "form": m.form.kind, "tokens": " ".join(m.form.tokens)
                 + ("*" if m.form.prefix else ""), "note": m.form.note or None}
                for m in self.matches
            ],
        }


def _contains(haystack: list[str], needle: tuple[str, ...], prefix: bool) -> int:
    """Position of the first occurrence of ``needle`` in ``haystack``, or -1."""
    size = len(needle)
    if not size:
        return -1
    head, last = needle[:-1], needle[-1]
    for start in range(len(haystack) - size + 1):
        if tuple(haystack[start : start + size - 1]) != head:
            continue
        token = haystack[start + size - 1]
        if token == last or (prefix and token.startswith(last)):
            return start
    return -1


def _similar_words(con: sqlite3.Connection):
    def similar(word: str, distance: int) -> list[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        rows = con.execute("SELECT word FROM vocab WHERE len BETWEEN ? AND ?",
                           (len(word) - distance, len(word) + distance))
        choices = [w for (w,) in rows]
        found = process.extract(word, choices, scorer=Levenshtein.distance,
                                score_cutoff=distance, limit=5)
        return [choice for choice, _score, _index in sorted(found, key=lambda f: (f[1], f[0]))]
    return similar


def compile_query(store: FactStore, text: str) -> Query:
    con = store.con

    def known(word: str) -> bool:
        return con.execute("SELECT 1 FROM vocab WHERE word = ?", (word,)).fetchone() is not None

    return parse(text, known, _similar_words(con))


def search(store: FactStore, text: str, limit: int | None = 20, **filters) -> list[Hit]:
    """Ranked hits for ``text``, best first (an empty list when none match)."""
    query = compile_query(store, text)
    where, params = store.filter_sql(**filters)
    candidates = None if not limit else max(limit * 5, 50)
    weights = ", ".join(str(WEIGHTS[c]) for c in COLUMNS)
    sql = (f"SELECT fts.rowid, bm25(fts, {weights}) AS rank, {', '.join('fts.' + c for c in COLUMNS)} "
           f"FROM fts JOIN facts f ON f.rowid = fts.rowid WHERE fts MATCH ? AND {where} ORDER BY rank")
    if candidates:
        sql += f" LIMIT {int(candidates)}"
    rows = store.con.execute(sql, [query.fts(), *params]).fetchall()
    if not rows:
        return []
    facts = store.facts_by_rowids([row[0] for row in rows])
    named = set(store.entities_named(name_key(query.raw)))
    hits = [_rank(query, facts[row[0]], -row[1], dict(zip(COLUMNS, row[2:])), named) for row in rows]
    hits.sort(key=lambda h: (-h.score, h.fact["id"]))
    return hits[:limit] if limit else hits


def _rank(query: Query, fact: dict, bm25: float, columns: dict[str, str], named: set[str]) -> Hit:
    tokens = {name: value.split() for name, value in columns.items()}
    matches: list[Match] = []
    first_position = None
    for form in query.all_forms():
        for column in form.columns:
            position = _contains(tokens[column], form.tokens, form.prefix)
            if position >= 0:
                matches.append(Match(form, column))
                if column in ("zh", "py") and (first_position is None or position < first_position):
                    first_position = position
    parts = {"bm25": bm25, "phrase": 0.0, "entity": 0.0, "early": 0.0}
    whole_zh = tuple(t.text for t in tokenize(query.folded))
    whole_en = tuple(stem(t) for t in whole_zh)
    if len(query.pieces) > 1 or query.whole:
        if (_contains(tokens["zh"], whole_zh, False) >= 0 or _contains(tokens["en"], whole_en, False) >= 0
                or any(m.form in query.whole and m.column == "py" for m in matches)):
            parts["phrase"] = PHRASE_BOOST
    if named and named.intersection(fact["entities"]):
        parts["entity"] = ENTITY_BOOST
    if first_position is not None and tokens["zh"]:
        parts["early"] = EARLY_BOOST * (1 - first_position / max(len(tokens["py"]), len(tokens["zh"]), 1))
    score = round(sum(parts.values()), 4)
    return Hit(fact=fact, score=score, parts=parts, matches=matches, columns=tokens)


def highlight_spans(hit: Hit, field: str) -> list[tuple[int, int]]:
    """Character spans of ``fact.text[field]`` ('zh' or 'en') that matched."""
    text = hit.fact["text"][field]
    folded, origin = fold(text)
    tokens = tokenize(folded)
    spans: list[tuple[int, int]] = []

    def add(first: int, count: int, sequence):
        for token in sequence[first : first + count]:
            spans.append((origin[token.start], origin[token.end - 1] + 1))

    for match in hit.matches:
        form = match.form
        if field == "zh" and match.column in ("zh", "quote"):
            words = [t.text for t in tokens]
            _each(words, form, lambda i: add(i, len(form.tokens), tokens))
        elif field == "zh" and match.column in ("py", "py_alt", "ini"):
            han = [t for t in tokens if t.is_han]
            syllables = hit.columns.get(match.column, [])
            _each(syllables, form, lambda i: add(i, len(form.tokens), han))
        elif field == "en" and match.column == "en":
            stems = [stem(t.text) for t in tokens]
            _each(stems, form, lambda i: add(i, len(form.tokens), tokens))
    return _merge(spans)


def _each(haystack: list[str], form: Form, callback) -> None:
    start = 0
    while start < len(haystack):
        position = _contains(haystack[start:], form.tokens, form.prefix)
        if position < 0:
            return
        callback(start + position)
        start += position + 1


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
