"""The compiled store: a fact book as one SQLite file, built once, read fast.

Commands read facts, entities, figures and the search index from here, never
from the YAML: opening a store and reading a few rows costs the same for 40
facts as for 100,000. Records are kept as the JSON of their validated model
(every field present, in schema order), so machine output is a copy of what
was validated.

``build`` writes a store; ``FactStore`` reads one. Where the store lives and
when it is rebuilt is ``cache.py``'s business.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator

#: Bump when the layout or the tokens change: old stores are then rebuilt.
STORE_VERSION = 8

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE article(json TEXT NOT NULL);
CREATE TABLE sections(id TEXT PRIMARY KEY, ord INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE entities(id TEXT PRIMARY KEY, ord INTEGER NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE names(key TEXT NOT NULL, entity_id TEXT NOT NULL);
CREATE INDEX names_key ON names(key);
CREATE TABLE facts(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, section TEXT NOT NULL,
                   kind TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX facts_section ON facts(section);
CREATE INDEX facts_kind ON facts(kind);
CREATE TABLE fact_entities(entity_id TEXT NOT NULL, fact INTEGER NOT NULL);
CREATE INDEX fact_entities_entity ON fact_entities(entity_id, fact);
CREATE INDEX fact_entities_fact ON fact_entities(fact);
CREATE TABLE fact_tags(tag TEXT NOT NULL, fact INTEGER NOT NULL);
CREATE INDEX fact_tags_tag ON fact_tags(tag, fact);
CREATE TABLE figures(fact INTEGER NOT NULL, idx INTEGER NOT NULL, value REAL, value_base REAL,
                     period TEXT, metric_zh TEXT, metric_en TEXT, json TEXT NOT NULL);
CREATE TABLE dated(fact INTEGER NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, period TEXT NOT NULL);
CREATE INDEX dated_start ON dated(start, end);
CREATE TABLE vocab(word TEXT PRIMARY KEY, len INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX vocab_len ON vocab(len);
"""
# The search index (the fts table) is defined by search/index.py.


def name_key(name: str) -> str:
    """How entity names are looked up: folded, without spaces or punctuation,
    so that 'Minzhucun community', '民主村社区' and 'minzhucun-community'
    all meet their entity."""
    from .search.normalize import fold_text

    # What re.sub(r"[\W_]+", "") keeps, without compiling a pattern per process.
    return "".join(filter(str.isalnum, fold_text(name)))


def period_bounds(period: str) -> tuple[str, str]:
    """'2023' → ('2023-01', '2023-12'); '2024-Q1' → ('2024-01', '2024-03');
    '1950s/1990s' → ('1950-01', '1999-12'). Sortable as text."""
    first, _, last = period.partition("/")
    last = last or first

    def bounds(atom: str) -> tuple[str, str]:
        if atom.endswith("s"):
            year = int(atom[:4])
            return f"{year:04d}-01", f"{year + 9:04d}-12"
        if "-Q" in atom:
            year, quarter = atom.split("-Q")
            q = int(quarter)
            return f"{year}-{3 * q - 2:02d}", f"{year}-{3 * q:02d}"
        if "-" in atom:
            return atom, atom
        return f"{atom}-01", f"{atom}-12"

    return bounds(first)[0], bounds(last)[1]


def build(book: dict, connection: sqlite3.Connection, sha256: str, source: str) -> None:
    """Write ``book`` (the validated model as plain data) into an empty database."""
    from .search.index import COLUMNS, FTS_SCHEMA, RANK, Indexer

    con = connection
    con.executescript(SCHEMA)
    con.execute(FTS_SCHEMA)
    con.execute("INSERT INTO fts(fts, rank) VALUES ('rank', ?)", (RANK,))
    insert_fts = f"INSERT INTO fts(rowid, {', '.join(COLUMNS)}) VALUES (?{', ?' * len(COLUMNS)})"
    facts = book["facts"]
    counts_by_section: dict[str, int] = {}
    counts_by_entity: dict[str, int] = {}
    for fact in facts:
        counts_by_section[fact["section"]] = counts_by_section.get(fact["section"], 0) + 1
        for entity_id in fact["entities"]:
            counts_by_entity[entity_id] = counts_by_entity.get(entity_id, 0) + 1

    con.execute("INSERT INTO article VALUES (?)", (_dumps(book["article"]),))
    con.executemany(
        "INSERT INTO sections VALUES (?, ?, ?)",
        (
            (s["id"], s["order"], _dumps({**s, "fact_count": counts_by_section.get(s["id"], 0)}))
            for s in book["sections"]
        ),
    )
    entity_names: dict[str, list[str]] = {}
    name_rows = set()
    for order, entity in enumerate(book["entities"]):
        names = [entity["name"]["zh"], entity["name"]["en"], *entity["aliases"]]
        entity_names[entity["id"]] = names
        con.execute(
            "INSERT INTO entities VALUES (?, ?, ?, ?)",
            (entity["id"], order, entity["type"],
             _dumps({**entity, "fact_count": counts_by_entity.get(entity["id"], 0)})),
        )
        for name in [entity["id"], *names]:
            key = name_key(name)
            if key:
                name_rows.add((key, entity["id"]))
    con.executemany("INSERT INTO names VALUES (?, ?)", sorted(name_rows))

    vocab: set[str] = set()
    indexer = Indexer(entity_names)
    for rowid, fact in enumerate(facts, start=1):
        con.execute(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?)",
            (rowid, fact["id"], fact["section"], fact["kind"], _dumps(fact)),
        )
        con.executemany("INSERT INTO fact_entities VALUES (?, ?)", ((e, rowid) for e in dict.fromkeys(fact["entities"])))
        con.executemany("INSERT INTO fact_tags VALUES (?, ?)", ((t, rowid) for t in dict.fromkeys(fact["tags"])))
        periods = []
        for idx, figure in enumerate(fact["figures"]):
            con.execute(
                "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (rowid, idx, figure["value"], figure["value_base"], figure["period"],
                 figure["metric"]["zh"], figure["metric"]["en"], _dumps(figure)),
            )
            if figure["period"]:
                periods.append(figure["period"])
        if fact["period"]:
            periods.insert(0, fact["period"])
        if periods:
            start, end = period_bounds(periods[0])
            con.execute("INSERT INTO dated VALUES (?, ?, ?, ?)", (rowid, start, end, periods[0]))
        columns, words = indexer.row(fact)
        con.execute(insert_fts, (rowid, *(columns[c] for c in COLUMNS)))
        vocab |= words
    con.executemany("INSERT INTO vocab VALUES (?, ?)", ((w, len(w)) for w in sorted(vocab)))
    con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    meta = {
        "store_version": str(STORE_VERSION),
        "sha256": sha256,
        "source": source,
        "fact_count": str(len(facts)),
        "schema_version": str(book.get("schema_version", 1)),
    }
    con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    con.commit()


def _dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _loads(text: str) -> dict:
    return json.loads(text)


class FactStore:
    """Read access to a compiled store. Every method returns plain data."""

    def __init__(self, connection: sqlite3.Connection, source: str = "", path=None):
        self.con = connection
        self.source = source  # the facts file, for messages
        self.path = path  # the store file, None when in memory

    # -- metadata -----------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT key, value FROM meta"))

    def article(self) -> dict:
        return _loads(self.con.execute("SELECT json FROM article").fetchone()[0])

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "sections": one("SELECT count(*) FROM sections"),
            "entities": one("SELECT count(*) FROM entities"),
            "facts": one("SELECT count(*) FROM facts"),
            "figures": one("SELECT count(*) FROM figures"),
        }

    # -- sections -----------------------------------------------------------
    def sections(self) -> list[dict]:
        return [_loads(j) for (j,) in self.con.execute("SELECT json FROM sections ORDER BY ord, id")]

    def section(self, section_id: str) -> dict | None:
        row = self.con.execute("SELECT json FROM sections WHERE id = ?", (section_id,)).fetchone()
        return _loads(row[0]) if row else None

    def section_ids(self) -> list[str]:
        return [i for (i,) in self.con.execute("SELECT id FROM sections ORDER BY ord, id")]

    # -- entities -----------------------------------------------------------
    def entities(self, entity_type: str | None = None) -> list[dict]:
        if entity_type:
            rows = self.con.execute("SELECT json FROM entities WHERE type = ? ORDER BY ord", (entity_type,))
        else:
            rows = self.con.execute("SELECT json FROM entities ORDER BY ord")
        return [_loads(j) for (j,) in rows]

    def entity(self, entity_id: str) -> dict | None:
        row = self.con.execute("SELECT json FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return _loads(row[0]) if row else None

    def entities_named(self, key: str) -> list[str]:
        """Entity ids whose id, name or alias has this ``name_key``."""
        rows = self.con.execute(
            "SELECT DISTINCT n.entity_id FROM names n JOIN entities e ON e.id = n.entity_id "
            "WHERE n.key = ? ORDER BY e.ord", (key,))
        return [i for (i,) in rows]

    def entities_by_ids(self, ids: Iterable[str]) -> list[dict]:
        ids = list(dict.fromkeys(ids))
        found = {e["id"]: e for e in self._json_in("entities", "id", ids)}
        return [found[i] for i in ids if i in found]

    def related_entities(self, entity_id: str) -> list[tuple[str, int]]:
        """Entities that share facts with ``entity_id``, most shared first."""
        rows = self.con.execute(
            "SELECT b.entity_id, count(*) AS n FROM fact_entities a "
            "JOIN fact_entities b ON a.fact = b.fact AND b.entity_id != a.entity_id "
            "JOIN entities e ON e.id = b.entity_id "
            "WHERE a.entity_id = ? GROUP BY b.entity_id ORDER BY n DESC, e.ord", (entity_id,))
        return list(rows)

    # -- facts --------------------------------------------------------------
    def fact(self, fact_id: str) -> dict | None:
        row = self.con.execute("SELECT json FROM facts WHERE id = ?", (fact_id,)).fetchone()
        return _loads(row[0]) if row else None

    def facts_by_rowids(self, rowids: list[int]) -> dict[int, dict]:
        return {rowid: _loads(text) for rowid, text in self._rows_in("SELECT rowid, json FROM facts", "rowid", rowids)}

    def index_rows(self, rowids: list[int], columns: tuple[str, ...]) -> dict[int, dict[str, str]]:
        """The search index's token columns of some facts, by rowid."""
        sql = f"SELECT rowid, {', '.join(columns)} FROM fts"
        return {row[0]: dict(zip(columns, row[1:])) for row in self._rows_in(sql, "rowid", rowids)}

    def fact_ids(self, prefix: str = "", limit: int = 200) -> list[str]:
        # Range scan on the unique index: fast for completion at any size.
        rows = self.con.execute(
            "SELECT id FROM facts WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit))
        return [i for (i,) in rows]

    def filter_sql(self, section=None, kind=None, entity=None, tag=None) -> tuple[str, list]:
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
        for (text,) in self.con.execute(f"SELECT json FROM facts f WHERE {where} ORDER BY f.rowid", params):
            yield _loads(text)

    def tags(self) -> list[tuple[str, int]]:
        return list(self.con.execute("SELECT tag, count(*) FROM fact_tags GROUP BY tag ORDER BY tag"))

    def has_tag(self, tag: str) -> bool:
        return self.con.execute("SELECT 1 FROM fact_tags WHERE tag = ? LIMIT 1", (tag,)).fetchone() is not None

    # -- figures and dates --------------------------------------------------
    FIGURE_ORDER = {
        "fact": "f.rowid, g.idx",
        "metric": "g.metric_en COLLATE NOCASE, f.rowid, g.idx",
        "value": "g.value IS NULL, g.value, f.rowid, g.idx",
        "value_base": "g.value_base IS NULL, g.value_base, f.rowid, g.idx",
        "period": "g.period IS NULL, g.period, f.rowid, g.idx",
    }

    def figures(self, sort: str = "fact", descending: bool = False, **filters) -> Iterator[tuple[dict, dict]]:
        """(figure, fact-summary) pairs."""
        where, params = self.filter_sql(**filters)
        order = self.FIGURE_ORDER[sort]
        if descending:
            order = ", ".join(part + " DESC" if not part.endswith("IS NULL") else part for part in order.split(", "))
        sql = (f"SELECT g.json, f.id, f.section FROM figures g JOIN facts f ON f.rowid = g.fact "
               f"WHERE {where} ORDER BY {order}")
        for figure, fact_id, section in self.con.execute(sql, params):
            yield _loads(figure), {"id": fact_id, "section": section}

    def dated_facts(self) -> Iterator[tuple[dict, str, str, str]]:
        sql = ("SELECT f.json, d.period, d.start, d.end FROM dated d JOIN facts f ON f.rowid = d.fact "
               "ORDER BY d.start, d.end, f.rowid")
        for text, period, start, end in self.con.execute(sql):
            yield _loads(text), period, start, end

    # -- helpers ------------------------------------------------------------
    def _json_in(self, table: str, column: str, values: list[str]) -> list[dict]:
        return [_loads(j) for (j,) in self._rows_in(f"SELECT json FROM {table}", column, values)]

    def _rows_in(self, select: str, column: str, values: list) -> Iterator[tuple]:
        """Rows of ``select … WHERE column IN (values)``, in chunks that stay
        below SQLite's limit on bound parameters."""
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            marks = ",".join("?" * len(chunk))
            yield from self.con.execute(f"{select} WHERE {column} IN ({marks})", chunk)
