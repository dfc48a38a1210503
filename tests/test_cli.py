"""Every command through typer.testing.CliRunner: formats, exit statuses,
languages, fields, and data that must never become markup."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jlp_cli.cli.app import app
from jlp_cli.render.view import lookup

from .conftest import MINI

runner = CliRunner()


def jlp(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env)


def ok(*args: str, env: dict | None = None) -> str:
    result = jlp(*args, env=env)
    assert result.exit_code == 0, (args, result.exit_code, result.stdout, result.stderr)
    return result.stdout


# -- every command works on the shipped book, in every format -----------------

COMMANDS = [
    ["overview"],
    ["sections"],
    ["section", "innovation"],
    ["facts"],
    ["facts", "--section", "opening-up", "--kind", "statistic"],
    ["show", "hydrogen-revenue-2023"],
    ["entities"],
    ["entities", "--type", "company"],
    ["entity", "Chinalco"],
    ["figures"],
    ["timeline"],
    ["search", "氢能"],
]
SINGLE = {"overview", "section", "show", "entity"}


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_json_parses_and_keeps_chinese_unescaped(args):
    out = ok(*args, "--format", "json")
    data = json.loads(out)
    assert isinstance(data, dict if args[0] in SINGLE else list)
    assert "\\u" not in out
    assert any("\u4e00" <= ch <= "\u9fff" for ch in out)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_jsonl_is_one_object_per_line(args):
    lines = ok(*args, "--format", "jsonl").splitlines()
    objects = [json.loads(line) for line in lines]
    assert objects and all(isinstance(o, dict) for o in objects)
    expected = json.loads(ok(*args, "--format", "json"))
    assert objects == ([expected] if args[0] in SINGLE else expected)  # the same records as json, one a line


def _unescape_tsv(field: str) -> str:
    import re

    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), m.group(0)),
                  field)


def _expected_cell(value) -> str | None:
    """What csv and tsv write for a value of the command's JSON; None for a
    value a column may compute differently (objects, lists of objects)."""
    if isinstance(value, str):
        return "'" + value if value.startswith(("=", "+", "-", "@")) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return json.dumps(value, ensure_ascii=False)  # a list is a JSON array in its cell
    return None


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_csv_and_tsv_have_a_header_and_even_rows(args):
    rows = list(csv.reader(io.StringIO(ok(*args, "--format", "csv"), newline="")))
    assert len(rows) >= 2 and len({len(r) for r in rows}) == 1
    lines = ok(*args, "--format", "tsv").splitlines()
    assert len({line.count("\t") for line in lines}) == 1
    assert lines[0].split("\t")[0] in ("id", "order", "fact", "period", "field", "article.title.zh")
    tsv_rows = [[_unescape_tsv(f) for f in line.split("\t")] for line in lines]
    assert tsv_rows == rows  # the same cells, whichever the format
    plain = [[_unescape_tsv(f) for f in line.split("\t")] for line in ok(*args).splitlines()]
    assert plain == rows[1:]  # what a pipe gets: tsv without the header
    # Every cell that is a value of the command's JSON holds that value.
    data = json.loads(ok(*args, "--format", "json"))
    header, body = rows[0], rows[1:]
    if args[0] in SINGLE:
        assert header == ["field", "value"]
        pairs = [(data, path, value) for path, value in body]
    else:
        assert len(body) == len(data)
        pairs = [(record, path, value) for record, row in zip(data, body) for path, value in zip(header, row)]
    checked = 0
    for record, path, written in pairs:
        expected = _expected_cell(lookup(record, path))
        if expected is not None:
            assert written == expected, (path, written, expected)
            checked += 1
    assert checked >= (len(body) // 2 if args[0] in SINGLE else len(body))  # at least every listed record's key


def _markdown_cells(line: str) -> list[str]:
    """A GitHub table row split on its unescaped pipes."""
    assert line.startswith("| ") and line.endswith(" |"), line
    cells, current, backslashes = [], "", 0
    for ch in line[1:-1]:
        if ch == "|" and backslashes % 2 == 0:
            cells.append(current.strip())
            current = ""
        else:
            current += ch
        backslashes = backslashes + 1 if ch == "\\" else 0
    return cells + [current.strip()]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_yaml_and_markdown(args):
    data = yaml.safe_load(ok(*args, "--format", "yaml"))
    assert isinstance(data, dict if args[0] in SINGLE else list)
    assert data == json.loads(ok(*args, "--format", "json"))  # the same records as json
    markdown = ok(*args, "--format", "markdown").splitlines()
    assert markdown[0].startswith("| ") and set(markdown[1]) <= set("|-")
    rows = list(csv.reader(io.StringIO(ok(*args, "--format", "csv"), newline="")))
    table = [_markdown_cells(line) for line in [markdown[0]] + markdown[2:]]
    assert len(table) == len(rows)  # one line per record
    assert all(len(row) == len(table[0]) for row in table)  # no cell adds a column
    assert table[0] == rows[0] and [r[0] for r in table] == [r[0] for r in rows]  # header and first column as csv


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_piped_default_is_plain_tab_separated_text(args):
    out = ok(*args)
    assert "\x1b" not in out and "─" not in out and "│" not in out
    assert all("\t" in line for line in out.splitlines())


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_table_format_draws_without_colour_in_a_pipe(args):
    """A table asked for in a pipe: no colour codes, the pipe's width (100
    columns), and every record the JSON has, by its id, on a line of its own."""
    from rich.cells import cell_len

    out = ok(*args, "--format", "table")
    assert out.strip() and "\x1b" not in out
    assert max(cell_len(line) for line in out.splitlines()) <= 100
    data = json.loads(ok(*args, "--format", "json"))
    records = [data] if args[0] in SINGLE else data
    if args[0] == "overview":
        records = data["sections"] + data["headline_figures"]
    keys = [r.get("id") or r.get("fact") for r in records]
    keys = [k for k in keys if k]
    assert keys, "the command's records must have ids to look for"
    lines = out.splitlines()
    for key in keys:
        assert any(key in line for line in lines), key


def test_json_is_short_for_format_json():
    assert ok("sections", "--json") == ok("sections", "--format", "json")


def test_json_and_another_format_contradict():
    result = jlp("sections", "--json", "--format", "csv")
    assert result.exit_code == 2 and "contradict" in result.stderr


def test_jlp_alone_is_the_overview():
    assert ok("--json") == ok("overview", "--json")
    assert "sections" in json.loads(ok("--json"))


def test_options_before_the_command_apply_to_it():
    assert ok("--json", "sections") == ok("sections", "--json")


def test_version():
    assert ok("--version").startswith("jlp ")


# -- records keep the schema's field names, all present -----------------------

FACT_KEYS = ["id", "section", "kind", "text", "quote", "entities", "figures", "tags", "period"]


def test_fact_json_has_every_field_in_schema_order():
    record = json.loads(ok("show", "hydrogen-revenue-2023", "--json"))
    assert list(record) == FACT_KEYS
    facts = json.loads(ok("facts", "--json"))
    assert all(list(f) == FACT_KEYS for f in facts)
    assert any(f["period"] is None for f in facts)  # absent values are null, not missing
    figure = record["figures"][0]
    assert list(figure)[:4] == ["metric", "value", "value_end", "components"]


def test_search_results_add_a_score():
    hits = json.loads(ok("search", "hydrogen revenue", "--json"))
    assert list(hits[0]) == FACT_KEYS + ["score"]
    assert hits[0]["score"] >= hits[-1]["score"]


def test_explain_adds_what_matched():
    hit = json.loads(ok("search", "qingneng", "--json", "--explain", "-n", "1"))[0]
    assert hit["explain"]["matches"] and "bm25" in hit["explain"]["score_parts"]


def test_fields_picks_nested_fields():
    facts = json.loads(ok("facts", "--json", "--fields", "id,text.en"))
    assert all(set(f) == {"id", "text"} and set(f["text"]) == {"en"} for f in facts)
    tsv = ok("facts", "--format", "tsv", "--fields", "id,text.en").splitlines()
    assert tsv[0] == "id\ttext.en"


def test_unknown_field_is_a_usage_error_listing_valid_ones():
    result = jlp("facts", "--json", "--fields", "id,colour")
    assert result.exit_code == 2
    assert "colour" in result.stderr and "text.en" in result.stderr


def test_fields_with_a_table_show_a_table_of_those_fields():
    out = ok("facts", "--section", "opening-up", "--format", "table", "--fields", "id,period", env={"COLUMNS": "100"})
    header = out.splitlines()[0].split()
    assert header == ["id", "period"]
    assert "foreign-investment-growth-rank-2024q1" in out and "2024-Q1" in out and "text" not in out
    assert jlp("facts", "--format", "table", "--fields", "id,colour").exit_code == 2


@pytest.mark.parametrize("option, value", [("--format", "xml"), ("--lang", "fr")])
def test_invalid_choices_list_the_valid_ones(option, value):
    result = jlp("facts", option, value)
    assert result.exit_code == 2
    assert value in result.stderr and ("json" in result.stderr or "both" in result.stderr)
    assert "Traceback" not in result.stderr


# -- languages -------------------------------------------------------------------

def test_plain_output_has_zh_and_en_columns():
    header = ok("facts", "--format", "tsv").splitlines()[0].split("\t")
    assert header == ["id", "section", "kind", "text.zh", "text.en"]


def test_explicit_lang_never_falls_back():
    english = ok("facts", "--format", "tsv", "--lang", "en").splitlines()
    assert english[0].split("\t")[-1] == "text.en" and "text.zh" not in english[0]
    record = json.loads(ok("show", "hydrogen-revenue-2023", "--json", "--lang", "zh"))
    assert record["text"] == {"zh": "2023年，九龙坡区氢能产业实现营业收入10.6亿元，同比增长32.5%。"}
    table = ok("show", "hydrogen-revenue-2023", "--format", "table", "--lang", "en")
    assert "operating revenue" in table and "九龙坡区氢能产业" not in table  # the quote stays: it is the source


def test_lang_from_the_environment():
    out = ok("facts", "--format", "tsv", env={"JLP_LANG": "en"})
    assert "text.zh" not in out.splitlines()[0]
    result = jlp("facts", env={"JLP_LANG": "klingon"})
    assert result.exit_code == 2 and "JLP_LANG" in result.stderr


# -- filters, lookups and exit statuses -------------------------------------------

def test_filters_combine():
    facts = json.loads(ok("facts", "--json", "--section", "innovation", "--kind", "statistic"))
    assert facts and all(f["section"] == "innovation" and f["kind"] == "statistic" for f in facts)
    tagged = json.loads(ok("facts", "--json", "--tag", "hydrogen", "--entity", "西部氢谷"))
    assert tagged and all("hydrogen" in f["tags"] and "western-hydrogen-valley" in f["entities"] for f in tagged)


@pytest.mark.parametrize("name", ["2", "inno", "innovation", "INNOVATION"])
def test_a_section_by_number_prefix_or_id(name):
    assert json.loads(ok("section", name, "--json"))["id"] == "innovation"


@pytest.mark.parametrize("name", ["chinalco", "Chinalco", "中铝集团", "Aluminum Corporation of China", "中铝"])
def test_an_entity_by_any_name(name):
    card = json.loads(ok("entity", name, "--json"))
    assert card["id"] == "chinalco" and card["facts"] and card["related"]


def test_empty_filter_result_exits_1_with_valid_empty_output():
    result = jlp("facts", "--json", "--section", "captions", "--kind", "statistic")
    assert result.exit_code == 1 and json.loads(result.stdout) == []
    assert "no fact matches" in result.stderr
    result = jlp("facts", "--format", "csv", "--section", "captions", "--kind", "statistic")
    assert result.exit_code == 1 and result.stdout.splitlines() == ["id,section,kind,text.zh,text.en"]


def test_no_search_hit_exits_1():
    result = jlp("search", "xylophone", "--json")
    assert result.exit_code == 1 and result.stdout == "[]\n"
    assert "xylophone" in result.stderr


@pytest.mark.parametrize("args", [["show", "no-such-fact"], ["entity", "Atlantis"], ["section", "nowhere"]])
def test_unknown_id_or_name_exits_1(args):
    result = jlp(*args, "--json")
    assert result.exit_code == 1 and json.loads(result.stdout) is None
    assert result.stderr.startswith("jlp: ") and "hint: " in result.stderr


@pytest.mark.parametrize("fmt, load", [("json", json.loads), ("yaml", yaml.safe_load)])
def test_a_lookup_that_finds_nothing_still_writes_a_valid_empty_document(fmt, load):
    for args in (["show", "no-such-fact"], ["entity", "no-such-entity"], ["section", "no-such-section"]):
        result = jlp(*args, "--format", fmt)
        assert result.exit_code == 1, args
        assert result.stdout == "null\n" and load(result.stdout) is None, args


def test_a_format_given_before_export_applies_to_it():
    out = ok("--format", "yaml", "export")
    assert out.startswith("schema_version: 1\n")
    assert yaml.safe_load(out)["schema_version"] == 1


def test_show_suggests_a_close_id():
    result = jlp("show", "hydrogen-revenue-2022")
    assert "hydrogen-revenue-2023" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["facts", "--section", "nowhere"],
        ["facts", "--kind", "rumour"],
        ["facts", "--entity", "Atlantis"],
        ["facts", "--tag", "no-such-tag"],
        ["entities", "--type", "planet"],
        ["search", "   "],
        ["search", "？！。"],
        ["figures", "--sort", "colour"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2_with_one_sentence_and_a_hint(args):
    result = jlp(*args)
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("jlp: ") and lines[-1].startswith("hint: ")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_facts_option_and_environment_point_at_another_book():
    assert len(json.loads(ok("facts", "--json", "--facts", str(MINI)))) == 5
    assert len(json.loads(ok("facts", "--json", env={"JLP_FACTS": str(MINI)}))) == 5
    assert len(json.loads(ok("--facts", str(MINI), "facts", "--json"))) == 5


def test_a_missing_facts_file_is_a_clear_error(tmp_path):
    result = jlp("facts", "--facts", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_a_broken_facts_file_gives_the_validate_report(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.read_text(encoding="utf-8").replace("kind: project", "kind: rumour"), encoding="utf-8")
    result = jlp("facts", "--facts", str(bad))
    assert result.exit_code == 2 and "facts[0].kind" in result.stderr
    assert "hint: run 'jlp validate' for the full report" in result.stderr


# -- figures, timeline --------------------------------------------------------------

def test_figures_sort_by_base_value():
    rows = json.loads(ok("figures", "--json", "--sort", "value_base", "--reverse"))
    values = [r["value_base"] for r in rows]
    present = [v for v in values if v is not None]
    assert values == present + [None] * (len(values) - len(present))  # no value: last, either way
    assert present == sorted(present, reverse=True) and present[0] == 1.06e9


def test_figures_table_has_a_growth_chart():
    out = ok("figures", "--format", "table", "--lang", "en")
    assert "growth rates" in out and "█" in out
    assert "growth rates" not in ok("figures", "--format", "table", "--no-chart")


def test_timeline_runs_from_the_1950s_to_2024_q1():
    rows = json.loads(ok("timeline", "--json"))
    assert rows[0]["period"] == "1950s/1990s" and rows[-1]["period"] == "2024-Q1"
    assert [(r["start"], r["end"]) for r in rows] == sorted((r["start"], r["end"]) for r in rows)
    # every dated fact, once, and nothing else
    facts = json.loads(ok("facts", "--json"))
    dated = {f["id"] for f in facts if f["period"] or any(g["period"] for g in f["figures"])}
    assert sorted(r["fact"] for r in rows) == sorted(dated)
    # the table shows each of them with its period whole
    table = ok("timeline", "--format", "table", "--lang", "en")
    for row in rows:
        assert any(row["fact"] in line and row["period"] in line for line in table.splitlines()), row


# -- validate, schema, export -------------------------------------------------------

def test_validate_is_clean_on_the_shipped_book():
    result = jlp("validate")
    assert result.exit_code == 0 and "no problems" in result.stderr


def test_validate_reports_every_problem_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = MINI.read_text(encoding="utf-8").replace("kind: project", "kind: rumour")
    text = text.replace("section: industry\n    kind: organisation", "section: nowhere\n    kind: organisation")
    bad.write_text(text, encoding="utf-8")
    before = bad.read_bytes()
    result = jlp("validate", "--facts", str(bad), "--json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False and len(report["problems"]) == 2
    assert {p["path"] for p in report["problems"]} == {"facts[0].kind", "facts[3].section"}
    assert all(p["line"] for p in report["problems"])
    assert bad.read_bytes() == before  # validate never changes the file


def test_validate_source_option(tmp_path):
    text = tmp_path / "article.txt"
    text.write_text("not the article", encoding="utf-8")
    result = jlp("validate", "--facts", str(MINI), "--source", str(text))
    assert result.exit_code == 2 and "not in the source" in result.stdout
    missing = jlp("validate", "--source", str(tmp_path / "none.txt"))
    assert missing.exit_code == 2 and "--source" in missing.stderr


@pytest.mark.parametrize("source, said, hint", [
    ("none.txt", "does not exist", "check the path given by --source"),
    (".", "is a directory, not an article text", "pass the path of the article's text file"),
    ("/dev/null", "is a device, not an article text", "pass the path of the article's text file"),
])
def test_a_source_that_is_no_text_file_is_told_about_the_source_not_the_facts(tmp_path, source, said, hint):
    path = source if source.startswith("/") else str(tmp_path / source)
    result = jlp("validate", "--facts", str(MINI), "--source", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"jlp: the --source text {Path(path)}: {said}.", f"hint: {hint}"]


def test_a_source_over_the_size_limit_is_told_as_the_article_text(tmp_path):
    text = tmp_path / "article.txt"
    text.write_text("湖" * 700_000, encoding="utf-8")  # 2.0 MB
    result = jlp("validate", "--facts", str(MINI), "--source", str(text), env={"JLP_MAX_FACTS_MB": "1"})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"jlp: the --source text {text}: is 2 MB, over the 1 MB limit for an article text.",
        "hint: set JLP_MAX_FACTS_MB to raise the limit"]


def test_schema_is_json_schema_of_the_book():
    schema = json.loads(ok("schema"))
    assert schema["type"] == "object" and {"article", "sections", "entities", "facts"} <= set(schema["properties"])
    # What an editor reads first: the draft to validate with, and the name to show.
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "jlp fact book (facts.yaml)"
    assert yaml.safe_load(ok("schema", "--format", "yaml")) == schema


def test_export_round_trips(tmp_path):
    document = json.loads(ok("export", "--format", "json"))
    assert list(document) == ["schema_version", "article", "sections", "entities", "facts"]
    target = tmp_path / "book.yaml"
    ok("export", "--format", "yaml", "-o", str(target))
    assert jlp("validate", "--facts", str(target)).exit_code == 0
    again = jlp("export", "--format", "yaml", "-o", str(target))
    assert again.exit_code == 2 and "--force" in again.stderr
    ok("export", "--format", "yaml", "-o", str(target), "--force")


# -- data never becomes markup or terminal control ------------------------------------

@pytest.fixture()
def hostile_book(tmp_path):
    text = MINI.read_text(encoding="utf-8")
    text = text.replace(
        "en: Lakelight Aluminium produces aluminium alloy ingots every year.",
        'en: "[bold red]Lakelight[/] \\x1b[2J\\x1b]0;pwned\\x07 [link=http://x]ingots[/link] \\u202eevil\\u200b"',
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("fmt", ["table", "tsv", "markdown"])
def test_markup_and_escapes_in_data_print_literally(hostile_book, fmt):
    out = ok("show", "aluminium-ingots", "--facts", hostile_book, "--format", fmt, "--lang", "en",
             env={"FORCE_COLOR": "1"} if fmt == "table" else None)
    assert "[bold red]Lakelight[/]" in out and "[link=http://x]ingots[/link]" in out
    assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out
    assert "\\x1b[2J" in out and "<U+202E>" in out and "<U+200B>" in out


def test_json_carries_control_characters_escaped(hostile_book):
    out = ok("show", "aluminium-ingots", "--facts", hostile_book, "--json")
    assert "\x1b" not in out and "\\u001b[2J" in out
    assert json.loads(out)["text"]["en"].startswith("[bold red]Lakelight[/] \x1b[2J")


# -- help: every command documented, with an example ------------------------------------

def command_names():
    from jlp_cli.cli.registry import COMMANDS

    return sorted(COMMANDS)


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_with_an_example(name):
    out = ok(name, "--help")
    assert "Example" in out, name


def test_help_documents_the_exit_statuses():
    out = ok("--help")
    assert "Exit status" in out and "nothing found" in out


# -- completion -----------------------------------------------------------------------------

def test_completion_offers_ids():
    from jlp_cli.cli import complete

    class Ctx:
        params: dict = {}

        def find_root(self):
            return self

        obj = None

    ids = [item[0] for item in complete.complete_fact_ids(Ctx(), "hydrogen-rev")]
    assert ids == ["hydrogen-revenue-2023"]
    assert "innovation" in [item[0] for item in complete.complete_sections(Ctx(), "inn")]
    assert complete.complete_kinds("stat") == ["statistic"]


# -- the JSON contract: the keys scripts read ---------------------------------------------------

FIGURE_KEY_SET = {"metric", "value", "value_end", "unit", "unit_en", "value_base", "value_base_end", "unit_base",
               "derived", "period", "as_written", "comparison", "components"}
FACT_KEY_SET = {"id", "section", "kind", "text", "quote", "entities", "figures", "tags", "period"}
ENTITY_KEY_SET = {"id", "type", "name", "aliases", "description", "fact_count"}
KEYS = {  # command → the keys of each record (README, "Output")
    ("facts",): FACT_KEY_SET,
    ("show", "hydrogen-revenue-2023"): FACT_KEY_SET,
    ("search", "氢能"): FACT_KEY_SET | {"score"},
    ("figures",): FIGURE_KEY_SET | {"fact", "section"},
    ("timeline",): {"period", "start", "end", "fact", "section", "kind", "text"},
    ("sections",): {"id", "order", "title", "tagline", "summary", "fact_count"},
    ("entities",): ENTITY_KEY_SET,
    ("entity", "Chinalco"): ENTITY_KEY_SET | {"facts", "related"},
    ("section", "innovation"): {"id", "order", "title", "tagline", "summary", "fact_count", "facts", "entities",
                                "figures"},
    ("overview",): {"article", "sections", "headline_figures", "counts"},
}


@pytest.mark.parametrize("args", list(KEYS), ids=lambda a: " ".join(a))
def test_every_record_has_the_documented_keys(args):
    data = json.loads(ok(*args, "--json"))
    records = [data] if args[0] in SINGLE else data
    assert records
    for record in records:
        assert set(record) == KEYS[args], record.get("id")
        for figure in record.get("figures") or ():
            assert set(figure) >= FIGURE_KEY_SET


def test_an_entity_card_lists_related_entities_by_id_name_type_and_what_they_share():
    card = json.loads(ok("entity", "Chinalco", "--json"))
    assert card["related"]
    for related in card["related"]:
        assert set(related) == {"id", "name", "type", "shared_facts"}
        assert isinstance(related["name"], dict) and related["type"] and related["shared_facts"] >= 1
    shared = [r["shared_facts"] for r in card["related"]]
    assert shared == sorted(shared, reverse=True)  # the most shared first


def test_a_section_shows_only_its_own_figures_and_facts():
    detail = json.loads(ok("section", "innovation", "--json"))
    assert detail["figures"] and {f["section"] for f in detail["figures"]} == {"innovation"}
    assert {f["section"] for f in detail["facts"]} == {"innovation"}
    every = json.loads(ok("figures", "--json"))
    assert len(detail["figures"]) == sum(f["section"] == "innovation" for f in every) < len(every)


def test_fields_may_be_written_with_spaces_after_the_commas():
    spaced = json.loads(ok("facts", "--json", "--fields", "id, text.en"))
    assert spaced == json.loads(ok("facts", "--json", "--fields", "id,text.en"))
    assert list(spaced[0]) == ["id", "text"] and list(spaced[0]["text"]) == ["en"]


#: The header of each listing in csv and tsv, and the fields of each single
#: record (one "field<TAB>value" line each): what a script reads by name.
TABULAR = {
    ("facts",): "id section kind text.zh text.en",
    ("search", "氢能"): "id score section text.zh text.en",
    ("entities",): "id type fact_count name.zh name.en aliases",
    ("sections",): "order id fact_count title.zh title.en tagline.zh tagline.en",
    ("figures",): "fact metric.zh metric.en value value_end unit unit_en value_base value_base_end unit_base derived "
                  "period as_written",
    ("timeline",): "period fact text.zh text.en",
    ("overview",): "field article.title.zh article.title.en article.source.zh article.source.en counts.facts "
                   "counts.entities counts.figures sections headline_figures",
    ("section", "intro"): "field id order title.zh title.en summary.zh summary.en fact_count entities facts",
    ("entity", "chinalco"): "field id type name.zh name.en aliases fact_count facts related",
    ("show", "hydrogen-revenue-2023"): "field id section kind text.zh text.en quote entities figures tags period",
}


@pytest.mark.parametrize("args", list(TABULAR), ids=[" ".join(a) for a in TABULAR])
def test_tsv_and_csv_name_their_columns(args):
    lines = ok(*args, "--format", "tsv").splitlines()
    names = lines[0].split("\t") if args[0] not in SINGLE else [line.split("\t")[0] for line in lines]
    assert names == TABULAR[args].split()
    rows = list(csv.reader(io.StringIO(ok(*args, "--format", "csv"), newline="")))
    assert (rows[0] if args[0] not in SINGLE else [row[0] for row in rows]) == TABULAR[args].split()


def test_a_section_lists_its_entities_and_facts_by_id_in_tsv():
    cells = dict(line.split("\t", 1) for line in ok("section", "intro", "--format", "tsv").splitlines())
    section = json.loads(ok("section", "intro", "--format", "json"))
    assert json.loads(cells["entities"]) == [e["id"] for e in section["entities"]]
    assert json.loads(cells["facts"]) == [f["id"] for f in section["facts"]]


@pytest.mark.parametrize("args, sentence, hint", [
    (["entities", "--type", "organisation"], "no entity of that type", "list every entity with jlp entities"),
    (["search", "zzqqxx"], "no fact matches 'zzqqxx'",
     "try fewer words, another spelling, pinyin or English; filters narrow the search too"),
    (["facts", "--kind", "slogan"], "no fact matches all of these filters",
     "drop a filter, or list what exists with jlp sections, jlp entities"),
])
def test_nothing_found_is_one_sentence_a_hint_and_status_1(args, sentence, hint):
    result = jlp(*args, "--facts", str(MINI))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"jlp: {sentence}.\nhint: {hint}\n"


def test_validate_at_a_terminal_lists_each_problem_where_an_editor_jumps_to_it(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\narticle: x\n", encoding="utf-8")
    result = jlp("validate", "--facts", str(path), "--format", "table", env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [f"{path}:1:1: sections: required key is missing",
                                          f"{path}:1:1: facts: required key is missing",
                                          f"{path}:2:10: article: must be a mapping of keys and values"]


def test_all_hints_at_partial_matches_only_when_there_are_some():
    partial = jlp("search", "--all", "hydrogen zebra")
    assert partial.exit_code == 1
    assert partial.stderr.splitlines()[-1] == "hint: without --all, facts that match some of the words are shown"
    nothing = jlp("search", "--all", "zzqqxyz")
    assert nothing.exit_code == 1 and "without --all" not in nothing.stderr


def test_markdown_has_one_separator_cell_a_column():
    lines = ok("figures", "--format", "markdown").splitlines()
    assert lines[1] == "|" + "---|" * lines[0].count(" | ") + "---|"
    assert all(line.count("|") == lines[0].count("|") for line in lines[2:] if "\\|" not in line)


def test_validate_at_a_terminal_puts_each_problem_s_hint_after_it(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace("section: industry", "section: nosuch", 1),
                    encoding="utf-8")
    lines = jlp("validate", "--facts", str(path), "--format", "table", env={"COLUMNS": "200"}).stdout.splitlines()
    assert f"{path}:61:14: facts[2].section: unknown section 'nosuch' (use one of: industry, intro)" in lines
