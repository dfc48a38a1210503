"""Big books are read as a stream of events, one fact at a time. Whatever the
stream reader accepts must come out exactly as the full reader has it, and
whatever it refuses must still be reported as the full reader reports it."""

from __future__ import annotations

import sqlite3

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from jlp_cli.bookstream import read as read_book
from jlp_cli.cache import open_store
from jlp_cli.cli.app import app
from jlp_cli.errors import DataError
from jlp_cli.validate import validate_file, validate_text
from jlp_cli.yamlread import parse
from jlp_cli.yamlstream import Unsupported, c_parser_available, top_level

from .conftest import MINI, SHIPPED

pytestmark = pytest.mark.skipif(not c_parser_available(), reason="PyYAML without its C extension")

GOOD = MINI.read_text(encoding="utf-8")


def streamed(text: str) -> dict:
    out = {}
    for key, value in top_level(text, "facts"):
        out[key] = value if isinstance(value, list) or key != "facts" or isinstance(value, dict) \
            else list(value)
    return out


def same(a, b) -> bool:
    """Equal, of the same types all the way down (1 is not True, nor 1.0),
    with keys in the same order."""
    return repr(a) == repr(b)


def book_through_stream(text: str, source_text: str | None = None) -> tuple[dict, list]:
    book = read_book(text, source_text)
    return book.head, list(book.facts)


@pytest.mark.parametrize("path", [SHIPPED, MINI], ids=["shipped", "mini"])
def test_the_books_read_the_same_as_with_the_full_reader(path):
    text = path.read_text(encoding="utf-8")
    assert same(streamed(text), parse(text).data)
    head, facts = book_through_stream(text)
    book, problems = validate_text(text)
    assert problems == []
    assert same({**head, "facts": facts}, book.model_dump(mode="json"))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "base: &b {x: 1}\nc:\n  <<: *b\n",
        "a: 1\na: 2\n",
        "a: {b: 1, b: 2}\n",
        "? [a]\n: 1\n",
        "a: 1\n---\nb: 2\n",
        "- a\n",
        "",
        "a: =\n",
        "a: [1\n",
        "a: " + "[" * 80 + "]" * 80 + "\n",
        "~: 1\n",
    ],
    ids=["alias", "tag", "merge", "dup", "nested-dup", "complex-key", "two-docs", "list", "empty", "value-tag",
         "error", "deep", "null-key"],
)
def test_what_only_the_full_reader_takes_is_left_to_it(text):
    with pytest.raises(Unsupported):
        streamed(text)


scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
           | st.sampled_from(["yes", "No", "0x1F", "017", "1_000", "0b101", "1:30", "-.inf", ".NaN", "1e3", "1.5e+3",
                              "2024-01-02", "2001-12-14t21:59:43.10-05:00", "~", "null", "", "<<", "=", "+1", "0o7",
                              "0.", "-0", "190:20:30.15", "'x'", "\"y\"", "- z", "a: b", "#c", "%d"]))
documents = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=4),
                         max_leaves=25)


@given(st.dictionaries(st.text(max_size=8), documents, max_size=5), st.booleans(), st.sampled_from([None, 0, 2]))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plain_documents_read_the_same(document, flow, indent):
    """Strings that look like other types are dumped quoted, so the plain
    ones reach the resolver: both readers must build the same values."""
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow, indent=indent)
    for plain in ("yes", "0x1F", "017", "1_000", "1:30", "2024-01-02", "<<", "=", ".NaN", "+1", "0."):
        text = text.replace(f"'{plain}'", plain)
    try:
        full = parse(text)
    except DataError:
        full = None
    try:
        fast = streamed(text)
    except Unsupported:
        return
    assert full is not None and not full.problems
    assert same(fast, full.data)


def mutate(text: str, cuts) -> str:
    for position, length, insert in cuts:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length:]
    return text


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 30),
                          st.sampled_from(["", "x", "1", " ", "\n", "-", ":", "  - ", "id: a\n", "&a ", "*a", "'",
                                           "2.5", "[", "]", "{", "}", "#", "intro", "industry", "old-street",
                                           "12.6", "\n    kind: event"])),
                min_size=1, max_size=4))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_broken_book_is_never_passed_by_the_stream(cuts):
    text = mutate(GOOD, cuts)
    book, problems = validate_text(text)
    try:
        head, facts = book_through_stream(text)
    except Unsupported:
        return
    assert problems == []
    assert same({**head, "facts": facts}, book.model_dump(mode="json"))


def reordered(text: str) -> str:
    """The mini book with its facts before its sections and entities."""
    start, end = text.index("sections:"), text.index("facts:")
    return text[:start] + text[end:] + text[start:end]


def test_facts_before_sections_and_entities():
    text = reordered(GOOD)
    assert text.index("facts:") < text.index("sections:")
    head, facts = book_through_stream(text)
    book, problems = validate_text(text)
    assert problems == [] and same({**head, "facts": facts}, book.model_dump(mode="json"))
    # and a reference only the later records could settle is still checked
    with pytest.raises(Unsupported):
        book_through_stream(text.replace("section: intro", "section: outro", 1))


def test_the_quotes_are_checked_against_the_source_too():
    source = "".join(f["quote"] for f in yaml.safe_load(GOOD)["facts"])
    assert len(book_through_stream(GOOD, source)[1]) == 5
    with pytest.raises(Unsupported):
        book_through_stream(GOOD, source[20:])


# -- files --------------------------------------------------------------------------

CASES = {
    "valid": GOOD,
    "bom": "\ufeff" + GOOD,
    "reordered": reordered(GOOD),
    "anchor": GOOD.replace("title: {zh: 导语, en: Introduction}", "title: &intro {zh: 导语, en: Introduction}"),
    "bad-kind": GOOD.replace("kind: project", "kind: rumour"),
    "dup-id": GOOD.replace("  - id: aluminium-ingots\n", "  - id: old-street-renewal\n"),
    "unknown-entity": GOOD.replace("entities: [lake-aluminium]", "entities: [lake-aluminium, no-such-thing]"),
    "unreferenced": GOOD.replace("entities: [lake-aluminium]", "entities: []"),
    "dup-key": GOOD.replace("    kind: project\n", "    kind: project\n    kind: event\n"),
    "bad-yaml": GOOD.replace("    kind: project\n", "    kind: [project\n"),
    "extra-top-key": GOOD + "colour: red\n",
    "empty-facts": GOOD[: GOOD.index("facts:")] + "facts: []\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_validating_a_file_reports_as_validating_its_text(tmp_path, name):
    text = CASES[name]
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    book, problems = validate_text(text.lstrip("\ufeff"))
    assert validate_file(path) == ((len(book.facts) if book else None), problems)


MUTATIONS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 30),
                               st.sampled_from(["", "x", "1", " ", "\n", "-", ":", "  - ", "id: a\n", "'", "2.5",
                                                "[", "]", "{", "}", "intro", "old-street", "12.6", "\n    kind: event",
                                                "\n    colour: red", "&a ", "*a"])),
                     min_size=1, max_size=4)


@given(MUTATIONS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_broken_file_is_reported_as_the_full_reader_reports_it(cuts):
    """Problems found without the node tree (located by a second pass over
    the file) are the full reader's, in the same order, with the same lines."""
    import tempfile
    from pathlib import Path

    text = mutate(GOOD, cuts)
    book, problems = validate_text(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.yaml"
        path.write_text(text, encoding="utf-8")
        assert validate_file(path) == ((len(book.facts) if book else None), problems)


#: Edits that keep the YAML sound and break the book: every kind of problem.
EDITS = [
    ("kind: project", "kind: rumour"), ("kind: place", "kind: [place]"), ("section: intro", "section: outro"),
    ("section: industry", "section: Industry"), ("  - id: aluminium-ingots", "  - id: old-street-renewal"),
    ("  - id: old-street\n", "  - id: lakeside-town\n"), ("  - id: intro", "  - id: industry"),
    ("entities: [lake-aluminium]", "entities: []"), ("entities: [old-street]", "entities: [old-street, x]"),
    ("value: 2.5\n", "value: '2.5'\n"), ("value: 12.5\n", "value: 12.6\n"), ("as_written: 2.5亿元", "as_written: 3亿元"),
    ("period: 1960s/1980s\n        as_written", "period: 1960s/1990x\n        as_written"), ('period: "2022"', "period: 2022"),
    ("    kind: statistic\n", "    kind: statistic\n    colour: red\n"), ("schema_version: 1", "schema_version: 2"),
    ("  language: zh\n", "  language: zh\n  extra: 1\n"), ("    order: 1\n", "    order: -1\n"),
    ("    type: industry\n", ""), ("quote: 湖光铝每年生产铝合金铸锭", "quote: ''"), ("sections:", "sections: []\nold_sections:"),
    ("facts:\n", "facts: []\nold_facts:\n"), ("value: 50\n", "value: 50\n        value_end: 51\n"),
]


@given(st.lists(st.sampled_from(EDITS), min_size=1, max_size=5, unique=True))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_problems_found_without_the_node_tree_are_the_full_readers(edits):
    import tempfile
    from pathlib import Path

    text = GOOD
    for old, new in edits:
        assert old in GOOD, old
        text = text.replace(old, new)
    book, problems = validate_text(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.yaml"
        path.write_text(text, encoding="utf-8")
        assert validate_file(path) == ((len(book.facts) if book else None), problems)


def test_bytes_that_are_not_utf8_are_reported_with_their_line(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_bytes(GOOD.encode("utf-8").replace("湖畔镇启动".encode(), b"\xff\xfe", 1))
    with pytest.raises(DataError) as caught:
        validate_file(path)
    (problem,) = caught.value.problems
    assert "not UTF-8" in problem.message and problem.line == GOOD[: GOOD.index("湖畔镇启动")].count("\n") + 1


def dump(con: sqlite3.Connection) -> dict:
    tables = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: list(con.execute(f"SELECT * FROM {t}")) for t in tables if t != "meta"}


@pytest.mark.parametrize("name", ["valid", "bom", "reordered", "anchor"])
def test_every_way_of_writing_a_book_builds_the_same_store(tmp_path, monkeypatch, name):
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / f"{name}.yaml"
    path.write_text(CASES[name], encoding="utf-8")
    reference = tmp_path / "mini.yaml"
    reference.write_text(GOOD, encoding="utf-8")
    assert dump(open_store(path).con) == dump(open_store(reference).con)


@pytest.mark.parametrize("name", ["bad-kind", "dup-id", "unreferenced", "dup-key", "extra-top-key"])
def test_a_book_with_problems_builds_nothing_and_reports_them_all(tmp_path, monkeypatch, name):
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "book.yaml"
    path.write_text(CASES[name], encoding="utf-8")
    result = CliRunner().invoke(app, ["search", "氢能", "--json", "--facts", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    _book, problems = validate_text(CASES[name])
    for problem in problems:
        assert problem.message in result.stderr
    assert not list((tmp_path / "cache").glob("*.sqlite")) and not list((tmp_path / "cache").glob(".store-*"))


# -- reading in a second process ----------------------------------------------------


@pytest.fixture()
def read_ahead(monkeypatch):
    """Every book is read in a child process, however small."""
    from jlp_cli import readahead

    if not readahead.worth_it(MINI) and readahead.sys.platform.startswith("linux"):
        monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    monkeypatch.delenv("JLP_BUILD_PROCESSES", raising=False)
    if not readahead.worth_it(MINI):
        pytest.skip("no fork here, or one core")
    return readahead


def test_a_book_read_in_a_child_builds_the_same_store(tmp_path, monkeypatch, read_ahead):
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    used = []
    real = read_ahead.rows

    def spy(*args):
        used.append(1)
        return real(*args)

    monkeypatch.setattr(read_ahead, "rows", spy)
    ahead = dump(open_store(SHIPPED, rebuild=True).con)
    assert used
    monkeypatch.setenv("JLP_BUILD_PROCESSES", "1")
    assert dump(open_store(SHIPPED, rebuild=True).con) == ahead


def test_index_rows_made_ahead_by_the_child_are_the_same(tmp_path, monkeypatch, read_ahead):
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(read_ahead, "BATCH", 7)
    monkeypatch.setattr(read_ahead, "_parent_behind", lambda _connection: True)
    ahead = dump(open_store(SHIPPED, rebuild=True).con)
    monkeypatch.setenv("JLP_BUILD_PROCESSES", "1")
    assert dump(open_store(SHIPPED, rebuild=True).con) == ahead


def test_the_child_knows_when_the_parent_has_not_taken_a_batch(read_ahead):
    import multiprocessing

    receiver, sender = multiprocessing.Pipe(duplex=False)
    try:
        assert not read_ahead._parent_behind(sender)
        sender.send(("rows", ["a batch"]))
        assert read_ahead._parent_behind(sender)  # sent, not yet taken
        assert receiver.recv() == ("rows", ["a batch"])
        assert not read_ahead._parent_behind(sender)
    finally:
        receiver.close()
        sender.close()


def test_a_problem_found_in_the_child_is_reported_in_full(tmp_path, monkeypatch, read_ahead):
    test_a_book_with_problems_builds_nothing_and_reports_them_all(tmp_path, monkeypatch, "dup-id")


def test_a_child_that_dies_only_costs_a_plain_build(tmp_path, monkeypatch, read_ahead):
    import os

    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(read_ahead, "_read", lambda *_args: os._exit(3))
    path = tmp_path / "book.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert open_store(path).counts()["facts"] == 5
    assert not list((tmp_path / "cache").glob(".store-*"))


def test_without_the_c_parser_books_are_read_whole(tmp_path, monkeypatch):
    from jlp_cli import yamlstream

    monkeypatch.setattr(yamlstream, "c_parser_available", lambda: False)
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "book.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert validate_file(path) == (5, [])
    assert open_store(path).counts()["facts"] == 5


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_file_changed_while_read_is_stored_under_the_bytes_read(tmp_path, monkeypatch, processes):
    """The store is named by the hash of the bytes it was built from, even
    when the file changed between hashing it and parsing it."""
    import hashlib

    from jlp_cli import readahead, source
    from jlp_cli.cache import store_path

    monkeypatch.setattr(readahead, "MIN_BYTES", 0)
    monkeypatch.setenv("JLP_BUILD_PROCESSES", processes)
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "book.yaml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(source, "sha256", lambda _path: "0" * 64)  # the hash of what the file held before
    store = open_store(path)
    real = hashlib.sha256(path.read_bytes()).hexdigest()
    assert store.path == store_path(tmp_path / "cache", real) and store.meta()["sha256"] == real
    assert not (tmp_path / "cache" / f"store-v{store.meta()['store_version']}-{'0' * 64}.sqlite").exists()
