"""Where compiled stores live, and when they are rebuilt.

A store is named by the SHA-256 of the facts file's bytes and the store
version, so a changed file or a new jlp never reads a stale store. Hashing a
60 MB book on every call would cost more than the query, so a small stamp per
facts path remembers (size, mtime, sha256): when size and mtime are unchanged
the hash is reused, as git and make do.

Every write goes to a temporary file in the same directory and is renamed into
place, so readers never see half a store and two processes building at once
both end with a sound one. A cache that is missing, stale, corrupt or not
writable never breaks a command: the store is rebuilt, or kept in memory.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

from . import source as source_file
from .errors import DataError
from .store import STORE_VERSION, FactStore


def cache_dir() -> Path | None:
    explicit = os.environ.get("JLP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    try:
        if sys.platform.startswith("linux"):
            # platformdirs' own rule for Linux, without the 8 ms its import
            # costs on every command.
            base = os.environ.get("XDG_CACHE_HOME", "").strip()
            return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "jlp"
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("jlp", appauthor=False))
    except Exception:  # no home directory, or an unusable one
        return None


def _stamp_path(cache: Path, facts_path: Path) -> Path:
    # crc32, not a cryptographic hash: importing hashlib costs milliseconds on
    # every call, and the stamp records its full path, so a collision only
    # costs a re-hash.
    import zlib

    key = zlib.crc32(os.fsencode(os.path.abspath(facts_path)))
    return cache / "stamps" / f"{key:08x}.json"


def store_path(cache: Path, sha256: str) -> Path:
    return cache / f"store-v{STORE_VERSION}-{sha256}.sqlite"


def _read_stamp(cache: Path, facts_path: Path) -> dict | None:
    try:
        with open(_stamp_path(cache, facts_path), encoding="utf-8") as handle:
            stamp = json.load(handle)
        if isinstance(stamp, dict) and stamp.get("path") == os.path.abspath(facts_path):
            return stamp
        return None
    except (OSError, ValueError):
        return None


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only when writing: a warm command never does

    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        _remove(Path(temp))
        raise


def _write_stamp(cache: Path, facts_path: Path, stat: os.stat_result, sha256: str) -> None:
    stamp = {"path": os.path.abspath(facts_path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
             "sha256": sha256, "store_version": STORE_VERSION}
    try:
        atomic_write(_stamp_path(cache, facts_path), json.dumps(stamp).encode())
    except OSError:
        pass  # a read-only cache only costs a hash next time


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _open_existing(path: Path, sha256: str) -> sqlite3.Connection | None:
    """A read-only connection to a sound store, or None."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    con = None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        page_count = con.execute("PRAGMA page_count").fetchone()[0]
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        if page_count * page_size != size:  # truncated, or grown by garbage
            raise sqlite3.DatabaseError("size does not match the page count")
        meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('store_version', 'sha256')"))
        if meta.get("store_version") == str(STORE_VERSION) and meta.get("sha256") == sha256:
            return con
    except sqlite3.Error:
        pass
    if con is not None:
        con.close()
    return None


def _build_into(con: sqlite3.Connection, facts_path: Path, sha256: str | None, streaming: bool) -> str:
    """Build the store of ``facts_path`` into the empty database ``con``;
    return the SHA-256 of the bytes it was built from.

    Streaming, the file is read, checked and written one fact at a time
    (``bookstream``); the bytes parsed are hashed as they are read and must be
    the ones ``sha256`` names. It raises ``Unsupported`` when the book must be
    read whole instead (a problem to report, YAML features only the full
    reader takes, a file changed meanwhile): the caller then starts again on
    a fresh database without ``streaming``."""
    from .store import build
    from .validate import paused_gc

    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    if streaming:
        from . import readahead
        from .bookstream import streamed

        with paused_gc():
            if readahead.worth_it(facts_path):
                from .store import write

                with readahead.rows(facts_path, sha256) as (head, rows):
                    write(head, rows, con, sha256, str(facts_path))
            else:
                with streamed(facts_path, sha256) as book:
                    build(book.head, book.facts, con, sha256, str(facts_path))
        return sha256

    from .validate import read_book

    book, problems, sha256 = read_book(facts_path)
    if problems:
        raise DataError(problems, source=str(facts_path))
    with paused_gc():
        records = book.model_dump(mode="json")
        del book
        build(records, records.pop("facts"), con, sha256, str(facts_path))
    return sha256


def _ways_to_build(stat: os.stat_result) -> tuple[bool, ...]:
    """Streaming first where it can work (the C parser is there and the file
    can be read twice: hashed, then parsed), reading the file whole after."""
    import stat as stat_module

    from .yamlstream import c_parser_available

    if stat_module.S_ISREG(stat.st_mode) and c_parser_available():
        return (True, False)
    return (False,)


def _first_way(stat: os.stat_result, attempt):
    """``attempt(streaming)`` for each way to build in turn, until one does not
    give up (``Unsupported``); the last way never does."""
    from .yamlstream import Unsupported

    for streaming in _ways_to_build(stat):
        try:
            return attempt(streaming)
        except Unsupported:
            continue
    raise AssertionError("the last way to build never gives up")


def _build_file(cache: Path, facts_path: Path, stat: os.stat_result, sha256: str | None) -> str | None:
    """Build a store atomically; return the SHA-256 it is named by, or None
    if the cache is unwritable."""

    def attempt(streaming: bool) -> str | None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            import tempfile

            fd, temp = tempfile.mkstemp(dir=cache, prefix=".store-", suffix=".tmp")
            os.close(fd)
        except OSError:
            return None
        temp_path = Path(temp)
        try:
            con = sqlite3.connect(temp)
            try:
                built = _build_into(con, facts_path, sha256, streaming)
            finally:
                con.close()
            os.replace(temp_path, store_path(cache, built))
            return built
        except sqlite3.OperationalError:  # disk full, read-only after all
            return None
        finally:
            _remove(temp_path)

    return _first_way(stat, attempt)


def _build_in_memory(facts_path: Path, stat: os.stat_result, sha256: str | None) -> sqlite3.Connection:
    def attempt(streaming: bool) -> sqlite3.Connection:
        con = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            _build_into(con, facts_path, sha256, streaming)
            return con
        except BaseException:
            con.close()
            raise

    return _first_way(stat, attempt)


def open_store(facts_path: Path, rebuild: bool = False) -> FactStore:
    """The compiled store for ``facts_path``, building it if needed."""
    stat = source_file.stat(facts_path)
    cache = cache_dir()
    label = str(facts_path)
    if cache is not None and not rebuild:
        stamp = _read_stamp(cache, facts_path)
        if stamp and stamp.get("size") == stat.st_size and stamp.get("mtime_ns") == stat.st_mtime_ns \
                and stamp.get("store_version") == STORE_VERSION and isinstance(stamp.get("sha256"), str):
            path = store_path(cache, stamp["sha256"])
            con = _open_existing(path, stamp["sha256"])
            if con is not None:
                return FactStore(con, label, path)

    # Hashed in chunks, never held whole: a store of the same bytes (a file
    # touched, copied or renamed) is reused without building. A pipe is not
    # hashed here, as it can be read only once.
    sha256 = source_file.sha256(facts_path) if _ways_to_build(stat)[0] else None
    if cache is not None:
        con = None if rebuild or sha256 is None else _open_existing(store_path(cache, sha256), sha256)
        built = sha256
        if con is None:
            built = _build_file(cache, facts_path, stat, sha256)
            con = _open_existing(store_path(cache, built), built) if built else None
        if con is not None:
            _write_stamp(cache, facts_path, stat, built)
            return FactStore(con, label, store_path(cache, built))
    # No usable cache: the store lives in memory for this one command.
    return FactStore(_build_in_memory(facts_path, stat, sha256), label)


def discard(store: FactStore) -> None:
    """Remove the file behind a store that failed while being read."""
    store.con.close()
    if store.path is not None:
        _remove(Path(store.path))
