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


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a DataError saying in one sentence why not."""
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
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise _unreadable(path, "does not exist", "check the path given by --facts or JLP_FACTS") from None
    except PermissionError:
        raise _unreadable(path, "cannot be read (permission denied)", "check the file's permissions") from None
    except IsADirectoryError:
        raise _unreadable(path, "is a directory, not a facts file", "pass the path of a .yaml file") from None
    except OSError as exc:
        raise _unreadable(path, f"cannot be read ({exc.strerror or exc})", "check the path") from None


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
