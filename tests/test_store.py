"""The compiled store and its cache: built once, reused while fresh, rebuilt
when anything about it is wrong, and never a reason for a command to fail."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from jlp_cli.cli.app import app
from jlp_cli.search.layout import SEARCH_INDEX
from jlp_cli.store import cache
from jlp_cli.store.cache import StoreOptions, store_path, version
from jlp_cli.store.writer import period_bounds

from .conftest import MINI, ROOT, open_store

OPTIONS = StoreOptions(SEARCH_INDEX)


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
    real = cache._build

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "_build", spy)
    return calls


def test_built_once_then_reused_without_reading_yaml(book, tmp_path, monkeypatch):
    builds = count_builds(monkeypatch)
    assert open_store(book).counts()["facts"] == 5
    assert open_store(book).counts()["facts"] == 5
    assert len(builds) == 1 and len(stores(tmp_path)) == 1

    def no_yaml(*_args, **_kwargs):
        raise AssertionError("the facts file was read on the warm path")

    monkeypatch.setattr("jlp_cli.book.source.open_binary", no_yaml)
    monkeypatch.setattr("jlp_cli.book.source.sha256", no_yaml)
    assert open_store(book).fact("aluminium-ingots")["kind"] == "organisation"


def test_a_changed_file_is_rebuilt(book):
    assert open_store(book).fact("aluminium-ingots") is not None
    book.write_text(book.read_text(encoding="utf-8").replace("aluminium-ingots", "alloy-ingots"), encoding="utf-8")
    store = open_store(book)
    assert store.fact("aluminium-ingots") is None and store.fact("alloy-ingots") is not None


def test_a_same_size_edit_with_the_same_mtime_is_rebuilt(book):
    """The stamp is not only size and mtime: an edit that keeps both (a tool
    that restores the mtime) changes the ctime, and the file is hashed again."""
    assert open_store(book).fact("aluminium-ingots") is not None
    before = book.stat()
    text = book.read_text(encoding="utf-8").replace("aluminium-ingots", "aluminium-ingotz")
    time.sleep(0.01)
    book.write_text(text, encoding="utf-8")
    os.utime(book, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert book.stat().st_size == before.st_size and book.stat().st_mtime_ns == before.st_mtime_ns
    assert open_store(book).fact("aluminium-ingotz") is not None


def test_a_link_switched_to_another_book_is_not_served_the_old_store(tmp_path, monkeypatch):
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    shutil.copy(MINI, first)
    second.write_text(MINI.read_text(encoding="utf-8").replace("aluminium-ingots", "aluminium-ingotz"),
                      encoding="utf-8")
    os.utime(second, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns))
    link = tmp_path / "facts.yaml"
    link.symlink_to(first)
    assert open_store(link).fact("aluminium-ingots") is not None
    link.unlink()
    link.symlink_to(second)
    store = open_store(link)
    assert store.fact("aluminium-ingotz") is not None and store.fact("aluminium-ingots") is None


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
    assert open_store(book).meta()["store_version"] == version(OPTIONS)
    assert builds


def test_the_version_changes_with_the_code_that_shapes_a_store(monkeypatch):
    """A store written by other code (a field added to the schema, a column
    of the index changed) is never read: the version is a checksum of the
    sources that decide what a store holds, not a number to remember."""
    from jlp_cli.search import layout

    before = version(OPTIONS)
    monkeypatch.setattr(cache, "_VERSION", ["00000000"])
    assert version(OPTIONS) != before
    monkeypatch.undo()
    monkeypatch.setattr(layout, "_CHECKSUM", ["ffffffff"])
    assert version(OPTIONS) != before


def test_the_version_covers_the_schema_of_records(tmp_path, monkeypatch):
    sources = [os.path.join(os.path.dirname(cache.__file__), name) for name in cache._SOURCES]
    assert any(path.endswith("model.py") for path in sources) and all(os.path.exists(p) for p in sources)


def test_a_changed_source_changes_the_version(tmp_path):
    (tmp_path / "a.py").write_text("x = 1")
    before = cache.sources_checksum(str(tmp_path), ["a.py"])
    os.utime(tmp_path / "a.py", ns=(1, 1))
    assert cache.sources_checksum(str(tmp_path), ["a.py"]) != before


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


def test_no_home_and_no_cache_setting_keeps_the_store_in_memory(book, monkeypatch):
    """Without HOME the store lives in memory: Python's fallback to the
    account's home would write where the user did not say."""
    from jlp_cli.cli.context import Settings

    settings = Settings({"PATH": os.environ.get("PATH", "")})
    assert settings.cache_dir is None
    monkeypatch.delenv("JLP_CACHE_DIR")
    store = open_store(book, cache_dir=settings.cache_dir)
    assert store.path is None and store.counts()["facts"] == 5


def test_a_store_deleted_while_open_still_answers(book, tmp_path):
    store = open_store(book)
    for path in stores(tmp_path):
        path.unlink()
    assert store.fact("aluminium-ingots") is not None
    assert open_store(book).counts()["facts"] == 5  # and the next command rebuilds it


def test_two_processes_building_at_once_both_succeed(book, tmp_path):
    script = (
        "import sys; from pathlib import Path\n"
        "from jlp_cli.search.layout import SEARCH_INDEX\n"
        "from jlp_cli.store.cache import StoreOptions, open_store\n"
        "print(open_store(Path(sys.argv[1]), StoreOptions(SEARCH_INDEX, Path(sys.argv[2]))).counts()['facts'])"
    )
    processes = [subprocess.Popen([sys.executable, "-c", script, str(book), str(tmp_path / "cache")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], outputs
    assert all(out.strip() == b"5" for out, _err in outputs)
    assert len(stores(tmp_path)) == 1
    assert not list((tmp_path / "cache").glob(".store-*"))  # no temporary file left behind


def test_the_store_is_named_by_content_and_version(book, tmp_path):
    open_store(book)
    sha = hashlib.sha256(book.read_bytes()).hexdigest()
    assert stores(tmp_path) == [store_path(tmp_path / "cache", sha, OPTIONS)]
    assert f"store-v{version(OPTIONS)}-" in stores(tmp_path)[0].name


def test_the_facts_file_is_never_written(book):
    before = (book.read_bytes(), book.stat().st_mtime_ns)
    open_store(book)
    CliRunner().invoke(app, ["facts", "--facts", str(book)])
    assert (book.read_bytes(), book.stat().st_mtime_ns) == before


# -- the faults that live in the seams -------------------------------------------------

def test_temporary_stores_of_killed_builds_are_removed_by_the_next_build(book, tmp_path):
    """A build killed half-way leaves its temporary store; the next build
    removes it (its process is gone), but not one whose process still runs."""
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = cache_dir / f".store-{dead.stdout.strip()}-abc123.tmp"
    orphan.write_bytes(b"x" * 1000)
    running = cache_dir / f".store-{os.getppid()}-def456.tmp"
    running.write_bytes(b"y")
    others = [cache_dir / name for name in ("a-store.sqlite", "a-store.stamp", "notes.tmp", ".store-x.txt")]
    for other in others:
        other.write_bytes(b"z")
    later = cache_dir / f".store-{dead.stdout.strip()}-zzz999.tmp"  # after the others, whatever the order
    later.write_bytes(b"x")
    open_store(book)
    assert not orphan.exists() and not later.exists()
    assert running.exists() and all(other.exists() for other in others)  # only temporary stores are swept


def test_a_build_in_progress_is_named_for_its_process(book, tmp_path, monkeypatch):
    """``.store-<pid>-….tmp``: how the next build tells a killed build's
    leftover from one still running."""
    from jlp_cli.store import cache

    seen: list = []
    build = cache._build

    def looking(con, *args):
        seen.extend(p.name for p in (tmp_path / "cache").iterdir())
        return build(con, *args)

    monkeypatch.setattr(cache, "_build", looking)
    open_store(book, cache_dir=tmp_path / "cache")
    assert len(seen) == 1 and seen[0].startswith(f".store-{os.getpid()}-") and seen[0].endswith(".tmp")


@pytest.mark.parametrize("name", ["with#hash", "with?question", "with%percent", "with%23encoded"])
def test_a_cache_path_with_uri_characters_is_used(tmp_path, monkeypatch, name):
    """'#', '?' and '%' in the cache path are no SQLite URI syntax: the store
    is found again (not rebuilt every time), and nothing lands outside it."""
    cache_dir = tmp_path / name / "cache"
    book = tmp_path / "book.yaml"
    shutil.copy(MINI, book)
    builds = count_builds(monkeypatch)
    open_store(book, cache_dir=cache_dir)
    store = open_store(book, cache_dir=cache_dir)
    assert store.path is not None and len(builds) == 1
    outside = sorted(p.name for p in tmp_path.iterdir())
    assert outside == sorted(["book.yaml", name])


def test_a_pipe_in_place_of_a_store_is_not_waited_on(book, tmp_path):
    open_store(book)
    (path,) = stores(tmp_path)
    path.unlink()
    os.mkfifo(path)
    result = subprocess.run(
        [sys.executable, "-m", "jlp_cli", "facts", "--json", "--facts", str(book)], capture_output=True, text=True,
        timeout=60, cwd=ROOT, env={**os.environ, "JLP_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 5


def test_the_cache_directory_deleted_during_a_build_still_answers(book, tmp_path, monkeypatch):
    real = cache._build

    def build_then_delete(con, facts_path, options):
        sha = real(con, facts_path, options)
        shutil.rmtree(tmp_path / "cache")
        return sha

    monkeypatch.setattr(cache, "_build", build_then_delete)
    result = CliRunner().invoke(app, ["facts", "--json", "--facts", str(book)])
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 5


def test_an_error_that_is_no_damage_does_not_throw_the_store_away(book, tmp_path):
    """Only a damaged file makes jlp delete and rebuild a store; a huge
    --limit is just "all"."""
    CliRunner().invoke(app, ["facts", "--facts", str(book)])
    (path,) = stores(tmp_path)
    made = path.stat().st_mtime_ns
    result = CliRunner().invoke(app, ["search", "氢能", "--json", "--limit", "9223372036854775807",
                                      "--facts", str(book)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)
    assert stores(tmp_path) == [path] and path.stat().st_mtime_ns == made


def _damage_facts_table(path, where: float) -> None:
    """Overwrite one page of the facts table's b-tree, part ``where`` of the way in."""
    con = sqlite3.connect(path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    pages = [row[0] for row in con.execute(
        "SELECT pageno FROM dbstat WHERE name = 'facts' ORDER BY pageno")] if _has_dbstat(con) else []
    con.close()
    if not pages:
        pytest.skip("this SQLite has no dbstat table")
    page = pages[min(int(len(pages) * where), len(pages) - 1)]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(b"\xff" * page_size)


def _has_dbstat(con) -> bool:
    try:
        con.execute("SELECT 1 FROM dbstat LIMIT 1")
        return True
    except sqlite3.Error:
        return False


@pytest.fixture(scope="module")
def big_book(tmp_path_factory):
    """A book of 2,000 facts: its facts table spans many pages."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    path = tmp_path_factory.mktemp("big") / "big.yaml"
    synth.write_book(synth.synthesize(2000), path)
    return path


@pytest.mark.parametrize("where", [0.0, 0.5, 0.95])
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_store_damaged_after_it_was_built_never_gives_doubled_or_partial_output_with_status_0(
        big_book, tmp_path, monkeypatch, where, fmt):
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    book = tmp_path / "book.yaml"
    shutil.copy(big_book, book)
    first = CliRunner().invoke(app, ["facts", "--format", fmt, "--facts", str(book)])
    assert first.exit_code == 0
    (path,) = stores(tmp_path)
    _damage_facts_table(path, where)
    result = CliRunner().invoke(app, ["facts", "--format", fmt, "--facts", str(book)])
    if result.exit_code == 0:
        assert result.stdout == first.stdout  # the whole right answer, after a rebuild
    else:
        assert result.exit_code == 2
        assert "Traceback" not in result.stderr
        # SQLite's own words for the damage, in the sentence:
        assert re.match(r"jlp: the compiled store is damaged \((database disk image is malformed|file is not a database)\)",
                        result.stderr), result.stderr
        assert len(result.stderr.strip().splitlines()) == 2  # one sentence and a hint
        if fmt == "json":
            assert result.stdout == ""  # a document is whole or not written at all
        else:
            assert first.stdout.startswith(result.stdout)  # whole lines of the right answer, no more
    again = CliRunner().invoke(app, ["facts", "--format", fmt, "--facts", str(book)])
    assert again.exit_code == 0 and again.stdout == first.stdout


@pytest.mark.parametrize(
    "period, bounds",
    [("2023", ("2023-01", "2023-12")), ("2024-Q1", ("2024-01", "2024-03")), ("2024-06", ("2024-06", "2024-06")),
     ("1950s/1990s", ("1950-01", "1999-12")), ("2024-Q4", ("2024-10", "2024-12")), ("2020s", ("2020-01", "2029-12")),
     ("2023/2024-Q2", ("2023-01", "2024-06"))],
)
def test_period_bounds(period, bounds):
    assert period_bounds(period) == bounds


def test_every_source_counts_in_the_version_not_only_the_last(tmp_path):
    names = ["a.py", "b.py", "c.py"]
    for name in names:
        (tmp_path / name).write_text("x = 1")
    before = cache.sources_checksum(str(tmp_path), names)
    for name in names:
        os.utime(tmp_path / name, ns=(7, 7))
        changed = cache.sources_checksum(str(tmp_path), names)
        assert changed != before, name
        before = changed


def test_a_missing_source_is_counted_by_its_name(tmp_path):
    (tmp_path / "a.py").write_text("x = 1")
    with_b_missing = cache.sources_checksum(str(tmp_path), ["a.py", "b.py"])
    with_c_missing = cache.sources_checksum(str(tmp_path), ["a.py", "c.py"])
    only_a = cache.sources_checksum(str(tmp_path), ["a.py"])
    assert len({with_b_missing, with_c_missing, only_a}) == 3
    os.utime(tmp_path / "a.py", ns=(9, 9))  # what comes before a missing source still counts
    assert cache.sources_checksum(str(tmp_path), ["a.py", "b.py"]) != with_b_missing
    assert re.fullmatch(r"[0-9a-f]{8}", with_b_missing)


def test_a_process_that_runs_is_alive_and_one_that_ended_is_not():
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert cache._process_alive(os.getpid())
    assert cache._process_alive(os.getppid())
    assert not cache._process_alive(int(ended.stdout))
    assert cache._process_alive(1)  # init: another user's process is alive too (or ours, as root)


def test_a_damaged_store_says_it_was_removed_and_what_to_do():
    from jlp_cli.errors import StoreDamaged

    error = StoreDamaged("database disk image is malformed", path="/cache/store.sqlite")
    assert error.message == "the compiled store is damaged (database disk image is malformed)"
    assert error.hint == "it has been removed; run the command again to rebuild it"
    assert error.path == "/cache/store.sqlite" and error.status == 2


def test_a_damaged_store_that_cannot_be_removed_is_rebuilt_all_the_same(big_book, tmp_path, monkeypatch):
    """In a cache that will not let the damaged file go, the second try
    builds the store again rather than opening the same damaged file."""
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    book = tmp_path / "book.yaml"
    shutil.copy(big_book, book)
    first = CliRunner().invoke(app, ["facts", "--format", "json", "--facts", str(book)])
    assert first.exit_code == 0
    (path,) = stores(tmp_path)
    _damage_facts_table(path, 0.5)
    monkeypatch.setattr(cache, "_remove", lambda _path: None)
    result = CliRunner().invoke(app, ["facts", "--format", "json", "--facts", str(book)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == first.stdout


def test_the_stamp_spares_the_hash_and_follows_an_edit(book, tmp_path, monkeypatch):
    """The first run leaves a stamp (its folder made on the way); a second run
    of the same file hashes nothing; after an edit the stamp is replaced, so
    the run after that hashes nothing again."""
    from jlp_cli.book import source

    hashed = []
    real = source.sha256
    monkeypatch.setattr(source, "sha256", lambda *a, **k: hashed.append(1) or real(*a, **k))
    open_store(book)
    assert len(list((tmp_path / "cache" / "stamps").glob("*.json"))) == 1
    open_store(book)
    assert len(hashed) == 1
    book.write_text(book.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(book, ns=(10**18, 10**18))
    open_store(book)
    open_store(book)
    assert len(hashed) == 2


def test_the_index_version_covers_files_that_exist(monkeypatch):
    """Each source the search index's version is made from is a real file:
    a misspelt name would be hashed as "missing" and its edits never seen."""
    from jlp_cli.search import layout

    asked: list = []
    monkeypatch.setattr(layout, "_CHECKSUM", [])
    monkeypatch.setattr(cache, "sources_checksum", lambda folder, names: asked.append((folder, list(names))) or "x")
    assert layout._sources_checksum() == "x"
    (folder, names), = asked
    assert {os.path.basename(n) for n in names} == {"layout.py", "index.py", "normalize.py", "numbers.py",
                                                    "concepts.py", "t2s.txt", "concepts.txt"}
    assert all(os.path.isfile(os.path.join(folder, name)) for name in names)
