"""The shipped fact book, on what can be asserted from the project alone.

(The quotes are checked against the article itself in CI: .ci/run runs
``jlp validate --source ../shared/source/article.txt``.)
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from jlp_cli.book.reader import validate_text
from jlp_cli.book.rules import number_in_text, squash

from .conftest import SHIPPED

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def book():
    import yaml

    from jlp_cli.model import FactBook

    text = SHIPPED.read_text(encoding="utf-8")
    _count, problems = validate_text(text)
    assert problems == [], problems
    return FactBook.model_validate(yaml.safe_load(text))


def test_the_shipped_book_is_valid(book):
    assert len(book.facts) >= 100


def test_ids_are_unique(book):
    for records in (book.sections, book.entities, book.facts):
        counts = Counter(r.id for r in records)
        assert [i for i, n in counts.items() if n > 1] == []


def test_every_section_has_facts(book):
    used = Counter(f.section for f in book.facts)
    assert {s.id for s in book.sections} == set(used)
    assert {"intro", "livable-city", "innovation", "opening-up", "captions"} <= set(used)


def test_both_languages_are_present_and_distinct(book):
    for fact in book.facts:
        assert HAN.search(fact.text.zh), fact.id
        # (test_factbase checks that no English field holds Chinese script at all.)
        assert len(re.findall(r"[A-Za-z]+", fact.text.en)) >= 3, fact.id


def test_every_figure_number_is_in_its_quote(book):
    for fact in book.facts:
        quote = squash(fact.quote)
        for figure in fact.figures:
            assert squash(figure.as_written) in quote, (fact.id, figure.as_written)
            numbers = [n for n in (figure.value, figure.value_end, *figure.components) if n is not None]
            assert numbers, fact.id
            for number in numbers:
                assert number_in_text(number, figure.as_written), (fact.id, number)


def test_the_headline_numbers_are_structured(book):
    written = {f.as_written: f for fact in book.facts for f in fact.figures}
    revenue = written["10.6亿元"]
    assert (revenue.value, revenue.unit, revenue.unit_en, revenue.value_base, revenue.unit_base, revenue.period,
            revenue.derived) == (10.6, "亿元", "100 million yuan", 1.06e9, "CNY", "2023", False)
    assert written["32.5%"].value == 32.5 and written["166.67%"].value == 166.67
    assert written["3平方公里"].value_base == 3 and written["3平方公里"].unit_base == "km2"
    assert written["3平方公里"].unit_en == "km²"
    # The article writes 1+8, never 9: the sum is worked out, and says so.
    assert written["1+8"].components == [1, 8] and written["1+8"].value is None
    assert (written["1+8"].value_base, written["1+8"].derived) == (9, True)
    decades = written["20世纪50年代至90年代"]
    assert (decades.value, decades.value_end, decades.period) == (50, 90, "1950s/1990s")
    assert any(f.period == "2024-Q1" for f in written.values())


def test_glossary_names_are_used_for_key_entities(book):
    # A few established names the whole tool leans on (the full glossary is
    # checked against shared/source in CI by scripts/check_glossary.py).
    names = {e.name.zh: e.name.en for e in book.entities}
    assert names["九龙坡区"] == "Jiulongpo District"
    assert names["西部陆海新通道"] == "New International Land-Sea Trade Corridor"
    assert names["中铝集团"] == "Aluminum Corporation of China"
