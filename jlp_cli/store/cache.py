"""Where compiled stores live, and when they are built.

A store is named by the SHA-256 of the facts file's bytes and the store
version (a checksum of the code that writes it), so a changed file or a new
jlp never reads a stale store. Hashing a 60 MB book on every call would cost
more than the query, so a small stamp per facts path remembers what the file
was (size, mtime, ctime, inode, device) and its hash: while they are
unchanged the hash is reused, as git and make do. A link switched to another
file, or a file replaced by another of the same size and mtime, has another
inode or ctime, and is hashed again.

Every write goes to a temporary file in the cache directory and is renamed
into place, so readers never see half a store and two processes building at
once both end with a sound one. Temporary files left by builds that were
killed are removed by the next build. A cache that is missing, stale,
damaged, unwritable or deleted while in use never breaks a command: the
store is rebuilt, or kept in memory.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat as stat_module
from pathlib import Path
from typing import Callable, Optional

from ..errors import DataError
from ..records import Record
from .reader import FactStore


class StoreOptions(Record):
    """How to find or build a store; the CLI fills it from its settings."""

    __slots__ = ("index", "cache_dir", "limit", "processes", "progress")

    def __init__(self, index, cache_dir: Optional[Path] = None, limit: Optional[int] = None,
                 processes: int = 2, progress: Optional[Callable] = None):
        self.index = index  # the search index (``search.layout.SEARCH_INDEX``)
        self.cache_dir = cache_dir  # None: build in memory, every time
        self.limit = limit  # the largest facts file read, in bytes (None: book.source's default)
        self.processes = processes  # 1: never read a big book in a child process
        self.progress = progress  # progress(bytes_read, bytes_total, facts_read) while building


#: The sources that decide what a store holds: its tables, how rows are
#: written, and the schema of the records they keep. The search index names
#: its own (``SearchIndex.version``).
_SOURCES = ("schema.py", "writer.py", os.path.join("..", "model.py"), os.path.join("..", "vocabulary.py"))
_VERSION: list[str] = []


def store_version(index_version: str = "") -> str:
    """The version of the stores this code writes and reads: a checksum of
    the size and time of its sources and of the search index's version. A
    store written by other code (a field added to a fact, a column changed)
    is never read, whoever forgets to bump a number; stat, not read, because
    this runs on every command."""
    if not _VERSION:
        _VERSION.append(sources_checksum(os.path.dirname(os.path.abspath(__file__)), _SOURCES))
    return f"{_VERSION[0]}{index_version}"


def sources_checksum(folder: str, names) -> str:
    import zlib

    total = 0
    for name in names:
        try:
            status = os.stat(os.path.join(folder, name))
            total = zlib.crc32(f"{name}:{status.st_size}:{status.st_mtime_ns};".encode(), total)
        except OSError:
            total = zlib.crc32(f"{name}:missing;".encode(), total)
    return f"{total:08x}"


def version(options: StoreOptions) -> str:
    return store_version(options.index.version)


def store_path(cache: Path, sha256: str, options: StoreOptions) -> Path:
    return cache / f"store-v{version(options)}-{sha256}.sqlite"


# -- stamps ---------------------------------------------------------------------

def _stamp_path(cache: Path, facts_path: Path) -> Path:
    # crc32, not a cryptographic hash: importing hashlib costs milliseconds on
    # every call, and the stamp records its full path, so a collision only
    # costs a re-hash.
    import zlib

    key = zlib.crc32(os.fsencode(os.path.abspath(facts_path)))
    return cache / "stamps" / f"{key:08x}.json"


def _identity(facts_path: Path, status: os.stat_result) -> dict:
    """What the file is, as far as the stamp is concerned."""
    return {"path": os.fsencode(os.path.abspath(facts_path)).hex(), "size": status.st_size,
            "mtime_ns": status.st_mtime_ns, "ctime_ns": status.st_ctime_ns, "inode": status.st_ino,
            "device": status.st_dev}


def _stamped_sha256(cache: Path, facts_path: Path, status: os.stat_result, options: StoreOptions) -> str | None:
    try:
        with open(_stamp_path(cache, facts_path), encoding="utf-8") as handle:
            stamp = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("store_version") != version(options):
        return None
    if any(stamp.get(key) != value for key, value in _identity(facts_path, status).items()):
        return None
    sha256 = stamp.get("sha256")
    return sha256 if isinstance(sha256, str) and len(sha256) == 64 else None


def _write_stamp(cache: Path, facts_path: Path, status: os.stat_result, sha256: str, options: StoreOptions) -> None:
    stamp = {**_identity(facts_path, status), "sha256": sha256, "store_version": version(options)}
    from ..errors import UsageError
    from ..files import write_bytes

    target = _stamp_path(cache, facts_path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(target, json.dumps(stamp).encode(), force=True)
    except (OSError, UsageError):
        pass  # a read-only cache only costs a hash next time


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


# -- opening ----------------------------------------------------------------------

def _uri(path: Path) -> str:
    """A read-only SQLite URI for ``path``: '#', '?' and '%' in a directory
    name would otherwise end the path early."""
    from urllib.parse import quote

    return f"file:{quote(os.fsencode(os.path.abspath(path)))}?mode=ro"


def _open_existing(path: Path, sha256: str, options: StoreOptions) -> FactStore | None:
    """The store at ``path`` if it is a sound store of these bytes, else None."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat_module.S_ISREG(status.st_mode):  # a pipe or a device where a store should be
        return None
    con = None
    try:
        con = sqlite3.connect(_uri(path), uri=True, check_same_thread=False)
        page_count = con.execute("PRAGMA page_count").fetchone()[0]
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        if page_count * page_size == status.st_size:  # not truncated, nor grown by garbage
            meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('store_version', 'sha256')"))
            if meta.get("store_version") == version(options) and meta.get("sha256") == sha256:
                return FactStore(con, options.index, "", path)
    except sqlite3.Error:
        pass
    if con is not None:
        con.close()
    return None


def _label(facts_path: Path) -> str:
    """The facts path as messages show it (bytes that are not UTF-8 replaced)."""
    return os.fsencode(facts_path).decode("utf-8", "replace")


def open_store(facts_path: Path, options: StoreOptions, rebuild: bool = False) -> FactStore:
    """The compiled store of ``facts_path``, building it if needed. Raises
    DataError when the facts file cannot be used."""
    try:
        status = os.stat(facts_path)
    except (OSError, ValueError):
        status = None
    if status is None or not stat_module.S_ISREG(status.st_mode):  # say why, or a pipe
        from ..book import source as source_file

        status = source_file.stat(facts_path)
    label = _label(facts_path)
    cache = options.cache_dir
    regular = stat_module.S_ISREG(status.st_mode)
    if cache is not None and regular:
        if not rebuild:
            sha256 = _stamped_sha256(cache, facts_path, status, options)
            store = _open_existing(store_path(cache, sha256, options), sha256, options) if sha256 else None
            if store is not None:
                store.source = label
                return store
        # Hashed in chunks, never held whole: a store of the same bytes (a
        # file touched, copied or renamed) is reused without building.
        from ..book import source as source_file

        sha256 = source_file.sha256(facts_path, options.limit)
        store = None if rebuild else _open_existing(store_path(cache, sha256, options), sha256, options)
        if store is None:
            store = _build_file(cache, facts_path, options)
        if store is not None:
            if store.path is not None:
                _write_stamp(cache, facts_path, status, store.meta()["sha256"], options)
            store.source = label
            return store
    # No usable cache (or a pipe, read once): the store lives in memory for
    # this one command.
    con = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        _build(con, facts_path, options)
    except BaseException:
        con.close()
        raise
    return FactStore(con, options.index, label)


def _build_file(cache: Path, facts_path: Path, options: StoreOptions) -> FactStore | None:
    """Build a store in the cache: a FactStore on the file, or on the
    database just built if it could not be renamed into place; None when the
    cache cannot be written at all."""
    import tempfile

    try:
        cache.mkdir(parents=True, exist_ok=True)
        sweep_temporary_files(cache)
        fd, temp = tempfile.mkstemp(dir=cache, prefix=f".store-{os.getpid()}-", suffix=".tmp")
        os.close(fd)
    except OSError:
        return None
    temp_path = Path(temp)
    con = None
    try:
        con = sqlite3.connect(temp, check_same_thread=False)
        sha256 = _build(con, facts_path, options)
        final = store_path(cache, sha256, options)
        try:
            os.replace(temp_path, final)
        except OSError:  # the cache directory went away meanwhile: keep the database just built
            kept, con = con, None
            return FactStore(kept, options.index)
        return _open_existing(final, sha256, options)
    except (sqlite3.Error, OSError):  # disk full, read-only after all
        return None
    finally:
        if con is not None:
            con.close()
        _remove(temp_path)


def _build(con: sqlite3.Connection, facts_path: Path, options: StoreOptions) -> str:
    """Build the store of ``facts_path`` into the empty database ``con``;
    return the SHA-256 of the bytes it was built from. Raises DataError,
    with every problem of the book, when it has any."""
    from ..book.reader import paused_gc
    from . import parallel

    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    meta = {"store_version": version(options), "source": _label(facts_path)}
    with paused_gc():
        if options.processes > 1 and parallel.worth_it(facts_path):
            outcome = parallel.build(con, facts_path, options, meta)
            if outcome is not None:
                return outcome
            _empty(con)  # the reading child failed: build here instead
        return _build_here(con, facts_path, options, meta)


def _build_here(con: sqlite3.Connection, facts_path: Path, options: StoreOptions, meta: dict) -> str:
    from ..book.reader import read_file
    from .writer import fact_rows, write

    with read_file(facts_path, options.limit, progress=options.progress) as reading:
        if reading.head is not None:
            write(reading.head, fact_rows(reading.facts), con, {**meta, "sha256": ""}, options.index)
        outcome = reading.outcome()
    if outcome.problems:
        raise DataError(outcome.problems, source=_label(facts_path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'sha256'", (outcome.sha256,))
    con.commit()
    return outcome.sha256


def _empty(con: sqlite3.Connection) -> None:
    """Drop every table of a database, for a build to start again."""
    con.rollback()
    listed = "SELECT name FROM sqlite_master WHERE type = 'table'"
    if ("fts",) in con.execute(listed).fetchall():
        con.execute("DROP TABLE fts")  # and its shadow tables
    for (name,) in con.execute(listed).fetchall():
        con.execute(f'DROP TABLE "{name}"')
    con.commit()


#: A temporary store of a build that did not finish is removed after this
#: long even if a process of its number runs (numbers are reused).
STALE_SECONDS = 24 * 3600


def sweep_temporary_files(cache: Path) -> None:
    """Remove the temporary stores of builds that were killed: those whose
    process is gone (their name carries its number) or that are old."""
    import time

    try:
        entries = list(os.scandir(cache))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(".store-") and name.endswith(".tmp")):
            continue
        pid_text = name[len(".store-"):].split("-", 1)[0]
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        alive = _process_alive(int(pid_text)) if pid_text.isdigit() else age < 3600
        if not alive or age > STALE_SECONDS:
            _remove(Path(entry.path))


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # pragma: no mutate (signal 1 would hang up the process asked about)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    except OSError:
        return False
    return True


def discard(store: FactStore) -> None:
    """Close a store found damaged, and remove its file so that the next
    command rebuilds it."""
    try:
        store.close()
    except sqlite3.Error:
        pass
    if store.path is not None:
        _remove(Path(store.path))
