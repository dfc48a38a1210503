"""Writing a user's file (files.py), without the CLI: complete or absent,
and every failure one sentence that names the file, with a hint."""

from __future__ import annotations

import os
import stat

import pytest

from jlp_cli import files
from jlp_cli.errors import UsageError

HINT = "check the directory, its permissions and free space"


def refused(call) -> UsageError:
    with pytest.raises(UsageError) as caught:
        call()
    return caught.value


def leftovers(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_a_full_disk_while_writing_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "book.json"
    target.write_text("old")

    def write(path: str) -> None:
        with open(path, "w") as handle:
            handle.write("half")
        raise OSError(28, "No space left on device")

    error = refused(lambda: files.write_file(target, write, force=True))
    assert (error.message, error.hint) == (f"cannot write {target} (No space left on device)", HINT)
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_no_room_for_the_temporary_file_is_the_same_sentence(tmp_path, monkeypatch):
    import tempfile

    def no_room(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", no_room)
    target = tmp_path / "new.json"
    error = refused(lambda: files.write_bytes(target, b"{}"))
    assert (error.message, error.hint) == (f"cannot write {target} (No space left on device)", HINT)
    assert not target.exists()


def test_an_error_without_a_system_reason_says_what_it_is(tmp_path):
    target = tmp_path / "x.json"
    assert files.cannot_write(target, OSError("the device went away")).message == \
        f"cannot write {target} (the device went away)"
    assert files.cannot_write(target, OSError(13, "Permission denied")).message == \
        f"cannot write {target} (Permission denied)"


def test_something_that_is_not_an_os_error_is_not_disguised_and_leaves_nothing(tmp_path):
    target = tmp_path / "x.json"

    def write(path: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.write_file(target, write)
    assert not target.exists() and leftovers(tmp_path) == []


def test_a_new_file_is_complete_and_made_under_the_umask(tmp_path):
    target = tmp_path / "out.bin"
    old = os.umask(0o027)
    try:
        files.write_bytes(target, b"\x00\x01" * 1000)
    finally:
        os.umask(old)
    assert target.read_bytes() == b"\x00\x01" * 1000
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("make, sentence", [
    (lambda p: p.mkdir(), "{t} is a directory; jlp export replaces only regular files"),
    (lambda p: p.symlink_to(p.parent / "elsewhere"), "{t} is a symlink; jlp export replaces only regular files"),
    (lambda p: os.mkfifo(p), "{t} is not a regular file; jlp export replaces only regular files"),
], ids=["directory", "symlink", "fifo"])
def test_only_a_regular_file_is_ever_replaced(tmp_path, make, sentence):
    target = tmp_path / "out.json"
    make(target)
    error = refused(lambda: files.write_bytes(target, b"{}", force=True))
    assert (error.message, error.hint) == (sentence.format(t=target), "choose another path")


def test_an_existing_file_needs_force_and_keeps_its_mode(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o604)
    error = refused(lambda: files.write_bytes(target, b"new"))
    assert (error.message, error.hint) == (f"{target} already exists", "add --force to overwrite it")
    assert target.read_text() == "old"
    files.write_bytes(target, b"new", force=True)
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o604


def test_a_missing_or_false_directory_is_named(tmp_path):
    target = tmp_path / "no" / "out.json"
    error = refused(lambda: files.write_bytes(target, b"{}"))
    assert (error.message, error.hint) == (f"cannot write {target}: {target.parent} does not exist",
                                           "create the directory first, or choose another path")
    (tmp_path / "plain").write_text("")
    target = tmp_path / "plain" / "out.json"
    error = refused(lambda: files.write_bytes(target, b"{}"))
    assert (error.message, error.hint) == (f"cannot write {target} (Not a directory)", HINT)


def test_the_file_is_made_beside_its_target_under_a_hidden_temporary_name(tmp_path):
    """In the target's own directory (a rename across file systems would
    fail), hidden and ending in .tmp until it is whole."""
    seen = []
    target = tmp_path / "out" / "book.json"
    target.parent.mkdir()
    files.write_file(target, lambda path: seen.append(path) or open(path, "w").write("{}"))
    temporary = seen[0]
    assert os.path.dirname(temporary) == str(target.parent)
    assert os.path.basename(temporary).startswith(".book.json.") and temporary.endswith(".tmp")
    assert target.read_text() == "{}" and not os.path.exists(temporary)
