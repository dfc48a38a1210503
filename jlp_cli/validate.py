"""Validate a facts document in full: the path ``jlp validate`` and the
store builder share."""

from __future__ import annotations

import gc
from contextlib import contextmanager

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
