"""Check a fact book while it is read, one fact at a time.

The fast path for big books: the file is parsed as a stream of events
(``yamlstream``), each fact is checked by the schema and against the records
read so far, handed to the caller as plain data, and let go. Only what the
checks between records need is kept: the ids seen, the sections and entities
used.

It finds whether a book has a problem, not where: at the first problem it
raises ``Refused`` (and ``Unsupported`` for anything ``yamlstream`` leaves to
the full reader), and the caller reads the book whole with
``validate.read_book``, which reports every problem with its line and path
exactly as before. A valid book is never read twice.

Sections and entities usually come before the facts. When some top-level
record comes after them, the facts are kept (as read) until the end of the
document, and checked then: correct for any order, lean for the usual one.
"""

from __future__ import annotations

from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any, Iterable, Iterator

from .yamlstream import Unsupported, top_level

HEAD = ("schema_version", "article", "sections", "entities")


class Refused(Unsupported):
    """The book has a problem; the full reader will say which and where."""


class StreamedBook:
    """A book being read: ``head`` (everything but the facts, validated, as
    plain data) is known up front; ``facts`` yields each validated fact as
    plain data (or as its model, with ``dump=False``) and raises ``Refused``
    on the first problem, the checks of the whole book included, which run
    when the last fact has been read."""

    def __init__(self, stream, source_text: str | None = None, dump: bool = True):
        self._entries = top_level(stream, "facts")
        raw: dict[str, Any] = {}
        items: Iterable[Any] | None = None
        for key, value in self._entries:
            if key == "facts" and not isinstance(value, list):  # the items, one at a time
                items = value
                if any(name not in raw for name in HEAD):
                    items = list(items)  # a record comes later: keep the facts until it is read
                    self._read_rest(raw)
                break
            raw[key] = value
        if items is None:  # no sequence of facts: the full reader says what is wrong
            raise Refused("no facts")
        self.facts_read = 0
        self._dump = dump
        self._source = source_text
        self.head, self.facts = self._start(raw, iter(items))

    def _read_rest(self, raw: dict) -> None:
        for key, value in self._entries:
            raw[key] = value

    def _start(self, raw: dict, items: Iterator[Any]):
        from pydantic import ValidationError

        from .model import FactBook

        first = next(items, None)
        if first is None:
            raise Refused("no facts")
        try:
            # Validating the book with its first fact checks everything but
            # the other facts, each of which the schema checks alone.
            book = FactBook.model_validate({**raw, "facts": [first]})
        except ValidationError:
            raise Refused("schema") from None
        head = book.model_dump(mode="json", exclude={"facts"})
        return head, self._facts(book, chain([book.facts[0]], items))

    def _facts(self, book, items: Iterator[Any]) -> Iterator[Any]:
        from pydantic import ValidationError

        from .checks import figure_problems, quote_in_source, source_haystack
        from .model import Fact

        sections = {section.id for section in book.sections}
        entities = {entity.id for entity in book.entities}
        if len(sections) != len(book.sections) or len(entities) != len(book.entities):
            raise Refused("duplicate id")
        del book
        haystack = source_haystack(self._source) if self._source is not None else None
        fact_ids: set[str] = set()
        used_sections: set[str] = set()
        used_entities: set[str] = set()
        validate = Fact.model_validate
        for item in items:
            try:
                fact = item if isinstance(item, Fact) else validate(item)
            except ValidationError:
                raise Refused("schema") from None
            if fact.id in fact_ids or fact.section not in sections or not entities.issuperset(fact.entities):
                raise Refused("reference")
            if fact.figures and next(figure_problems(fact), None) is not None:
                raise Refused("figure")
            if haystack is not None and not quote_in_source(fact.quote, haystack):
                raise Refused("quote")
            fact_ids.add(fact.id)
            used_sections.add(fact.section)
            used_entities.update(fact.entities)
            self.facts_read += 1
            yield fact.model_dump(mode="json") if self._dump else fact
        for _key, _value in self._entries:  # a second or unknown key after the facts
            raise Refused("a record after the facts")
        if used_sections != sections or used_entities != entities:
            raise Refused("unreferenced record")


def read(stream, source_text: str | None = None, dump: bool = True) -> StreamedBook:
    return StreamedBook(stream, source_text, dump)


@contextmanager
def streamed(path: Path, sha256: str | None = None, source_text: str | None = None, dump: bool = True):
    """The book at ``path`` as a ``StreamedBook``, its bytes hashed as they are
    read. On leaving, ``Unsupported`` if they are not the bytes ``sha256``
    names (the file changed since it was hashed); a file the stream cannot
    read (not UTF-8, not a regular file) is ``Unsupported`` too: the full
    reader then reports it."""
    from .source import TextStream

    try:
        with TextStream(path) as stream:
            yield read(stream, source_text, dump)
            if sha256 is not None and stream.hexdigest() != sha256:
                raise Unsupported("the file changed while it was read")
    except TextStream.Unreadable as exc:
        raise Unsupported(str(exc)) from None
