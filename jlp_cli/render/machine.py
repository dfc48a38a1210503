"""Machine formats: json, jsonl, csv, tsv, yaml, markdown, and plain text.

Standard library only (YAML aside, imported when asked for), never Rich: these
are what scripts read. Listings are written as they are produced, so the first
line of a 100,000-fact listing appears at once and ``| head`` stops early.

Conventions (stable, documented in the README):

* JSON is UTF-8 (Chinese is not escaped), a list for listings and one object
  for single records, keys in schema order, every field present. It never
  holds NaN or Infinity: such a number is a data error (exit status 2).
* csv, tsv and plain (what a pipe gets by default: tsv without the header
  row) write one cell per column; lists and objects are JSON in the cell
  (``["Chinalco", "中铝"]``), as sqlite-utils and Datasette write them; numbers
  are written whole (250000000, never 2.5e+08 or 250000000.0), true/false for
  booleans, an empty cell for null.
* tsv and plain escape tab, newline, carriage return and backslash as
  \\t \\n \\r \\\\. csv follows RFC 4180: a cell with a comma, quote or line
  break is quoted, and line feeds and tabs stay as they are.
* Nothing in csv, tsv, plain or markdown acts on a terminal: other control
  characters, bidirectional overrides and invisible format characters are
  shown as escapes (``\\x1b``, ``<U+202E>``; a carriage return in csv as
  ``\\r``). JSON carries every character exactly.
* A csv/tsv/plain text cell that a spreadsheet would run as a formula (it
  starts with = + - @, a tab or a line break, or their full-width forms) gets
  a leading ``'``; numbers are numbers and are never changed. ``raw=True``
  (``--raw``) writes such cells as they are; it changes nothing else.
* markdown is a GitHub table: ``|`` is escaped as ``\\|``, line breaks as
  ``\\n``, and lists are joined with ", " for reading.
* yaml is safe YAML (no Python tags); text with a control character or an
  invisible format character is double-quoted with that character escaped.
"""

from __future__ import annotations

import json
from functools import lru_cache
from json.encoder import encode_basestring as _string  # the C one where available, as json.dumps uses
from typing import IO, Any, Iterable, Iterator

from ..errors import DataError, Problem
from .sanitize import defuse_formula, for_csv, for_field
from .view import Column, View, check_fields, lookup, only_language, project

MACHINE_FORMATS = ("json", "jsonl", "csv", "tsv", "yaml", "markdown", "plain")


def _dumps(value: Any, indent: int | None = None) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError as error:
        if "JSON compliant" in str(error):  # the json module's words for NaN and infinities
            raise _not_a_number() from None
        raise


def _not_a_number() -> DataError:
    return DataError([Problem("a number is NaN or infinite, which JSON cannot hold",
                              hint="fix the number in the facts file; 'jlp validate' finds it")])


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
    if value != value or value in (_INFINITY, -_INFINITY):
        raise _not_a_number()
    return float.__repr__(value)


_INFINITY = float("inf")


def number_text(value: float) -> str:
    """A float as a person writes it: 250000000 (not 2.5e+08 or 250000000.0),
    166.67, 0.0000015; every digit Python's shortest repr keeps, no more."""
    if value != value or value in (_INFINITY, -_INFINITY):
        return float.__repr__(value)  # nan, inf: what float() reads back
    if value == 0:
        return "0"
    text = float.__repr__(value)
    if "e" in text:  # below 1e-4 or from 1e16: spell the exponent out
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


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
            getter = column.get or _getter(column.key)
            if lang in ("zh", "en"):  # a cell of nested {zh, en} pairs (figures) keeps the one language
                getter = (lambda find: lambda record: only_language(find(record), lang))(getter)
            out.append((column.key, getter))
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
    """One value as text for reading: a human table cell or a markdown cell.
    Lists of plain values are joined with ", "; see ``field_text`` for what
    csv and tsv write."""
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(cell(v) for v in value)
    return field_text(value)


def field_text(value: Any) -> str:
    """One value as the text of a csv, tsv or plain cell, before escaping:
    numbers whole, lists and objects as JSON, null as an empty cell."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return number_text(value)
    return _dumps(value)


def _spreadsheet_cell(escape, raw: bool):
    """value → cell text for csv/tsv/plain: ``escape`` applied, and text a
    spreadsheet would run as a formula defused unless ``raw``."""
    if raw:
        return lambda value: escape(field_text(value))

    def convert(value: Any) -> str:
        if isinstance(value, str):  # only text: a number (-5) is never a formula
            return escape(defuse_formula(value))
        return escape(field_text(value))
    return convert


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


def write(view: View, fmt: str, out: IO[str], fields: list[str] | None, lang: str, *, raw: bool = False) -> int:
    """Write ``view`` in ``fmt``; return the number of records written.

    ``raw`` writes csv/tsv/plain cells that look like spreadsheet formulas as
    they are instead of defusing them; it has no effect on other formats."""
    if fmt in ("csv", "tsv", "plain"):
        return _write_delimited(view, out, fields, lang, csv=fmt == "csv", header=fmt != "plain", raw=raw)
    writer = {
        "json": _write_json,
        "jsonl": _write_jsonl,
        "yaml": _write_yaml,
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
    out.write(yaml.dump(data, Dumper=_yaml_dumper(), allow_unicode=True, sort_keys=False, width=100))
    return len(records)


@lru_cache(maxsize=1)
def _yaml_dumper():
    """PyYAML's SafeDumper, except that text with a character that acts on a
    terminal or hides itself (a bidi override, a zero-width space) is written
    double-quoted with such characters escaped: with ``allow_unicode`` PyYAML
    escapes C0 and C1 controls but writes those as they are."""
    import yaml

    from .sanitize import is_inert

    class Dumper(yaml.SafeDumper):
        def choose_scalar_style(self):
            value = self.event.value
            if isinstance(value, str) and not is_inert(value):
                return '"'
            return super().choose_scalar_style()

        def write_double_quoted(self, text, split=True):
            if is_inert(text):
                return super().write_double_quoted(text, split)
            self.allow_unicode = False  # escape every non-ASCII character of this one scalar
            try:
                return super().write_double_quoted(text, split)
            finally:
                self.allow_unicode = True

    return Dumper


def _table_records(view: View) -> Iterator[dict]:
    if view.single:
        yield view.records  # type: ignore[misc]
    else:
        yield from view.records  # type: ignore[misc]


def _rows(view: View, fields, lang, convert) -> Iterator[list[str]]:
    getters = [get for _header, get in tabular_columns(view, fields, lang)]
    for record in _table_records(view) if not fields else _checked(view, fields):
        yield [convert(get(record)) for get in getters]


def _checked(view: View, fields: list[str]) -> Iterator[dict]:
    first = True
    for record in _table_records(view):
        if first:
            check_fields(fields, record)
            first = False
        yield record


def _single_pairs(view: View, fields, lang, convert, escape_header) -> Iterable[list[str]]:
    """A single record as (field, value) rows."""
    record = view.records
    if fields:
        check_fields(fields, record)  # type: ignore[arg-type]
    for header, get in tabular_columns(view, fields, lang):
        yield [escape_header(header), convert(get(record))]


def _write_delimited(view, out, fields, lang, *, csv: bool, header: bool, raw: bool) -> int:
    if csv:
        import csv as csv_module  # only for csv: tsv and plain are joined here

        escape = for_csv
        emit = csv_module.writer(out, lineterminator="\n").writerow
    else:
        escape = for_field
        emit = lambda row: out.write("\t".join(row) + "\n")  # noqa: E731
    convert = _spreadsheet_cell(escape, raw)
    if view.single:
        rows = list(_single_pairs(view, fields, lang, convert, escape))
        if header:
            emit(["field", "value"])
        for row in rows:
            emit(row)
        return 1
    def write_header() -> None:
        if header:
            emit([escape(h) for h, _g in tabular_columns(view, fields, lang)])

    return _header_and_rows(write_header, _rows(view, fields, lang, convert), emit)


def _header_and_rows(write_header, rows: Iterator[list[str]], emit) -> int:
    """The header, then the rows; the first row is made before the header is
    written, so that --fields the records lack is refused with nothing
    written. Returns the number of rows."""
    rows = iter(rows)
    first = next(rows, None)
    write_header()
    if first is None:
        return 0
    emit(first)
    count = 1
    for row in rows:
        emit(row)
        count += 1
    return count


def _md(text: str) -> str:
    return for_field(text).replace("|", "\\|")


def _md_cell(value: Any) -> str:
    return _md(cell(value))


def _write_markdown(view, out, fields, lang) -> int:
    if view.single:
        rows = list(_single_pairs(view, fields, lang, _md_cell, _md))
        out.write("| field | value |\n|---|---|\n")
        for key, value in rows:
            out.write(f"| {key} | {value} |\n")
        return 1
    def write_header() -> None:
        headers = [_md(h) for h, _g in tabular_columns(view, fields, lang)]
        out.write("| " + " | ".join(headers) + " |\n")
        out.write("|" + "---|" * len(headers) + "\n")

    emit = lambda row: out.write("| " + " | ".join(row) + " |\n")  # noqa: E731
    return _header_and_rows(write_header, _rows(view, fields, lang, _md_cell), emit)
