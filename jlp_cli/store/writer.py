"""Write a checked book into an empty SQLite database.

The facts arrive one at a time (a big book is never held whole), as the
reader checked them. The search index's rows come from the index the caller
hands in (``SearchIndex``: its table, its columns, a row maker): the store
does not import the search layer, which sits above it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator, Optional

from ..records import Record
from .schema import SCHEMA

#: Facts written per batch of ``executemany`` calls: enough to spread the
#: per-call cost, few enough that the rows of one batch take little memory.
BATCH = 1000


class FactRows(Record):
    """One fact's rows in the per-fact tables, the part of the fact the
    search index reads, and its index row (columns, words) when made ahead
    (by a reading process with time to spare: see ``parallel``)."""

    __slots__ = ("fact", "entities", "tags", "figures", "dated", "indexed", "index_row")

    def __init__(self, fact: tuple, entities: list, tags: list, figures: list, dated: Optional[tuple],
                 indexed: dict, index_row: Optional[tuple] = None):
        self.fact = fact
        self.entities = entities
        self.tags = tags
        self.figures = figures
        self.dated = dated
        self.indexed = indexed
        self.index_row = index_row


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


def fact_rows(facts: Iterable[dict]) -> Iterator[FactRows]:
    """The rows of each fact, numbered in order: the part of a build that
    needs neither the database nor the search index, so it may run in
    another process."""
    for rowid, fact in enumerate(facts, start=1):
        periods = [figure["period"] for figure in fact["figures"] if figure["period"]]
        if fact["period"]:
            periods.insert(0, fact["period"])
        dated = (rowid, *period_bounds(periods[0]), periods[0]) if periods else None
        yield FactRows(
            (rowid, fact["id"], fact["section"], fact["kind"], dumps(fact)),
            [(e, rowid) for e in dict.fromkeys(fact["entities"])],
            [(t, rowid) for t in dict.fromkeys(fact["tags"])],
            [(rowid, idx, figure["value"], figure["value_base"], figure["period"], figure["metric"]["zh"],
              figure["metric"]["en"], dumps(figure)) for idx, figure in enumerate(fact["figures"])],
            dated,
            {"text": fact["text"], "quote": fact["quote"], "entities": fact["entities"],
             "figures": fact["figures"], "period": fact["period"]},
        )


def entity_names(head: dict) -> dict[str, list[str]]:
    """The names and aliases of each entity, by id."""
    return {e["id"]: [e["name"]["zh"], e["name"]["en"], *e["aliases"]] for e in head["entities"]}


def write(head: dict, rows: Iterable[FactRows], con: sqlite3.Connection, meta: dict[str, str], index) -> int:
    """Write a book into the empty database ``con``: ``head`` holds its
    article, sections and entities, ``rows`` yields the rows of its facts
    (``fact_rows``); ``index`` is the search index (``SearchIndex``).
    Return the number of facts written."""
    con.executescript(SCHEMA)
    con.execute(index.schema)
    # No merging of index segments while writing: the 'optimize' at the end
    # merges them all once (11% fewer SQLite instructions on a big book).
    con.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 0)")
    con.execute("INSERT INTO article VALUES (?)", (dumps(head["article"]),))
    names = entity_names(head)
    name_rows = set()
    for entity_id, entity_names_ in names.items():
        for name in [entity_id, *entity_names_]:
            key = index.name_key(name)
            if key:
                name_rows.add((key, entity_id))
    con.executemany("INSERT INTO names VALUES (?, ?)", sorted(name_rows))

    counts_by_section: dict[str, int] = {}
    counts_by_entity: dict[str, int] = {}
    vocab: set[str] = set()
    tables = _Batches(con, index.columns)
    make_row = index.indexer(names)
    count = 0
    for rows_of_fact in rows:
        columns, words = rows_of_fact.index_row or make_row(rows_of_fact.indexed)
        section = rows_of_fact.fact[2]
        counts_by_section[section] = counts_by_section.get(section, 0) + 1
        for entity_id, _rowid in rows_of_fact.entities:  # the fact's links, each entity once
            counts_by_entity[entity_id] = counts_by_entity.get(entity_id, 0) + 1
        tables.add(rows_of_fact, columns)
        vocab |= words
        count += 1
    tables.flush()

    # Written after the facts, whose counts they carry.
    con.executemany(
        "INSERT INTO sections VALUES (?, ?, ?)",
        ((s["id"], s["order"], dumps({**s, "fact_count": counts_by_section.get(s["id"], 0)}))
         for s in head["sections"]),
    )
    con.executemany(
        "INSERT INTO entities VALUES (?, ?, ?, ?)",
        ((e["id"], order, e["type"], dumps({**e, "fact_count": counts_by_entity.get(e["id"], 0)}))
         for order, e in enumerate(head["entities"])),
    )
    concepts = index.concept_rows()
    con.executemany("INSERT INTO concepts VALUES (?, ?, ?, ?, ?)", concepts)
    vocab |= {row[0] for row in concepts if " " not in row[0]}
    con.executemany("INSERT INTO vocab VALUES (?, ?, ?)", ((w, len(w), int(w.isascii())) for w in sorted(vocab)))
    con.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    meta = {**meta, "fact_count": str(count), "schema_version": str(head.get("schema_version", 1))}
    con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    con.commit()
    return count


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
        rows = self.rows
        rows["facts"].append(rows_of_fact.fact)
        rows["fact_entities"] += rows_of_fact.entities
        rows["fact_tags"] += rows_of_fact.tags
        rows["figures"] += rows_of_fact.figures
        if rows_of_fact.dated is not None:
            rows["dated"].append(rows_of_fact.dated)
        rows["fts"].append((rows_of_fact.fact[0], *(columns[c] for c in self.columns)))
        self.pending += 1
        if self.pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        for table in self.TABLES:
            self.con.executemany(self.insert[table], self.rows[table])
            self.rows[table].clear()
        self.pending = 0


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
