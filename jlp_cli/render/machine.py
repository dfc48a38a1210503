"""Machine formats: json, jsonl, csv, tsv, yaml, markdown, and plain text.

Standard library only (YAML aside, imported when asked for), never Rich: these
are what scripts read. Listings are written as they are produced, so the first
line of a 100,000-fact listing appears at once and ``| head`` stops early.

Conventions (stable, documented in the README):

* JSON is UTF-8 (Chinese is not escaped), a list for listings and one object
  for single records, keys in schema order, every field present.
* csv and tsv have a header row; tsv escapes tab, newline, carriage return and
  backslash as \\t \\n \\r \\\\; lists are joined with ", ", objects are JSON.
* plain is what a pipe gets by default: tsv without the header.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # the C one where available, as json.dumps uses
from typing import IO, Any, Iterable, Iterator

from .sanitize import for_field
from .view import Column, View, check_fields, lookup, only_language, project

MACHINE_FORMATS = ("json", "jsonl", "csv", "tsv", "yaml", "markdown", "plain")


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


class _Unusual(Exception):
    """A value ``_pretty`` leaves to the json module."""


def _pretty(value: Any, margin: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` with every line
    after the first indented by ``margin`` as well, byte for byte.

    With an indent the json module gives up its C encoder for a generic
    Python one; records are plain JSON data (str keys; str, numbers, bools,
    None, lists, dicts), which this writes about twice as fast. Anything else
    goes to the json module."""
    parts: list[str] = []
    try:
        _pretty_into(value, "\n" + margin, parts)
    except _Unusual:
        return _dumps(value, indent=2).replace("\n", "\n" + margin)
    return "".join(parts)


def _pretty_into(value: Any, newline: str, parts: list[str]) -> None:
    # The order of the checks is the json module's (bool before int).
    if isinstance(value, str):
        parts.append(_string(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _pretty_into(item, inner, parts)
            separator = "," + inner
        parts.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unusual
            parts.append(separator)
            parts.append(_string(key))
            parts.append(": ")
            _pretty_into(item, inner, parts)
            separator = "," + inner
        parts.append(newline + "}")
    else:
        raise _Unusual


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def tabular_columns(view: View, fields: list[str] | None, lang: str) -> list[tuple[str, Any]]:
    """(header, getter) pairs: --fields if given, else the view's columns with
    bilingual columns split into one column per language."""
    if fields:
        return [(path, (lambda record, path=path: lookup(record, path))) for path in fields]
    out: list[tuple[str, Any]] = []
    for column in view.columns:
        if column.bilingual:
            for code in (("zh", "en") if lang == "both" else (lang,)):
                out.append((f"{column.key}.{code}", _bilingual_getter(column, code)))
        else:
            out.append((column.key, column.get or _getter(column.key)))
    return out


def _getter(path: str):
    """``lookup(record, path)`` as a function; a plain key (most columns) is
    read without splitting the path again for every row."""
    if "." in path:
        return lambda record: lookup(record, path)
    return lambda record: record.get(path) if isinstance(record, dict) else None


def _bilingual_getter(column: Column, code: str):
    find = column.get or _getter(column.key)

    def get(record: dict) -> Any:
        value = find(record)
        return value.get(code) if isinstance(value, dict) else value
    return get


def cell(value: Any) -> str:
    """One value as text for a table cell, csv or tsv field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(cell(v) for v in value)
    return _dumps(value)


def _records(view: View) -> Iterator[dict]:
    if view.document is not None:
        yield view.document
    elif view.single:
        yield view.records  # type: ignore[misc]
    else:
        yield from view.records  # type: ignore[misc]


def _prepared(view: View, fields: list[str] | None, lang: str) -> Iterator[dict]:
    """Records with --fields projected and an explicit --lang applied."""
    first = True
    for record in _records(view):
        if first and fields:
            check_fields(fields, record)
        first = False
        if fields:
            record = project(record, fields)
        if lang in ("zh", "en"):
            record = only_language(record, lang)
        yield record


def write(view: View, fmt: str, out: IO[str], fields: list[str] | None, lang: str) -> int:
    """Write ``view`` in ``fmt``; return the number of records written."""
    writer = {
        "json": _write_json,
        "jsonl": _write_jsonl,
        "yaml": _write_yaml,
        "csv": _write_csv,
        "tsv": _write_tsv,
        "plain": _write_plain,
        "markdown": _write_markdown,
    }[fmt]
    return writer(view, out, fields, lang)


def _write_json(view, out, fields, lang) -> int:
    records = _prepared(view, fields, lang)
    if view.single or view.document is not None:
        out.write(_pretty(next(records)) + "\n")
        return 1
    count = 0
    for record in records:
        out.write(("[\n  " if count == 0 else ",\n  ") + _pretty(record, "  "))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def _write_jsonl(view, out, fields, lang) -> int:
    count = 0
    for record in _prepared(view, fields, lang):
        out.write(_dumps(record) + "\n")
        count += 1
    return count


def _write_yaml(view, out, fields, lang) -> int:
    import yaml

    records = list(_prepared(view, fields, lang))
    data = records[0] if view.single or view.document is not None else records
    out.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
    return len(records)


def _table_records(view: View) -> Iterator[dict]:
    if view.single:
        yield view.records  # type: ignore[misc]
    else:
        yield from view.records  # type: ignore[misc]


def _rows(view: View, fields, lang, escape) -> Iterator[list[str]]:
    getters = [get for _header, get in tabular_columns(view, fields, lang)]
    for record in _table_records(view) if not fields else _checked(view, fields):
        yield [escape(cell(get(record))) for get in getters]


def _checked(view: View, fields: list[str]) -> Iterator[dict]:
    first = True
    for record in _table_records(view):
        if first:
            check_fields(fields, record)
            first = False
        yield record


def _single_pairs(view: View, fields, lang, escape) -> Iterable[list[str]]:
    """A single record as (field, value) rows."""
    record = view.records
    if fields:
        check_fields(fields, record)  # type: ignore[arg-type]
    for header, get in tabular_columns(view, fields, lang):
        yield [header, escape(cell(get(record)))]


def _write_delimited(view, out, fields, lang, delimiter: str, header: bool) -> int:
    if delimiter == "\t":
        escape = for_field
        emit = lambda row: out.write("\t".join(row) + "\n")  # noqa: E731
    else:
        import csv  # only for csv: tsv and plain are joined here

        writer = csv.writer(out, lineterminator="\n")
        escape = str
        emit = writer.writerow
    if view.single:
        rows = list(_single_pairs(view, fields, lang, escape))
        if header:
            emit(["field", "value"])
        for row in rows:
            emit(row)
        return 1
    if header:
        emit([h for h, _g in tabular_columns(view, fields, lang)])
    count = 0
    for row in _rows(view, fields, lang, escape):
        emit(row)
        count += 1
    return count


def _write_csv(view, out, fields, lang) -> int:
    return _write_delimited(view, out, fields, lang, ",", header=True)


def _write_tsv(view, out, fields, lang) -> int:
    return _write_delimited(view, out, fields, lang, "\t", header=True)


def _write_plain(view, out, fields, lang) -> int:
    return _write_delimited(view, out, fields, lang, "\t", header=False)


def _md(text: str) -> str:
    return for_field(text).replace("|", "\\|")


def _write_markdown(view, out, fields, lang) -> int:
    if view.single:
        rows = list(_single_pairs(view, fields, lang, _md))
        out.write("| field | value |\n|---|---|\n")
        for key, value in rows:
            out.write(f"| {key} | {value} |\n")
        return 1
    headers = [h for h, _g in tabular_columns(view, fields, lang)]
    out.write("| " + " | ".join(headers) + " |\n")
    out.write("|" + "---|" * len(headers) + "\n")
    count = 0
    for row in _rows(view, fields, lang, _md):
        out.write("| " + " | ".join(row) + " |\n")
        count += 1
    return count
