"""The renderer's line breaking (jlp_cli/render/layout.py) against the standard
library's: on plain English prose, whatever its styles, ``wrap`` and
``hanging`` break where ``textwrap`` does (greedy, at spaces, no word split).
"""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jlp_cli.render import layout

from .conftest import examples

WORDS = st.lists(st.text("abcdefghij", min_size=1, max_size=9), min_size=1, max_size=30)
STYLES = ("", "bold", "cyan", "green")


@st.composite
def styled(draw):
    """(text, paragraph): the words joined by single spaces, cut into runs of
    different styles at arbitrary places (inside words too)."""
    text = " ".join(draw(WORDS))
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=6))))
    bounds = [0, *[c for c in cuts if 0 < c < len(text)], len(text)]
    runs = [(text[a:b], draw(st.sampled_from(STYLES)), False) for a, b in zip(bounds, bounds[1:])]
    return text, runs


def plain(lines) -> list[str]:
    return ["".join(text for text, _style in line) for line in lines]


@examples(300)
@given(styled(), st.integers(10, 60))
def test_prose_breaks_where_textwrap_breaks_it(case, width):
    text, paragraph = case
    assert plain(layout.wrap(paragraph, width)) == textwrap.wrap(text, width, break_long_words=False,
                                                                 break_on_hyphens=False)


@examples(300)
@given(styled(), st.integers(13, 60), st.integers(1, 4))  # every word fits the indented lines
def test_a_hanging_paragraph_indents_every_line_after_the_first(case, width, indent):
    text, paragraph = case
    expected = textwrap.wrap(text, width, subsequent_indent=" " * indent, break_long_words=False,
                             break_on_hyphens=False)
    assert plain(layout.hanging(paragraph, width, indent)) == expected


@examples(200)
@given(styled(), st.integers(10, 60))
def test_wrapping_keeps_each_characters_style(case, width):
    text, paragraph = case
    style_at = [style for run, style, _atomic in paragraph for _char in run]
    position = 0
    for line in layout.wrap(paragraph, width):
        for run, style in line:
            for char in run:
                while text[position] != char:  # the spaces a break dropped
                    position += 1
                assert style_at[position] == style
                position += 1


@st.composite
def with_numbers(draw):
    """(units, paragraph): words, some with a number written right after them
    ("revenue10.6"), the number an atomic run; no line may break inside a
    unit, only at the spaces between units."""
    units, runs, prose = [], [], ""
    for index, word in enumerate(draw(WORDS)):
        number = draw(st.none() | st.from_regex(r"[0-9]{1,3}(,[0-9]{3}){0,2}(\.[0-9])?", fullmatch=True))
        prose += (" " if index else "") + word
        units.append(word + (number or ""))
        if number:
            runs += [(prose, "", False), (number, "cyan", True)]
            prose = ""
    if prose:
        runs.append((prose, "", False))
    return units, runs


@examples(300)
@given(with_numbers(), st.integers(20, 60))
def test_a_number_stays_whole_and_every_line_is_as_full_as_it_can_be(case, width):
    units, paragraph = case
    numbers = [text for text, _style, atomic in paragraph if atomic]
    lines = plain(layout.wrap(paragraph, width))
    assert all(len(line) <= width for line in lines)
    assert all(any(number in line for line in lines) for number in numbers)  # never cut
    if all(len(unit) <= width for unit in units):
        assert " ".join(lines) == " ".join(units)  # breaks only at the spaces between units
        for line, following in zip(lines, lines[1:]):
            assert len(line) + 1 + len(following.split(" ")[0]) > width  # the next unit would not have fitted
    else:  # a unit too wide for the line breaks before its number
        assert "".join(lines).replace(" ", "") == "".join(units)


@examples(200)
@given(st.lists(st.sampled_from(["alpha", "be", "gamma", " ", " ", "\n", "\t", "\r\n", "\n\n"]), max_size=40),
       st.integers(10, 40))
def test_line_breaks_and_tabs_in_a_text_never_reach_the_terminal_inside_a_line(pieces, width):
    """Text from a YAML block keeps its line breaks as lines of its own; a tab
    is a space. (A break inside a laid-out line would throw every column
    after it to the left edge.)"""
    text = "".join(pieces)
    lines = plain(layout.wrap([(text, "", False)], width))
    assert not any(c in line for line in lines for c in "\n\r\t")
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == "".join(text.split())  # every word kept
    assert len(lines) >= len([line for line in text.splitlines() if line.strip()])  # a break starts a line


@examples(200)
@given(WORDS, st.sampled_from([" · ", ", ", " / "]), st.integers(12, 40))  # a word and its mark fit a line
def test_a_line_breaks_after_a_separator_never_before_it(words, separator, width):
    """"Qingling ·" at the end of a line, never "· Qingling" at the start."""
    items = [[(word, "", False)] for word in words]
    lines = [line.replace(layout.GLUE, " ") for line in plain(layout.wrap(layout.joined(items, separator), width))]
    mark = separator.strip()
    assert not any(line.lstrip().startswith(mark) for line in lines)
    assert " ".join(lines).replace(" ", "").replace(mark, "") == "".join(words)


def test_a_break_at_the_end_of_one_styled_run_starts_the_next_on_a_line_of_its_own():
    paragraph = [("first line\n", "bold", False), ("second", "", False), (" line\r\n", "", False)]
    assert plain(layout.wrap(paragraph, 40)) == ["first line", "second line"]  # and no blank line at the end


CLOSERS = "，。、；：？！）」』》〉】〕’”,.;:?!)]}%"
OPENERS = "（「『《〈【〔‘“([{"


@pytest.mark.parametrize("mark, closing", [(m, True) for m in CLOSERS] + [(m, False) for m in OPENERS])
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(mark, closing):
    text = "氢能产业营业收入" + mark + "同比增长"
    for width in range(4, 24):
        lines = plain(layout.wrap([(text, "", False)], width))
        assert "".join(lines) == text
        stranded = [line for line in lines if (line.startswith(mark) if closing else line.endswith(mark))]
        assert not stranded, (width, lines)


def test_a_value_the_labels_leave_too_little_room_for_goes_under_its_label():
    label = "article.description.en.long"  # 27 cells: 11 left for the value at 40 columns
    lines = plain(layout.pairs([(label, [[("Lakeside Town is renewing its old streets.", "", False)]]),
                                ("id", [[("lakeside-town", "", True)]])], 40))
    assert lines == [label, "  Lakeside Town is renewing its old", "  streets.", "id", "  lakeside-town"]


def test_a_table_rule_spans_every_column_and_the_gaps_between():
    columns = [layout.Column("id", lambda r: [layout.para(r["id"], atomic=True)]),
               layout.Column("n", lambda r: [layout.para(r["n"], atomic=True)], justify="right"),
               layout.Column("text", lambda r: [layout.para(r["text"])], wrap=True)]
    records = [{"id": "lakeside-town", "n": "12,345", "text": "Lakeside Town is renewing its old streets."}]
    lines = plain(layout.table(columns, records, 100).lines)
    assert lines == ["id                  n  text",
                     "─" * 65,
                     "lakeside-town  12,345  Lakeside Town is renewing its old streets."]


# -- tables: widths, dropped columns, stacked records ----------------------------------------

def _text(value: str, atomic: bool = False) -> list:
    return [layout.para(value, atomic=atomic)]


NAME_AND_TEXT = [
    layout.Column("id", lambda r: _text(r["id"], atomic=True)),
    layout.Column("name", lambda r: _text(r["name"]), wrap=True),
    layout.Column("text", lambda r: _text(r["text"]), wrap=True),
]
RENEWAL = {"id": "r1", "name": "Old Street Community of Lakeside Town in the west",
           "text": "Lakeside Town launched an urban renewal project in Old Street Community that keeps its "
                   "red-brick buildings."}


@pytest.mark.parametrize("width, name_width", [(80, 23), (81, 23), (120, 35)])
def test_wrapping_columns_share_the_width_by_their_length_and_fill_it_to_the_last_cell(width, name_width):
    lines = plain(layout.table(NAME_AND_TEXT, [RENEWAL], width).lines)
    assert lines[1] == "─" * width  # every cell of the width is used
    assert lines[0].index("text") == len("id") + 2 + name_width + 2  # the longer text gets the larger share
    assert max(len(line) for line in lines) <= width


def test_two_wrapping_columns_at_80_columns_wrap_the_shorter_one_in_its_share():
    assert plain(layout.table(NAME_AND_TEXT, [RENEWAL], 80).lines)[2:] == [
        "r1  Old Street Community of  Lakeside Town launched an urban renewal project in",
        "    Lakeside Town in the     Old Street Community that keeps its red-brick",
        "    west                     buildings.",
    ]


FACT_COLUMNS = [
    layout.Column("id", lambda r: _text(r["id"], atomic=True)),
    layout.Column("section", lambda r: _text(r["section"], atomic=True), drop=1),
    layout.Column("kind", lambda r: _text(r["kind"], atomic=True), drop=2),
    layout.Column("text", lambda r: _text(r["text"]), wrap=True, minimum=30),
]
FACT_ROWS = [
    {"id": "old-street-renewal", "section": "urban-renewal", "kind": "event",
     "text": "Lakeside Town launched an urban renewal project."},
    {"id": "red-brick-houses", "section": "urban-renewal", "kind": "figure",
     "text": "The houses were built from the 1960s to the 1980s."},
]


@pytest.mark.parametrize("width, dropped", [
    (80, []), (72, []), (71, ["section"]), (57, ["section"]), (56, ["section", "kind"]), (50, ["section", "kind"]),
])
def test_columns_are_dropped_lowest_priority_first_as_the_width_shrinks(width, dropped):
    laid = layout.table(FACT_COLUMNS, FACT_ROWS[:1], width, key=FACT_COLUMNS[0])
    assert not laid.stacked and laid.dropped == dropped
    header = plain(laid.lines)[0].split()
    assert header == [c.header for c in FACT_COLUMNS if c.header not in dropped]


def test_stacked_records_are_blocks_with_a_blank_line_between_them():
    laid = layout.table(FACT_COLUMNS, FACT_ROWS, 45, title="facts", key=FACT_COLUMNS[0])
    assert laid.stacked and laid.dropped == []
    assert plain(laid.lines) == [
        "facts",
        "old-street-renewal",
        "  section  urban-renewal",
        "  kind     event",
        "  text     Lakeside Town launched an urban",
        "           renewal project.",
        "",
        "red-brick-houses",
        "  section  urban-renewal",
        "  kind     figure",
        "  text     The houses were built from the",
        "           1960s to the 1980s.",
    ]


def test_a_value_stays_beside_its_label_while_16_cells_are_left_for_it():
    value = _text("Lakeside Town is renewing its old streets.")
    beside = plain(layout.pairs([("a" * 22, value)], 40))  # 40 - 22 - 2 = 16 cells left
    assert beside == ["a" * 22 + "  Lakeside Town is", " " * 24 + "renewing its old", " " * 24 + "streets."]
    under = plain(layout.pairs([("a" * 23, value)], 40))  # 15 cells: the value goes under
    assert under == ["a" * 23, "  Lakeside Town is renewing its old", "  streets."]


def test_values_beside_chinese_labels_line_up_by_terminal_cells():
    lines = plain(layout.pairs([("建筑面积", _text("3", atomic=True)), ("period", _text("2023", atomic=True))], 40))
    assert lines == ["建筑面积  3", "period    2023"]  # 建筑面积 takes eight cells


def test_a_text_that_just_fits_beside_the_other_columns_stays_on_one_line():
    columns = [layout.Column("id", lambda r: [layout.para(r["id"], atomic=True)]),
               layout.Column("text", lambda r: [layout.para(r["text"])], wrap=True)]
    text = "Lakeside Town is renewing its old streets."  # 42 cells
    for width in (len("old-street") + 2 + len(text), 80):
        lines = plain(layout.table(columns, [{"id": "old-street", "text": text}], width).lines)
        assert lines[-1] == f"old-street  {text}", width
