"""Hostile input and faults: each bad input gets a clear answer and a
documented status, never a traceback, a hang or terminal control."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from jlp_cli.book import source
from jlp_cli.book.reader import validate_text
from jlp_cli.cli.app import app
from jlp_cli.errors import DataError
from jlp_cli.render import views
from jlp_cli.render.human import render as render_human
from jlp_cli.render.machine import MACHINE_FORMATS, write

from .conftest import MINI, ROOT, examples

runner = CliRunner()
GOOD = MINI.read_text(encoding="utf-8")


def jlp(*args, env=None):
    return runner.invoke(app, list(args), env=env)


def assert_clean_error(result, status=2, words=()):
    assert result.exit_code == status, (result.exit_code, result.stderr)
    assert result.stderr.startswith("jlp: ") and "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


# -- facts files -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "content, words",
    [
        (b"", ["empty"]),
        (b"\xff\xfe not utf-8 \x80", ["not UTF-8"]),
        ("schema_version: 1\nfacts: [\n".encode(), ["invalid YAML", "line"]),
        (b"- 1\n- 2\n", ["must be a mapping"]),
        (b"a: !!python/object/apply:os.system [echo hi]\n", ["not allowed"]),
        (("a: " + "[" * 10000 + "]" * 10000 + "\n").encode(), ["nest"]),
    ],
    ids=["empty", "not-utf8", "bad-yaml", "not-mapping", "python-tag", "deep"],
)
def test_unusable_files_are_refused_clearly(tmp_path, content, words):
    path = tmp_path / "facts.yaml"
    path.write_bytes(content)
    for command in (["facts"], ["validate"]):
        assert_clean_error(jlp(*command, "--facts", str(path)), 2, words)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert jlp("validate", "--facts", str(path)).exit_code == 0


def test_a_directory_is_not_a_facts_file(tmp_path):
    assert_clean_error(jlp("facts", "--facts", str(tmp_path)), 2, ["directory"])


def test_an_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.yaml"
    path.write_text(GOOD, encoding="utf-8")

    def denied(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(DataError, match="permission denied"):
        source.read_bytes(path)


def test_a_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, instant to make
    result = jlp("validate", "--facts", str(path))
    assert_clean_error(result, 2, ["MB", "limit"])
    assert "JLP_MAX_FACTS_MB" in result.stderr


def test_billion_laughs_is_refused_fast(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "lol.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_clean_error(jlp("facts", "--facts", str(path)), 2, ["alias"])


# -- queries and arguments ------------------------------------------------------------------

@pytest.mark.parametrize(
    "query, status",
    [
        ("", 2),
        ("   \t ", 2),
        ("x" * 10000, 2),
        ('"', 2),
        ("*", 2),
        ("NEAR(", 1),
        # Words, not operators: or and not are question and filler words; the best matches of 氢能
        # and 民主村 are found (no fact has both, so with --all nothing is).
        ("氢能 OR 民主村", 0),
        ("氢能 OR 民主村 --all", 1),
        ("氢能 NOT 民主村", 0),
        ("氢能 NOT 民主村 --all", 1),
        ("'; DROP TABLE facts; --", 1),
        ("{en}:氢能", 0),  # "en" is a word to find too, and no fact has it: 氢能 answers
        ("{en}:氢能 --all", 1),
        ('"氢能"*', 0),
        ("^氢能", 0),
    ],
)
def test_query_syntax_of_other_tools_is_just_text(query, status):
    strict = query.endswith(" --all")
    query = query.removesuffix(" --all")
    result = jlp("search", query, "--json", *(["--all"] if strict else []))
    assert result.exit_code == status, result.stderr
    assert "Traceback" not in result.stderr
    if status != 2:
        assert isinstance(json.loads(result.stdout), list)


def test_a_lone_surrogate_from_a_bad_terminal():
    # Bytes that are not UTF-8 reach Python as lone surrogates.
    result = subprocess.run([sys.executable.encode(), b"-m", b"jlp_cli", b"search", b"\xff\xfe\xe6\xb0\xa2", b"--json"],
                            capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode in (0, 1) and b"Traceback" not in result.stderr


# -- data that attacks the display -------------------------------------------------------------

NASTY = [
    "[bold]x[/bold]", "[/]", "[link=file:///etc/passwd]x[/link]", "\x1b[2J\x1b[H", "\x1b]8;;http://x\x1b\\y\x1b]8;;\x1b\\",
    "\x1b]0;title\x07", "\r\x08\x7f", "\u202eabc\u202c", "a\u200bb\u200d", "e" + "\u0301" * 5000, "長" * 20000,
]


def nasty_fact(text: str) -> dict:
    return {"id": "x", "section": "s", "kind": "event", "text": {"zh": text, "en": text}, "quote": text,
            "entities": [], "figures": [], "tags": [], "period": None}


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_tables_and_cards_show_hostile_text_inert(text):
    import io

    for view in (views.facts([nasty_fact(text)]), views.show(nasty_fact(text), [], None)):
        buffer = io.StringIO()
        render_human(view, buffer, color=True, lang="both", width=80)
        out = buffer.getvalue()
        stripped = _strip_our_styles(out)
        assert "\x07" not in stripped and "\x1b]" not in stripped and "\x1b[2J" not in stripped
        assert "\u202e" not in out and "\u200b" not in out
        if "[bold]" in text:
            assert "[bold]x[/bold]" in out


def _strip_our_styles(out: str) -> str:
    """Remove the SGR colour codes Rich itself writes (ESC [ … m)."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", out)


@given(st.text(max_size=300))
@examples(150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_renderer_takes_any_text(text):
    import io

    record = nasty_fact(text)
    for fmt in MACHINE_FORMATS:
        buffer = io.StringIO()
        write(views.facts([record]), fmt, buffer, None, "both")
        out = buffer.getvalue()
        if fmt == "json":
            assert json.loads(out)[0]["text"]["zh"] == text
        if fmt in ("tsv", "plain"):
            assert out.count("\n") == (2 if fmt == "tsv" else 1)  # one record, one line
            assert not any(ch in out for ch in "\x1b\x07\r\u202e")
    buffer = io.StringIO()
    render_human(views.show(record, [], None), buffer, color=False, lang="both", width=60)
    assert "\x1b" not in buffer.getvalue()


# -- the loader takes any YAML-shaped document ------------------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
documents = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(st.text(max_size=10), children, max_size=4), max_leaves=30)


def _book_shaped():
    """Documents close to a fact book, so the checks beyond the top level run too."""
    base = yaml.safe_load(GOOD)
    return st.fixed_dictionaries({}).map(lambda _: base) | documents.map(
        lambda extra: {**base, "facts": base["facts"] + [extra]})


@given(documents | _book_shaped())
@examples(200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_loader_returns_a_book_or_problems(document):
    text = yaml.safe_dump(document, allow_unicode=True)
    book, problems = validate_text(text)
    assert (book is not None) or problems
    for problem in problems:
        assert problem.message


@given(st.binary(max_size=400))
@examples(200, deadline=None)
def test_the_loader_takes_any_bytes(data):
    try:
        text = source.decode(data, "fuzz.yaml")
    except DataError:
        return
    book, problems = validate_text(text)
    assert book is not None or problems


def test_cli_exit_status_is_0_or_2_for_any_document(tmp_path):
    for index, document in enumerate([{"schema_version": 1}, {"facts": "x"}, [], "text", {"schema_version": "1"}]):
        path = tmp_path / f"d{index}.yaml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        for command in ("validate", "facts", "search"):
            args = [command, "x"] if command == "search" else [command]
            result = jlp(*args, "--facts", str(path))
            assert result.exit_code == 2 and "Traceback" not in result.stderr


# -- writing files ---------------------------------------------------------------------------------

def test_export_writes_atomically_and_never_over_without_force(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("precious", encoding="utf-8")
    result = jlp("export", "--format", "json", "-o", str(target))
    assert_clean_error(result, 2, ["--force"])
    assert target.read_text(encoding="utf-8") == "precious"
    assert jlp("export", "--format", "json", "-o", str(target), "--force").exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["facts"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left behind


def test_export_to_a_missing_directory_is_a_clear_error(tmp_path):
    result = jlp("export", "-o", str(tmp_path / "no" / "such" / "dir" / "x.json"))
    assert result.exit_code in (0, 2) and "Traceback" not in result.stderr


def test_a_full_or_read_only_cache_never_breaks_a_command(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = jlp("search", "氢能", "--json", env={"JLP_CACHE_DIR": str(blocker / "cache")})
    assert result.exit_code == 0 and json.loads(result.stdout)


def test_debug_shows_the_traceback(tmp_path):
    env = {**os.environ, "JLP_DEBUG": "1"}
    result = subprocess.run([sys.executable, "-m", "jlp_cli", "facts", "--facts", str(tmp_path / "none.yaml")],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode != 0 and "Traceback" in result.stderr
