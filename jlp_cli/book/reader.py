"""Read a fact book: the one way a facts file becomes checked, plain data.

``jlp validate``, building a store (in this process or in a reading child)
and ``validate_text`` all read a book here, the same way:

1. the YAML is read from the parser's events (``yaml_events``), the facts
   one at a time, never the whole book at once;
2. everything but the facts (the head) and then each fact goes through the
   one ``RuleChecker`` (``rules``), which keeps only ids;
3. at the end the checker's rules of the whole book run, and the problems
   found are given their lines in one more pass over the file.

A regular file is read twice only when it has problems (to locate them); a
pipe is read whole into memory first, since it can be read only once.

Sections and entities usually come before the facts. When one comes after
them, the facts are kept as read until the end of the document and checked
then: correct for any order, lean for the usual one.
"""

from __future__ import annotations

import gc
import io
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import DataError, Problem
from ..records import Record
from . import source
from .rules import Found, RuleChecker, locate
from .yaml_events import EventReader, locate_many

#: The top-level entries the facts are checked against: when one of them
#: comes after the facts, the facts wait for it.
HEAD = ("schema_version", "article", "sections", "entities")
#: How often a reading reports its progress, in facts.
PROGRESS_EVERY = 500

#: ``progress(bytes_read, bytes_total, facts_read)``; bytes_total is None for a pipe.
Progress = Callable[[int, "int | None", int], None]


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


class Outcome(Record):
    """What a whole reading found: the facts that passed, every problem
    (located, in the order of the file) and the SHA-256 of the bytes read."""

    __slots__ = ("fact_count", "problems", "sha256")

    def __init__(self, fact_count: int, problems: list[Problem], sha256: str | None):
        self.fact_count = fact_count
        self.problems = problems
        self.sha256 = sha256


class Reading:
    """A book being read: ``head`` (everything but the facts, checked, as
    plain data; None when it has a problem) is known when the reading is
    made; ``facts`` yields each checked fact as plain data, and stops
    yielding (but goes on checking) at the first problem; ``outcome()``
    finishes the reading."""

    def __init__(self, open_text: Callable[[], Any], checker: RuleChecker, progress: Progress | None = None,
                 total: int | None = None):
        self._open_text = open_text  # a new text stream of the same bytes, for locating problems
        self._stream = open_text()
        self.checker = checker
        self._progress = progress
        self._total = total
        self._events = EventReader(self._stream)
        self._fatal: list[Found] = []
        self._facts_state = "missing"
        self._items: Iterator[Any] = iter(())
        self._rest: Iterator[tuple[Any, Any]] = iter(())
        self._finished = False
        self.head: dict | None = None
        try:
            self._start()
        except DataError as error:
            self._stopped(error)
        self.facts = self._facts()

    # -- reading --------------------------------------------------------------
    def _start(self) -> None:
        entries = self._events.top_level("facts")
        self._rest = entries
        top: dict[str, Any] = {}
        for key, value in entries:
            if key == "facts" and not isinstance(value, list) and value is not None \
                    and hasattr(value, "__next__"):
                self._facts_state = "list"
                self._items = value
                if any(name not in top for name in HEAD):
                    # A record comes later: keep the facts (as read) until it is read.
                    self._items = iter(list(value))
                    for late_key, late_value in entries:
                        top[late_key] = late_value
                break
            if key == "facts":
                self._facts_state = "list" if isinstance(value, list) else "not a list"
                self._items = iter(value) if isinstance(value, list) else iter(())
                continue
            top[key] = value
        self.head = self.checker.head(top)

    def _stopped(self, error: DataError) -> None:
        """A problem the reading cannot go past (YAML syntax, a refused tag …)."""
        position = getattr(error, "position", None)
        for problem in error.problems:
            line, column = problem.line, problem.column
            if position is not None and line is None:
                line, column = self._line_of(position)
            self._fatal.append(Found((), problem.message, problem.hint, line, column))
        self._items = iter(())
        self._rest = iter(())
        self._facts_state = "stopped"

    def _line_of(self, position: tuple[int, bool]) -> tuple[int | None, int | None]:
        try:
            with self._open_text() as stream:
                return _line_and_column(stream, *position)
        except (DataError, OSError):
            return None, None

    def _locate_paths(self, paths: list) -> list:
        with self._open_text() as stream:
            return locate_many(stream, paths)

    def _facts(self) -> Iterator[dict]:
        checker = self.checker
        index = 0
        progress, every = self._progress, PROGRESS_EVERY
        try:
            for raw in self._items:
                fact = checker.fact(index, raw)
                index += 1
                if fact is not None and self.head is not None and not checker.found and not self._fatal:
                    yield fact
                if checker.full:
                    break
                if progress is not None and index % every == 0:
                    progress(*self.position())
            for key, _value in self._rest:  # an entry after the facts
                if key not in HEAD:
                    checker.add((key,), "unknown key (not in the schema)")
        except DataError as error:
            self._stopped(error)

    def position(self) -> tuple[int, int | None, int]:
        """(bytes read, bytes in all or None for a pipe, facts read): progress."""
        return self._stream.bytes_read, self._total, self.checker.facts_seen

    def outcome(self) -> Outcome:
        """Check what is left, run the rules of the whole book, and locate
        every problem."""
        if not self._finished:
            self._finished = True
            for _fact in self.facts:
                pass
            if self._facts_state != "stopped":
                self.checker.finish(self._facts_state)
        found = self.checker.found
        problems = locate(self._fatal + found, self._locate_paths) if (found or self._fatal) else []
        problems += self._events.problems
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        if self.checker.truncated:
            problems.append(Problem(f"more problems were found; only the first {self.checker.max_problems} "
                                    "are listed", hint="fix these and run jlp validate again"))
        sha256 = self._stream.hexdigest() if hasattr(self._stream, "hexdigest") else None
        return Outcome(self.checker.facts_valid if not problems else 0, problems, sha256)

    def close(self) -> None:
        self._events.close()
        self._stream.close()


def _line_and_column(stream, position: int, in_bytes: bool) -> tuple[int, int]:
    """The line and column of the character at ``position`` of a text stream
    (an offset in characters, or in the bytes of its UTF-8)."""
    line, column, seen = 1, 1, 0
    while True:
        chunk = stream.read()
        if not chunk:
            return line, column
        size = len(chunk.encode("utf-8")) if in_bytes else len(chunk)
        if seen + size > position:
            before = chunk.encode("utf-8")[: position - seen].decode("utf-8", "ignore") if in_bytes \
                else chunk[: position - seen]
            newlines = before.count("\n")
            line += newlines
            column = (len(before) - before.rfind("\n")) if newlines else column + len(before)
            return line, column
        newlines = chunk.count("\n")
        line += newlines
        column = (len(chunk) - chunk.rfind("\n")) if newlines else column + len(chunk)
        seen += size


@contextmanager
def read_file(path: Path, limit: int | None = None, source_text: str | None = None,
              progress: Progress | None = None):
    """The book at ``path`` as a ``Reading``; a DataError when the file
    cannot be read at all (missing, a directory, over ``limit`` …)."""
    status = source.stat(path)
    if source.is_regular(path):
        def open_text():
            return source.TextStream(path, limit)
        total: int | None = status.st_size
    else:  # a pipe can be read only once: hold its bytes
        data = source.read_bytes(path, limit)

        def open_text():
            return source.TextStream(path, limit, data=data)
        total = None
    reading = Reading(open_text, RuleChecker(source_text), progress, total)
    try:
        yield reading
    finally:
        reading.close()


class _Text(io.StringIO):
    """Text given in memory, read as a file is."""

    bytes_read = 0

    def __enter__(self):
        return self


def read_text(text: str, source_text: str | None = None) -> Reading:
    """A book given as text, as ``read_file`` reads a file."""
    text = text[1:] if text.startswith("\ufeff") else text
    return Reading(lambda: _Text(text), RuleChecker(source_text))


def validate_file(path: Path, source_text: str | None = None, limit: int | None = None,
                  progress: Progress | None = None) -> tuple[int | None, list[Problem]]:
    """``(fact_count, problems)`` for a facts file; fact_count is None when
    the book has problems. Raises DataError when the file cannot be read."""
    with paused_gc(), read_file(path, limit, source_text, progress=progress) as reading:
        outcome = reading.outcome()
    return (None if outcome.problems else outcome.fact_count), outcome.problems


def validate_text(text: str, source_text: str | None = None) -> tuple[int | None, list[Problem]]:
    """``(fact_count, problems)`` for a facts document given as text."""
    with paused_gc():
        outcome = read_text(text, source_text).outcome()
    return (None if outcome.problems else outcome.fact_count), outcome.problems
