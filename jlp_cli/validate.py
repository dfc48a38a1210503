"""Validate a facts document in full: the path ``jlp validate`` and the
store builder share."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from .checks import check
from .errors import DataError
from .yamlread import parse


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while millions of small objects are
    made: it would rescan them all again and again, which makes reading a
    100,000-fact book three times slower. Nothing made here forms cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_text(text: str, source_text: str | None = None):
    """Return ``(book, problems)`` for a facts document given as text."""
    with paused_gc():
        try:
            document = parse(text)
        except DataError as exc:
            return None, exc.problems
        return check(document, source_text)


def validate_file(path: Path, source_text: str | None = None):
    """Return ``(fact_count, problems)`` for a facts file; ``fact_count`` is
    None when the schema fails. Raises DataError when the file cannot be read.

    A valid book is checked as it streams by (``bookstream``), never held
    whole; a book with a problem is read again whole, to report every
    problem with its line."""
    from .bookstream import Refused, streamed
    from .yamlstream import Unsupported, c_parser_available

    events = c_parser_available()
    if events:
        try:
            with paused_gc(), streamed(path, source_text=source_text, dump=False) as book:
                for _fact in book.facts:
                    pass
            return book.facts_read, []
        except Refused:
            pass  # a problem: read_book says which, and where
        except Unsupported:
            events = False  # YAML only the full reader takes, or bytes it reports
    book, problems, _sha256 = read_book(path, source_text, events=events)
    return (len(book.facts) if book else None), problems


def read_book(path: Path, source_text: str | None = None, events: bool = True):
    """Return ``(book, problems, sha256)`` for a facts file read whole: the
    validated FactBook (None when the schema fails), every problem with its
    line, and the SHA-256 of the bytes read.

    Read from the parser's events where it can (no node tree: half the time,
    a fraction of the memory), the problems then located by one more pass
    over the file; else by ``yamlread.parse``, which takes any YAML and
    reports a YAML error, an alias bomb or a duplicate key."""
    import hashlib

    from . import source
    from .yamlstream import Unsupported, c_parser_available

    if events and c_parser_available():
        try:
            with paused_gc():
                document = _EventDocument(path)
                book, problems = check(document, source_text)
                return book, problems, document.sha256
        except (Unsupported, source.TextStream.Unreadable):
            pass
    data = source.read_bytes(path)
    sha256 = hashlib.sha256(data).hexdigest()
    text = source.decode(data, path)
    del data
    book, problems = validate_text(text, source_text)
    return book, problems, sha256


class _EventDocument:
    """A facts file's data, read from the parser's events, that finds where
    values are by reading the file once more (and only if asked)."""

    problems: list = []

    def __init__(self, path: Path):
        from .source import TextStream
        from .yamlstream import read_whole

        self.path = path
        with TextStream(path) as stream:
            self.data = read_whole(stream)
            self.sha256 = stream.hexdigest()

    def locate_many(self, paths: list[tuple]) -> list[tuple[int, int] | None]:
        from .source import TextStream
        from .yamlstream import Unsupported, locate_many

        if not paths:
            return []
        with TextStream(self.path) as stream:
            found = locate_many(stream, paths)
            if stream.hexdigest() != self.sha256:
                raise Unsupported("the file changed while it was read")
        return found
