"""Writing a user's file: complete or absent, as any new file would be.

``jlp export -o FILE`` goes through here. The file is written in a
temporary file beside the target and renamed over it only when complete; on
any failure (a full disk, Ctrl-C) the temporary file is removed and the
target is left as it was. A new file gets 0666 less the umask, as a shell's
``>`` gives; a replaced file keeps its mode. Only a regular file is ever
replaced, and only when asked (``force``): a symlink, a FIFO, a device or a
directory at the target is refused, whoever runs jlp.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

from .errors import UsageError


def target_mode(target: Path, force: bool) -> int:
    """The mode the written file will have; a UsageError when ``target`` may
    not be written."""
    try:
        status = target.lstat()
    except FileNotFoundError:
        # (A parent that is a file gives NotADirectoryError, which cannot_write says.)
        if not target.parent.is_dir():
            raise UsageError(f"cannot write {target}: {target.parent} does not exist",
                             hint="create the directory first, or choose another path") from None
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
    except OSError as error:
        raise cannot_write(target, error) from None
    if not stat.S_ISREG(status.st_mode):
        kind = "a symlink" if stat.S_ISLNK(status.st_mode) else "a directory" if stat.S_ISDIR(status.st_mode) \
            else "not a regular file"
        raise UsageError(f"{target} is {kind}; jlp export replaces only regular files",
                         hint="choose another path")
    if not force:
        raise UsageError(f"{target} already exists", hint="add --force to overwrite it")
    return stat.S_IMODE(status.st_mode)


def write_file(target: Path, write: Callable[[str], None], force: bool = False) -> None:
    """Make ``target`` with ``write(temporary_path)``, atomically."""
    import tempfile

    target = Path(target)
    mode = target_mode(target, force)
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise cannot_write(target, error) from None
    try:
        os.fchmod(handle, mode)  # mkstemp makes 0600
        os.close(handle)
        write(temp)
        _fsync(temp)
        os.replace(temp, target)
    except BaseException as error:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise cannot_write(target, error) from None
        raise


def write_bytes(target: Path, data: bytes, force: bool = False) -> None:
    def write(path: str) -> None:
        with open(path, "wb") as handle:
            handle.write(data)

    write_file(target, write, force)


def _fsync(path: str) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def cannot_write(target: Path, error: BaseException) -> UsageError:
    reason = getattr(error, "strerror", None) or str(error)
    return UsageError(f"cannot write {target} ({reason})", hint="check the directory, its permissions and free space")
