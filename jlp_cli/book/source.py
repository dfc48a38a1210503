"""Find and open a facts file, with one clear sentence for every way it can fail.

The CLI decides which file (``--facts``, then ``$JLP_FACTS``, then the book
that ships with the package) and passes the size limit; nothing here reads
the environment.

What a facts file may be: a regular file, or a pipe (``--facts <(…)``,
``--facts /dev/stdin``), which is read whole into memory since it can be read
only once. A named pipe with no writer is refused instead of waited on for
ever, and so is anything else that is not a file (a directory, a device).
"""

from __future__ import annotations

import os
import stat as stat_module
from pathlib import Path
from typing import NamedTuple

from ..errors import DataError, Problem

#: Refuse files larger than this before reading them: a fact book of 100,000
#: facts is about 60 MB; anything far beyond is not a facts file, and reading
#: it would only make the user wait. (``JLP_MAX_FACTS_MB`` raises it.)
DEFAULT_MAX_BYTES = 96 * 1024 * 1024

#: Big enough that per-call costs vanish, small enough to keep memory flat.
CHUNK = 1 << 20


def shown(path: Path | str) -> str:
    """A path as it can be printed: bytes that are not UTF-8 (a file name
    from another system) become U+FFFD instead of failing to print."""
    return os.fsencode(path).decode("utf-8", "replace")


def unusable(path: Path | str, message: str, hint: str) -> DataError:
    return DataError([Problem(message, hint=hint)], source=shown(path))


class Role(NamedTuple):
    """What a file read here is for, as its problems name it."""

    noun: str  # "is a directory, not {noun}"
    given_by: str  # where the path came from
    wanted: str  # the kind of path to pass instead
    contents: str  # what a pipe should have had written into it


FACTS = Role("a facts file", "--facts or JLP_FACTS", "the path of a .yaml file", "the facts")
ARTICLE = Role("an article text", "--source", "the path of the article's text file", "the article")


def _why_not(path: Path, exc: OSError, role: Role = FACTS) -> DataError:
    if isinstance(exc, FileNotFoundError):
        return unusable(path, "does not exist", f"check the path given by {role.given_by}")
    if isinstance(exc, PermissionError):
        return unusable(path, "cannot be read (permission denied)", "check the file's permissions")
    if isinstance(exc, IsADirectoryError):
        return unusable(path, f"is a directory, not {role.noun}", f"pass {role.wanted}")
    return unusable(path, f"cannot be read ({exc.strerror or exc})", "check the path")


def stat(path: Path, role: Role = FACTS) -> os.stat_result:
    """The status of what ``path`` names (links followed), or a DataError
    saying in one sentence why it cannot be what ``role`` says."""
    try:
        result = os.stat(path)
    except OSError as exc:
        raise _why_not(path, exc, role) from None
    except ValueError:  # a NUL in the path
        raise unusable(path, "is not a usable path", f"check the path given by {role.given_by}") from None
    _check_kind(path, result.st_mode, role)
    return result


def _check_kind(path: Path, mode: int, role: Role = FACTS) -> None:
    if stat_module.S_ISDIR(mode):
        raise unusable(path, f"is a directory, not {role.noun}", f"pass {role.wanted}")
    if not (stat_module.S_ISREG(mode) or stat_module.S_ISFIFO(mode) or stat_module.S_ISSOCK(mode)):
        raise unusable(path, f"is a device, not {role.noun}", f"pass {role.wanted}")


def _megabytes(size: int) -> str:
    megabytes = size / 1048576
    return f"{megabytes:.0f} MB" if megabytes >= 10 else f"{megabytes:.2g} MB"


def _over_limit(path: Path, size: int, limit: int, role: Role = FACTS) -> DataError:
    return unusable(path, f"is {_megabytes(size)}, over the {_megabytes(limit)} limit for {role.noun}",
                    "set JLP_MAX_FACTS_MB to raise the limit")


def open_binary(path: Path, limit: int | None = None, role: Role = FACTS):
    """A regular file opened for reading in binary, after every check a
    reader makes, or a DataError saying in one sentence why not. (A pipe is
    read whole by ``read_bytes``.)"""
    limit = limit or DEFAULT_MAX_BYTES
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise _why_not(path, exc, role) from None
    except ValueError:
        raise unusable(path, "is not a usable path", f"check the path given by {role.given_by}") from None
    try:
        status = os.fstat(handle.fileno())
        _check_kind(path, status.st_mode, role)
        if status.st_size > limit:
            raise _over_limit(path, status.st_size, limit, role)
        return handle
    except BaseException:
        handle.close()
        raise


#: How long a pipe with no writer is waited for before it is refused.
PIPE_PATIENCE = 2.0


def _read_pipe(path: Path, limit: int, role: Role = FACTS) -> bytes:
    """Everything a pipe holds, read without ever blocking on a pipe that
    nobody writes to: a named pipe is opened without blocking, and one that
    has had no writer for ``PIPE_PATIENCE`` seconds is refused."""
    import select
    import time

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise _why_not(path, exc, role) from None
    chunks: list[bytes] = []
    size = 0
    waited_since = time.monotonic()
    try:
        while True:
            try:
                chunk = os.read(fd, CHUNK)
            except BlockingIOError:  # a writer is there; its data is not
                select.select([fd], [], [])
                continue
            except OSError as exc:
                raise _why_not(path, exc) from None
            if chunk:
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise _over_limit(path, size, limit, role)
                continue
            if chunks:  # the writer is done
                return b"".join(chunks)
            if time.monotonic() - waited_since > PIPE_PATIENCE:
                raise unusable(path, "is a pipe that nothing was written to",
                               f"write {role.contents} into it, or pass {role.wanted}")
            select.select([fd], [], [], 0.05)  # no writer yet: look again shortly
            time.sleep(0.02)
    finally:
        os.close(fd)


def is_regular(path: Path) -> bool:
    try:
        return stat_module.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_bytes(path: Path, limit: int | None = None, role: Role = FACTS) -> bytes:
    """The file's bytes (a pipe's too), or a DataError saying why not."""
    limit = limit or DEFAULT_MAX_BYTES
    if not stat_module.S_ISREG(stat(path, role).st_mode):
        return _read_pipe(path, limit, role)
    with open_binary(path, limit, role) as handle:
        data = _reading(path, lambda: handle.read(limit + 1))
    if len(data) > limit:
        raise _over_limit(path, len(data), limit, role)
    return data


def _reading(path: Path, read):
    try:
        return read()
    except OSError as exc:
        raise _why_not(path, exc) from None


def sha256(path: Path, limit: int | None = None) -> str:
    """The SHA-256 of a regular file's bytes, read in chunks so that a big
    book is never held whole."""
    limit = limit or DEFAULT_MAX_BYTES
    import hashlib

    digest = hashlib.sha256()
    left = limit + 1
    with open_binary(path, limit) as handle:
        while left > 0:
            chunk = _reading(path, lambda: handle.read(min(CHUNK, left)))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
    if left <= 0:
        raise _over_limit(path, limit + 1, limit)
    return digest.hexdigest()


def decode(data: bytes, path: Path | str = "") -> str:
    """UTF-8 text, accepting a byte-order mark; anything else is an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError([Problem("is not UTF-8 text", line=line, hint="save the file as UTF-8")],
                        source=shown(path)) from None


class TextStream:
    """A facts file as text for the YAML parser, read and decoded chunk by
    chunk, its bytes hashed as they are read (so that a store is named by
    exactly the bytes it was built from) and counted (for progress).

    ``data`` instead of a path streams bytes already in memory (a pipe read
    whole). Bytes that are not UTF-8 raise a DataError with their line."""

    def __init__(self, path: Path | str, limit: int | None = None, data: bytes | None = None):
        limit = limit or DEFAULT_MAX_BYTES
        import codecs
        import hashlib
        import io

        self.path = path
        self._handle = io.BytesIO(data) if data is not None else open_binary(Path(path), limit)
        self._digest = hashlib.sha256()
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._limit = limit
        self.bytes_read = 0
        self._lines_before = 0  # newlines in the bytes decoded so far
        self._started = False

    def _read_raw(self) -> bytes:
        data = _reading(Path(self.path), lambda: self._handle.read(CHUNK))
        self._digest.update(data)
        self.bytes_read += len(data)
        if self.bytes_read > self._limit:
            raise _over_limit(Path(self.path), self.bytes_read, self._limit)
        return data

    def read(self, _size: int = -1) -> str:
        data = self._read_raw()
        if not self._started:
            self._started = True
            while 0 < len(data) < 3:  # a byte-order mark split across reads
                more = self._read_raw()
                if not more:
                    break
                data += more
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            line = self._lines_before + data[: max(exc.start, 0)].count(b"\n") + 1
            raise DataError([Problem("is not UTF-8 text", line=line, hint="save the file as UTF-8")],
                            source=shown(self.path)) from None
        self._lines_before += data.count(b"\n")
        return text

    def hexdigest(self) -> str:
        return self._digest.hexdigest()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()


def read_text(path: Path, limit: int | None = None) -> str:
    """A text file's content (the article, for ``validate --source``)."""
    limit = limit or DEFAULT_MAX_BYTES
    return decode(read_bytes(path, limit, ARTICLE), path)
