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
from typing import Iterable, Iterator, Optional

#: Bump when the layout or the tokens change: old stores are then rebuilt.
STORE_VERSION = 11

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


#: Facts written per batch of ``executemany`` calls: enough to spread the
#: per-call cost, few enough that the rows of one batch take little memory.
BATCH = 1000


def build(head: dict, facts: Iterable[dict], connection: sqlite3.Connection, sha256: str, source: str) -> None:
    """Write a book into an empty database: ``head`` holds its article,
    sections and entities, ``facts`` yields its facts one at a time (each
    the validated model as plain data), so a big book is never held whole."""
    write(head, fact_rows(facts), connection, sha256, source)


#: One fact's rows in the per-fact tables (facts, fact_entities, fact_tags,
#: figures, dated or None), the part of the fact the search index reads, and
#: its index row (columns, words) when made ahead (``with_index_row``).
FactRows = tuple[tuple, list, list, list, Optional[tuple], dict, Optional[tuple]]


def fact_rows(facts: Iterable[dict]) -> Iterator[FactRows]:
    """The rows of each fact, numbered in order: the part of a build that
    needs neither the database nor the search index, so it may run in
    another process."""
    for rowid, fact in enumerate(facts, start=1):
        periods = [figure["period"] for figure in fact["figures"] if figure["period"]]
        if fact["period"]:
            periods.insert(0, fact["period"])
        dated = (rowid, *period_bounds(periods[0]), periods[0]) if periods else None
        yield (
            (rowid, fact["id"], fact["section"], fact["kind"], _dumps(fact)),
            [(e, rowid) for e in dict.fromkeys(fact["entities"])],
            [(t, rowid) for t in dict.fromkeys(fact["tags"])],
            [(rowid, idx, figure["value"], figure["value_base"], figure["period"], figure["metric"]["zh"],
              figure["metric"]["en"], _dumps(figure)) for idx, figure in enumerate(fact["figures"])],
            dated,
            {"text": fact["text"], "quote": fact["quote"], "entities": fact["entities"]},
            None,
        )


def with_index_row(rows_of_fact: FactRows, indexer) -> FactRows:
    """The fact's rows with its index row made ahead (by a reader that has
    time to spare), so that ``write`` need not make it."""
    return (*rows_of_fact[:6], indexer.row(rows_of_fact[5]))


def entity_names(head: dict) -> dict[str, list[str]]:
    """The names and aliases of each entity, by id."""
    return {e["id"]: [e["name"]["zh"], e["name"]["en"], *e["aliases"]] for e in head["entities"]}


def write(head: dict, rows: Iterable[FactRows], connection: sqlite3.Connection, sha256: str, source: str) -> None:
    """Write a book into an empty database, its facts as ``fact_rows``
    yields them; the search index's rows are made here."""
    from .search.index import Indexer
    from .search.layout import COLUMNS, FTS_SCHEMA

    con = connection
    con.executescript(SCHEMA)
    con.execute(FTS_SCHEMA)
    # No merging of index segments while writing: the 'optimize' at the end
    # merges them all once (11% fewer SQLite instructions on a big book).
    con.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 0)")
    con.execute("INSERT INTO article VALUES (?)", (_dumps(head["article"]),))
    names = entity_names(head)
    name_rows = set()
    for entity_id, entity_names_ in names.items():
        for name in [entity_id, *entity_names_]:
            key = name_key(name)
            if key:
                name_rows.add((key, entity_id))
    con.executemany("INSERT INTO names VALUES (?, ?)", sorted(name_rows))

    counts_by_section: dict[str, int] = {}
    counts_by_entity: dict[str, int] = {}
    vocab: set[str] = set()
    tables = _Batches(con, COLUMNS)
    count = 0
    for rows_of_fact, columns, words in _with_index_rows(Indexer(names), rows):
        section = rows_of_fact[0][2]
        counts_by_section[section] = counts_by_section.get(section, 0) + 1
        for entity_id in rows_of_fact[5]["entities"]:
            counts_by_entity[entity_id] = counts_by_entity.get(entity_id, 0) + 1
        tables.add(rows_of_fact, columns)
        vocab |= words
        count += 1
    tables.flush()

    # Written after the facts, whose counts they carry.
    con.executemany(
        "INSERT INTO sections VALUES (?, ?, ?)",
        ((s["id"], s["order"], _dumps({**s, "fact_count": counts_by_section.get(s["id"], 0)}))
         for s in head["sections"]),
    )
    con.executemany(
        "INSERT INTO entities VALUES (?, ?, ?, ?)",
        ((e["id"], order, e["type"], _dumps({**e, "fact_count": counts_by_entity.get(e["id"], 0)}))
         for order, e in enumerate(head["entities"])),
    )
    con.executemany("INSERT INTO vocab VALUES (?, ?)", ((w, len(w)) for w in sorted(vocab)))
    con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    meta = {
        "store_version": str(STORE_VERSION),
        "sha256": sha256,
        "source": source,
        "fact_count": str(count),
        "schema_version": str(head.get("schema_version", 1)),
    }
    con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    con.commit()


def _with_index_rows(indexer, rows: Iterable[FactRows]) -> Iterator[tuple[FactRows, dict[str, str], set[str]]]:
    """(fact rows, index columns, words) for each fact, in order: the one
    place that asks the indexer for rows, of the facts whose row was not
    made ahead."""
    for rows_of_fact in rows:
        columns, words = rows_of_fact[6] or indexer.row(rows_of_fact[5])
        yield rows_of_fact, columns, words


class _Batches:
    """The rows of the per-fact tables, written in batches."""

    TABLES = ("facts", "fact_entities", "fact_tags", "figures", "dated", "fts")

    def __init__(self, con: sqlite3.Connection, columns: tuple[str, ...]):
        self.con = con
        self.columns = columns
        self.insert = {
            "facts": "INSERT INTO facts VALUES (?, ?, ?, ?, ?)",
            "fact_entities": "INSERT INTO fact_entities VALUES (?, ?)",
            "fact_tags": "INSERT INTO fact_tags VALUES (?, ?)",
            "figures": "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            "dated": "INSERT INTO dated VALUES (?, ?, ?, ?)",
            "fts": f"INSERT INTO fts(rowid, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})",
        }
        self.rows: dict[str, list] = {table: [] for table in self.TABLES}
        self.pending = 0

    def add(self, rows_of_fact: FactRows, columns: dict[str, str]) -> None:
        fact, entities, tags, figures, dated = rows_of_fact[:5]
        rows = self.rows
        rows["facts"].append(fact)
        rows["fact_entities"] += entities
        rows["fact_tags"] += tags
        rows["figures"] += figures
        if dated is not None:
            rows["dated"].append(dated)
        rows["fts"].append((fact[0], *(columns[c] for c in self.columns)))
        self.pending += 1
        if self.pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        for table in self.TABLES:
            self.con.executemany(self.insert[table], self.rows[table])
            self.rows[table].clear()
        self.pending = 0


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
