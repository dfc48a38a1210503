"""The fact book as a SQLite database that Datasette and sqlite-utils open as it is.

``write_database(document, path)`` takes what ``queries.export`` returns and
writes one file::

    article        one row: the article, with the book's schema_version
    sections       one row per section          (primary key id)
    entities       one row per entity           (primary key id; aliases: a JSON array)
    facts          one row per fact             (primary key id; section → sections)
    figures        one row per figure           (fact_id → facts, position in the fact)
    fact_entities  fact_id → facts, entity_id → entities, position in the fact
    fact_tags      fact_id → facts, tag, position in the fact

Every table made from a list has ``position``, the 0-based index in that list
(the book's order; ``facts[3].figures[0]`` is the figure with position 0 of
the fact with position 3). A bilingual field becomes two columns, ``*_zh`` and
``*_en``; a list of plain values that is not a table of its own is a JSON
array (``aliases``, ``components``); numbers are NUMERIC, so 1.06e9 is stored
as the integer 1060000000 and 10.6 as a real; booleans are 0 or 1.

The columns come from the schema of the fact book (``model.json_schema``), so
a field added there appears here with its type and description, and the
CREATE TABLE statements carry each column's description as a comment (shown
by ``sqlite3 .schema`` and on every Datasette table page).

Full-text search: ``facts_fts``, ``entities_fts``, ``sections_fts`` and
``figures_fts`` are FTS5 tables over the bilingual text columns (plus the
quote, the aliases) in the layout ``sqlite-utils enable-fts`` makes
(``content=[facts]``, rowids shared, no triggers: the file is written once),
so Datasette shows a search box and ``sqlite-utils search`` works. They use
the trigram tokenizer, which matches any run of three or more characters in
Chinese as in English; for a word of one or two Chinese characters filter
with LIKE (Datasette's "contains").
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from pathlib import Path
from typing import IO, Any, Iterable

from ..errors import DataError, Problem

# The document's lists, in the order their tables are filled (referenced
# tables first). The article is the one record that is not in a list.
TOP_TABLES = ("sections", "entities", "facts")

# A fact's lists that become tables of their own: (table, field) → (child
# table, one item in words, the column of each item, the table that column
# references). A list of objects (figures) has the object's columns instead.
CHILD_TABLES = {
    ("facts", "figures"): ("figures", "figure", None, None),
    ("facts", "entities"): ("fact_entities", "entity", "entity_id", "entities"),
    ("facts", "tags"): ("fact_tags", "tag", "tag", None),
}
# Scalar fields that name a record of another table.
REFERENCES = {("facts", "section"): "sections"}
# Text searched besides the bilingual columns.
SEARCHED = {"facts": ("quote",), "entities": ("aliases",)}
LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}


class Column:
    __slots__ = ("name", "sql_type", "not_null", "check", "references", "description", "read", "searched", "source")

    def __init__(self, name: str, sql_type: str, read, *, not_null: bool = False, check: str = "",
                 references: str | None = None, description: str = "", searched: bool = False,
                 source: str | None = None):
        self.name = name
        self.source = source or name  # the record's key it is read from
        self.sql_type = sql_type
        self.read = read  # record → the value stored
        self.not_null = not_null
        self.check = check
        self.references = references
        self.description = description
        self.searched = searched

    def definition(self) -> str:
        parts = [_quote(self.name), self.sql_type]
        if self.not_null:
            parts.append("NOT NULL")
        if self.references:
            parts.append(f"REFERENCES {_quote(self.references)}(\"id\")")
        if self.check:
            parts.append(self.check)
        return " ".join(parts)


class Table:
    def __init__(self, name: str, description: str, columns: list[Column], primary_key: tuple[str, ...]):
        self.name = name
        self.description = description
        self.columns = columns
        self.primary_key = primary_key

    def create_sql(self) -> str:
        lines = [f"CREATE TABLE {_quote(self.name)} ( -- {_comment(self.description)}"]
        for column in self.columns:
            comment = f" -- {_comment(column.description)}" if column.description else ""
            lines.append(f"   {column.definition()},{comment}")
        lines.append(f"   PRIMARY KEY ({', '.join(_quote(k) for k in self.primary_key)})")
        return "\n".join(lines) + "\n)"

    def insert_sql(self) -> str:
        names = ", ".join(_quote(c.name) for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        return f"INSERT INTO {_quote(self.name)} ({names}) VALUES ({marks})"

    def searched(self) -> list[str]:
        return [c.name for c in self.columns if c.searched]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _comment(text: str) -> str:
    return " ".join(text.split())


# -- columns from the schema ---------------------------------------------------


def _resolve(schema: dict, defs: dict) -> tuple[list[dict], bool]:
    """The non-null alternatives of a property's schema (with $refs followed)
    and whether null is allowed."""
    options = schema.get("anyOf", [schema])
    nullable = any(o.get("type") == "null" for o in options)
    resolved = []
    for option in options:
        if option.get("type") == "null":
            continue
        if "$ref" in option:
            option = defs[option["$ref"].rsplit("/", 1)[-1]]
        resolved.append(option)
    return resolved, nullable


def _is_flat_object(option: dict) -> bool:
    """An object of plain strings, such as a bilingual text ({zh, en})."""
    properties = option.get("properties")
    return option.get("type") == "object" and bool(properties) and all(
        p.get("type") == "string" for p in properties.values())


def _sql_type(options: list[dict]) -> tuple[str, str]:
    """(SQLite type, CHECK clause) for a scalar property."""
    types = {o.get("type") for o in options}
    if types == {"string"}:
        values = [v for o in options for v in o.get("enum", [])]
        if values and all(isinstance(v, str) for v in values):
            return "TEXT", "CHECK ({column} IN (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "))"
        return "TEXT", ""
    if types == {"integer"}:
        return "INTEGER", ""
    if types == {"boolean"}:
        return "INTEGER", "CHECK ({column} IN (0, 1))"
    if types <= {"integer", "number"}:
        return "NUMERIC", ""  # an int stays an int, 10.6 a real, 1.06e9 the integer 1060000000
    return "TEXT", ""


def _columns(table: str, definition: dict, defs: dict) -> list[Column]:
    """The columns of one record type, in schema order; lists with a table of
    their own are left out."""
    required = set(definition.get("required", []))
    out: list[Column] = []
    for field, schema in definition.get("properties", {}).items():
        if (table, field) in CHILD_TABLES:
            continue
        options, nullable = _resolve(schema, defs)
        description = schema.get("description", "")  # the field's own, not its type's
        not_null = field in required and not nullable
        if len(options) == 1 and _is_flat_object(options[0]):
            for part in options[0]["properties"]:
                language = LANGUAGE_NAMES.get(part, part)
                out.append(Column(
                    f"{field}_{part}", "TEXT", _part_reader(field, part), not_null=not_null, source=field,
                    description=f"{description} ({language})" if description else language, searched=True))
            continue
        if any(o.get("type") in ("array", "object") for o in options):
            out.append(Column(field, "TEXT", _json_reader(field), not_null=not_null,
                              description=(description + " (JSON)").strip(),
                              searched=field in SEARCHED.get(table, ())))
            continue
        sql_type, check = _sql_type(options)
        out.append(Column(field, sql_type, _scalar_reader(field), not_null=not_null,
                          check=check.format(column=_quote(field)), references=REFERENCES.get((table, field)),
                          description=description, searched=field in SEARCHED.get(table, ())))
    return out


def _extra_columns(columns: list[Column], records: Iterable[dict], skip: Iterable[str] = ()) -> list[Column]:
    """Columns for keys the records have and the schema does not name (a
    field the store adds): typed from the values, so nothing is lost."""
    known = {c.source for c in columns} | set(skip)
    seen: dict[str, set] = {}
    for record in records:
        for key, value in record.items():
            if key not in known and value is not None:
                seen.setdefault(key, set()).add(type(value))
            elif key not in known:
                seen.setdefault(key, set())
    extra = []
    for key, types in seen.items():
        if types and types <= {list, dict}:
            extra.append(Column(key, "TEXT", _json_reader(key), description="(JSON)"))
        elif types and types <= {bool}:
            extra.append(Column(key, "INTEGER", _scalar_reader(key)))
        elif types and types <= {int, float}:
            extra.append(Column(key, "NUMERIC", _scalar_reader(key)))
        else:
            extra.append(Column(key, "TEXT", _any_reader(key)))
    return extra


def _scalar_reader(field: str):
    def read(record: dict) -> Any:
        value = record.get(field)
        if isinstance(value, float) and not math.isfinite(value):
            raise _not_a_number(field)
        return value
    return read


def _any_reader(field: str):
    def read(record: dict) -> Any:
        value = record.get(field)
        return _json(value, field) if isinstance(value, (list, dict)) else value
    return read


def _part_reader(field: str, part: str):
    def read(record: dict) -> Any:
        value = record.get(field)
        return value.get(part) if isinstance(value, dict) else None
    return read


def _json_reader(field: str):
    def read(record: dict) -> Any:
        value = record.get(field)
        return None if value is None else _json(value, field)
    return read


def _json(value: Any, field: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise _not_a_number(field) from None


def _not_a_number(field: str) -> DataError:
    return DataError([Problem(f"{field} is NaN or infinite, which the database does not hold",
                              hint="fix the number in the facts file; 'jlp validate' finds it")])


def _position(record: dict) -> Any:
    return record["_position"]


def _parent(record: dict) -> Any:
    return record["_parent"]


def _item(record: dict) -> Any:
    return record["_item"]


def tables(document: dict, schema: dict | None = None) -> list[Table]:
    """The database's tables for ``document``, columns from ``schema`` (the
    fact book's JSON Schema; ``model.json_schema()`` when not given)."""
    if schema is None:
        from ..model import json_schema  # pydantic: only for the export

        schema = json_schema()
    defs = schema.get("$defs", {})
    book = schema["properties"]

    def definition(field: str) -> dict:
        options, _nullable = _resolve(book[field], defs)
        item = options[0]
        if item.get("type") == "array":
            item = _resolve(item["items"], defs)[0][0]
        return item

    article_columns = [Column("schema_version", "INTEGER", lambda _r: document.get("schema_version"), not_null=True,
                              description="Version of the fact book's schema.")]
    article_columns += _columns("article", definition("article"), defs)
    article_columns += _extra_columns(article_columns, [document.get("article") or {}])
    out = [Table("article", "The article the facts are taken from: one row.", article_columns, ("id",))]

    descriptions = {
        "sections": "One row per section of the article, in the article's order.",
        "entities": "One row per entity: a place, organisation, company, project … the facts name.",
        "facts": "One row per fact: a statement of the article, bilingual, with the verbatim quote it rests on.",
    }
    for name in TOP_TABLES:
        columns = _columns(name, definition(name), defs)
        skip = [field for (table, field) in CHILD_TABLES if table == name]
        columns += _extra_columns(columns, document.get(name) or [], skip)
        position = Column("position", "INTEGER", _position, not_null=True,
                          description=f"0-based place in the book's list of {name}.")
        columns.insert(1, position)  # after the id
        out.append(Table(name, descriptions[name], columns, ("id",)))

    fact_definition = definition("facts")
    for (parent, field), (name, item, item_column, referenced) in CHILD_TABLES.items():
        parent_key = Column("fact_id", "TEXT", _parent, not_null=True, references=parent,
                            description="The fact (facts.id).")
        position = Column("position", "INTEGER", _position, not_null=True,
                          description=f"0-based place in the fact's list of {field}.")
        if item_column is None:
            item_schema = _resolve(fact_definition["properties"][field]["items"], defs)[0][0]
            columns = _columns(name, item_schema, defs)
            items = [value for fact in document.get(parent) or [] for value in fact.get(field) or []]
            columns += _extra_columns(columns, items)
            about = _comment(item_schema.get("description", "").split("\n\n")[0])
            description = f"{about} One row per {item} of a fact.".strip()
        else:
            columns = [Column(item_column, "TEXT", _item, not_null=True, references=referenced,
                              description=f"The {item}" + (f" ({referenced}.id)." if referenced else "."))]
            description = f"The {field} of each fact: one row per fact and {item}."
        out.append(Table(name, description, [parent_key, position] + columns, ("fact_id", "position")))
    return out


def _rows(table: Table, document: dict) -> Iterable[dict]:
    if table.name == "article":
        yield document.get("article") or {}
        return
    if table.name in TOP_TABLES:
        for index, record in enumerate(document.get(table.name) or []):
            yield {**record, "_position": index}
        return
    for (parent, field), (name, _item, item_column, _referenced) in CHILD_TABLES.items():
        if name != table.name:
            continue
        for record in document.get(parent) or []:
            for index, item in enumerate(record.get(field) or []):
                if item_column is None:
                    yield {**item, "_parent": record["id"], "_position": index}
                else:
                    yield {"_item": item, "_parent": record["id"], "_position": index}


INDEXES = (
    ("facts", "section"),
    ("fact_entities", "entity_id"),
    ("fact_tags", "tag"),
)


def fill(connection: sqlite3.Connection, document: dict, schema: dict | None = None) -> None:
    """Create and fill every table, index and full-text index in ``connection``."""
    made = tables(document, schema)
    with connection:
        for table in made:
            connection.execute(table.create_sql())
            readers = [c.read for c in table.columns]
            connection.executemany(table.insert_sql(),
                                   ([read(row) for read in readers] for row in _rows(table, document)))
        for table, column in INDEXES:
            connection.execute(f"CREATE INDEX {_quote(f'idx_{table}_{column}')} ON {_quote(table)} ({_quote(column)})")
        for table in made:
            searched = table.searched()
            if table.name == "article" or not searched:
                continue
            fts = _quote(f"{table.name}_fts")
            names = ", ".join(_quote(c) for c in searched)
            # The layout `sqlite-utils enable-fts --tokenize trigram` makes, which Datasette detects.
            connection.execute(f"CREATE VIRTUAL TABLE {fts} USING FTS5 (\n    {names},\n"
                               f"    tokenize='trigram',\n    content=[{table.name}]\n)")
            connection.execute(f"INSERT INTO {fts} (rowid, {names}) SELECT rowid, {names} FROM {_quote(table.name)}")
    _check_links(connection)


def _check_links(connection: sqlite3.Connection) -> None:
    """A dangling id (a fact naming an entity the book lacks) fails the export
    here, with the id, rather than leaving a database whose joins lose rows."""
    problem = connection.execute("PRAGMA foreign_key_check").fetchone()
    if problem is None:
        return
    table, rowid, parent, key = problem
    column = next(row[3] for row in connection.execute(f"PRAGMA foreign_key_list({_quote(table)})") if row[0] == key)
    value = connection.execute(f"SELECT {_quote(column)} FROM {_quote(table)} WHERE rowid = ?", (rowid,)).fetchone()[0]
    raise DataError([Problem(f"{table}.{column} is {value!r}, which is not an id in {parent}",
                             hint="run 'jlp validate' to find it in the facts file")])


# -- writing the file ----------------------------------------------------------


def write_database(document: dict, target: str | os.PathLike, *, force: bool = False,
                   schema: dict | None = None) -> None:
    """Write ``document`` as a SQLite database at ``target``, atomically and
    with the mode of an ordinary new file (``files.write_file``)."""
    from ..files import cannot_write, write_file

    target = Path(target)

    def build(path: str) -> None:
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA journal_mode = OFF")  # no -journal file beside it; a failed build is deleted
            fill(connection, document, schema)
        finally:
            connection.close()

    try:
        write_file(target, build, force)
    except sqlite3.IntegrityError as error:  # a duplicate id, a dangling link
        raise DataError([Problem(f"the book cannot be a database: {error}",
                                 hint="run 'jlp validate' to find the record")]) from None
    except sqlite3.DatabaseError as error:
        raise cannot_write(target, error) from None


def write_stream(document: dict, stream: IO[bytes], *, schema: dict | None = None) -> None:
    """Write the database to a binary stream (``-o -``, a pipe): built in a
    temporary file, copied, removed."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="jlp-export-") as directory:
        path = Path(directory) / "book.db"
        write_database(document, path, schema=schema)
        with open(path, "rb") as source:
            shutil.copyfileobj(source, stream)
    stream.flush()
