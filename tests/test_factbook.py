"""The shipped fact book, on what can be asserted from the project alone.

(The quotes are checked against the article itself in CI: .ci/run runs
``jlp validate --source ../shared/source/article.txt``.)
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from jlp_cli.checks import number_in_text, squash
from jlp_cli.validate import validate_text

from .conftest import SHIPPED

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def book():
    book, problems = validate_text(SHIPPED.read_text(encoding="utf-8"))
    assert problems == [], problems
    return book


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
        english = HAN.sub("", fact.text.en)
        # The English may cite a Chinese amount such as (10.6亿元), but it is English.
        assert len(re.findall(r"[A-Za-z]+", english)) >= 3, fact.id


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


def test_every_entity_name_in_a_fact_text_is_linked(book):
    """A search by entity finds every fact that names it: so a fact whose
    Chinese text contains an entity's full Chinese name must link it."""
    missing = []
    entities = sorted(book.entities, key=lambda e: -len(e.name.zh))
    for fact in book.facts:
        for entity in entities:
            name = entity.name.zh.strip("“”\"")
            if len(name) >= 3 and name in fact.text.zh and entity.id not in fact.entities:
                # A longer linked name that contains this one (西南铝业… contains 西南铝) counts.
                longer = [e for e in book.entities if e.id in fact.entities and name in e.name.zh]
                if not longer:
                    missing.append((fact.id, entity.id))
    assert missing == []
