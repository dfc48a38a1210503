"""One way to read a book: the event reader builds what PyYAML's safe loader
builds, the one rule checker judges every reading alike (validate, the build,
text), and hostile files get a clear problem, quickly, with a line."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from jlp_cli.book import rules
from jlp_cli.book.reader import read_text, validate_file, validate_text
from jlp_cli.book.yaml_events import EventReader, loader_class
from jlp_cli.cli.app import app
from jlp_cli.model import FactBook

from .conftest import MINI, ROOT, SHIPPED, examples, open_store

GOOD = MINI.read_text(encoding="utf-8")


def safe_load(text: str):
    """The oracle: PyYAML's safe loader, timestamps kept as text."""
    return yaml.load(text, Loader=loader_class())


def events(text: str) -> dict:
    reader = EventReader(text)
    out = {}
    for key, value in reader.top_level("facts"):
        out[key] = value if isinstance(value, (list, dict)) or key != "facts" or not hasattr(value, "__next__") \
            else list(value)
    return out


def same(a, b) -> bool:
    """Equal, of the same types all the way down (1 is not True, nor 1.0),
    with keys in the same order."""
    return repr(a) == repr(b)


def read_whole(text: str, source_text: str | None = None):
    reading = read_text(text, source_text)
    facts = list(reading.facts)
    return reading.head, facts, reading.outcome()


def problems_of(text: str, source_text: str | None = None) -> list:
    return validate_text(text, source_text)[1]


# -- the YAML reader agrees with PyYAML -------------------------------------------------

@pytest.mark.parametrize("path", [SHIPPED, MINI], ids=["shipped", "mini"])
def test_the_books_read_as_pyyaml_and_the_schema_read_them(path):
    text = path.read_text(encoding="utf-8")
    assert same(events(text), safe_load(text))
    head, facts, outcome = read_whole(text)
    assert outcome.problems == []
    assert same({**head, "facts": facts}, FactBook.model_validate(safe_load(text)).model_dump(mode="json"))


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",
    "a: !!str 1\nb: !!int '7'\nc: !!float 1\n",
    "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n",
    "c:\n  <<: [{a: 1}, {a: 2, b: 2}]\n  c: 3\n",
    "a: [&x [1, 2], *x, *x]\n",
    "a: 2024-01-02\nb: 0x1F\nc: 1_000\nd: ~\ne: yes\nf: '1'\ng: 1:30\n",
    "? a\n: 1\n",
    "a: !!map {b: 1}\nc: !!seq [1]\n",
], ids=["alias", "tags", "merge", "merge-list", "anchored-list", "implicit-types", "explicit-key", "container-tags"])
def test_what_the_safe_loader_takes_is_read_the_same(text):
    assert same(events(text), safe_load(text))


@pytest.mark.parametrize("text, words, line, column", [
    ("a: !!python/object:os.system x\n", "tag", 1, 4),
    ("a: !custom 1\n", "tag", 1, 4),
    ("a: &a [*a]\n", "recursive alias", 1, 8),
    ("a: 1\n---\nb: 2\n", "more than one YAML document", 2, 1),
    ("? [a]\n: 1\n", "cannot be a key", 1, 3),
    ("a:\n  ? {b: 1}\n  : 2\n", "cannot be a key", 2, 5),
    ("- a\n", "top level must be a mapping", 1, None),
    ("", "the file is empty", None, None),
    ("a: [1\n", "invalid YAML", 2, 1),
    ("a: 1\n b: 2\n", "invalid YAML: mapping values are not allowed", 2, 3),
    ("a: 'x\n", "invalid YAML", 2, 1),
    ("a: b\x00c\n", "character YAML does not allow", 1, 5),
    ("a: b\nc: *nothing\n", "has no anchor", 2, 4),
], ids=["python-tag", "custom-tag", "recursive", "two-docs", "complex-key", "complex-inner-key", "list", "empty",
        "syntax", "indent", "open-quote", "nul", "unknown-alias"])
def test_what_a_facts_file_may_not_hold_is_refused_with_its_place_and_a_hint(text, words, line, column):
    (problem,) = problems_of(text)
    assert words in problem.message
    assert (problem.line, problem.column) == (line, column)  # where an editor puts the cursor (1-based)
    assert problem.hint  # and what to do about it


@pytest.mark.parametrize("text, hint", [
    ("a: !custom 1\n", "a facts file holds plain text, numbers, lists and mappings"),
    ("a: &a [*a]\n", "write the values out instead"),
    ("a: 1\n---\nb: 2\n", "a facts file is one document; remove the '---' line"),
    ("? [a]\n: 1\n", "keys are plain names such as 'id' or 'text'"),
    ("a:\n  ? {b: 1}\n  : 2\n", "keys are plain names such as 'id' or 'text'"),
    ("- a\n", "a facts file starts with 'schema_version: 1'"),
    ("", "a facts file starts with 'schema_version: 1'"),
    ("~\n", "a facts file starts with 'schema_version: 1'"),
    ("a: [1\n", "check the indentation and quoting around that line"),
    ("a: b\x00c\n", "remove it, or save the file as plain text"),
    ("a: b\nc: *nothing\n", "an alias names a value marked &nothing earlier in the file"),
])
def test_each_kind_of_refused_file_says_what_to_do(text, hint):
    (problem,) = problems_of(text)
    assert problem.hint == hint


def test_a_document_nested_too_deep_is_refused_inside_its_brackets():
    text = "a: " + "[" * 80 + "]" * 80 + "\n"
    (problem,) = problems_of(text)
    assert "nests deeper than 64 levels" in problem.message and problem.hint
    assert problem.line == 1 and 4 <= problem.column <= 3 + 80


def test_aliases_are_counted_by_the_values_they_expand_to(monkeypatch):
    """An alias of [1, 2, 3] is four values (the list and its items), an
    alias of {x: [1, 2]} four too; the count is measured against the bound."""
    from jlp_cli.book import yaml_events

    monkeypatch.setattr(yaml_events, "ALIAS_EXPANSION_FACTOR", 0)
    monkeypatch.setattr(yaml_events, "ALIAS_EXPANSION_ALLOWANCE", 16)
    def bombs(text):
        return [(p.line, p.column) for p in problems_of(text) if "alias bomb" in p.message]

    assert bombs("a: &a [1, 2, 3]\nb: [*a, *a, *a, *a]\n") == []  # 16 values: at the bound
    assert bombs("a: &a {x: [1, 2]}\nb: [*a, *a, *a, *a]\n") == []
    assert bombs("a: &a [1, 2, 3]\nb: [*a, *a, *a, *a, *a]\n") == [(2, 21)]  # 20: past it, at the fifth


def test_an_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level, name in enumerate("bcdefghij"):
        previous = "abcdefghij"[level]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.monotonic()
    (problem,) = problems_of("\n".join(lines) + "\n")
    assert "alias bomb" in problem.message and problem.line is not None
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("chunk", [5, 7, 64])
def test_a_bad_character_far_into_a_file_read_in_chunks_is_placed_exactly(tmp_path, monkeypatch, chunk):
    """The file is read a chunk at a time (lines and characters cut at any
    byte): the place of a character YAML does not allow is the one the whole
    text gives."""
    from jlp_cli.book import source

    monkeypatch.setattr(source, "CHUNK", chunk)
    text = GOOD.replace("湖畔镇启动", "湖畔镇\x00启动", 1)
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = validate_file(path)[1]
    before = text[: text.index("\x00")]
    assert (problem.line, problem.column) == (before.count("\n") + 1, len(before) - before.rfind("\n"))


def test_ordinary_anchors_are_fine():
    text = GOOD.replace("title: {zh: 导语, en: Introduction}", "title: &intro {zh: 导语, en: Introduction}")
    assert problems_of(text) == []


def test_a_character_yaml_does_not_allow_is_placed_after_chinese_text():
    text = GOOD.replace("湖畔镇启动", "湖畔镇\x00启动", 1)
    (problem,) = problems_of(text)
    before = text[: text.index("\x00")]
    assert problem.line == before.count("\n") + 1
    assert problem.column == len(before) - before.rfind("\n")
    assert "position" not in problem.message  # PyYAML's offset, which nobody can use


scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
           | st.sampled_from(["yes", "No", "0x1F", "017", "1_000", "0b101", "1:30", "-.inf", ".NaN", "1e3", "1.5e+3",
                              "2024-01-02", "2001-12-14t21:59:43.10-05:00", "~", "null", "", "=", "+1", "0o7",
                              "0.", "-0", "190:20:30.15", "'x'", "\"y\"", "- z", "a: b", "#c", "%d"]))
documents = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=4),
                         max_leaves=25)


@given(st.dictionaries(st.text(max_size=8), documents, max_size=5), st.booleans(), st.sampled_from([None, 0, 2]))
@examples(300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plain_documents_read_the_same_as_with_pyyaml(document, flow, indent):
    """Strings that look like other types are dumped quoted, so the plain
    ones reach the resolver: both readers must build the same values."""
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow, indent=indent)
    for plain in ("yes", "0x1F", "017", "1_000", "1:30", "2024-01-02", "=", ".NaN", "+1", "0."):
        text = text.replace(f"'{plain}'", plain)
    try:
        expected = safe_load(text)
    except yaml.YAMLError:
        return
    got = events(text)
    if isinstance(expected, dict):
        assert same(got, expected)


def mutate(text: str, cuts) -> str:
    for position, length, insert in cuts:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length:]
    return text


MUTATIONS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 30),
                               st.sampled_from(["", "x", "1", " ", "\n", "-", ":", "  - ", "id: a\n", "'", "2.5",
                                                "[", "]", "{", "}", "intro", "old-street", "12.6", "\n    kind: event",
                                                "\n    colour: red", "&a ", "*a", "<<: ", "!!str "])),
                     min_size=1, max_size=4)


@given(MUTATIONS)
@examples(200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_broken_book_is_never_passed(cuts):
    """Whatever the reader passes is what PyYAML and the schema make of the
    text; whatever the schema refuses, the reader refuses too."""
    text = mutate(GOOD, cuts)
    head, facts, outcome = read_whole(text)
    try:
        model = FactBook.model_validate(safe_load(text))
    except Exception:  # noqa: BLE001 - PyYAML's or the schema's refusal
        model = None
    if not outcome.problems:
        assert model is not None and same({**head, "facts": facts}, model.model_dump(mode="json"))
    if model is None:
        assert outcome.problems


@given(MUTATIONS)
@examples(100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_file_reports_what_its_text_reports(cuts):
    import tempfile

    text = mutate(GOOD, cuts)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.yaml"
        path.write_text(text, encoding="utf-8")
        assert validate_file(path) == validate_text(text)


#: Edits that keep the YAML sound and break the book: every kind of problem.
EDITS = [
    ("kind: project", "kind: rumour"), ("kind: place", "kind: [place]"), ("section: intro", "section: outro"),
    ("section: industry", "section: Industry"), ("  - id: aluminium-ingots", "  - id: old-street-renewal"),
    ("  - id: old-street\n", "  - id: lakeside-town\n"), ("  - id: intro", "  - id: industry"),
    ("entities: [lake-aluminium]", "entities: []"), ("entities: [old-street]", "entities: [old-street, x]"),
    ("value: 2.5\n", "value: '2.5'\n"), ("value: 12.5\n", "value: 12.6\n"), ("as_written: 2.5亿元", "as_written: 3亿元"),
    ("period: 1960s/1980s\n        as_written", "period: 1960s/1990x\n        as_written"),
    ('period: "2022"', "period: 2022"), ("    kind: statistic\n", "    kind: statistic\n    colour: red\n"),
    ("schema_version: 1", "schema_version: 2"), ("  language: zh\n", "  language: zh\n  extra: 1\n"),
    ("    order: 1\n", "    order: -1\n"), ("    type: industry\n", ""), ("quote: 湖光铝每年生产铝合金铸锭", "quote: ''"),
    ("sections:", "sections: []\nold_sections:"), ("facts:\n", "facts: []\nold_facts:\n"),
    ("value: 50\n", "value: 50\n        value_end: 51\n"), ("    order: 1\n", "    order: 99999999999999999999\n"),
    ("value: 2.5\n", "value: .inf\n"), ("value: 12.5\n", "value: .nan\n"), ('period: "2022"', 'period: "2022-13"'),
]


@given(st.lists(st.sampled_from(EDITS), min_size=1, max_size=5, unique=True))
@examples(150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_problem_has_a_line_in_the_file(edits):
    text = GOOD
    for old, new in edits:
        assert old in GOOD, old
        text = text.replace(old, new)
    problems = problems_of(text)
    assert problems
    lines = text.count("\n") + 1
    for problem in problems:
        assert problem.line is not None and 1 <= problem.line <= lines, problem
    assert problems == sorted(problems, key=lambda p: (p.line, p.column or 0))


@pytest.mark.parametrize("old, new", [
    ("    order: 1\n", "    order: 99999999999999999999\n"),
    ("value: 2.5\n", "value: .inf\n"),
    ("value: 12.5\n", "value: .nan\n"),
    ("value: 12.5\n", "value: 123456789012345678901234567890\n"),
], ids=["order-beyond-64-bits", "inf", "nan", "value-beyond-64-bits"])
def test_numbers_that_sqlite_or_json_cannot_hold_are_problems(old, new):
    text = GOOD.replace(old, new, 1)
    line = text[: text.index(new)].count("\n") + 1
    problems = problems_of(text)
    assert [p.line for p in problems] == [line], problems
    assert problems[0].path.endswith(("order", "value"))


@pytest.mark.parametrize("value, refused", [
    (2**63 - 1, False), (2**63, True), (-(2**63), False), (-(2**63) - 1, True), (2**64 - 1, True),
])
def test_a_value_is_refused_exactly_past_the_64_bit_range(value, refused):
    text = GOOD.replace("value: 12.5\n", f"value: {value}\n", 1)
    beyond = [p.message for p in problems_of(text) if "64-bit" in p.message]
    assert beyond == ([f"the number {value} is beyond what a 64-bit integer holds (SQLite's limit)"] if refused
                      else [])


@pytest.mark.parametrize("period", ["2022-13", "2022-00", "2022-Q5", "2022-Q0", "202", "1950s/199", "2022/"])
def test_a_period_that_is_no_period_is_a_problem(period):
    text = GOOD.replace('period: "2022"', f'period: "{period}"', 1)
    problems = problems_of(text)
    assert [p.line for p in problems] == [text[: text.index(f'period: "{period}"')].count("\n") + 1]
    assert problems[0].path.endswith("period") and "is not a period: write 2023" in problems[0].message


@pytest.mark.parametrize("period", ["2022-12", "2022-01", "2024-Q1", "2024-Q4", "1950s", "1950s/1990s", "2023/2024-Q2"])
def test_every_kind_of_period_is_accepted(period):
    assert problems_of(GOOD.replace('period: "2022"', f'period: "{period}"', 1)) == []


def test_a_duplicated_key_is_reported_where_it_is_repeated():
    text = GOOD.replace("schema_version: 1\n", "schema_version: 1\nschema_version: 1\n")
    (problem,) = problems_of(text)
    assert "duplicate key 'schema_version'" in problem.message
    assert problem.line == text.index("schema_version: 1\nschema_version") // 1 * 0 + \
        text[: text.rindex("schema_version")].count("\n") + 1


def test_bytes_that_are_not_utf8_are_reported_with_their_line(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_bytes(GOOD.encode("utf-8").replace("湖畔镇启动".encode(), b"\xff\xfe", 1))
    _count, problems = validate_file(path)
    (problem,) = problems
    assert "not UTF-8" in problem.message and problem.line == GOOD[: GOOD.index("湖畔镇启动")].count("\n") + 1


# -- the book's shape -----------------------------------------------------------------

def reordered(text: str) -> str:
    """The mini book with its facts before its sections and entities."""
    start, end = text.index("sections:"), text.index("facts:")
    return text[:start] + text[end:] + text[start:end]


def test_facts_before_sections_and_entities():
    text = reordered(GOOD)
    assert text.index("facts:") < text.index("sections:")
    head, facts, outcome = read_whole(text)
    assert outcome.problems == []
    assert same({**head, "facts": facts}, FactBook.model_validate(safe_load(text)).model_dump(mode="json"))
    # and a reference only the later records could settle is still checked
    (problem,) = problems_of(text.replace("section: intro", "section: outro", 1))
    assert problem.path == "facts[0].section" and problem.message == "unknown section 'outro'"


def test_the_quotes_are_checked_against_the_source_too():
    source = "".join(f["quote"] for f in yaml.safe_load(GOOD)["facts"])
    assert problems_of(GOOD, source) == []
    quotes = [f["quote"] for f in yaml.safe_load(GOOD)["facts"]]
    without_first = "".join(quotes[1:])
    assert [p.path for p in problems_of(GOOD, without_first)] == ["facts[0].quote"]


def test_many_problems_are_listed_up_to_a_bound():
    fact = GOOD[GOOD.index("  - id: old-street-renewal"):GOOD.index("  - id: aluminium-ingots")]
    broken = fact.replace("kind: project", "kind: rumour")
    many = GOOD.replace(fact, "".join(broken.replace("old-street-renewal", f"street-{n}") for n in range(1500)))
    problems = problems_of(many)
    assert len(problems) == rules.MAX_PROBLEMS + 1
    assert (problems[-1].message, problems[-1].hint) == ("more problems were found; only the first 1000 are listed",
                                                          "fix these and run jlp validate again")


def test_a_mapping_with_a_flood_of_keys_is_refused_quickly():
    flood = "\n".join(f"    key{n}: {n}" for n in range(200_000))
    text = GOOD.replace("    kind: project\n", "    kind: project\n" + flood + "\n", 1)
    started = time.monotonic()
    (problem,) = problems_of(text)
    assert "more than" in problem.message and problem.line is not None
    assert time.monotonic() - started < 20


# -- one set of rules for every reading -------------------------------------------------

def test_a_rule_added_to_the_checker_is_enforced_by_validate_and_by_the_build(tmp_path, monkeypatch):
    """The rules live in one place: a new one (here: no fact may be of kind
    'place') is caught by validate_text, by jlp validate and by a build."""
    real = rules.RuleChecker.fact

    def with_new_rule(self, index, raw):
        if isinstance(raw, dict) and raw.get("kind") == "place":
            self.add(("facts", index, "kind"), "places are not allowed here")
        return real(self, index, raw)

    monkeypatch.setattr(rules.RuleChecker, "fact", with_new_rule)
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "book.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert GOOD.count("kind: place") == 1
    assert [p.message for p in problems_of(GOOD)] == ["places are not allowed here"]
    validated = CliRunner().invoke(app, ["validate", "--facts", str(path)])
    assert validated.exit_code == 2 and "places are not allowed here" in validated.stdout + validated.stderr
    built = CliRunner().invoke(app, ["facts", "--json", "--facts", str(path)])
    assert built.exit_code == 2 and "places are not allowed here" in built.stderr
    assert not list((tmp_path / "cache").glob("*.sqlite"))


def test_validate_does_not_send_the_user_to_validate(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text(GOOD.replace("kind: project", "kind: rumour"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--facts", str(path)])
    assert result.exit_code == 2
    assert "run 'jlp validate'" not in result.stderr


# -- files ----------------------------------------------------------------------------

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
    path = tmp_path / "book.yaml"
    path.write_text(CASES[name], encoding="utf-8")
    assert validate_file(path) == validate_text(CASES[name])


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
    problems = problems_of(CASES[name])
    assert problems
    assert problems[0].message in result.stderr
    if len(problems) > 1:
        assert f"{len(problems)} problems" in result.stderr
    assert not list((tmp_path / "cache").glob("*.sqlite")) and not list((tmp_path / "cache").glob(".store-*"))


def test_without_the_c_parser_books_read_the_same(tmp_path, monkeypatch):
    from jlp_cli.book import yaml_events

    monkeypatch.setattr(yaml_events, "loader_class", lambda: _pure_loader())
    path = tmp_path / "book.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert validate_file(path) == (5, [])
    assert validate_text(GOOD.replace("kind: project", "kind: rumour"))[1][0].path == "facts[0].kind"


def _pure_loader():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)
    return Loader


# -- hostile files ----------------------------------------------------------------------

def test_a_named_pipe_nobody_writes_to_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "jlp_cli", "facts", "--facts", str(fifo)], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert "pipe" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 30


def test_a_pipe_with_a_book_in_it_is_read(tmp_path):
    command = f"{sys.executable} -m jlp_cli facts --json --facts <(cat {MINI})"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert len(yaml.safe_load(result.stdout)) == 5


def test_a_facts_path_that_is_not_utf8_gets_a_sentence(tmp_path):
    folder = os.fsencode(tmp_path) + b"/caf\xe9"
    os.mkdir(folder)
    path = folder + b"/facts.yaml"
    shutil.copy(MINI, os.fsdecode(path))
    result = subprocess.run([sys.executable.encode(), b"-m", b"jlp_cli", b"facts", b"--json", b"--facts",
                             path + b".missing"], capture_output=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert b"does not exist" in result.stderr and b"internal error" not in result.stderr
    result = subprocess.run([sys.executable.encode(), b"-m", b"jlp_cli", b"validate", b"--facts", path],
                            capture_output=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("make", ["aliases", "long-run"])
def test_big_records_build_in_bounded_time(tmp_path, monkeypatch, make):
    """Work that grew with the square of a record's size: 10,000 aliases of
    one entity, a run of 200,000 Chinese characters."""
    book = safe_load(GOOD)
    if make == "aliases":
        book["entities"][0]["aliases"] = [f"别名{n} alias{n}" for n in range(10_000)]
    else:
        fact = book["facts"][0]
        fact["text"]["zh"] = "九龙坡区民主村社区城市更新" * 15_000
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    started = time.monotonic()
    assert open_store(path, cache_dir=tmp_path / "cache").counts()["facts"] == 5
    assert time.monotonic() - started < 60


# -- reading in a second process ----------------------------------------------------------

@pytest.fixture()
def read_ahead(monkeypatch):
    """Every book is read in a child process, however small."""
    from jlp_cli.store import parallel

    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    if not parallel.worth_it(MINI):
        pytest.skip("no fork here, or one core")
    return parallel


def _builds_alone(monkeypatch) -> list:
    """Spy on the plain build, which a child that works never needs."""
    from jlp_cli.store import cache

    calls: list = []
    real = cache._build_here
    monkeypatch.setattr(cache, "_build_here", lambda *args: calls.append(1) or real(*args))
    return calls


def test_a_book_read_in_a_child_builds_the_same_store(tmp_path, read_ahead, monkeypatch):
    used = []
    real = read_ahead.build

    def spy(*args):
        used.append(1)
        return real(*args)

    monkeypatch.setattr(read_ahead, "build", spy)
    alone = _builds_alone(monkeypatch)
    ahead = dump(open_store(SHIPPED, rebuild=True, cache_dir=tmp_path / "a").con)
    assert used and not alone  # built once, by the child's reading
    assert dump(open_store(SHIPPED, rebuild=True, processes=1, cache_dir=tmp_path / "b").con) == ahead


def test_index_rows_made_ahead_by_the_child_are_the_same(tmp_path, monkeypatch, read_ahead):
    monkeypatch.setattr(read_ahead, "BATCH", 7)
    monkeypatch.setattr(read_ahead, "_parent_behind", lambda _connection: True)
    alone = _builds_alone(monkeypatch)
    ahead = dump(open_store(SHIPPED, rebuild=True, cache_dir=tmp_path / "a").con)
    assert not alone  # the child's batches made the store, not a plain build after it failed
    assert dump(open_store(SHIPPED, rebuild=True, processes=1, cache_dir=tmp_path / "b").con) == ahead


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
    alone = _builds_alone(monkeypatch)
    test_a_book_with_problems_builds_nothing_and_reports_them_all(tmp_path, monkeypatch, "dup-id")
    assert not alone


def test_a_book_the_child_cannot_read_at_all_is_reported_with_its_place(tmp_path, monkeypatch, read_ahead):
    from jlp_cli.errors import DataError

    alone = _builds_alone(monkeypatch)
    path = tmp_path / "book.yaml"
    path.write_text(CASES["bad-yaml"], encoding="utf-8")
    with pytest.raises(DataError) as caught:
        open_store(path, cache_dir=tmp_path / "cache")
    assert [(p.line, p.column) for p in caught.value.problems] == \
        [(p.line, p.column) for p in validate_text(CASES["bad-yaml"])[1]]
    assert caught.value.problems[0].line is not None and not alone

    from jlp_cli.book import reader
    from jlp_cli.errors import Problem

    def gone(*_args, **_kwargs):  # removed between the parent's look and the child's open
        raise DataError([Problem("cannot open the facts file: it is gone")])

    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(reader, "read_file", gone)
    with pytest.raises(DataError) as caught:
        open_store(path, cache_dir=tmp_path / "other-cache")
    assert caught.value.problems[0].message == "cannot open the facts file: it is gone" and not alone


def test_without_fionread_the_child_still_sees_whether_the_parent_took_a_batch(read_ahead, monkeypatch):
    """Where the pipe cannot be asked how much is unread, "not writable" is
    the sign: an empty pipe is writable at once (select must not wait)."""
    import fcntl
    import multiprocessing

    def no_fionread(*_args):
        raise OSError("not here")

    monkeypatch.setattr(fcntl, "ioctl", no_fionread)
    receiver, sender = multiprocessing.Pipe(duplex=False)
    try:
        assert not read_ahead._parent_behind(sender)
        os.set_blocking(sender.fileno(), False)
        with contextlib.suppress(BlockingIOError):
            while True:  # fill the pipe: the parent has taken nothing
                os.write(sender.fileno(), b"x" * 65536)
        answers: list = []
        asking = threading.Thread(target=lambda: answers.append(read_ahead._parent_behind(sender)), daemon=True)
        asking.start()
        asking.join(10)
        assert answers == [True]  # at once: the child must not wait for the parent
    finally:
        receiver.close()
        sender.close()


def test_a_child_that_dies_only_costs_a_plain_build(tmp_path, monkeypatch, read_ahead):
    monkeypatch.setattr(read_ahead, "_read", lambda *_args: os._exit(3))
    path = tmp_path / "book.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert open_store(path, cache_dir=tmp_path / "cache").counts()["facts"] == 5
    assert not list((tmp_path / "cache").glob(".store-*"))


def test_a_child_that_dies_half_way_through_a_book_only_costs_a_plain_build(tmp_path, monkeypatch, read_ahead):
    """The parent has already written the head and the first facts when the
    child dies: they are dropped, and the book is built again, whole."""
    send = read_ahead._send_batch

    def send_then_die(*args):
        send(*args)
        os._exit(3)

    monkeypatch.setattr(read_ahead, "BATCH", 2)
    monkeypatch.setattr(read_ahead, "_send_batch", send_then_die)
    path = tmp_path / "book.yaml"
    path.write_text(GOOD, encoding="utf-8")
    store = open_store(path, cache_dir=tmp_path / "cache")
    assert store.counts()["facts"] == 5
    alone = open_store(path, rebuild=True, processes=1, cache_dir=tmp_path / "alone")
    assert dump(store.con) == dump(alone.con)


@pytest.mark.slow
def test_the_reading_child_never_outlives_a_killed_parent(tmp_path):
    """kill -9 the building process: its reading child goes too, at once,
    and lets go of the caller's stdout (a pipe reader sees the end)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    book = tmp_path / "big.yaml"
    synth.write_book(synth.synthesize(12_000), book)
    assert book.stat().st_size >= 4 << 20
    env = {**os.environ, "JLP_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("JLP_BUILD_PROCESSES", None)
    process = subprocess.Popen([sys.executable, "-m", "jlp_cli", "facts", "--json", "--facts", str(book)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    children = []
    deadline = time.monotonic() + 60
    while not children and time.monotonic() < deadline:
        time.sleep(0.2)
        children = _children(process.pid)
    if not children:
        process.kill()
        pytest.skip("the build ended before a reading child was seen")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    started = time.monotonic()
    process.stdout.read()  # returns only when every holder of the pipe is gone
    assert time.monotonic() - started < 10
    for child in children:
        assert not _alive(child), f"the reading child {child} outlived its parent"


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(c) for c in handle.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    for _ in range(50):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                state = handle.read().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                return False
        except OSError:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.parametrize("processes", [1, 2])
def test_a_file_changed_while_read_is_stored_under_the_bytes_read(tmp_path, monkeypatch, processes):
    """The store is named by the hash of the bytes it was built from, even
    when the file changed between hashing it and parsing it."""
    import hashlib

    from jlp_cli.book import source
    from jlp_cli.search.layout import SEARCH_INDEX
    from jlp_cli.store import parallel
    from jlp_cli.store.cache import StoreOptions, store_path

    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    path = tmp_path / "book.yaml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(source, "sha256", lambda _path, _limit=0: "0" * 64)  # what the file held before
    store = open_store(path, processes=processes, cache_dir=tmp_path / "cache")
    real = hashlib.sha256(path.read_bytes()).hexdigest()
    assert store.path == store_path(tmp_path / "cache", real, StoreOptions(SEARCH_INDEX))
    assert store.meta()["sha256"] == real


def test_bytes_that_are_not_utf8_past_the_first_megabyte_are_reported_at_their_own_line(tmp_path):
    text = GOOD + ("# " + "x" * 60 + "\n") * 20_000  # 1.2 MB: the bad byte comes in a later chunk
    path = tmp_path / "book.yaml"
    path.write_bytes(text.encode("utf-8") + b"# \xff\n")
    _count, problems = validate_file(path)
    (problem,) = problems
    assert "not UTF-8" in problem.message and problem.line == text.count("\n") + 1


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("~\n", "the top level must be a mapping, not nothing"),
    ("- a\n", "the top level must be a mapping, not list"),
    ("just words\n", "the top level must be a mapping, not str"),
])
def test_a_file_that_is_no_mapping_says_what_it_holds_instead(text, message):
    (problem,) = problems_of(text)
    assert problem.message == message
