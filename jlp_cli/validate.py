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
    from . import source
    from .bookstream import read
    from .yamlstream import Unsupported, c_parser_available

    if c_parser_available():
        try:
            with paused_gc(), source.TextStream(path) as stream:
                book = read(stream, source_text, dump=False)
                for _fact in book.facts:
                    pass
                return book.facts_read, []
        except (Unsupported, source.TextStream.Unreadable):
            pass
    book, problems = validate_text(source.decode(source.read_bytes(path), path), source_text)
    return (len(book.facts) if book else None), problems
