"""The fact book as a SQLite database: every record in its table, typed
columns, keys that check, full-text search in the layout Datasette and
sqlite-utils detect, and a file written atomically with a normal file's mode."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from jlp_cli.errors import DataError, UsageError
from jlp_cli.lookups import export
from jlp_cli.model import json_schema
from jlp_cli.render import sqlite_export
from jlp_cli.render.sqlite_export import write_database, write_stream


@pytest.fixture(scope="module")
def book(shipped_store) -> dict:
    return export(shipped_store)


@pytest.fixture(scope="module")
def database(book, tmp_path_factory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("db") / "jiulongpo.db"
    write_database(book, path)
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    return connection


@pytest.fixture()
def umask():
    """Set the process umask for one test, and restore it."""
    saved = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(saved)


def count(connection, table: str) -> int:
    return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith((".tmp", "-journal")))


# -- the book, whole -----------------------------------------------------------


def test_every_record_has_its_row(book, database):
    facts = book["facts"]
    assert count(database, "article") == 1
    assert count(database, "sections") == len(book["sections"]) > 0
    assert count(database, "entities") == len(book["entities"]) > 0
    assert count(database, "facts") == len(facts) > 0
    assert count(database, "figures") == sum(len(f["figures"]) for f in facts) > 0
    assert count(database, "fact_entities") == sum(len(f["entities"]) for f in facts) > 0
    assert count(database, "fact_tags") == sum(len(f["tags"]) for f in facts) > 0


def _expected_row(record: dict) -> dict:
    """A record as its row: bilingual fields split, lists as JSON, bools as 0/1."""
    row = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for code, text in value.items():
                row[f"{key}_{code}"] = text
        elif value is None and key in ("subtitle", "description", "tagline", "comparison"):
            row[f"{key}_zh"] = row[f"{key}_en"] = None
        else:
            row[key] = value
    return row


def _same(row: sqlite3.Row, record: dict, lists: tuple = ()) -> None:
    for column, value in _expected_row(record).items():
        if column in lists:
            continue
        stored = row[column]
        if isinstance(value, list):
            assert json.loads(stored) == value, column
        else:
            assert stored == value, (column, stored, value)


def test_every_value_is_stored_as_the_book_has_it(book, database):
    article = database.execute("SELECT * FROM article").fetchone()
    assert article["schema_version"] == book["schema_version"]
    _same(article, book["article"])
    for table in ("sections", "entities", "facts"):
        rows = database.execute(f'SELECT * FROM "{table}" ORDER BY position').fetchall()
        assert [r["id"] for r in rows] == [r["id"] for r in book[table]]
        for row, record in zip(rows, book[table]):
            _same(row, record, lists=("figures", "entities", "tags") if table == "facts" else ())
    for fact in book["facts"]:
        rows = database.execute("SELECT * FROM figures WHERE fact_id = ? ORDER BY position", (fact["id"],)).fetchall()
        assert len(rows) == len(fact["figures"])
        for row, figure in zip(rows, fact["figures"]):
            _same(row, figure)
        links = database.execute("SELECT entity_id FROM fact_entities WHERE fact_id = ? ORDER BY position",
                                 (fact["id"],)).fetchall()
        assert [r[0] for r in links] == fact["entities"]
        tags = database.execute("SELECT tag FROM fact_tags WHERE fact_id = ? ORDER BY position", (fact["id"],))
        assert [r[0] for r in tags] == fact["tags"]


def test_aliases_are_a_json_array_that_splits_back(database):
    aliases = database.execute("SELECT aliases FROM entities WHERE id = 'southwest-aluminum'").fetchone()[0]
    assert "Southwest Aluminium (Group) Co., Ltd." in json.loads(aliases)
    hits = database.execute("SELECT entities.id FROM entities, json_each(entities.aliases) "
                            "WHERE json_each.value = '西南铝'").fetchall()
    assert [h[0] for h in hits] == ["southwest-aluminum"]


def test_columns_are_typed(database):
    def types(table):
        return {row[1]: row[2] for row in database.execute(f'PRAGMA table_info("{table}")')}

    assert types("sections")["order"] == "INTEGER"
    assert types("figures")["value"] == "NUMERIC" and types("figures")["metric_en"] == "TEXT"
    assert types("facts")["position"] == "INTEGER"
    revenue = database.execute("SELECT value, typeof(value), value_base, typeof(value_base) FROM figures "
                               "WHERE fact_id = 'hydrogen-revenue-2023' AND position = 0").fetchone()
    assert tuple(revenue) == (10.6, "real", 1060000000, "integer")
    with pytest.raises(sqlite3.IntegrityError):  # an enum is a CHECK
        database.execute("INSERT INTO entities (id, position, type, name_zh, name_en) VALUES ('x', 0, 'nope', 'x', 'x')")


def test_keys_are_declared_and_check(database):
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    def references(table):
        return {(row["from"], row["table"], row["to"]) for row in database.execute(f'PRAGMA foreign_key_list("{table}")')}

    assert references("facts") == {("section", "sections", "id")}
    assert references("figures") == {("fact_id", "facts", "id")}
    assert references("fact_entities") == {("fact_id", "facts", "id"), ("entity_id", "entities", "id")}
    assert references("fact_tags") == {("fact_id", "facts", "id")}
    primary = {row["name"]: row["pk"] for row in database.execute('PRAGMA table_info("figures")') if row["pk"]}
    assert primary == {"fact_id": 1, "position": 2}


def test_the_schema_documents_each_column(database):
    sql = database.execute("SELECT sql FROM sqlite_master WHERE name = 'figures'").fetchone()[0]
    assert "-- The number verbatim as in the quote." in sql
    assert '"metric_en" TEXT NOT NULL, -- What is measured. (English)' in sql


#: What Datasette and sqlite-utils show of the database: each table's columns
#: and their declared types, and the columns its full-text index searches.
TABLES = {
    "article": ("INTEGER TEXT TEXT TEXT TEXT TEXT TEXT TEXT TEXT TEXT TEXT", None),
    "sections": ("TEXT INTEGER INTEGER TEXT TEXT TEXT TEXT TEXT TEXT",
                 "title_zh title_en tagline_zh tagline_en summary_zh summary_en"),
    "entities": ("TEXT INTEGER TEXT TEXT TEXT TEXT TEXT TEXT", "name_zh name_en aliases description_zh description_en"),
    "facts": ("TEXT INTEGER TEXT TEXT TEXT TEXT TEXT TEXT", "text_zh text_en quote"),
    "figures": ("TEXT INTEGER TEXT TEXT NUMERIC NUMERIC TEXT TEXT TEXT NUMERIC NUMERIC TEXT INTEGER TEXT TEXT TEXT TEXT",
                "metric_zh metric_en comparison_zh comparison_en"),
    "fact_entities": ("TEXT INTEGER TEXT", None),
    "fact_tags": ("TEXT INTEGER TEXT", None),
}


def test_every_table_has_its_columns_types_and_searched_text(database):
    tables = [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                 "AND name NOT LIKE '%_fts%' ORDER BY rowid")]
    assert tables == list(TABLES)
    for table, (types, searched) in TABLES.items():
        assert " ".join(row[2] for row in database.execute(f'PRAGMA table_info("{table}")')) == types, table
        fts = database.execute("SELECT sql FROM sqlite_master WHERE name = ?", (f"{table}_fts",)).fetchone()
        if searched is None:
            assert fts is None
        else:
            assert re.findall(r'"(\w+)"', fts[0].split("(", 1)[1].split("tokenize")[0]) == searched.split(), table


def test_each_table_says_what_a_row_is(database):
    def comment(table):
        sql = database.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        return sql.splitlines()[0].split(" -- ", 1)[1]

    assert comment("article") == "The article the facts are taken from: one row."
    assert comment("facts").startswith("One row per fact: a statement of the article, bilingual")
    assert comment("fact_tags") == "The tags of each fact: one row per fact and tag."


def test_fields_only_the_records_have_are_typed_from_their_values(book, tmp_path):
    document = copy.deepcopy(book)
    for position, fact in enumerate(document["facts"]):
        fact["reviewers"] = ["a", "b"] if position == 0 else None
        fact["checked"] = position == 0
        fact["confidence"] = 0.5 if position == 0 else 2
    path = tmp_path / "extra.db"
    write_database(document, path)
    connection = sqlite3.connect(path)
    columns = {row[1]: row[2] for row in connection.execute('PRAGMA table_info("facts")')}
    assert (columns["reviewers"], columns["checked"], columns["confidence"]) == ("TEXT", "INTEGER", "NUMERIC")
    first = connection.execute("SELECT reviewers, checked, confidence FROM facts WHERE position = 0").fetchone()
    assert first == ('["a", "b"]', 1, 0.5)
    assert json.loads(first[0]) == ["a", "b"]
    assert connection.execute("SELECT reviewers, checked, confidence FROM facts WHERE position = 1").fetchone() == \
        (None, 0, 2)


# -- full-text search -----------------------------------------------------------------


def search(database, table: str, query: str, phrase: bool = False) -> list[str]:
    # What Datasette runs for ?_search= (each term quoted) and sqlite-utils search does.
    terms = " ".join('"' + term.replace('"', '""') + '"' for term in ([query] if phrase else query.split()))
    rows = database.execute(f'SELECT id FROM "{table}" WHERE rowid IN '
                            f'(SELECT rowid FROM "{table}_fts" WHERE "{table}_fts" MATCH ?) ORDER BY position',
                            (terms,))
    return [row[0] for row in rows]


def test_full_text_search_finds_facts_in_both_languages(database):
    assert search(database, "facts", "氢能产业实现营业收入") == ["hydrogen-revenue-2023"]
    assert "hydrogen-revenue-2023" in search(database, "facts", "hydrogen operating revenue")
    assert "hydrogen-revenue-2023" in search(database, "facts", "10.6亿元")  # the quote is searched too
    # Only an alias has the British spelling: aliases are searched.
    assert search(database, "entities", "Southwest Aluminium (Group)", phrase=True) == ["southwest-aluminum"]
    assert search(database, "facts", "nothing-like-this-anywhere") == []


def test_fts_tables_have_the_layout_datasette_and_sqlite_utils_detect(database):
    # Both detect an FTS table by this pattern (datasette.utils.detect_fts_sql, sqlite_utils Table.detect_fts).
    for table in ("facts", "entities", "sections", "figures"):
        found = database.execute("SELECT name FROM sqlite_master WHERE rootpage = 0 AND sql LIKE ?",
                                 (f"%VIRTUAL TABLE%USING FTS%content=[{table}]%",)).fetchall()
        assert [row[0] for row in found] == [f"{table}_fts"]
    triggers = database.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
    assert triggers == 0
    assert count(database, "facts_fts") == count(database, "facts")


# -- new schema fields flow through --------------------------------------------------


def test_fields_added_to_the_schema_become_columns(book, tmp_path):
    schema = copy.deepcopy(json_schema())
    figure = schema["$defs"]["Figure"]["properties"]
    figure["unit_en"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None,
                         "description": "Unit in English."}
    figure["derived"] = {"type": "boolean", "default": False, "description": "Not written in the article."}
    document = copy.deepcopy(book)
    for fact in document["facts"]:
        for figure_record in fact["figures"]:
            figure_record["unit_en"] = "100 million yuan" if figure_record["unit"] == "亿元" else None
            figure_record["derived"] = figure_record["value"] is None
            figure_record["value_base"] = float(figure_record["value_base"])  # 1.06e9 as a float
    document["facts"][0]["reviewed_by"] = "a field only the records have"
    path = tmp_path / "new.db"
    write_database(document, path, schema=schema)
    connection = sqlite3.connect(path)
    columns = {row[1]: row[2] for row in connection.execute('PRAGMA table_info("figures")')}
    assert columns["unit_en"] == "TEXT" and columns["derived"] == "INTEGER"
    rows = connection.execute("SELECT fact_id, unit_en, derived, value_base, typeof(value_base) FROM figures").fetchall()
    assert ("hydrogen-revenue-2023", "100 million yuan", 0, 1060000000, "integer") in rows
    assert ("one-plus-eight-platforms", None, 1, 9, "integer") in rows
    assert connection.execute("SELECT reviewed_by FROM facts WHERE position = 0").fetchone()[0] == \
        "a field only the records have"


# -- the file ----------------------------------------------------------------------------


def test_a_new_file_gets_0644_under_umask_022(book, tmp_path, umask):
    umask(0o022)
    path = tmp_path / "book.db"
    write_database(book, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    umask(0o077)
    private = tmp_path / "private.db"
    write_database(book, private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_an_existing_file_is_replaced_only_with_force_and_keeps_its_mode(book, tmp_path, umask):
    umask(0o022)
    path = tmp_path / "book.db"
    path.write_bytes(b"old")
    path.chmod(0o640)
    with pytest.raises(UsageError, match="already exists"):
        write_database(book, path)
    assert path.read_bytes() == b"old"
    write_database(book, path, force=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sqlite3.connect(path).execute("SELECT count(*) FROM facts").fetchone()[0] == len(book["facts"])


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
def test_anything_but_a_regular_file_is_never_replaced(book, tmp_path, kind):
    path = tmp_path / "target"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    if kind == "symlink":
        path.symlink_to(victim)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    with pytest.raises(UsageError, match="replaces only regular files"):
        write_database(book, path, force=True)
    assert victim.read_text() == "keep me"
    assert {"symlink": path.is_symlink(), "fifo": stat.S_ISFIFO(path.lstat().st_mode), "directory": path.is_dir()}[kind]
    assert leftovers(tmp_path) == []


def test_a_missing_directory_is_a_clear_error(book, tmp_path):
    with pytest.raises(UsageError, match="no.such does not exist"):
        write_database(book, tmp_path / "no" / "such" / "book.db")


def test_a_failed_build_leaves_no_file_and_the_old_one_as_it_was(book, tmp_path):
    path = tmp_path / "book.db"
    path.write_bytes(b"old")
    dangling = copy.deepcopy(book)
    dangling["facts"][0]["entities"].append("no-such-entity")
    with pytest.raises(DataError, match="fact_entities.entity_id is 'no-such-entity', which is not an id in entities") \
            as caught:
        write_database(dangling, path, force=True)
    assert caught.value.problems[0].hint == "run 'jlp validate' to find it in the facts file"
    twice = copy.deepcopy(book)
    twice["facts"].append(twice["facts"][0])
    with pytest.raises(DataError) as caught:
        write_database(twice, path, force=True)
    (problem,) = caught.value.problems
    assert problem.message.startswith("the book cannot be a database: UNIQUE constraint failed: facts.id")
    assert problem.hint == "run 'jlp validate' to find the record"
    not_a_number = copy.deepcopy(book)
    next(f for f in not_a_number["facts"] if f["figures"])["figures"][0]["value"] = float("nan")
    with pytest.raises(DataError, match="NaN or infinite"):
        write_database(not_a_number, path, force=True)
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["book.db"]


def test_an_interrupted_build_leaves_no_temporary_file(book, tmp_path, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sqlite_export, "fill", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_database(book, tmp_path / "book.db")
    assert list(tmp_path.iterdir()) == []


def test_the_database_can_go_to_a_stream(book, tmp_path):
    buffer = io.BytesIO()
    write_stream(book, buffer)
    assert buffer.getvalue().startswith(b"SQLite format 3\x00")
    path = tmp_path / "copy.db"
    path.write_bytes(buffer.getvalue())
    assert sqlite3.connect(path).execute("SELECT count(*) FROM facts").fetchone()[0] == len(book["facts"])


def test_positions_count_from_zero_in_every_table(book, database):
    for table in ("sections", "entities", "facts"):
        first = database.execute(f'SELECT id, position FROM "{table}" ORDER BY position LIMIT 1').fetchone()
        assert tuple(first) == (book[table][0]["id"], 0), table
        last = database.execute(f'SELECT max(position) FROM "{table}"').fetchone()[0]
        assert last == len(book[table]) - 1, table
    fact = next(f for f in book["facts"] if len(f["figures"]) > 1)
    for table, key in (("figures", "metric_en"), ("fact_entities", "entity_id"), ("fact_tags", "tag")):
        rows = database.execute(f'SELECT position FROM "{table}" WHERE fact_id = ? ORDER BY position',
                                (fact["id"],)).fetchall()
        assert [r[0] for r in rows] == list(range(len(rows))), table


def test_the_columns_that_link_and_filter_tables_are_indexed(database):
    def indexed(table):
        return [database.execute(f'PRAGMA index_info("{row[1]}")').fetchone()[2]
                for row in database.execute(f'PRAGMA index_list("{table}")') if row[1].startswith("idx_")]

    assert (indexed("facts"), indexed("fact_entities"), indexed("fact_tags")) == (["section"], ["entity_id"], ["tag"])


def test_each_language_column_says_its_language(database):
    sql = database.execute("SELECT sql FROM sqlite_master WHERE name = 'facts'").fetchone()[0]
    assert re.search(r'"text_zh" TEXT NOT NULL, -- .*\(Chinese\)$', sql, re.M)
    assert re.search(r'"text_en" TEXT NOT NULL, -- .*\(English\)$', sql, re.M)


def test_json_cells_keep_chinese_as_written_for_sql_like_to_find(database):
    aliases = database.execute("SELECT aliases FROM entities WHERE id = 'southwest-aluminum'").fetchone()[0]
    assert '"西南铝"' in aliases  # not "\u897f\u5357\u94dd"
    hits = database.execute("SELECT id FROM entities WHERE aliases LIKE '%西南铝%'").fetchall()
    assert [h[0] for h in hits] == ["southwest-aluminum"]
