"""The schema and its checks, on broken copies of the tests' own small book.

Each case breaks one thing and asserts the problem is reported with where it
is: a line, and the field path where there is one.
"""

from __future__ import annotations

import pytest

from jlp_cli.book.reader import validate_text
from jlp_cli.book.rules import chinese_numeral, number_in_text

from .conftest import MINI

GOOD = MINI.read_text(encoding="utf-8")


def problems_of(text: str, source: str | None = None):
    _book, problems = validate_text(text, source)
    return problems


def broken(old: str, new: str, count: int = 1) -> str:
    assert old in GOOD, f"fixture lacks {old!r}"
    return GOOD.replace(old, new, count)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_the_fixture_is_clean():
    assert problems_of(GOOD) == []


def test_invalid_yaml_names_line_and_column():
    text = broken("    kind: project\n", "    kind: [project\n")
    (problem,) = problems_of(text)
    assert problem.message.startswith("invalid YAML")
    assert problem.line is not None and problem.column is not None
    assert abs(problem.line - line_of(text, "kind: [project")) <= 1


def test_wrong_type_is_reported_with_path_and_line():
    text = broken("        value: 2.5\n", '        value: "2.5"\n')
    (problem,) = problems_of(text)
    assert problem.path == "facts[2].figures[0].value"
    assert problem.message == "must be a number"
    assert problem.line == line_of(text, 'value: "2.5"')


def test_unknown_key():
    text = broken("    kind: project\n", "    kind: project\n    colour: red\n")
    (problem,) = problems_of(text)
    assert "unknown key" in problem.message
    assert problem.path == "facts[0].colour"
    assert problem.line == line_of(text, "colour: red")


def test_missing_key():
    text = broken("    quote: 湖光铝每年生产铝合金铸锭\n", "")
    (problem,) = problems_of(text)
    assert problem.path == "facts[3].quote" and "missing" in problem.message


@pytest.mark.parametrize("bad_id", ["aluminium--ingots", "-aluminium-ingots", "aluminium-ingots-", "Aluminium-ingots",
                                    "aluminium_ingots", "aluminium ingots"])
def test_an_id_that_is_not_kebab_case_is_refused(bad_id):
    (problem,) = problems_of(broken("  - id: aluminium-ingots\n", f'  - id: "{bad_id}"\n'))
    assert problem.path == "facts[3].id"
    assert problem.message == f"{bad_id!r} is not an id: lower-case letters and digits, joined by single hyphens"


def test_a_list_written_as_one_word_is_told_it_must_be_a_list():
    text = broken("    tags: [urban-renewal]\n", "    tags: urban-renewal\n")
    (problem,) = problems_of(text)
    assert (problem.path, problem.message) == ("facts[0].tags", "must be a valid list")  # pydantic's words, ours
    assert (problem.line, problem.column) == (line_of(text, "tags: urban-renewal"), 11)


def test_bad_kind_lists_the_choices():
    (problem,) = problems_of(broken("    kind: project\n", "    kind: rumour\n"))
    assert problem.path == "facts[0].kind" and "statistic" in problem.message


def test_duplicate_fact_ids():
    text = broken("  - id: aluminium-ingots\n", "  - id: old-street-renewal\n")
    found = [p for p in problems_of(text) if "duplicate id" in p.message]
    assert [p.path for p in found] == ["facts[0].id", "facts[3].id"]


def test_duplicate_section_and_entity_ids_name_every_record_that_has_them():
    text = broken("  - id: industry\n    order: 1\n", "  - id: intro\n    order: 1\n")
    text = text.replace("  - id: old-street\n    type: place\n", "  - id: lakeside-town\n    type: place\n")
    found = [p for p in problems_of(text) if "duplicate id" in p.message]
    assert [p.path for p in found] == ["sections[0].id", "sections[1].id", "entities[0].id", "entities[1].id"]
    first_intro = line_of(text, "  - id: intro")
    assert found[0].line == first_intro and found[1].line > first_intro


def test_a_book_whose_facts_list_is_empty_is_refused():
    text = GOOD[: GOOD.index("facts:\n")] + "facts: []\n"
    book, problems = validate_text(text)
    assert book is None
    assert [(p.path, p.message) for p in problems] == [("facts", "must have at least 1 item")]


def test_a_book_without_sections_is_refused():
    start, end = GOOD.index("sections:\n"), GOOD.index("entities:\n")
    problems = problems_of(GOOD[:start] + "sections: []\n" + GOOD[end:])
    assert ("sections", "must have at least 1 item") in [(p.path, p.message) for p in problems]


def test_duplicate_keys_in_a_mapping():
    text = broken("    kind: project\n", "    kind: project\n    kind: event\n")
    (problem,) = problems_of(text)
    assert "duplicate key 'kind'" in problem.message
    assert problem.line == line_of(text, "kind: event")


def test_dangling_section_and_entity_references():
    text = broken("    section: intro\n    kind: project\n", "    section: outro\n    kind: project\n")
    text = text.replace("entities: [lake-aluminium]", "entities: [lake-aluminium, no-such-thing]")
    messages = {p.path: p.message for p in problems_of(text)}
    assert messages["facts[0].section"] == "unknown section 'outro'"
    assert messages["facts[3].entities[1]"] == "unknown entity 'no-such-thing'"


def test_entity_nobody_references():
    text = broken("entities: [lake-aluminium]", "entities: []")
    (problem,) = problems_of(text)
    assert problem.path == "entities[3].id" and "not referenced" in problem.message


def test_section_without_facts():
    text = broken("    section: intro\n    kind: place\n", "    section: industry\n    kind: place\n")
    text = text.replace("    section: intro\n    kind: project\n", "    section: industry\n    kind: project\n")
    (problem,) = problems_of(text)
    assert problem.path == "sections[0].id" and "has no facts" in problem.message


def test_figure_number_must_be_in_its_quote():
    problem, restated = problems_of(broken("        value: 12.5\n", "        value: 12.6\n"))
    assert problem.path == "facts[2].figures[1].value"
    assert "12.6" in problem.message
    assert restated.path == "facts[2].figures[1].value_base"  # and 12.5 is no longer 12.6 restated


def test_figure_as_written_must_be_in_the_quote():
    problems = problems_of(broken("        as_written: 2.5亿元\n", "        as_written: 3.5亿元\n"))
    assert "facts[2].figures[0].as_written" in [p.path for p in problems]


def test_bad_period():
    (problem,) = problems_of(broken('headline]\n    period: "2022"\n', 'headline]\n    period: "2022-Q5"\n'))
    assert problem.path == "facts[2].period"


def test_source_catches_a_quote_that_is_not_in_the_text():
    source = "湖畔镇启动老街社区城市更新项目。房屋建于20世纪60年代至80年代。2022年，氢能产业营业收入2.5亿元，同比增长12.5%。" \
             "湖光铝每年生产铝合金铸锭。"
    problems = problems_of(GOOD, source)
    # Only the one quote the text lacks is reported; whitespace is ignored.
    assert [p.path for p in problems] == ["facts[4].quote"]
    assert (problems[0].message, problems[0].hint) == ("the quote is not in the source text",
                                                       "copy the span verbatim from the article (whitespace may differ)")
    spaced = source + "2023年一季度，新设外资企业数量同比增长50%，\n\n位居全市第一"
    assert problems_of(GOOD, spaced) == []


def test_a_quote_wrapped_or_spaced_otherwise_than_the_source_is_still_found_in_it():
    source = ("湖畔镇启动老街社区城市更新项目。房屋建于20世纪60年代至80年代。2022年，氢能产业营业收入2.5亿元，"
              "同比增长12.5%。湖光铝每年生产铝合金铸锭。2023年一季度，新设外资企业数量同比增长50%，位居全市第一。")
    assert problems_of(GOOD, source) == []
    text = broken("    quote: 湖光铝每年生产铝合金铸锭\n", '    quote: "湖光铝每年生产\\n  铝合金 铸锭"\n')
    assert problems_of(text, source) == []


def test_every_problem_is_reported_at_once():
    text = broken("    kind: project\n", "    kind: project\n    colour: red\n")
    text = text.replace("    kind: organisation\n", "    kind: gossip\n")
    assert len(problems_of(text)) == 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("- a\n- b\n", "must be a mapping"),
        ("just words\n", "must be a mapping"),
        ("a: !!python/object/apply:os.system ['true']\n", "not allowed"),
        ("a: !!python/name:os.system\n", "not allowed"),
    ],
)
def test_unusable_documents(text, message):
    problems = problems_of(text)
    assert problems and message in problems[0].message


def test_alias_bomb_is_refused_before_it_expands():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    (problem,) = problems_of("\n".join(lines) + "\n")
    assert "alias" in problem.message


def test_ordinary_anchors_are_fine():
    text = GOOD.replace("title: {zh: 导语, en: Introduction}", "title: &intro {zh: 导语, en: Introduction}")
    assert problems_of(text) == []


def test_deep_nesting_is_refused():
    (problem,) = problems_of("a: " + "[" * 500 + "]" * 500 + "\n")
    assert "nests deeper" in problem.message


def test_chinese_numerals():
    assert [chinese_numeral(n) for n in (1, 3, 10, 12, 30, 99)] == ["一", "三", "十", "十二", "三十", "九十九"]
    assert chinese_numeral(1.5) is None and chinese_numeral(100) is None


@pytest.mark.parametrize(
    "number, text, found",
    [
        (10.6, "10.6亿元", True),
        (106, "10.6亿元", False),
        (10, "10.6亿元", False),
        (6, "10.6亿元", False),
        (166.67, "166.67%", True),
        (1, "位居重庆市第一", True),
        (2024, "２０２４年", True),
        (8, "1+8", True),
        (5, "5.", True),  # a full stop after a number ends it
        (5, "5.5", False),
    ],
)
def test_number_in_text(number, text, found):
    assert number_in_text(number, text) is found


@pytest.mark.parametrize("old, new, field", [
    ("value_base: 250000000\n", "value_base: 25000000\n", "value_base"),  # 2.5亿元: ten times too small
    ("value_base: 12.5\n", "value_base: 1.25\n", "value_base"),  # 12.5% restated as 1.25
    ("value_base_end: 1989\n", "value_base_end: 1980\n", "value_base_end"),  # 1960s–1980s ends in 1989
])
def test_a_base_value_that_is_not_the_written_number_restated_is_a_problem(old, new, field):
    text = broken(old, new)
    (problem,) = problems_of(text)
    assert problem.path.endswith(field) and problem.line == line_of(text, new.strip())
    assert "is not" in problem.message and "derived" in problem.hint


@pytest.mark.parametrize("unit, unit_base, base, wrong", [
    ("亿元", "CNY", "250000000", "25000000"),
    ("万元", "CNY", "25000", "2500"),
    ("元", "CNY", "2.5", "25000"),
    ("万人", "person", "25000", "2500"),
    ("平方公里", "km2", "2.5", "25"),
])
def test_a_written_number_restates_in_its_base_unit_as_a_reader_means_it(unit, unit_base, base, wrong):
    """2.5万元 is 25000 CNY: the right base value passes, a wrong one is named."""
    text = GOOD.replace("2.5亿元", f"2.5{unit}").replace("unit: 亿元\n", f"unit: {unit}\n")
    text = text.replace("unit_base: CNY\n", f"unit_base: {unit_base}\n")
    assert problems_of(text.replace("value_base: 250000000\n", f"value_base: {base}\n")) == []
    (problem,) = problems_of(text.replace("value_base: 250000000\n", f"value_base: {wrong}\n"))
    assert problem.path == "facts[2].figures[0].value_base" and "is not" in problem.message


def test_a_derived_base_value_is_not_judged_by_the_written_number():
    text = broken("value_base: 250000000\n", "value_base: 25000000\n        derived: true\n")
    assert problems_of(text) == []


def test_units_jlp_does_not_know_are_not_judged():
    text = broken("        value: 1\n        unit: 位\n", "        value: 1\n        unit: 位\n")
    assert problems_of(text.replace("value_base: 1\n", "value_base: 7\n")) == []


def test_a_problem_as_json_has_every_key_a_script_reads():
    from jlp_cli.errors import Problem

    problem = Problem("is not UTF-8 text", path="facts[3].text", line=7, column=2, hint="save the file as UTF-8")
    assert problem.as_dict() == {"line": 7, "column": 2, "path": "facts[3].text", "message": "is not UTF-8 text",
                                 "hint": "save the file as UTF-8"}
    assert problem.where() == "line 7, column 2: facts[3].text"
    assert Problem("x", line=7).where() == "line 7" and Problem("x").where() == ""


def test_a_data_error_without_problems_still_says_something():
    from jlp_cli.errors import DataError, Problem

    assert str(DataError([])) == "the facts file is unusable"
    assert str(DataError([Problem("a"), Problem("b")], source="x.yaml")) == "x.yaml: 2 problems, the first: a"


def test_a_section_without_facts_is_reported_at_its_own_line():
    text = GOOD.replace("    section: industry\n", "    section: intro\n")
    (problem,) = problems_of(text)
    assert problem.message == "section 'industry' has no facts"
    assert problem.path == "sections[1].id"
    assert problem.line == line_of(text, "  - id: industry")


@pytest.mark.parametrize("sections, problems", [
    ("sections: the intro and the industry\n", [("sections", "must be a list")]),
    ("sections: [intro, industry]\n", [("sections[0]", "must be a mapping of keys and values"),
                                       ("sections[1]", "must be a mapping of keys and values")]),
])
def test_sections_that_cannot_be_read_are_reported_once_not_again_for_every_fact(sections, problems):
    """Without readable sections no fact's section can be judged: the facts
    are not each reported as naming an unknown section."""
    start, end = GOOD.index("sections:\n"), GOOD.index("entities:\n")
    text = GOOD[:start] + sections + GOOD[end:]
    assert [(p.path, p.message) for p in problems_of(text)] == problems


def column_of(text: str, needle: str) -> int:
    """The 1-based column where ``needle`` starts on its line, as editors count."""
    before = text[: text.index(needle)]
    return len(before) - before.rfind("\n")


def test_a_rule_problem_is_placed_at_the_line_and_column_of_its_value():
    """Problems found by the rules (not by the YAML reader) are located
    afterwards, by path: at the first character of the value, counted from 1."""
    text = broken("    section: intro\n    kind: project\n", "    section: outro\n    kind: project\n")
    (problem,) = problems_of(text)
    assert problem.path == "facts[0].section"
    assert (problem.line, problem.column) == (line_of(text, "outro"), column_of(text, "outro"))
    text = broken("        value: 2.5\n", "        value: 25\n")
    first = problems_of(text)[0]
    assert first.path == "facts[2].figures[0].value"
    assert (first.line, first.column) == (line_of(text, "25\n"), column_of(text, "25\n"))


# -- each rule's words: what is wrong, and what to do ------------------------------------

@pytest.mark.parametrize("old, new, path, message, hint", [
    ("entities: [lake-aluminium]", "entities: [lake-aluminium, no-such-thing]", "facts[3].entities[1]",
     "unknown entity 'no-such-thing'", "add it under 'entities:' or fix the id"),
    ("entities: [lake-aluminium]", "entities: []", "entities[3].id",
     "entity 'lake-aluminium' is not referenced by any fact", "reference it from a fact's 'entities' or remove it"),
    ("      - metric: {zh: 全市排名, en: rank in the city}\n        value: 1\n",
     "      - metric: {zh: 全市排名, en: rank in the city}\n", "facts[4].figures[1].value",
     "the figure has no value", "give 'value', or 'components' for an expression such as 1+8"),
    ("text: {zh: 湖光铝每年生产铝合金铸锭。, en:", "text: {zh: '  ', en:", "facts[3].text.zh", "must not be blank", None),
    ("    tags: [aluminium]\n", "    tags: [Aluminium]\n", "facts[3].tags", "'Aluminium' is not a kebab-case id", None),
    ("    quote: 湖光铝每年生产铝合金铸锭\n", "    quote: ''\n", "facts[3].quote",
     "String should have at least 1 character", None),
    ("    section: industry\n", "    section: intro\n", "sections[1].id", "section 'industry' has no facts", None),
])
def test_each_rule_says_what_is_wrong_and_what_to_do(old, new, path, message, hint):
    (problem,) = problems_of(broken(old, new, count=3 if old == "    section: industry\n" else 1))
    assert (problem.path, problem.message, problem.hint) == (path, message, hint)


def test_the_end_of_a_range_must_be_written_in_its_figure_too():
    text = broken("        value_end: 80\n", "        value_end: 90\n")
    messages = [(p.path, p.message) for p in problems_of(text)]
    assert ("facts[1].figures[0].value", "the number 90 is not in '20世纪60年代至80年代'") in messages


@pytest.mark.parametrize("period, refused", [
    ("2022-01", False), ("2022-09", False), ("2022-10", False), ("2022-12", False), ("2022-Q4", False),
    ("2022-00", True), ("2022-13", True), ("2022-1", True), ("2022-Q0", True), ("2022-Q5", True), ("22", True),
])
def test_a_period_names_a_month_from_01_to_12_or_a_quarter_from_1_to_4(period, refused):
    problems = problems_of(broken('headline]\n    period: "2022"\n', f'headline]\n    period: "{period}"\n'))
    expected = [("facts[2].period", f"{period!r} is not a period: write 2023, 2024-Q1, 2024-06, 1950s or 1950s/1990s")]
    assert [(p.path, p.message) for p in problems] == (expected if refused else [])


def test_a_figure_written_with_a_space_in_it_is_still_found_in_its_quote():
    assert problems_of(broken("        as_written: 2.5亿元\n", "        as_written: 2.5 亿元\n")) == []


def test_a_base_value_a_tenth_of_a_percent_off_is_a_problem():
    (problem,) = problems_of(broken("        value_base: 250000000\n", "        value_base: 250250000\n"))
    assert (problem.path, problem.message) == (
        "facts[2].figures[0].value_base", "the base value 250250000 is not 2.5亿元 in CNY (250000000)")


def test_the_end_of_a_range_restates_in_its_base_unit_as_its_start_does():
    text = GOOD.replace("2.5亿元", "2.5亿至3亿元").replace(
        "        value_base: 250000000\n", "        value_end: 3\n        value_base: 250000000\n"
        "        value_base_end: 300000000\n")
    assert problems_of(text) == []
    (problem,) = problems_of(text.replace("value_base_end: 300000000", "value_base_end: 3"))
    assert (problem.path, problem.message) == (
        "facts[2].figures[0].value_base_end", "the base value 3 is not 2.5亿至3亿元 in CNY (300000000)")


def test_a_quote_is_found_in_the_source_whatever_unicode_form_either_is_in():
    source = "湖畔镇启动老街社区城市更新项目。房屋建于20世纪60年代至80年代。2022年，氢能产业营业收入2.5亿元，" \
             "同比增长12.5%。湖光铝每年生产Café铝合金铸锭。2023年一季度，新设外资企业数量同比增长50%，位居全市第一。"
    decomposed = broken("    quote: 湖光铝每年生产铝合金铸锭\n", '    quote: "湖光铝每年生产Cafe\\u0301铝合金铸锭"\n')
    assert problems_of(decomposed, source) == []


def test_an_unknown_key_after_the_facts_is_reported_too():
    text = GOOD + "colour: red\n"
    (problem,) = problems_of(text)
    assert (problem.path, problem.message, problem.line) == ("colour", "unknown key (not in the schema)",
                                                             line_of(text, "colour: red"))


def test_one_problem_is_said_as_itself_with_where_it_is():
    from jlp_cli.errors import DataError, Problem

    error = DataError([Problem("unknown section 'outro'", path="facts[0].section", line=35, column=14)],
                      source="x.yaml")
    assert str(error) == "x.yaml: unknown section 'outro' (line 35, column 14: facts[0].section)"
    assert error.hint == "run 'jlp validate' for the full report"


def test_an_unknown_section_is_told_every_section_in_the_order_of_their_ids():
    third = "  - id: works\n    order: 2\n    title: {zh: 工程, en: Works}\n    summary: {zh: 工程。, en: Works.}\n"
    text = broken("entities:\n", third + "entities:\n").replace(
        "    section: industry\n    kind: organisation\n", "    section: works\n    kind: organisation\n")
    assert problems_of(text) == []
    (problem,) = problems_of(text.replace("    section: intro\n    kind: project\n",
                                          "    section: outro\n    kind: project\n"))
    assert (problem.path, problem.message, problem.hint) == (
        "facts[0].section", "unknown section 'outro'", "use one of: industry, intro, works")


def test_a_whole_number_written_with_a_decimal_point_is_the_number_the_figure_writes():
    assert problems_of(broken("        value: 60\n", "        value: 60.0\n")) == []
    problems = problems_of(broken("        value: 2.5\n", "        value: 3.0\n"))
    assert ("facts[2].figures[0].value", "the number 3 is not in '2.5亿元'") in [(p.path, p.message) for p in problems]


def test_a_section_number_below_zero_is_refused():
    (problem,) = problems_of(broken("    order: 1\n", "    order: -1\n"))
    assert (problem.path, problem.message) == ("sections[1].order", "must be greater than or equal to 0")
