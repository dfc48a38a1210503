"""The compiled store and its cache: built once, reused while fresh, rebuilt
when anything about it is wrong, and never a reason for a command to fail."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from jlp_cli import cache
from jlp_cli.cache import open_store, store_path
from jlp_cli.cli.app import app
from jlp_cli.store import STORE_VERSION, period_bounds

from .conftest import MINI, ROOT


@pytest.fixture()
def book(tmp_path, monkeypatch):
    """A private copy of the small book and a private cache."""
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "book.yaml"
    shutil.copy(MINI, path)
    return path


def stores(tmp_path):
    return sorted((tmp_path / "cache").glob("store-*.sqlite"))


def count_builds(monkeypatch) -> list:
    calls = []
    real = cache._build_into

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "_build_into", spy)
    return calls


def test_built_once_then_reused_without_reading_yaml(book, tmp_path, monkeypatch):
    builds = count_builds(monkeypatch)
    assert open_store(book).counts()["facts"] == 5
    assert open_store(book).counts()["facts"] == 5
    assert len(builds) == 1 and len(stores(tmp_path)) == 1

    def no_yaml(*_args, **_kwargs):
        raise AssertionError("the YAML was read on the warm path")

    monkeypatch.setattr("jlp_cli.source.read_bytes", no_yaml)
    assert open_store(book).fact("aluminium-ingots")["kind"] == "organisation"


def test_a_changed_file_is_rebuilt(book):
    assert open_store(book).fact("aluminium-ingots") is not None
    book.write_text(book.read_text(encoding="utf-8").replace("aluminium-ingots", "alloy-ingots"), encoding="utf-8")
    store = open_store(book)
    assert store.fact("aluminium-ingots") is None and store.fact("alloy-ingots") is not None


def test_a_different_file_of_the_same_name_gets_its_own_store(tmp_path, monkeypatch):
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    first, second = tmp_path / "a" / "facts.yaml", tmp_path / "b" / "facts.yaml"
    for target in (first, second):
        target.parent.mkdir()
        shutil.copy(MINI, target)
    second.write_text(second.read_text(encoding="utf-8").replace("aluminium-ingots", "alloy-ingots"),
                      encoding="utf-8")
    os.utime(second, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns))
    assert open_store(first).fact("aluminium-ingots") is not None
    assert open_store(second).fact("alloy-ingots") is not None


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "zeroed-header"])
def test_a_damaged_store_is_rebuilt(book, tmp_path, monkeypatch, damage):
    open_store(book)
    (path,) = stores(tmp_path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(data[:1000] + os.urandom(len(data) - 1000))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"\0" * 100 + data[100:])
    builds = count_builds(monkeypatch)
    result = CliRunner().invoke(app, ["search", "氢能", "--json", "--facts", str(book)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["id"] == "hydrogen-revenue-2022"
    assert builds  # it was rebuilt
    assert open_store(book).counts()["facts"] == 5


def test_a_store_of_an_older_version_is_not_used(book, tmp_path, monkeypatch):
    open_store(book)
    (path,) = stores(tmp_path)
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'store_version'")
    con.commit()
    con.close()
    builds = count_builds(monkeypatch)
    assert open_store(book).meta()["store_version"] == str(STORE_VERSION)
    assert builds


def test_a_corrupt_stamp_is_ignored(book, tmp_path):
    open_store(book)
    for stamp in (tmp_path / "cache" / "stamps").iterdir():
        stamp.write_text("{not json", encoding="utf-8")
    assert open_store(book).counts()["facts"] == 5


def test_a_read_only_cache_keeps_the_store_in_memory(book, tmp_path, monkeypatch):
    if os.geteuid() == 0:
        # root ignores permissions: make the cache path unusable another way
        (tmp_path / "ro").write_text("a file, not a directory")
        monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "ro" / "cache"))
    else:
        (tmp_path / "ro").mkdir()
        (tmp_path / "ro").chmod(0o500)
        monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "ro"))
    store = open_store(book)
    assert store.path is None and store.counts()["facts"] == 5


def test_no_home_and_no_cache_setting_still_works(book, monkeypatch):
    monkeypatch.delenv("JLP_CACHE_DIR")
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert open_store(book).counts()["facts"] == 5


def test_a_store_deleted_while_open_still_answers(book, tmp_path):
    store = open_store(book)
    for path in stores(tmp_path):
        path.unlink()
    assert store.fact("aluminium-ingots") is not None
    assert open_store(book).counts()["facts"] == 5  # and the next command rebuilds it


def test_two_processes_building_at_once_both_succeed(book, tmp_path):
    script = (
        "import sys; from pathlib import Path; from jlp_cli.cache import open_store; "
        "print(open_store(Path(sys.argv[1])).counts()['facts'])"
    )
    env = {**os.environ, "JLP_CACHE_DIR": str(tmp_path / "cache")}
    processes = [subprocess.Popen([sys.executable, "-c", script, str(book)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, cwd=ROOT) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], outputs
    assert all(out.strip() == b"5" for out, _err in outputs)
    assert len(stores(tmp_path)) == 1
    assert not list((tmp_path / "cache").glob(".store-*"))  # no temporary file left behind


def test_the_store_is_named_by_content_and_version(book, tmp_path):
    import hashlib

    open_store(book)
    sha = hashlib.sha256(book.read_bytes()).hexdigest()
    assert stores(tmp_path) == [store_path(tmp_path / "cache", sha)]
    assert f"store-v{STORE_VERSION}-" in stores(tmp_path)[0].name


def test_the_facts_file_is_never_written(book):
    before = (book.read_bytes(), book.stat().st_mtime_ns)
    open_store(book)
    CliRunner().invoke(app, ["facts", "--facts", str(book)])
    assert (book.read_bytes(), book.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    "period, bounds",
    [("2023", ("2023-01", "2023-12")), ("2024-Q1", ("2024-01", "2024-03")), ("2024-06", ("2024-06", "2024-06")),
     ("1950s/1990s", ("1950-01", "1999-12"))],
)
def test_period_bounds(period, bounds):
    assert period_bounds(period) == bounds
