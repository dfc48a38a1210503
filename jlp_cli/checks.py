"""Validate a parsed facts document: the schema, then the rules between records.

``check`` returns every problem at once, each with its field path and line, so
that ``jlp validate`` can report a whole file in one run.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any, Iterable

from .errors import Problem
from .yamlread import YamlDocument


def squash(text: str) -> str:
    """Text with all whitespace removed: how quotes are compared with the article."""
    return "".join(text.split())


def format_path(path: Iterable[Any]) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out


def check(document: YamlDocument, source_text: str | None = None):
    """Return ``(book, problems)``; ``book`` is None when the schema fails.

    When some records fail the schema, the others are still cross-checked,
    so one run reports every problem of the file."""
    from pydantic import ValidationError

    from .model import Entity, Fact, FactBook, Section

    problems = list(document.problems)
    found: list[tuple] = []  # (path, message, hint), located all at once below
    data = document.data
    if not isinstance(data, dict):
        got = type(data).__name__ if data is not None else "nothing"
        problems.append(
            Problem(f"the top level must be a mapping, not {got}", line=1,
                    hint="a facts file starts with 'schema_version: 1'")
        )
        return None, problems
    book = None
    try:
        book = FactBook.model_validate(data)
        records = {"sections": list(enumerate(book.sections)), "entities": list(enumerate(book.entities)),
                   "facts": list(enumerate(book.facts))}
    except ValidationError as exc:
        found.extend(_schema_problems(exc))
        records = {key: _valid_records(data.get(key), model)
                   for key, model in (("sections", Section), ("entities", Entity), ("facts", Fact))}
    found.extend(_cross_checks(records, _references(data.get("facts"))))
    if source_text is not None:
        found.extend(_source_checks(records["facts"], source_text))
    # One call for every location: a document read without its node tree
    # finds them all in one more pass over the file.
    for (path, message, hint), where in zip(found, document.locate_many([f[0] for f in found])):
        problems.append(Problem(message, path=format_path(path), line=where[0] if where else None,
                                column=where[1] if where else None, hint=hint))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return book, problems


def _schema_problems(exc) -> list[tuple]:
    by_path: dict[tuple, list[str]] = {}
    for error in exc.errors(include_url=False):
        by_path.setdefault(_data_path(error["loc"]), []).append(_pydantic_message(error))
    problems = []
    for path, messages in by_path.items():
        # A union (int or float, a value or null) fails once per member.
        message = messages[0] if len(set(messages)) == 1 else "must be a number"
        problems.append(_problem(path, message))
    return problems


def _valid_records(items: Any, model) -> list[tuple[int, Any]]:
    """(index, record) for each item of a list that passes the schema alone."""
    from pydantic import ValidationError

    out = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        try:
            out.append((index, model.model_validate(item)))
        except ValidationError:
            pass
    return out


def _references(facts: Any) -> tuple[set, set]:
    """Section and entity ids that facts refer to, valid records or not, so
    that one broken fact does not make its entities look unreferenced."""
    sections, entities = set(), set()
    for fact in facts if isinstance(facts, list) else []:
        if isinstance(fact, dict):
            if isinstance(fact.get("section"), str):
                sections.add(fact["section"])
            if isinstance(fact.get("entities"), list):
                entities.update(e for e in fact["entities"] if isinstance(e, str))
    return sections, entities


_TYPE_TAGS = {"int", "float", "str", "bool", "list", "dict", "none", "literal"}


def _data_path(loc) -> tuple:
    """The error's location in the data, without pydantic's union member tags."""
    return tuple(step for step in loc if not (isinstance(step, str) and (step in _TYPE_TAGS or "[" in step)))


def _pydantic_message(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (not in the schema)"
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        return error["msg"].replace("Input should be", "must be")
    return error["msg"].replace("Input should be", "must be").replace("Value error, ", "")


def _problem(path: tuple, message: str, hint: str | None = None) -> tuple:
    """A problem found at ``path``, before it is located."""
    return path, message, hint


def _duplicates(records, collection: str):
    counts = Counter(record.id for _index, record in records)
    for index, record in records:
        if counts[record.id] > 1:
            yield _problem((collection, index, "id"), f"duplicate id {record.id!r}",
                           hint="ids must be unique within " + collection)


def _cross_checks(records: dict, references: tuple[set, set]):
    for collection in ("sections", "entities", "facts"):
        yield from _duplicates(records[collection], collection)
    used_sections, used_entities = references
    section_ids = {s.id for _i, s in records["sections"]}
    entity_ids = {e.id for _i, e in records["entities"]}
    for index, fact in records["facts"]:
        if section_ids and fact.section not in section_ids:
            yield _problem(("facts", index, "section"), f"unknown section {fact.section!r}",
                           hint="use one of: " + ", ".join(sorted(section_ids)))
        for position, entity in enumerate(fact.entities):
            if entity not in entity_ids:
                yield _problem(("facts", index, "entities", position),
                               f"unknown entity {entity!r}", hint="add it under 'entities:' or fix the id")
        yield from _figure_checks(index, fact)
    if records["facts"]:
        for index, section in records["sections"]:
            if section.id not in used_sections:
                yield _problem(("sections", index, "id"), f"section {section.id!r} has no facts")
        for index, entity in records["entities"]:
            if entity.id not in used_entities:
                yield _problem(("entities", index, "id"),
                               f"entity {entity.id!r} is not referenced by any fact",
                               hint="reference it from a fact's 'entities' or remove it")


def _figure_checks(index: int, fact):
    for path, message, hint in figure_problems(fact):
        yield _problem(("facts", index) + path, message, hint=hint)


def figure_problems(fact):
    """(path within the fact, message, hint) of each figure that does not
    match the fact's quote; shared with the streaming reader."""
    quote = squash(fact.quote)
    for position, figure in enumerate(fact.figures):
        path = ("figures", position)
        if squash(figure.as_written) not in quote:
            yield (path + ("as_written",), f"the figure {figure.as_written!r} is not in the fact's quote", None)
        numbers = [n for n in (figure.value, figure.value_end, *figure.components) if n is not None]
        if not numbers:
            yield (path + ("value",), "the figure has no value",
                   "give 'value', or 'components' for an expression such as 1+8")
        for number in numbers:
            if not number_in_text(number, figure.as_written):
                yield (path + ("value",), f"the number {format_number(number)} is not in {figure.as_written!r}",
                       "'value' is the number as the article writes it")


def source_haystack(source_text: str) -> str:
    """The source text as quotes are looked up in it."""
    return squash(unicodedata.normalize("NFC", source_text))


def quote_in_source(quote: str, haystack: str) -> bool:
    return squash(unicodedata.normalize("NFC", quote)) in haystack


def _source_checks(facts: list, source_text: str):
    source = source_haystack(source_text)
    for index, fact in facts:
        if not quote_in_source(fact.quote, source):
            yield _problem(("facts", index, "quote"), "the quote is not in the source text",
                           hint="copy the span verbatim from the article (whitespace may differ)")


def format_number(number: float | int) -> str:
    """10.6 → '10.6', 3.0 → '3', 1.06e9 → '1060000000'."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, int):
        return str(number)
    return format(number, "f").rstrip("0").rstrip(".") if "e" in repr(number) else repr(number)


_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: float | int) -> str | None:
    """1 → 一, 10 → 十, 12 → 十二, 30 → 三十; None beyond 99 or for fractions."""
    if isinstance(number, float):
        if not number.is_integer():
            return None
        number = int(number)
    if not 0 <= number < 100:
        return None
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def number_in_text(number: float | int, text: str) -> bool:
    """Whether ``number`` is written in ``text``, in Arabic or Chinese numerals."""
    text = unicodedata.normalize("NFKC", text)
    written = format_number(number)
    if re.search(rf"(?<![\d.]){re.escape(written)}(?![\d]|\.\d)", text):
        return True
    numeral = chinese_numeral(number)
    return bool(numeral) and numeral in text
