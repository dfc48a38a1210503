"""Find and read a facts file: where it is, and its text, with clear errors.

Order of precedence: ``--facts PATH``, then ``$JLP_FACTS``, then the book that
ships with the package (``jlp_cli/facts.yaml`` in a wheel; ``facts.yaml`` at
the top of a checkout or an editable install).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError, Problem

#: Refuse files larger than this before reading them: a fact book of 100,000
#: facts is about 60 MB; anything far beyond is not a facts file, and reading
#: it would only make the user wait. ``JLP_MAX_FACTS_MB`` raises the limit.
DEFAULT_MAX_MB = 96


def max_bytes() -> int:
    try:
        return int(float(os.environ.get("JLP_MAX_FACTS_MB", DEFAULT_MAX_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


def packaged_facts() -> Path:
    here = Path(__file__).resolve().parent
    inside = here / "facts.yaml"  # installed from a wheel
    return inside if inside.is_file() else here.parent / "facts.yaml"


def locate(explicit: str | os.PathLike | None = None) -> Path:
    if explicit is not None and str(explicit) != "":
        return Path(explicit)
    env = os.environ.get("JLP_FACTS")
    if env:
        return Path(env)
    return packaged_facts()


def _unreadable(path: Path, message: str, hint: str) -> DataError:
    return DataError([Problem(message, hint=hint)], source=str(path))


def stat(path: Path) -> os.stat_result:
    """The file's status, or a DataError saying in one sentence why not."""
    try:
        result = os.stat(path)
    except FileNotFoundError:
        raise _unreadable(path, "does not exist", "check the path given by --facts or JLP_FACTS") from None
    except PermissionError:
        raise _unreadable(path, "cannot be read (permission denied)", "check the file's permissions") from None
    except (OSError, ValueError) as exc:
        raise _unreadable(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})", "check the path") from None
    import stat as stat_module

    if stat_module.S_ISDIR(result.st_mode):
        raise _unreadable(path, "is a directory, not a facts file", "pass the path of a .yaml file")
    return result


def _open(path: Path):
    """The file opened for reading in binary, after the checks every reader
    makes (a directory, the size limit), or a DataError saying in one
    sentence why not."""
    try:
        if path.is_dir():
            raise _unreadable(path, "is a directory, not a facts file", "pass the path of a .yaml file")
        size = path.stat().st_size
        limit = max_bytes()
        if size > limit:
            raise _unreadable(
                path,
                f"is {size / 1048576:.0f} MB, over the {limit / 1048576:.0f} MB limit for a facts file",
                "set JLP_MAX_FACTS_MB to raise the limit",
            )
        return open(path, "rb")
    except FileNotFoundError:
        raise _unreadable(path, "does not exist", "check the path given by --facts or JLP_FACTS") from None
    except PermissionError:
        raise _unreadable(path, "cannot be read (permission denied)", "check the file's permissions") from None
    except IsADirectoryError:
        raise _unreadable(path, "is a directory, not a facts file", "pass the path of a .yaml file") from None
    except OSError as exc:
        raise _unreadable(path, f"cannot be read ({exc.strerror or exc})", "check the path") from None


def _reading(path: Path, read):
    try:
        return read()
    except OSError as exc:
        raise _unreadable(path, f"cannot be read ({exc.strerror or exc})", "check the path") from None


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a DataError saying in one sentence why not."""
    with _open(path) as handle:
        return _reading(path, lambda: handle.read(max_bytes() + 1))


#: Big enough that per-call costs vanish, small enough to keep memory flat.
CHUNK = 1 << 20


def sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes (as many as ``read_bytes`` reads),
    read in chunks so that a big book is never held whole."""
    import hashlib

    digest = hashlib.sha256()
    left = max_bytes() + 1
    with _open(path) as handle:
        while left > 0:
            chunk = _reading(path, lambda: handle.read(min(CHUNK, left)))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


class TextStream:
    """A facts file as text for a streaming parser: read and decoded chunk by
    chunk, the bytes hashed as they are read, so that the store is named by
    exactly the bytes it was built from.

    A reading problem (bytes that are not UTF-8, a file that grew past the
    limit while read) raises ``Unreadable``: the caller then reads the file
    whole, which reports it as ``read_bytes`` and ``decode`` do."""

    class Unreadable(Exception):
        pass

    def __init__(self, path: Path):
        import codecs
        import hashlib
        import stat as stat_module

        self.path = path
        self._handle = _open(path)
        if not stat_module.S_ISREG(os.fstat(self._handle.fileno()).st_mode):
            self._handle.close()  # a pipe can be read only once: read it whole
            raise self.Unreadable("not a regular file")
        self._digest = hashlib.sha256()
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._left = max_bytes()
        self._started = False

    def read_raw(self) -> bytes:
        data = _reading(self.path, lambda: self._handle.read(CHUNK))
        self._digest.update(data)
        self._left -= len(data)
        if self._left < 0:
            raise self.Unreadable("over the limit")
        return data

    def read(self, _size: int = -1) -> str:
        data = self.read_raw()
        if not self._started:
            self._started = True
            while 0 < len(data) < 3:  # a byte-order mark split across reads
                more = self.read_raw()
                if not more:
                    break
                data += more
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
        try:
            return self._decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise self.Unreadable("not UTF-8") from None

    def hexdigest(self) -> str:
        return self._digest.hexdigest()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()


def decode(data: bytes, path: Path | str = "") -> str:
    """UTF-8 text, accepting a byte-order mark; anything else is an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            [Problem("is not UTF-8 text", line=line, hint="save the file as UTF-8")], source=str(path)
        ) from None


def read_text(path: Path) -> str:
    return decode(read_bytes(path), path)
