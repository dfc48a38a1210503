"""The rules of a fact book, checked one record at a time.

``RuleChecker`` is the one place where a book is judged: ``jlp validate``,
building a store and ``validate_text`` all feed it the same way (the head of
the book, then each fact, then ``finish``), so they enforce exactly the same
rules. It holds only what the rules between records need (the ids seen, the
sections and entities used), never the book.

Each record is checked by the schema (``model.py``), then against the
records before it. A problem is kept as the path of the value it concerns
(``facts[3].figures[0].value``) and a message; the reader finds the lines of
all of them at once at the end. The checker collects every problem, up to a
bound (``MAX_PROBLEMS``), so that a hostile file cannot make it keep millions.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Iterable

from ..errors import Problem
from ..records import Record

#: More problems than this are not worth reading one by one. (What one
#: record may hold is bounded by the reader: ``yaml_events.MAX_KEYS``,
#: ``MAX_ITEMS``.)
MAX_PROBLEMS = 1000


class Found(Record):
    """A problem before it is located: the path of the value, or a line."""

    __slots__ = ("path", "message", "hint", "line", "column")

    def __init__(self, path: tuple, message: str, hint: str | None = None, line: int | None = None,
                 column: int | None = None):
        self.path = path
        self.message = message
        self.hint = hint
        self.line = line
        self.column = column


def format_path(path: Iterable[Any]) -> str:
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out


def _record_lists() -> dict[str, tuple[type, int]]:
    """The book's lists of records, from the schema: name → (model, fewest items)."""
    from typing import get_args

    from ..model import BookTop, FactBook

    lists = {}
    for name, field in FactBook.model_fields.items():
        if name in BookTop.model_fields:
            continue
        fewest = next((m.min_length for m in field.metadata if getattr(m, "min_length", None) is not None), 0)
        lists[name] = (get_args(field.annotation)[0], fewest)
    return lists


class RuleChecker:
    """Checks a book fed to it in order: ``head`` (every top-level entry but
    the facts), ``fact`` for each fact, then ``finish``.

    ``head`` and ``fact`` return the record as validated plain data (what a
    store keeps), or None when it has a problem."""

    def __init__(self, source_text: str | None = None, max_problems: int = MAX_PROBLEMS):
        self.found: list[Found] = []
        self.max_problems = max_problems
        self.truncated = False
        self._haystack = source_haystack(source_text) if source_text is not None else None
        self._lists = _record_lists()
        self._section_ids: dict[str, int] = {}  # id → index of its first record
        self._entity_ids: dict[str, int] = {}
        self._fact_ids: dict[str, int] = {}  # id → index of its first fact
        self._reported_first: set[str] = set()
        self._used_sections: set[str] = set()
        self._used_entities: set[str] = set()
        self.facts_seen = 0
        self.facts_valid = 0

    # -- problems -------------------------------------------------------------
    @property
    def full(self) -> bool:
        """Whether no more problems will be kept: the reading may stop."""
        return len(self.found) >= self.max_problems

    def add(self, path: tuple, message: str, hint: str | None = None) -> None:
        if self.full:
            self.truncated = True
            return
        self.found.append(Found(path, message, hint))

    def _schema_problems(self, exc, prefix: tuple) -> None:
        by_path: dict[tuple, list[str]] = {}
        for error in exc.errors(include_url=False):
            by_path.setdefault(prefix + _data_path(error["loc"]), []).append(_pydantic_message(error))
        for path, messages in by_path.items():
            # A union (int or float, a value or null) fails once per member.
            self.add(path, messages[0] if len(set(messages)) == 1 else "must be a number")

    def _validate(self, model, value: Any, prefix: tuple):
        """``value`` validated by ``model``, or None with its problems added."""
        from pydantic import ValidationError

        try:
            return model.model_validate(value)
        except ValidationError as exc:
            self._schema_problems(exc, prefix)
            return None

    # -- the head ---------------------------------------------------------------
    def head(self, top: dict) -> dict | None:
        """Check everything but the facts; return it as plain data (article,
        sections, entities) or None when something in it has a problem."""
        from ..model import BookTop

        problems_before = len(self.found)
        own = {key: value for key, value in top.items() if key not in self._lists}
        book_top = self._validate(BookTop, own, ())
        head: dict[str, Any] = book_top.model_dump(mode="json") if book_top is not None else {}
        for name, (model, fewest) in self._lists.items():
            if name == "facts":
                continue
            if name not in top:
                if fewest:
                    self.add((name,), "required key is missing")
                head[name] = []
                continue
            items = top[name]
            if not isinstance(items, list):
                self.add((name,), "must be a list")
                head[name] = []
                continue
            if len(items) < fewest:
                self.add((name,), f"must have at least {fewest} item{'s' if fewest > 1 else ''}")
            records = []
            for index, item in enumerate(items):
                record = self._validate(model, item, (name, index))
                if record is not None:
                    records.append(record.model_dump(mode="json"))
            head[name] = records
            ids = {item["id"]: index for index, item in reversed(list(enumerate(items)))
                   if isinstance(item, dict) and isinstance(item.get("id"), str)}
            self._duplicates(name, items)
            if name == "sections":
                self._section_ids = ids
            elif name == "entities":
                self._entity_ids = ids
        return head if len(self.found) == problems_before else None

    def _duplicates(self, name: str, items: list) -> None:
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            record_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(record_id, str):
                continue
            if record_id in first:
                for at in (first[record_id], index) if first[record_id] >= 0 else (index,):
                    self.add((name, at, "id"), f"duplicate id {record_id!r}", f"ids must be unique within {name}")
                first[record_id] = -1
            else:
                first[record_id] = index

    # -- the facts --------------------------------------------------------------
    def fact(self, index: int, raw: Any) -> dict | None:
        """Check one fact against the schema and the records before it."""
        from ..model import Fact

        self.facts_seen += 1
        if isinstance(raw, dict):  # what a fact refers to counts even if the fact is broken
            if isinstance(raw.get("section"), str):
                self._used_sections.add(raw["section"])
            if isinstance(raw.get("entities"), list):
                self._used_entities.update(e for e in raw["entities"] if isinstance(e, str))
        problems_before = len(self.found)
        fact = self._validate(Fact, raw, ("facts", index))
        if fact is None:
            return None
        self._fact_id(index, fact.id)
        if self._section_ids and fact.section not in self._section_ids:
            self.add(("facts", index, "section"), f"unknown section {fact.section!r}",
                     "use one of: " + ", ".join(sorted(self._section_ids)))
        for position, entity in enumerate(fact.entities):
            if entity not in self._entity_ids:
                self.add(("facts", index, "entities", position), f"unknown entity {entity!r}",
                         "add it under 'entities:' or fix the id")
        for path, message, hint in figure_problems(fact):
            self.add(("facts", index) + path, message, hint)
        if self._haystack is not None and not quote_in_source(fact.quote, self._haystack):
            self.add(("facts", index, "quote"), "the quote is not in the source text",
                     "copy the span verbatim from the article (whitespace may differ)")
        if len(self.found) != problems_before:
            return None
        self.facts_valid += 1
        return fact.model_dump(mode="json")

    def _fact_id(self, index: int, fact_id: str) -> None:
        first = self._fact_ids.setdefault(fact_id, index)
        if first == index:
            return
        hint = "ids must be unique within facts"
        if fact_id not in self._reported_first:
            self._reported_first.add(fact_id)
            self.add(("facts", first, "id"), f"duplicate id {fact_id!r}", hint)
        self.add(("facts", index, "id"), f"duplicate id {fact_id!r}", hint)

    # -- the whole book ---------------------------------------------------------
    def finish(self, facts: str = "list") -> None:
        """The rules of the whole book. ``facts`` says what the book held under
        'facts': a "list", "missing", or "not a list"."""
        if facts == "missing":
            self.add(("facts",), "required key is missing")
        elif facts != "list":
            self.add(("facts",), "must be a list")
        elif self.facts_seen == 0:
            self.add(("facts",), "must have at least 1 item")
        if self.facts_seen == 0:
            return
        for section, index in self._section_ids.items():
            if section not in self._used_sections:
                self.add(("sections", index, "id"), f"section {section!r} has no facts")
        for entity, index in self._entity_ids.items():
            if entity not in self._used_entities:
                self.add(("entities", index, "id"), f"entity {entity!r} is not referenced by any fact",
                         "reference it from a fact's 'entities' or remove it")


_TYPE_TAGS = {"int", "float", "str", "bool", "list", "dict", "none", "literal", "constrained-int",
              "constrained-float", "constrained-str"}


def _data_path(loc) -> tuple:
    """The error's location in the data, without pydantic's union member tags."""
    return tuple(step for step in loc if not (isinstance(step, str) and (step in _TYPE_TAGS or "[" in step)))


def _pydantic_message(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (not in the schema)"
    if kind == "missing":
        return "required key is missing"
    if kind in ("model_type", "dict_type"):  # not pydantic's "instance of Article"
        return "must be a mapping of keys and values"
    if kind == "string_pattern_mismatch":
        from ..vocabulary import ID_PATTERN, PERIOD_PATTERN

        pattern = (error.get("ctx") or {}).get("pattern")
        if pattern == PERIOD_PATTERN:
            return f"{error.get('input')!r} is not a period: write 2023, 2024-Q1, 2024-06, 1950s or 1950s/1990s"
        if pattern == ID_PATTERN:
            return f"{error.get('input')!r} is not an id: lower-case letters and digits, joined by single hyphens"
    return error["msg"].replace("Input should be", "must be").replace("Value error, ", "")


# -- figures and quotes -----------------------------------------------------------

def squash(text: str) -> str:
    """Text with all whitespace removed: how quotes are compared with the article."""
    return "".join(text.split())


def figure_problems(fact):
    """(path within the fact, message, hint) of each figure that does not
    match the fact's quote."""
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
        if not figure.derived and figure.value_base is not None:
            expected = restated(figure)
            for field, base, should in (("value_base", figure.value_base, expected[0] if expected else None),
                                        ("value_base_end", figure.value_base_end,
                                         expected[1] if expected else None)):
                if should is not None and base is not None and not math.isclose(base, should, rel_tol=1e-9):
                    yield (path + (field,),
                           f"the base value {format_number(base)} is not {figure.as_written} in "
                           f"{figure.unit_base or 'its base unit'} ({format_number(should)})",
                           "copy the number again, or set derived: true if it is worked out, not written")


def restated(figure) -> tuple[float | None, float | None] | None:
    """(value, value_end) of ``figure`` restated in its base unit, or None
    when its units are not ones jlp knows how to restate (or it has no
    single written number, as 1+8)."""
    from ..vocabulary import UNIT_FACTORS

    if figure.value is None:
        return None
    end = figure.value_end
    if figure.unit is None:
        return figure.value, end
    if (figure.unit, figure.unit_base) == ("年代", "year") and figure.as_written.startswith("20世纪"):
        # 20世纪50年代至90年代: from the first year of the 1950s to the last of the 1990s.
        return 1900 + figure.value, (1900 + end + 9 if end is not None else None)
    factor = UNIT_FACTORS.get((figure.unit, figure.unit_base))
    if factor is None:
        return None
    return figure.value * factor, (end * factor if end is not None else None)


def source_haystack(source_text: str) -> str:
    """The source text as quotes are looked up in it."""
    return squash(unicodedata.normalize("NFC", source_text))


def quote_in_source(quote: str, haystack: str) -> bool:
    return squash(unicodedata.normalize("NFC", quote)) in haystack


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
    """Whether ``number`` is written in ``text``, in Arabic or Chinese
    numerals: as a whole number, not part of one (1 is not in 10.6)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    written = format_number(number)
    at = text.find(written)
    while at >= 0:
        before = text[at - 1] if at else ""
        after = text[at + len(written):at + len(written) + 2]
        if not (before.isdigit() or before == ".") and not (after[:1].isdigit()
                                                             or (after[:1] == "." and after[1:2].isdigit())):
            return True
        at = text.find(written, at + 1)
    numeral = chinese_numeral(number)
    return bool(numeral) and numeral in text


def locate(found: list[Found], locate_many) -> list[Problem]:
    """The problems, each with its line (``locate_many(paths)`` finds the
    lines of paths), in the order of the file."""
    by_path = [f for f in found if f.line is None]
    where = locate_many([f.path for f in by_path]) if by_path else []
    lines = dict(zip(map(id, by_path), where))
    problems = []
    for f in found:
        line, column = (f.line, f.column) if f.line is not None else (lines.get(id(f)) or (None, None))
        problems.append(Problem(f.message, path=format_path(f.path) or None, line=line, column=column, hint=f.hint))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems

