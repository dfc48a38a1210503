"""What a command hands to the renderers: plain records and how to tabulate them.

A ``View`` carries the machine data (a list of records, or one record) and the
columns that tabular formats show. Renderers never query the store; commands
never format text. Standard library only: this module is on every path.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from ..errors import UsageError
from ..records import Record


class Column(Record):
    """A field the tabular machine formats show (csv, tsv, markdown, plain).
    Its header is its key; the human views lay out columns of their own
    (``render/human.py``)."""

    __slots__ = ("key", "bilingual", "get")

    def __init__(self, key: str, bilingual: bool = False, get: Callable[[dict], Any] | None = None):
        self.key = key  # dotted path into the record: "id", "text", "metric"
        self.bilingual = bilingual  # the value is {"zh": ..., "en": ...}
        self.get = get  # computed value (tables and tsv)


class View:
    """Data for one command's output."""

    def __init__(
        self,
        records: Iterable[dict] | dict,
        columns: list[Column],
        *,
        single: bool = False,  # one object (show, entity, section, overview)
        kind: str = "record",  # what the records are: fact, section, entity, figure, …
        title: str = "",
        empty: str = "nothing found",  # said on stderr when there are no records
        empty_hint: str | None = None,
        extra: dict | None = None,  # for human renderers (highlights, charts)
        document: dict | None = None,  # what json and yaml print instead of the records
    ):
        self.records = records
        self.columns = columns
        self.single = single
        self.kind = kind
        self.title = title
        self.empty = empty
        self.empty_hint = empty_hint
        self.extra = extra or {}
        self.document = document


def lookup(record: Any, path: str) -> Any:
    """``record["text"]["en"]`` for path ``text.en``; None where absent."""
    value = record
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


def known_paths(record: dict, prefix: str = "") -> list[str]:
    out = []
    for key, value in record.items():
        path = f"{prefix}{key}"
        out.append(path)
        if isinstance(value, dict):
            out.extend(known_paths(value, path + "."))
    return out


def check_fields(fields: list[str], sample: dict | None) -> None:
    if sample is None:
        return
    valid = known_paths(sample)
    unknown = [f for f in fields if f not in valid]
    if unknown:
        raise UsageError(
            f"unknown field {unknown[0]!r} for --fields",
            hint="valid fields: " + ", ".join(valid),
        )


def project(record: dict, fields: list[str]) -> dict:
    """Keep only ``fields`` (dotted paths), nested as in the record."""
    out: dict = {}
    for path in fields:
        parts = path.split(".")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = lookup(record, path)
    return out


def only_language(value: Any, lang: str) -> Any:
    """Reduce every {"zh", "en"} pair in ``value`` to the one language."""
    if isinstance(value, dict):
        if set(value) == {"zh", "en"}:
            return {lang: value[lang]}
        return {k: only_language(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [only_language(v, lang) for v in value]
    return value
