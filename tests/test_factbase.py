"""The fact base as a translator and a fact-checker sign it.

The schema rules of figures (``unit_en``, ``derived``) are checked through the
model and ``validate``.
"""

from __future__ import annotations

import pytest

from jlp_cli.validate import validate_file, validate_text

from .conftest import MINI, SHIPPED


@pytest.fixture(scope="module")
def book():
    book, problems = validate_text(SHIPPED.read_text(encoding="utf-8"))
    assert problems == [], problems
    return book


# --- the schema of figures: unit_en and derived -----------------------------------------------

def _mini_without(line: str) -> str:
    text = MINI.read_text(encoding="utf-8")
    assert line in text
    return text.replace(line, "", 1)


def test_a_unit_without_unit_en_is_refused_with_a_clear_problem(tmp_path):
    text = _mini_without("        unit_en: 100 million yuan\n")
    _book, problems = validate_text(text)
    assert [(p.message, p.path) for p in problems] == \
        [("a figure with a unit needs unit_en (the unit in English)", "facts[2].figures[0]")]
    assert problems[0].line == text.splitlines().index("      - metric: {zh: 氢能产业营业收入, en: hydrogen industry "
                                                       "operating revenue}") + 1
    # The streaming reader (jlp validate, the store build) refuses the same.
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    count, problems = validate_file(path)
    assert count is None and [p.message for p in problems] == \
        ["a figure with a unit needs unit_en (the unit in English)"]


def test_unit_en_without_a_unit_is_refused():
    text = MINI.read_text(encoding="utf-8").replace(
        "        value: 1\n        unit: 位\n        unit_en: place\n", "        value: 1\n        unit_en: place\n")
    _book, problems = validate_text(text)
    assert [p.message for p in problems] == ["unit_en needs unit (the unit as the article writes it)"]


def test_a_sum_of_components_must_be_marked_derived():
    from pydantic import ValidationError

    from jlp_cli.model import Figure

    written = dict(metric={"zh": "平台数", "en": "number of platforms"}, components=[1, 8], value_base=9,
                   unit_base="platform", as_written="1+8")
    with pytest.raises(ValidationError, match="a value_base worked out from components is derived"):
        Figure.model_validate(written)
    assert Figure.model_validate({**written, "derived": True}).derived is True
    assert Figure.model_validate({**written, "value_base": None, "unit_base": None}).derived is False


def test_the_new_fields_sit_next_to_what_they_describe():
    from jlp_cli.model import Figure

    order = list(Figure.model_fields)
    assert order.index("unit_en") == order.index("unit") + 1
    assert order.index("derived") == order.index("unit_base") + 1


def test_every_figure_with_a_unit_says_it_in_english(book):
    units = {(g.unit, g.unit_en) for f in book.facts for g in f.figures if g.unit}
    assert units == {("亿元", "100 million yuan"), ("%", "%"), ("平方公里", "km²"), ("年代", "20th-century decades")}
