"""Finding and opening a facts file (book/source.py), without the CLI.

Every way a path can fail to be a facts file gives one sentence that names
the file and a hint that says what to do: these are the words a user reads
on stderr, so each is asserted whole (a message that loses the file's name,
or a hint that goes missing, is a regression a user notices).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from jlp_cli.book import source
from jlp_cli.errors import DataError

CHECK_PATH = "check the path given by --facts or JLP_FACTS"
PASS_A_FILE = "pass the path of a .yaml file"


def refusal(call) -> DataError:
    with pytest.raises(DataError) as caught:
        call()
    return caught.value


def assert_refused(error: DataError, path, sentence: str, hint: str) -> None:
    assert str(error) == f"{source.shown(path)}: {sentence}"
    assert error.hint == hint
    assert error.source == source.shown(path)
    assert [p.message for p in error.problems] == [sentence]


@pytest.mark.parametrize("call", [source.stat, source.read_bytes, source.open_binary, source.sha256],
                         ids=["stat", "read_bytes", "open_binary", "sha256"])
def test_a_missing_file_is_named_with_a_hint(tmp_path, call):
    path = tmp_path / "nowhere.yaml"
    assert_refused(refusal(lambda: call(path)), path, "does not exist", CHECK_PATH)


@pytest.mark.parametrize("call", [source.stat, source.read_bytes, source.open_binary],
                         ids=["stat", "read_bytes", "open_binary"])
def test_a_directory_is_not_a_facts_file(tmp_path, call):
    assert_refused(refusal(lambda: call(tmp_path)), tmp_path, "is a directory, not a facts file", PASS_A_FILE)


def test_a_device_is_not_a_facts_file():
    path = Path("/dev/null")
    if not path.exists():
        pytest.skip("no /dev/null here")
    for call in (source.stat, source.read_bytes):
        assert_refused(refusal(lambda: call(path)), path, "is a device, not a facts file", PASS_A_FILE)


@pytest.mark.parametrize("call", [source.stat, source.open_binary], ids=["stat", "open_binary"])
def test_a_nul_in_the_path_is_no_usable_path(call):
    path = "facts\0.yaml"
    assert_refused(refusal(lambda: call(path)), path, "is not a usable path", CHECK_PATH)


def test_an_unreadable_file_says_permission_denied(tmp_path, monkeypatch):
    path = tmp_path / "secret.yaml"
    path.write_text("schema_version: 1\n")

    def denied(*args, **kwargs):  # as for a user without the right (root reads any file)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", denied)
    for call in (source.read_bytes, source.open_binary, source.sha256):
        assert_refused(refusal(lambda: call(path)), path, "cannot be read (permission denied)",
                       "check the file's permissions")


def test_other_os_errors_say_what_the_system_said(tmp_path):
    path = tmp_path / "loop"
    path.symlink_to(path)  # a link to itself: ELOOP, neither missing nor a directory
    error = refusal(lambda: source.stat(path))
    assert str(error) == f"{path}: cannot be read (Too many levels of symbolic links)"
    assert error.hint == "check the path"


@pytest.mark.parametrize("size, limit, sentence", [
    (2048, 1024, "is 0.002 MB, over the 0.00098 MB limit for a facts file"),
    (3 * 1048576, 2 * 1048576, "is 3 MB, over the 2 MB limit for a facts file"),
    (25 * 1048576, 12 * 1048576, "is 25 MB, over the 12 MB limit for a facts file"),
])
def test_a_file_over_the_limit_is_refused_before_reading(tmp_path, size, limit, sentence):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(size)  # sparse: the size without the disk
    for call in (source.read_bytes, source.open_binary, source.sha256):
        assert_refused(refusal(lambda: call(path, limit)), path, sentence, "set JLP_MAX_FACTS_MB to raise the limit")


def test_a_file_at_the_limit_is_read(tmp_path):
    path = tmp_path / "exact.yaml"
    path.write_bytes(b"a" * 1024)
    assert source.read_bytes(path, 1024) == b"a" * 1024
    assert source.sha256(path, 1024) == __import__("hashlib").sha256(b"a" * 1024).hexdigest()


def test_the_default_limit_is_96_megabytes(tmp_path):
    path = tmp_path / "facts.yaml"
    with open(path, "wb") as handle:
        handle.truncate(96 * 1048576 + 1)
    assert_refused(refusal(lambda: source.open_binary(path)), path,
                   "is 96 MB, over the 96 MB limit for a facts file", "set JLP_MAX_FACTS_MB to raise the limit")
    with open(path, "wb") as handle:
        handle.truncate(96 * 1048576)
    source.open_binary(path).close()


def test_a_named_pipe_with_no_writer_is_refused_not_waited_on(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "PIPE_PATIENCE", 0.2)
    path = tmp_path / "fifo"
    os.mkfifo(path)
    started = time.monotonic()
    assert_refused(refusal(lambda: source.read_bytes(path)), path, "is a pipe that nothing was written to",
                   "write the facts into it, or pass the path of a .yaml file")
    assert time.monotonic() - started < 30


def test_a_named_pipe_is_read_whole_and_held_to_the_limit(tmp_path):
    path = tmp_path / "fifo"
    os.mkfifo(path)

    def write(data: bytes) -> threading.Thread:
        def run():
            with open(path, "wb") as handle:
                handle.write(data)
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    writer = write(b"x" * 5000)
    assert source.read_bytes(path, 10_000) == b"x" * 5000
    writer.join(10)
    writer = write(b"x" * 5000)
    assert_refused(refusal(lambda: source.read_bytes(path, 1000)), path,
                   "is 0.0048 MB, over the 0.00095 MB limit for a facts file", "set JLP_MAX_FACTS_MB to raise the limit")
    writer.join(10)


def test_a_file_name_that_is_not_utf8_is_shown_with_a_replacement_character(tmp_path):
    name = os.fsdecode(b"caf\xe9.yaml")
    path = tmp_path / name
    error = refusal(lambda: source.stat(path))
    assert str(error).endswith("caf\ufffd.yaml: does not exist")
    str(error).encode("utf-8")  # printable as it is


@pytest.mark.parametrize("data, line", [(b"a: 1\nb: \xff\n", 2), (b"\xc3", 1), (b"a\n\nb\nc \x80", 4)])
def test_bytes_that_are_not_utf8_are_reported_with_their_line(data, line):
    error = refusal(lambda: source.decode(data, "book.yaml"))
    assert str(error) == f"book.yaml: is not UTF-8 text (line {line})"
    assert error.hint == "save the file as UTF-8"
    assert error.problems[0].line == line


def test_a_byte_order_mark_is_dropped_and_nothing_else():
    assert source.decode(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"
    assert source.decode("\ufeffa".encode("utf-8") * 2) == "a\ufeffa"


def test_megabytes_are_whole_from_ten_on():
    path = Path("big.yaml")
    error = source._over_limit(path, 200 * 1048576, 150 * 1048576)
    assert str(error) == "big.yaml: is 200 MB, over the 150 MB limit for a facts file"
    assert str(source._over_limit(path, 12_345_678, 5 * 1048576)) == \
        "big.yaml: is 12 MB, over the 5 MB limit for a facts file"


def _pipe_writer(path: Path, pieces: list[bytes]) -> threading.Thread:
    """A writer that sends ``pieces`` apart in time, so that they arrive as
    separate reads."""
    def run():
        with open(path, "wb", buffering=0) as handle:
            for piece in pieces:
                handle.write(piece)
                time.sleep(0.05)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_pipe_read_in_pieces_is_joined_exactly_and_the_limit_counts_them_all(tmp_path):
    path = tmp_path / "fifo"
    os.mkfifo(path)
    pieces = [b"a" * 400, b"b" * 400, b"c" * 200]
    writer = _pipe_writer(path, pieces)
    assert source.read_bytes(path, 1000) == b"".join(pieces)  # exactly the limit: read
    writer.join(10)
    writer = _pipe_writer(path, pieces + [b"d"])
    error = refusal(lambda: source.read_bytes(path, 1000))
    assert str(error).startswith(f"{path}: is ") and "over the" in str(error)
    writer.join(10)


class _FailingRead:
    """A file whose read fails as a failing disk's does."""

    def __init__(self, handle, data: bytes | None = None):
        self._handle, self._data = handle, data

    def fileno(self):
        return self._handle.fileno()

    def read(self, *_args):
        if self._data is not None:
            return self._data
        raise OSError(5, "Input/output error")

    def close(self):
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def test_a_read_that_fails_names_the_file_and_the_systems_reason(tmp_path, monkeypatch):
    path = tmp_path / "facts.yaml"
    path.write_text("schema_version: 1\n")
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: _FailingRead(real_open(*a, **k)))
    for call in (source.read_bytes, source.sha256):
        assert_refused(refusal(lambda: call(path)), path, "cannot be read (Input/output error)", "check the path")


def test_a_file_that_grew_after_it_was_measured_is_still_held_to_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"x" * 10)
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: _FailingRead(real_open(*a, **k), b"x" * 3000))
    assert_refused(refusal(lambda: source.read_bytes(path, 2000)), path,
                   "is 0.0029 MB, over the 0.0019 MB limit for a facts file", "set JLP_MAX_FACTS_MB to raise the limit")


def test_read_text_keeps_the_limit_and_names_the_file_in_a_decoding_error(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_bytes(b"a: 1\n" * 10)
    assert source.read_text(path) == "a: 1\n" * 10
    assert source.read_text(path, 50) == "a: 1\n" * 10
    assert "over the" in str(refusal(lambda: source.read_text(path, 49)))
    path.write_bytes(b"a: 1\nb: \xff\n")
    assert str(refusal(lambda: source.read_text(path))) == f"{path}: is not UTF-8 text (line 2)"


def test_decoding_without_a_path_names_no_file():
    assert str(refusal(lambda: source.decode(b"\xff"))) == "is not UTF-8 text (line 1)"


def test_exactly_one_hundred_megabytes_is_said_as_such():
    error = source._over_limit(Path("big.yaml"), 100 * 1048576, 96 * 1048576)
    assert str(error) == "big.yaml: is 100 MB, over the 96 MB limit for a facts file"


def test_a_pipe_that_cannot_be_opened_or_read_names_itself(tmp_path, monkeypatch):
    path = tmp_path / "fifo"
    os.mkfifo(path)
    real_open, real_read = os.open, os.read

    def no_open(name, *args, **kwargs):
        if os.fspath(name) == os.fspath(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_open)
    assert_refused(refusal(lambda: source.read_bytes(path)), path, "cannot be read (permission denied)",
                   "check the file's permissions")
    monkeypatch.setattr(os, "open", real_open)

    def failing_read(fd, size):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "read", failing_read)
    try:
        assert_refused(refusal(lambda: source.read_bytes(path)), path, "cannot be read (Input/output error)",
                       "check the path")
    finally:
        monkeypatch.setattr(os, "read", real_read)


def test_megabytes_round_half_to_even_as_python_formats_them():
    size = 11 * 1048576 + 524288  # 11.5 MB: said as 12 (half to even), not 11
    assert str(source._over_limit(Path("b.yaml"), size, 1048576)) == \
        "b.yaml: is 12 MB, over the 1 MB limit for a facts file"


def test_the_shipped_book_is_found_inside_an_installed_package_or_beside_a_checkout(tmp_path):
    from jlp_cli.book import packaged_facts

    from .conftest import SHIPPED

    assert packaged_facts() == SHIPPED  # this checkout: beside the package
    package = tmp_path / "site-packages" / "jlp_cli"
    package.mkdir(parents=True)
    assert packaged_facts(package) == tmp_path / "site-packages" / "facts.yaml"
    (package / "facts.yaml").write_text("schema_version: 1\n", encoding="utf-8")  # a wheel puts it inside
    assert packaged_facts(package) == package / "facts.yaml"


@pytest.mark.parametrize("limit", [7, 8, 9, 12])
def test_a_file_that_grows_past_the_limit_while_it_is_hashed_is_refused(tmp_path, monkeypatch, limit):
    """The size is checked when the file is opened; a file that grows after
    that is caught by the count of bytes read, whatever the chunks."""
    import hashlib

    monkeypatch.setattr(source, "CHUNK", 4)
    path = tmp_path / "book.yaml"
    path.write_bytes(b"a" * limit)
    assert source.sha256(path, limit) == hashlib.sha256(b"a" * limit).hexdigest()  # at the limit: read whole
    monkeypatch.setattr(source, "open_binary", lambda p, _limit: open(p, "rb"))  # measured before it grew
    path.write_bytes(b"a" * (limit + 1))
    with pytest.raises(DataError, match="over"):
        source.sha256(path, limit)


def test_bytes_that_are_not_utf8_past_the_first_chunk_are_placed_on_their_own_line(tmp_path):
    """The line counts every newline read before the chunk that holds the bad byte."""
    path = tmp_path / "book.yaml"
    lines = source.CHUNK // 50 + 10  # comfortably past the first chunk
    path.write_bytes((b"# " + b"x" * 47 + b"\n") * lines + b"a: \xff\n")

    def read_all():
        with source.TextStream(path) as stream:
            while stream.read():
                pass

    error = refusal(read_all)
    assert (str(error), error.problems[0].line) == (f"{path}: is not UTF-8 text (line {lines + 1})", lines + 1)
