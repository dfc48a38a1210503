"""The human views: what a reader sees at a terminal, at any width.

The width sweep (test_render_widths.py) checks that no value is ever cut;
these tests check how the views fit: which columns go first and how the
footer says so, stacked records, thousands separators, English units and
aliases under --lang en, derived values, --fields at a terminal, the growth
chart, and the layout rules underneath.
"""

from __future__ import annotations

import io
import re

import pytest
from typer.testing import CliRunner

from jlp_cli.cli.app import app
from jlp_cli.render import layout, views
from jlp_cli.render.human import render
from jlp_cli.render.language import aliases, has_han
from jlp_cli.render.numbers import figure_base, figure_value, quantity

from .conftest import FIXTURES

EDGES = str(FIXTURES / "edges.yaml")
MINI_BOOK = str(FIXTURES / "mini.yaml")
runner = CliRunner()


def table(*args: str, width: int = 100) -> str:
    result = runner.invoke(app, [*args, "--format", "table"], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def drawn(view, width: int = 100, lang: str = "both", color: bool = False) -> str:
    buffer = io.StringIO()
    render(view, buffer, color=color, lang=lang, width=width)
    return buffer.getvalue()


# -- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [
    (1060000000, "1,060,000,000"), (1.06e9, "1,060,000,000"), (123456789012, "123,456,789,012"),
    (2.5e8, "250,000,000"), (12345.5, "12,345.5"), (-98765, "-98,765"), (10000, "10,000"),
    (2023, "2023"), (1950, "1950"), (9999, "9999"), (166.67, "166.67"), (10.6, "10.6"), (0.5, "0.5"),
    (1234.56789012, "1234.56789012"), (1e20, "1e+20"), (3.0, "3"),
    (-2.5e8, "-250,000,000"), (-12345.25, "-12,345.25"), (-1234.5, "-1234.5"), (-1e20, "-1e+20"), (1.5e-7, "1.5e-07"),
])
def test_thousands_separators_from_five_digits_and_never_a_changed_digit(value, shown):
    assert quantity(value) == shown
    assert quantity(value).replace(",", "") == shown.replace(",", "")  # the digits themselves untouched


def test_figure_values_ranges_and_expressions():
    assert figure_value({"components": [1, 8]}) == "1+8"
    assert figure_value({"value": 12000, "value_end": 98765}) == "12,000–98,765"
    assert figure_base({"value_base": 1950, "value_base_end": 1999}) == "1950–1999"
    assert figure_base({"value_base": None}) == ""


# -- the figures table, narrow and wide ----------------------------------------------------------

def test_figures_drop_whole_columns_and_say_which_once():
    wide = table("figures", "--lang", "en", width=200)
    assert "as written" in wide and "not shown at this width" not in wide
    dropped = []
    for width in range(200, 99, -2):
        narrower = table("figures", "--lang", "en", width=width)
        footer = [line for line in narrower.splitlines() if line.startswith("not shown at this width")]
        assert len(footer) <= 1  # said once
        if footer:
            named = footer[0].removeprefix("not shown at this width: ").split(" — ")[0].split(", ")
            if named not in dropped:
                dropped.append(named)
        assert "metric" in narrower.splitlines()[0]  # the metric stays
    # the least needed column goes first, each whole
    assert dropped[0] == ["as written"]
    assert all(d[0] == "as written" for d in dropped)


def test_figures_lift_the_fact_id_then_stack_records_when_narrow():
    lifted = table("figures", "--lang", "en", width=80)
    lines = lifted.splitlines()
    assert lines[0].split() == ["metric", "value", "unit", "base", "value", "period"]
    assert "hydrogen-revenue-2023" in lines  # the id alone on its line, above its row
    assert any(re.search(r"hydrogen industry +10\.6 +100 million yuan +1,060,000,000 +2023$", line) for line in lines)
    stacked = table("figures", "--lang", "en", width=60)
    assert "hydrogen-revenue-2023 · 2023" in stacked
    assert "  base value  1,060,000,000" in stacked and "  as written  10.6亿元" in stacked
    assert "not shown at this width" not in stacked  # a stacked record shows every field


def test_the_readme_case_shows_every_number_whole():
    out = table("figures", "--lang", "en", "--sort", "value_base", "--reverse", width=100)
    for whole in ("1,060,000,000", "50–90", "1950–1999", "1950s/1990s", "166.67", "2024-Q1", "1+8"):
        assert whole in out
    assert "106000000" not in out.replace(",", "").replace("1060000000", "")


def test_overview_headline_figures_keep_their_metric_at_80_columns():
    out = table("--lang", "en", width=80)
    headline = out[out.index("headline figures"):]
    assert "metric" in headline.splitlines()[1]
    assert "new-foreign-enterprises-2024q1" in headline and "166.67" in headline
    assert "year-on-year growth in" in headline and "…" not in headline


def test_growth_chart_labels_are_wrapped_whole_never_cut():
    for width in (40, 60, 100):
        out = table("figures", "--lang", "en", width=width)
        chart = out[out.index("growth rates (%)"):]
        words = " ".join(chart.split())
        assert "year-on-year growth in the number of newly established foreign-invested enterprises (2024-Q1)" \
            in words
        assert "166.67%" in chart and "32.5%" in chart
        assert all(len(line) <= width for line in chart.splitlines())


# -- listings and cards when narrow --------------------------------------------------------------

def test_fact_listing_drops_section_then_kind_then_stacks():
    assert table("facts", "--lang", "en", width=200).splitlines()[0].split() == ["id", "section", "kind", "period",
                                                                                 "text"]
    assert table("facts", "--lang", "en", width=120).splitlines()[0].split() == ["id", "kind", "period", "text"]
    assert table("facts", "--lang", "en", width=100).splitlines()[0].split() == ["id", "period", "text"]
    stacked = table("facts", "--lang", "en", width=90)
    assert "hydrogen-revenue-2023 · innovation · statistic · 2023" in stacked
    assert "─" not in stacked and "not shown at this width" not in stacked


def test_search_hits_stack_with_their_score():
    out = table("search", "氢能", "--limit", "2", "--lang", "en", width=60)
    assert re.search(r"^[a-z0-9-]+ · score \d+\.\d+ · innovation", out, re.M)


def test_cards_keep_labels_beside_values_and_every_line_fits():
    for width in (40, 60, 80):
        out = table("show", "hydrogen-revenue-2023", width=width)
        assert out.startswith("id")
        assert "1,060,000,000" in out and "2023" in out
        assert all(len(line) <= width for line in out.splitlines() if line.isascii())


def test_section_card_counts_of_entities_are_explained():
    out = table("section", "innovation", "--lang", "en", width=100)
    assert "Jiulongpo District ×79" in out
    assert "×n after an entity: the number of facts that mention it in the whole article" in out


def test_entity_card_shows_the_figures_of_its_facts():
    out = table("entity", "hill-county", "--facts", EDGES, "--lang", "en", width=160)
    assert "figures (8)" in out and "123,456,789,012" in out and "250,000,000" in out


def test_long_ids_are_never_broken_from_80_columns():
    long_id = "extraordinarily-long-identifier-for-the-county-operating-revenue-2023"
    for width in (80, 100, 120):
        for args in (["facts"], ["figures"], ["show", long_id], ["timeline"]):
            out = table(*args, "--facts", EDGES, width=width)
            assert re.search(rf"(?<![\w-]){long_id}(?![\w-])", out), (args, width)


def test_extension_characters_and_pipes_in_names():
    out = table("entities", "--facts", EDGES, width=160)
    assert "山乡𠀀㑯新材料有限公司" in out and "Pipe | Line Works" in out


# -- --lang en: English units and aliases ------------------------------------------------------

FIGURE = {"fact": "site-area", "section": "s", "metric": {"zh": "面积", "en": "area"}, "value": 3, "value_end": None,
          "components": [], "unit": "平方公里", "unit_en": "km²", "value_base": 3, "value_base_end": None,
          "unit_base": "km2", "period": "2023", "comparison": None, "as_written": "3平方公里"}
DERIVED = {**FIGURE, "fact": "platforms", "metric": {"zh": "平台数量", "en": "number of platforms"}, "value": None,
           "components": [1, 8], "unit": None, "unit_en": None, "value_base": 9, "unit_base": "platform",
           "as_written": "1+8", "derived": True}


def test_english_views_show_english_units():
    english = drawn(views.figures([FIGURE], chart=False), lang="en")
    assert "km²" in english and "平方公里" not in english.replace("3平方公里", "")  # as written stays verbatim
    chinese = drawn(views.figures([FIGURE], chart=False), lang="zh")
    assert "平方公里" in chinese and "km²" not in chinese
    both = drawn(views.figures([FIGURE], chart=False), lang="both")
    assert "平方公里" in both and "km²" in both


def test_a_unit_written_alike_in_both_languages_is_shown_once():
    rate = {**FIGURE, "metric": {"zh": "增速", "en": "growth"}, "value": 32.5, "unit": "%", "unit_en": "%",
            "value_base": 32.5, "unit_base": "percent", "as_written": "32.5%"}
    for width in (40, 100):
        out = drawn(views.figures([rate], chart=False), width=width, lang="both")
        assert out.replace("32.5%", "").count("%") == 1, out  # the unit; "32.5%" is the number as written


def test_a_stacked_figure_puts_the_unit_after_its_value():
    revenue = {**FIGURE, "value": 10.6, "unit": "亿元", "unit_en": "100 million yuan", "value_base": 1060000000,
               "unit_base": "CNY", "as_written": "10.6亿元"}
    english = drawn(views.figures([revenue], chart=False), width=40, lang="en")
    assert "  value       10.6 × 100 million yuan" in english.splitlines()
    assert "  base value  1,060,000,000 CNY" in english.splitlines()
    chinese = drawn(views.figures([revenue], chart=False), width=40, lang="zh")
    assert "  value       10.6 亿元" in chinese.splitlines()


def test_the_unit_as_written_when_the_book_has_no_english_unit():
    older = {k: v for k, v in FIGURE.items() if k != "unit_en"}
    assert "平方公里" in drawn(views.figures([older], chart=False), lang="en")


def test_derived_values_are_marked_with_a_note():
    out = drawn(views.figures([FIGURE, DERIVED], chart=False), width=160, lang="en")
    assert re.search(r"(?<![\d,])9\*", out)
    assert "* derived: worked out from the article's numbers, not written in the article" in out
    assert "3*" not in out  # only the derived one
    plain = drawn(views.figures([FIGURE], chart=False), width=160, lang="en")
    assert "derived" not in plain and "*" not in plain
    stacked = drawn(views.figures([DERIVED], chart=False), width=40, lang="en")
    assert "9*" in stacked and "derived" in stacked


def test_aliases_follow_the_language():
    names = ["Chongqing", "Chongqing City", "重庆", "渝", "𠀀㑯 Materials"]
    assert aliases(names, "en") == ["Chongqing", "Chongqing City"]
    assert aliases(names, "zh") == ["重庆", "渝", "𠀀㑯 Materials"]
    assert aliases(names, "both") == names
    assert has_han("㑯") and has_han("𠀀") and not has_han("Chinalco")
    english = table("entity", "chongqing-municipality", "--lang", "en")
    assert "Chongqing City" in english and "重庆" not in english and "渝" not in english
    chinese = table("entity", "chongqing-municipality", "--lang", "zh")
    assert "渝" in chinese and "Chongqing City" not in chinese
    listing = table("entities", "--type", "place", "--lang", "en", width=160)
    assert "Chongqing City" in listing and "渝" not in listing


def test_the_quote_stays_in_english_views():
    out = table("show", "hydrogen-revenue-2023", "--lang", "en")
    assert "「2023年，全区氢能产业实现营业收入10.6亿元，同比增速32.5%」" in "".join(out.split())


# -- --fields at a terminal --------------------------------------------------------------------

def test_fields_make_a_table_of_those_fields():
    out = table("figures", "--fields", "fact,value_base,period", width=100)
    assert out.splitlines()[0].split() == ["fact", "value_base", "period"]
    assert re.search(r"hydrogen-revenue-2023 +1,060,000,000 +2023", out)
    card = table("show", "hydrogen-revenue-2023", "--fields", "id,period,text.en")
    assert card.splitlines()[0].split() == ["id", "hydrogen-revenue-2023"]
    assert "text.en" in card and "period   2023" in card


# -- colour ------------------------------------------------------------------------------------

def test_colour_changes_nothing_but_the_styles():
    view = views.figures([FIGURE, DERIVED], chart=False)
    coloured = drawn(view, width=80, color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == drawn(view, width=80)


@pytest.mark.parametrize("command, make", [("figures", lambda r: views.figures(r, chart=True)),
                                           ("timeline", views.timeline), ("entities", views.entities),
                                           ("sections", views.sections), ("facts", views.facts)])
def test_colour_changes_nothing_but_the_styles_in_every_listing(command, make):
    import json

    records = json.loads(runner.invoke(app, [command, "--format", "json"]).stdout)
    for width in (40, 100):
        coloured = drawn(make(records), width=width, color=True)
        assert "\x1b[" in coloured
        assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == drawn(make(records), width=width)


@pytest.mark.parametrize("env, options, coloured", [
    ({"FORCE_COLOR": "1"}, [], True),
    ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
    ({"FORCE_COLOR": "1"}, ["--no-color"], False),
    ({}, [], False),
])
def test_no_color_and_the_no_color_option_win_over_force_color(env, options, coloured):
    result = runner.invoke(app, ["sections", "--format", "table", *options], env=env)
    assert result.exit_code == 0
    assert ("\x1b[" in result.stdout) is coloured


class _Screen(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("env, coloured", [({"TERM": "xterm-256color"}, True), ({"TERM": "dumb"}, False),
                                           ({"TERM": "dumb", "FORCE_COLOR": "1"}, True),
                                           ({"TERM": "xterm", "NO_COLOR": "1"}, False)])
def test_a_terminal_gets_colour_unless_it_is_dumb_or_no_color_is_set(env, coloured):
    from jlp_cli.cli.context import Settings
    from jlp_cli.cli.output import Terminal

    terminal = Terminal.detect(_Screen(), Settings(env))
    assert terminal.is_tty and terminal.color is coloured
    assert Terminal.detect(io.StringIO(), Settings(env)).color is ("FORCE_COLOR" in env)  # a pipe: only when forced


# -- the layout underneath ------------------------------------------------------------------------

def test_wrap_breaks_between_chinese_characters_never_inside_numbers():
    paragraph = layout.para("2023年，九龙坡区氢能产业实现营业收入10.6亿元，同比增长32.5%。")
    for width in range(8, 40):  # (from 8: "32.5%。" is 7 cells, and a closing mark stays with it)
        lines = ["".join(t for t, _s in line) for line in layout.wrap(paragraph, width)]
        assert "".join(lines) == "2023年，九龙坡区氢能产业实现营业收入10.6亿元，同比增长32.5%。"
        assert all(layout.line_width([(line, "")]) <= width for line in lines)
        assert not any(line.startswith(("，", "。")) for line in lines)  # no line starts with a closing mark
        assert any("10.6" in line for line in lines) and any("32.5%" in line for line in lines)


def test_an_atomic_run_is_never_broken_and_a_too_long_one_folds_at_a_hyphen():
    paragraph = layout.para("1,060,000,000 100 million yuan", atomic=True)
    assert [["".join(t for t, _s in line)] for line in layout.wrap(paragraph, 20)] == \
        [["1,060,000,000 100 mi"], ["llion yuan"]]  # only when wider than the whole line
    lines = layout.wrap(layout.para("extraordinarily-long-identifier-for-the-county", atomic=True), 30)
    assert ["".join(t for t, _s in line) for line in lines] == ["extraordinarily-long-", "identifier-for-the-county"]
    words = layout.joined([layout.para("12,000–98,765", atomic=True), layout.para("平方米", atomic=True)], " ")
    assert ["".join(t for t, _s in line) for line in layout.wrap(words, 14)] == ["12,000–98,765", "平方米"]


def test_a_table_narrows_text_before_dropping_and_stacks_last():
    columns = [layout.Column("id", lambda r: [layout.para(r["id"], atomic=True)]),
               layout.Column("note", lambda r: [layout.para(r["note"])], drop=1),
               layout.Column("text", lambda r: [layout.para(r["text"])], wrap=True)]
    records = [{"id": "a-fairly-long-id", "note": "optional-note", "text": "some words " * 6}]
    wide = layout.table(columns, records, 100)
    assert not wide.dropped and not wide.stacked
    narrow = layout.table(columns, records, 40)
    assert narrow.dropped == ["note"] and not narrow.stacked
    stacked = layout.table(columns, records, 30, key=columns[0])
    assert stacked.stacked and "".join(t for t, _s in stacked.lines[0]) == "a-fairly-long-id"


def test_the_widths_looked_up_without_rich_are_richs():
    from rich.cells import get_character_cell_size

    from jlp_cli.render.layout import _Widths

    samples = [chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x300), *range(0x2000, 0x2070),
                                *range(0x2500, 0x25A0), *range(0x3000, 0x3040), *range(0x3400, 0x4DC0, 7),
                                *range(0x4E00, 0xA000, 3), *range(0xAC00, 0xD7A4, 11), *range(0xFF01, 0xFF61),
                                *range(0x20000, 0x40000, 97), 0x2FFFD, 0x2FFFE, 0x3FFFD)]
    widths = _Widths()
    assert [widths[c] for c in samples] == [get_character_cell_size(c) for c in samples]
    assert layout.cell_width("九龙坡 km² 𠀀㑯") == 6 + 1 + 3 + 1 + 4


def test_the_width_comes_from_the_caller_and_is_never_below_40():
    from jlp_cli.render.terminal import terminal_width

    assert terminal_width(120) == 120
    assert terminal_width(20) == 40


@pytest.mark.parametrize("columns, width", [("150", 150), ("30", 40), ("", 100), ("wide", 100), ("0", 100)])
def test_tables_in_a_pipe_take_columns_or_100(columns, width):
    """--format table in a pipe: $COLUMNS when it is a positive number, else 100; never below 40."""
    from typer.testing import CliRunner

    from jlp_cli.cli.app import app

    out = CliRunner().invoke(app, ["sections", "--format", "table", "--lang", "en"], env={"COLUMNS": columns}).stdout
    assert max(len(line) for line in out.splitlines()) <= width
    assert max(len(line) for line in out.splitlines()) > width - 15


@pytest.mark.slow
def test_a_real_terminal_gets_its_own_width():
    """At a pseudo-terminal 70 columns wide, without $COLUMNS: every line
    fits and the numbers are whole (a pipe and a terminal take different paths)."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    from .conftest import ROOT, read_terminal

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 70, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen([sys.executable, "-m", "jlp_cli", "figures", "--lang", "en", "--sort", "value_base",
                                "--reverse"], stdout=slave, stderr=subprocess.PIPE, cwd=ROOT,
                               env={**env, "TERM": "xterm-256color"})
    os.close(slave)
    output = read_terminal(master, process)
    os.close(master)
    assert process.wait(timeout=60) == 0
    screen = re.sub(r"\x1b\[[0-9;]*m", "", output.decode("utf-8"))
    lines = screen.replace("\r", "").splitlines()
    assert max(layout.cell_width(line) for line in lines) <= 70
    for whole in ("1,060,000,000", "50–90", "1950s/1990s", "2024-Q1", "166.67"):
        assert whole in screen


def test_prose_after_a_full_line_starts_the_next_line():
    words = layout.joined([layout.para("x" * 20, atomic=True), layout.para("Industry in numbers")], "  ")
    assert ["".join(t for t, _s in line) for line in layout.wrap(words, 20)] == ["x" * 20, "Industry in numbers"]
    assert ["".join(t for t, _s in line) for line in layout.wrap(words, 23)] == ["x" * 20, "Industry in numbers"]


@pytest.mark.parametrize("args", [["figures", "--section", "opening-up", "--lang", "en"], ["figures"],
                                  ["facts", "--section", "captions"], ["entities", "--lang", "en"],
                                  ["search", "氢能", "--lang", "en"]])
def test_a_wider_terminal_never_shows_fewer_columns(args):
    """Column by column, what a width drops a wider one keeps or drops too, never more."""
    def dropped(width: int):
        out = table(*args, width=width)
        if not any(line.startswith("───") or line.lstrip().startswith("───") for line in out.splitlines()):
            return None  # one record per block: every field is shown
        footer = [line for line in out.splitlines() if line.startswith("not shown at this width:")]
        if not footer:
            return set()
        return set(footer[0].removeprefix("not shown at this width: ").split(" — ")[0].split(", "))

    previous = None
    for width in range(60, 202, 2):
        now = dropped(width)
        if now is None:
            continue
        if previous is not None:
            assert now <= previous, (width, now, previous)
        previous = now


def test_every_end_of_the_chinese_ranges_counts_as_chinese():
    from jlp_cli.render.language import _HAN_RANGES, has_han

    for low, high in _HAN_RANGES:
        assert has_han(chr(low)) and has_han("a" + chr(high)), hex(high)
        assert not has_han(chr(low - 1) + "abc") or low - 1 in range(0x2E80, 0x9FFF + 1)
    assert not has_han("plain ASCII") and not has_han("café")


@pytest.mark.parametrize("figure, zh, en, both", [
    ({"value": 3}, [], [], []),
    ({"unit": "亿元"}, ["亿元"], ["亿元"], ["亿元"]),
    ({"unit": "亿元", "unit_en": "100 million yuan"}, ["亿元"], ["100 million yuan"], ["亿元", "100 million yuan"]),
    ({"unit": "%", "unit_en": "%"}, ["%"], ["%"], ["%"]),
])
def test_units_in_each_language_and_nothing_made_up(figure, zh, en, both):
    from jlp_cli.render.numbers import units

    assert (units(figure, "zh"), units(figure, "en"), units(figure, "both")) == (zh, en, both)


def test_one_language_reaches_into_lists_and_nested_records():
    from jlp_cli.render.view import only_language

    value = {"name": {"zh": "中铝", "en": "Chinalco"}, "facts": [{"text": {"zh": "甲", "en": "A"}}, 3], "n": 2}
    assert only_language(value, "en") == {"name": {"en": "Chinalco"}, "facts": [{"text": {"en": "A"}}, 3], "n": 2}


def test_numbers_line_up_on_the_right_of_their_columns():
    lines = table("figures", "--facts", MINI_BOOK, "--lang", "en", width=160).splitlines()
    value_end = lines[0].index("value") + len("value")
    base_end = lines[0].index("base value") + len("base value")
    for value in ("60–80", "2.5", "12.5", "50", "1"):
        line = next(line for line in lines if f" {value}  " in line)
        assert line.index(f" {value}  ") + 1 + len(value) == value_end, (value, line)
    line = next(line for line in lines if "250,000,000" in line)
    assert line.index("250,000,000") + len("250,000,000") == base_end


def test_a_fact_card_in_both_languages_names_its_entities_in_both():
    card = table("show", "hydrogen-revenue-2022", "--facts", MINI_BOOK, width=160)
    assert "湖畔镇 (Lakeside Town) · 氢能产业 (hydrogen industry)" in card


def test_a_stacked_listing_says_1_fact_and_2_facts():
    listing = table("entities", "--facts", MINI_BOOK, "--lang", "en", width=40)
    assert "hydrogen-industry · industry · 1 fact\n" in listing
    assert "old-street · place · 2 facts\n" in listing
    assert "1 facts" not in listing


def test_numbers_of_a_fields_table_are_right_aligned():
    lines = table("figures", "--fields", "fact,value_base", width=100).splitlines()
    rows = [line for line in lines[2:] if line.split() and line.split()[-1].replace(",", "").isdigit()]
    assert len(rows) > 5 and len({len(line.rstrip()) for line in rows}) == 1  # every number ends in one place
    assert any(line.rstrip().endswith(" 1,060,000,000") for line in rows)


def test_a_stacked_timeline_heads_each_event_with_its_period_and_fact():
    out = table("timeline", width=40)
    assert "2023 · hydrogen-revenue-2023" in out.splitlines()  # the id on the period's line, not below it
    assert "  2023年，九龙坡区氢能产业实现营业收入" in out.splitlines()


def test_explain_shows_each_match_indented_under_its_hit():
    lines = table("search", "hydorgen", "--explain", "--limit", "1", width=100).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("western-hydrogen-valley-components  score "))
    assert lines[at + 1].startswith("    match ") and " bm25 " in lines[at + 1]
    assert lines[at + 2].startswith("    matched typo (hydrogen) 'hydrogen' in en (quality ")
    partial = table("search", "hydrogen zebra", "--explain", "--limit", "1", width=100).splitlines()
    assert "    unmatched (no match, or only a weak one): zebra" in partial  # what the hit lacks, indented too


def test_records_of_a_kind_without_a_listing_get_one_column_per_key():
    from jlp_cli.render.view import View

    records = [{"name": "Lake", "count": 12345, "note": "a b"}, {"name": "Hill", "count": 7, "extra": None}]
    lines = drawn(View(records, [], kind="thing"), width=60).splitlines()
    assert lines[0].split() == ["name", "count", "note"]  # a key with no value anywhere is no column
    assert lines[2].split() == ["Lake", "12,345", "a", "b"] and lines[3].split() == ["Hill", "7"]
    assert lines[2].index("12,345") + 6 == lines[3].index("7") + 1  # numbers to the right


def test_a_text_written_on_several_lines_stays_in_its_column(tmp_path):
    import yaml

    book = yaml.safe_load(open(MINI_BOOK, encoding="utf-8"))
    book["facts"][0]["text"]["en"] = "First line of the text\nsecond line\tafter a tab\n"
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    lines = table("facts", "--facts", str(path), "--lang", "en", width=80).splitlines()
    column = lines[0].index("text")
    first = next(i for i, line in enumerate(lines) if line.startswith("old-street-renewal"))
    assert lines[first][column:] == "First line of the text"
    assert lines[first + 1] == " " * column + "second line after a tab"
    assert not any("\t" in line for line in lines)


@pytest.mark.parametrize("args, headers", [
    (["facts"], "id | section | kind | period | text"),
    (["search", "氢能"], "id | score | section | kind | period | text"),
    (["entities"], "id | type | facts | name | aliases"),
    (["sections"], "# | id | facts | title and summary"),
    (["figures"], "fact | metric | value | unit | base value | base unit | period | as written"),
    (["timeline"], "period | fact | text"),
])
def test_each_listing_names_its_columns(args, headers):
    """At a width every column fits, the header row names each one (two
    spaces or more apart), in the order of the columns."""
    header = table(*args, width=200).splitlines()[0]
    assert re.split(r"\s{2,}", header.strip()) == headers.split(" | ")


def test_where_a_card_has_room_for_one_name_both_languages_give_the_chinese():
    """The section of a fact and the entities an entity appears with are
    named once: in Chinese in both languages, in English under --lang en."""
    assert "section   industry  产业发展" in table("show", "hydrogen-revenue-2022", "--facts", MINI_BOOK).splitlines()
    assert "section   industry  Industry" in \
        table("show", "hydrogen-revenue-2022", "--facts", MINI_BOOK, "--lang", "en").splitlines()
    assert "appears with  老街社区 ×1 · 氢能产业 ×1" in table("entity", "lakeside-town", "--facts", MINI_BOOK).splitlines()
    assert "appears with  Old Street Community ×1 · hydrogen industry ×1" in \
        table("entity", "lakeside-town", "--facts", MINI_BOOK, "--lang", "en").splitlines()


def test_a_card_names_the_columns_every_one_of_its_tables_left_out():
    """An entity card has two tables: what its figures table drops is named
    in the footer even when the facts table below it drops nothing (it is
    stacked) or drops other columns."""
    def named(page: str) -> list[str]:
        footer = " ".join(page.split("not shown at this width: ")[1].split())
        return footer.split(" — ")[0].split(", ")

    assert named(table("entity", "lakeside-town", "--facts", MINI_BOOK, width=70)) == ["as written", "base unit"]
    assert named(table("entity", "lakeside-town", "--facts", MINI_BOOK, width=80)) == \
        ["as written", "base unit", "section", "kind"]


# -- what each card and listing says, line by line ------------------------------------------------

DIM_SGR = "\x1b[2m"


def test_under_both_languages_the_english_line_is_dim_and_the_chinese_is_not():
    record = {"id": "a-fact", "section": "s", "kind": "statistic", "period": "2023",
              "text": {"zh": "氢能产业营业收入", "en": "hydrogen revenue"}}
    lines = drawn(views.facts([record]), width=100, lang="both", color=True).splitlines()
    chinese = next(line for line in lines if "氢能产业营业收入" in line)
    english = next(line for line in lines if "hydrogen revenue" in line)
    assert DIM_SGR + "hydrogen revenue" in english
    assert DIM_SGR not in chinese
    only_english = drawn(views.facts([record]), width=100, lang="en", color=True)
    assert DIM_SGR not in only_english  # one language alone is never dim


def test_the_footer_names_the_dropped_columns_and_says_how_to_see_them():
    lines = table("entities", "--lang", "en", width=100).splitlines()
    assert lines[-1] == "not shown at this width: aliases — widen the terminal or use --format json"


@pytest.mark.parametrize("width, header, footer", [
    (140, ["id", "type", "facts", "name", "aliases"], None),
    (100, ["id", "type", "facts", "name"], "aliases"),
    (70, ["id", "facts", "name"], "aliases, type"),
])
def test_entities_drop_the_aliases_before_the_type(width, header, footer):
    lines = table("entities", "--lang", "en", width=width).splitlines()
    assert lines[0].split() == header
    said = [line for line in lines if line.startswith("not shown at this width: ")]
    assert [s.split(": ", 1)[1].split(" — ")[0] for s in said] == ([footer] if footer else [])


def test_the_sections_listing_gives_each_sections_one_line_tagline_not_its_summary():
    out = " ".join(table("sections", "--lang", "en", width=100).split())
    assert "Hydrogen, aluminium and digital industries cluster; hydrogen revenue was 1.06 billion yuan in 2023." \
        in out
    assert "This section describes" not in out


def test_a_section_without_a_tagline_is_listed_with_its_summary():
    out = table("sections", "--facts", MINI_BOOK, "--lang", "en", width=100)
    assert "Hydrogen and aluminium industries drive growth." in out.splitlines()[-1]


RATE = {**FIGURE, "fact": "rate", "metric": {"zh": "增速", "en": "growth"}, "value": 50, "unit": "%", "unit_en": "%",
        "value_base": 50, "unit_base": "percent", "period": "2023", "as_written": "50%"}


def chart_of(figures: list, width: int = 60) -> list[str]:
    out = drawn(views.figures(figures, chart=True), width=width, lang="en")
    return out[out.index("growth rates (%)"):].splitlines() if "growth rates (%)" in out else []


def test_the_growth_chart_needs_two_rates():
    assert chart_of([RATE]) == []
    assert chart_of([RATE, FIGURE]) == []  # a figure in km² is no rate
    assert chart_of([RATE, {**RATE, "value": 25}])[0] == "growth rates (%)"


def test_a_negative_rate_gets_a_bar_as_long_as_its_size():
    chart = chart_of([RATE, {**RATE, "value": -25, "metric": {"zh": "降幅", "en": "decline"}}])
    bars = {line.split()[-1]: len(line.split()[0]) for line in chart if "█" in line}
    assert set(bars) == {"50%", "-25%"}
    assert abs(bars["-25%"] - bars["50%"] / 2) <= 1  # half as long: its size, whatever its sign


def test_a_fact_card_labels_each_line_and_lists_tags_with_commas():
    card = table("show", "hydrogen-revenue-2022", "--facts", MINI_BOOK, width=100).splitlines()
    assert card[:4] == ["id        hydrogen-revenue-2022", "section   industry  产业发展", "kind      statistic",
                        "中文      2022年，湖畔镇氢能产业营业收入2.5亿元，同比增长12.5%。"]
    assert "tags      hydrogen, headline" in card and "period    2022" in card
    english = table("show", "hydrogen-revenue-2022", "--facts", MINI_BOOK, "--lang", "en", width=100).splitlines()
    assert english[3].startswith("English   In 2022, Lakeside Town's") and not any("中文" in x for x in english)


def test_an_entity_card_counts_its_figures_and_its_facts():
    card = table("entity", "lakeside-town", "--facts", MINI_BOOK, width=100).splitlines()
    assert "figures (4)" in card and "facts (3)" in card


def test_a_section_card_starts_with_its_number_and_id_and_titles_its_tables():
    card = table("section", "industry", "--facts", MINI_BOOK, width=100).splitlines()
    assert card[:3] == ["1  industry", "产业发展", "Industry"]
    assert "key figures" in card and "facts (3)" in card
    entities = next(i for i, line in enumerate(card) if line.startswith("entities  "))
    assert card[entities - 1] == ""  # set apart from the table above it


def test_the_overview_counts_every_kind_of_record_and_names_its_source_in_both_languages():
    lines = table("--facts", MINI_BOOK, width=100).splitlines()
    assert lines[:4] == ["湖畔镇的新变化", "New changes in Lakeside Town",
                         "source: 湖畔镇宣传办 · Lakeside Town Publicity Office",
                         "5 facts · 4 entities · 5 figures · 2 sections"]
    assert lines[-1] == "jlp section ID · jlp search QUERY · jlp --help"
    english = table("--facts", MINI_BOOK, "--lang", "en", width=100).splitlines()
    assert english[:2] == ["New changes in Lakeside Town", "source: Lakeside Town Publicity Office"]


def test_a_width_below_40_is_laid_out_at_40():
    view = views.figures([FIGURE, RATE], chart=True)
    assert drawn(view, width=20) == drawn(view, width=40)
    assert max(layout.cell_width(line) for line in drawn(view, width=20).splitlines()) == 40


def test_a_stacked_fields_table_heads_each_record_with_its_id_wherever_the_id_is_asked():
    out = table("facts", "--facts", MINI_BOOK, "--fields", "text.en,id", width=40).splitlines()
    assert out[:2] == ["old-street-renewal", "  text.en  Lakeside Town launched an"]
    assert "old-street-houses" in out and out[out.index("old-street-houses") - 1] == ""  # a blank line between


def test_every_stacked_record_is_set_apart_by_one_blank_line():
    out = table("facts", "--facts", MINI_BOOK, "--lang", "en", width=40).splitlines()
    ids = ["old-street-renewal", "old-street-houses", "hydrogen-revenue-2022", "aluminium-ingots",
           "foreign-capital-2023-q1"]
    starts = [next(i for i, line in enumerate(out) if line.startswith(f"{fact} · ")) for fact in ids]
    assert starts[0] == 0 and all(out[i - 1] == "" for i in starts[1:])
    assert out.count("") == len(ids) - 1  # one blank line between records, none inside one


# -- colour, notes and objects in cards --------------------------------------------------------------

def test_search_matches_are_highlighted_and_periods_and_ids_coloured_at_a_terminal():
    hits = runner.invoke(app, ["search", "湖畔镇", "--facts", MINI_BOOK, "--format", "table", "--limit", "1"],
                         env={"FORCE_COLOR": "1", "COLUMNS": "100"}).stdout
    assert "\x1b[1;33m湖畔镇\x1b[0m" in hits  # the words that matched, bold yellow
    listing = runner.invoke(app, ["timeline", "--facts", MINI_BOOK, "--format", "table"],
                            env={"FORCE_COLOR": "1", "COLUMNS": "100"}).stdout
    assert "\x1b[32m1960s/1980s\x1b[0m" in listing and "\x1b[36mold-street-houses\x1b[0m" in listing
    facts = runner.invoke(app, ["facts", "--facts", MINI_BOOK, "--format", "table"],
                          env={"FORCE_COLOR": "1", "COLUMNS": "100"}).stdout
    assert "\x1b[32m2022\x1b[0m" in facts


def test_an_object_in_a_fields_card_is_json_with_its_chinese_as_written():
    card = " ".join(table("show", "hydrogen-revenue-2022", "--facts", MINI_BOOK, "--fields", "id,figures").split())
    assert '{"metric": {"zh": "氢能产业营业收入", "en": "hydrogen industry operating revenue"}, "value": 2.5,' in card
    assert "\\u" not in card


def test_an_entity_card_says_what_the_entity_is_about():
    card = table("entity", "chongqing-municipality", "--lang", "en", width=100).splitlines()
    assert any(line.startswith("about         ") for line in card)


def test_the_overview_sets_the_description_apart_from_the_source():
    lines = table("--lang", "en", width=100).splitlines()
    assert lines[2].startswith("source: ") and lines[3] == "" and lines[4].startswith("The article describes")


def test_the_derived_note_is_said_once_after_the_dropped_columns():
    lines = table("figures", "--section", "opening-up", "--lang", "en", width=80).splitlines()
    assert lines[-2:] == ["not shown at this width: as written — widen the terminal or use --format json",
                          "* derived: worked out from the article's numbers, not written in the article"]
    twice = drawn(views.figures([DERIVED, {**DERIVED, "fact": "platforms-again"}], chart=False), width=100, lang="en")
    assert twice.count("9*") == 2 and twice.count("* derived") == 1


def test_a_stacked_figure_in_both_languages_gives_both_units_after_the_value():
    revenue = {**FIGURE, "value": 10.6, "unit": "亿元", "unit_en": "100 million yuan", "value_base": 1060000000,
               "unit_base": "CNY", "as_written": "10.6亿元"}
    lines = drawn(views.figures([revenue], chart=False), width=50, lang="both").splitlines()
    assert lines[0] == "site-area · 2023"  # one record per block
    assert "  value       10.6 亿元 · 100 million yuan" in lines


def test_the_section_card_counts_an_entitys_facts_with_separators():
    detail = {"id": "big", "order": 1, "title": {"zh": "大", "en": "Big"}, "summary": {"zh": "甲", "en": "A"},
              "fact_count": 1, "figures": [],
              "facts": [{"id": "f", "kind": "statistic", "period": None, "text": {"zh": "甲", "en": "A"}}],
              "entities": [{"id": "city", "name": {"zh": "城", "en": "City"}, "fact_count": 12345}]}
    assert "entities  城 (City) ×12,345" in drawn(views.section(detail), width=100).splitlines()


def test_the_growth_chart_writes_each_rate_as_a_quantity():
    rates = [{**FIGURE, "metric": {"zh": "增速", "en": "growth"}, "value": value, "unit": "%", "unit_en": "%",
              "unit_base": "percent", "period": "2023"} for value in (12.0, 12345.5)]
    chart = drawn(views.figures(rates, chart=True), width=80, lang="en")
    chart = chart[chart.index("growth rates (%)"):].splitlines()
    assert [line.split("█")[-1] for line in chart if "█" in line] == [" 12%", " 12,345.5%"]
