"""The index rows of facts: what the build writes into the search table."""

from __future__ import annotations

import pytest
import yaml

from jlp_cli.search.index import Indexer

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def book() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def entity_names(book: dict) -> dict[str, list[str]]:
    return {e["id"]: [e["name"]["zh"], e["name"]["en"], *e["aliases"]] for e in book["entities"]}


def test_rows_are_the_row_of_each_fact_in_order(book):
    facts = book["facts"]
    expected = [Indexer(entity_names(book)).row(f) for f in facts]
    lazy = (f for f in facts)  # the build hands over facts as it reads them
    assert list(Indexer(entity_names(book)).rows(lazy)) == expected


def test_rows_of_no_facts(book):
    assert list(Indexer(entity_names(book)).rows(iter([]))) == []
