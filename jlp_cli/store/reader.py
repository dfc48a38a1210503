"""Read a compiled store: every query a command makes, answered as plain data.

Opening a store and reading a few rows costs the same for 40 facts as for
100,000. Every SELECT of jlp is here, the search index's included; they all
go through ``_query``, which turns a store found damaged while it is read
into ``StoreDamaged`` (and any other SQLite error into itself: a bug, not a
reason to throw the store away).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator

from ..errors import StoreDamaged

#: SQLite's primary result codes that mean the file, not the query, is wrong:
#: SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_NOTADB.
_DAMAGE_CODES = {10, 11, 26}
_DAMAGE_WORDS = ("malformed", "not a database", "disk i/o error", "database corrupt")


def is_damage(error: sqlite3.Error) -> bool:
    """Whether a SQLite error says the store file is damaged."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    return any(word in str(error).lower() for word in _DAMAGE_WORDS)  # Python 3.10


def _loads(text: str) -> dict:
    return json.loads(text)


class FactStore:
    """Read access to a compiled store. Every method returns plain data."""

    FIGURE_ORDER = {
        "fact": "f.rowid, g.idx",
        "metric": "g.metric_en COLLATE NOCASE, f.rowid, g.idx",
        "value": "g.value IS NULL, g.value, f.rowid, g.idx",
        "value_base": "g.value_base IS NULL, g.value_base, f.rowid, g.idx",
        "period": "g.period IS NULL, g.period, f.rowid, g.idx",
    }

    def __init__(self, connection: sqlite3.Connection, index, source: str = "", path=None):
        self.con = connection
        self.index = index  # the search index's layout (``SearchIndex``)
        self.source = source  # the facts file, for messages
        self.path = path  # the store file, None when in memory

    def _query(self, sql: str, params=()) -> Iterator[tuple]:
        try:
            yield from self.con.execute(sql, params)
        except sqlite3.DatabaseError as error:
            if is_damage(error):
                raise StoreDamaged(str(error), self.path) from error
            raise

    def _one(self, sql: str, params=()):
        for row in self._query(sql, params):
            return row
        return None

    def close(self) -> None:
        self.con.close()

    # -- metadata -----------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self._query("SELECT key, value FROM meta"))

    def article(self) -> dict:
        return _loads(self._one("SELECT json FROM article")[0])

    def counts(self) -> dict[str, int]:
        return {table: self._one(f"SELECT count(*) FROM {table}")[0]
                for table in ("sections", "entities", "facts", "figures")}

    # -- sections -----------------------------------------------------------
    def sections(self) -> list[dict]:
        return [_loads(j) for (j,) in self._query("SELECT json FROM sections ORDER BY ord, id")]

    def section(self, section_id: str) -> dict | None:
        row = self._one("SELECT json FROM sections WHERE id = ?", (section_id,))
        return _loads(row[0]) if row else None

    def section_ids(self) -> list[str]:
        return [i for (i,) in self._query("SELECT id FROM sections ORDER BY ord, id")]

    # -- entities -----------------------------------------------------------
    def entities(self, entity_type: str | None = None) -> list[dict]:
        if entity_type:
            rows = self._query("SELECT json FROM entities WHERE type = ? ORDER BY ord", (entity_type,))
        else:
            rows = self._query("SELECT json FROM entities ORDER BY ord")
        return [_loads(j) for (j,) in rows]

    def entity(self, entity_id: str) -> dict | None:
        row = self._one("SELECT json FROM entities WHERE id = ?", (entity_id,))
        return _loads(row[0]) if row else None

    def entities_named(self, name: str) -> list[str]:
        """Entity ids whose id, name or alias is ``name`` (folded, without
        spaces or punctuation)."""
        key = self.index.name_key(name)
        if not key:
            return []
        rows = self._query(
            "SELECT DISTINCT n.entity_id FROM names n JOIN entities e ON e.id = n.entity_id "
            "WHERE n.key = ? ORDER BY e.ord", (key,))
        return [i for (i,) in rows]

    def entities_named_from(self, start: str) -> list[str]:
        """Entity ids one of whose names starts with ``start`` (folded, as
        ``entities_named``), when that is one entity; several ids when it
        starts names of several."""
        key = self.index.name_key(start)
        if not key:
            return []
        rows = self._query(
            "SELECT DISTINCT n.entity_id FROM names n JOIN entities e ON e.id = n.entity_id "
            "WHERE n.key >= ? AND n.key < ? ORDER BY e.ord LIMIT 50", (key, key + "\U0010ffff"))
        return [i for (i,) in rows]

    def entities_by_ids(self, ids: Iterable[str]) -> list[dict]:
        ids = list(dict.fromkeys(ids))
        found = {e["id"]: e for e in self._json_in("entities", "id", ids)}
        return [found[i] for i in ids if i in found]

    def related_entities(self, entity_id: str) -> list[tuple[str, int]]:
        """Entities that share facts with ``entity_id``, most shared first."""
        return list(self._query(
            "SELECT b.entity_id, count(*) AS n FROM fact_entities a "
            "JOIN fact_entities b ON a.fact = b.fact AND b.entity_id != a.entity_id "
            "JOIN entities e ON e.id = b.entity_id "
            "WHERE a.entity_id = ? GROUP BY b.entity_id ORDER BY n DESC, e.ord", (entity_id,)))

    # -- facts --------------------------------------------------------------
    def fact(self, fact_id: str) -> dict | None:
        row = self._one("SELECT json FROM facts WHERE id = ?", (fact_id,))
        return _loads(row[0]) if row else None

    def facts_by_rowids(self, rowids: list[int]) -> dict[int, dict]:
        return {rowid: _loads(text) for rowid, text in self._rows_in("SELECT rowid, json FROM facts", "rowid", rowids)}

    def fact_ids(self, prefix: str = "", limit: int = 200) -> list[str]:
        # Range scan on the unique index: fast for completion at any size.
        rows = self._query("SELECT id FROM facts WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                           (prefix, prefix + "\U0010ffff", limit))
        return [i for (i,) in rows]

    @staticmethod
    def filter_sql(section=None, kind=None, entity=None, tag=None) -> tuple[str, list]:
        """A WHERE clause over ``facts f`` for the shared filters."""
        clauses, params = [], []
        if section:
            clauses.append("f.section = ?")
            params.append(section)
        if kind:
            clauses.append("f.kind = ?")
            params.append(kind)
        if entity:
            clauses.append("f.rowid IN (SELECT fact FROM fact_entities WHERE entity_id = ?)")
            params.append(entity)
        if tag:
            clauses.append("f.rowid IN (SELECT fact FROM fact_tags WHERE tag = ?)")
            params.append(tag)
        return (" AND ".join(clauses) or "1"), params

    def facts(self, **filters) -> Iterator[dict]:
        where, params = self.filter_sql(**filters)
        for (text,) in self._query(f"SELECT json FROM facts f WHERE {where} ORDER BY f.rowid", params):
            yield _loads(text)

    def tags(self) -> list[tuple[str, int]]:
        return list(self._query("SELECT tag, count(*) FROM fact_tags GROUP BY tag ORDER BY tag"))

    def has_tag(self, tag: str) -> bool:
        return self._one("SELECT 1 FROM fact_tags WHERE tag = ? LIMIT 1", (tag,)) is not None

    # -- figures and dates --------------------------------------------------
    def figures(self, sort: str = "fact", descending: bool = False, **filters) -> Iterator[tuple[dict, dict]]:
        """(figure, fact-summary) pairs."""
        where, params = self.filter_sql(**filters)
        order = self.FIGURE_ORDER[sort]
        if descending:
            order = ", ".join(part + " DESC" if not part.endswith("IS NULL") else part for part in order.split(", "))
        sql = (f"SELECT g.json, f.id, f.section FROM figures g JOIN facts f ON f.rowid = g.fact "
               f"WHERE {where} ORDER BY {order}")
        for figure, fact_id, section in self._query(sql, params):
            yield _loads(figure), {"id": fact_id, "section": section}

    def dated_facts(self) -> Iterator[tuple[dict, str, str, str]]:
        sql = ("SELECT f.json, d.period, d.start, d.end FROM dated d JOIN facts f ON f.rowid = d.fact "
               "ORDER BY d.start, d.end, f.rowid")
        for text, period, start, end in self._query(sql):
            yield _loads(text), period, start, end

    # -- the search index -----------------------------------------------------
    def ranked(self, match: str, limit: int | None, **filters) -> list[tuple[int, float]]:
        """(rowid, rank) of the facts the FTS5 expression ``match`` finds,
        best (lowest rank) first, at most ``limit``. Rank first, with only the
        rowid and the score in the sorter; without filters the join with
        facts is skipped too (on 100,000 facts that halves the query)."""
        where, params = self.filter_sql(**filters)
        sql = f"SELECT fts.rowid, {self.index.rank} AS score FROM fts "
        if where != "1":
            sql += f"JOIN facts f ON f.rowid = fts.rowid WHERE fts MATCH ? AND {where} ORDER BY score"
        else:
            sql += "WHERE fts MATCH ? ORDER BY score"
        if limit:
            sql += " LIMIT ?"
            params = [*params, limit]
        return list(self._query(sql, [match, *params]))

    def matches_any(self, match: str) -> bool:
        """Whether the FTS5 expression ``match`` finds any fact."""
        return self._one("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1", (match,)) is not None

    def index_rows(self, rowids: list[int], columns: tuple[str, ...]) -> dict[int, dict[str, str]]:
        """The search index's token columns of some facts, by rowid."""
        sql = f"SELECT rowid, {', '.join(columns)} FROM fts"
        return {row[0]: dict(zip(columns, row[1:])) for row in self._rows_in(sql, "rowid", rowids)}

    def count(self, match: str, cap: int, **filters) -> int:
        """How many facts the FTS5 expression ``match`` finds (with the
        filters), counting no further than ``cap``."""
        where, params = self.filter_sql(**filters)
        if where == "1":
            sql = "SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)"
        else:
            sql = (f"SELECT count(*) FROM (SELECT 1 FROM fts JOIN facts f ON f.rowid = fts.rowid "
                   f"WHERE fts MATCH ? AND {where} LIMIT ?)")
        row = self._one(sql, [match, *params, cap])
        return row[0] if row else 0

    def fact_count(self) -> int:
        """The number of facts of the book."""
        row = self._one("SELECT value FROM meta WHERE key = 'fact_count'")
        return int(row[0]) if row else 0

    def known_words(self, candidates: Iterable[str]) -> set[str]:
        """Those of ``candidates`` that are words of the book or keys of the
        concept table."""
        found: set[str] = set()
        for (word,) in self._rows_in("SELECT word FROM vocab", "word", list(candidates)):
            found.add(word)
        return found

    def words_between(self, shortest: int, longest: int) -> list[str]:
        """The book's English-script words of these lengths."""
        return [w for (w,) in self._query("SELECT word FROM vocab WHERE latin = 1 AND len BETWEEN ? AND ?",
                                          (shortest, longest))]

    def words_starting(self, prefix: str, limit: int = 200) -> list[str]:
        """The book's English-script words that start with ``prefix``."""
        return [w for (w,) in self._query("SELECT word FROM vocab WHERE word >= ? AND word < ? AND latin = 1 LIMIT ?",
                                          (prefix, prefix + "\U0010ffff", limit))]

    def concepts(self, keys: Iterable[str]) -> dict[str, list[tuple[str, str, str, bool]]]:
        """The terms each of ``keys`` finds in the concept table: (term, its
        index tokens, its script, whether the key is a question phrase)."""
        found: dict[str, list[tuple[str, str, str, bool]]] = {}
        sql = "SELECT key, term, tokens, script, question FROM concepts"
        for key, term, tokens, script, question in self._rows_in(sql, "key", list(keys)):
            found.setdefault(key, []).append((term, tokens, script, bool(question)))
        return found

    # -- helpers ------------------------------------------------------------
    def _json_in(self, table: str, column: str, values: list[str]) -> list[dict]:
        return [_loads(j) for (j,) in self._rows_in(f"SELECT json FROM {table}", column, values)]

    def _rows_in(self, select: str, column: str, values: list) -> Iterator[tuple]:
        """Rows of ``select … WHERE column IN (values)``, in chunks that stay
        below SQLite's limit on bound parameters."""
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            marks = ",".join("?" * len(chunk))
            yield from self._query(f"{select} WHERE {column} IN ({marks})", chunk)
