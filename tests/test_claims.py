"""What the README's examples and the views promise, each asserted on its own,
so that no behaviour is guarded by a snapshot alone."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from jlp_cli.cli.app import app

runner = CliRunner()


def ok(*args: str, env: dict | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


def table(*args: str, width: int = 100) -> str:
    return ok(*args, "--format", "table", env={"COLUMNS": str(width)})


@pytest.mark.parametrize("args", [["facts", "--section", "captions"], ["search", "民主村"], ["timeline"],
                                  ["section", "captions"], ["show", "data-source"]])
def test_both_languages_are_shown_under_lang_both(args):
    """--lang both (the default): every fact's Chinese and English text are in the table."""
    out = table(*args, width=200)
    facts = json.loads(ok(*args, "--json"))
    records = facts if isinstance(facts, list) else facts.get("facts", [facts])
    assert records
    flat = re.sub(r"\s+", "", out)
    for record in records:
        text = record["text"]
        assert re.sub(r"\s+", "", text["zh"])[:12] in flat, text["zh"]
        assert re.sub(r"\s+", "", text["en"])[:30] in flat, text["en"]


@pytest.mark.parametrize("lang, absent", [("en", "zh"), ("zh", "en")])
def test_one_language_shows_only_that_one(lang, absent):
    out = table("facts", "--section", "captions", "--lang", lang, width=200)
    facts = json.loads(ok("facts", "--section", "captions", "--json"))
    flat = re.sub(r"\s+", "", out)
    for fact in facts:
        assert re.sub(r"\s+", "", fact["text"][lang])[:12] in flat
        assert re.sub(r"\s+", "", fact["text"][absent])[:12] not in flat


def test_appears_with_lists_the_most_shared_first():
    card = json.loads(ok("entity", "jiulongpo-district", "--json"))
    shared = [r["shared_facts"] for r in card["related"]]
    assert shared == sorted(shared, reverse=True) and shared[0] > shared[-1]
    # and the card shows them in that order, with their counts
    out = table("entity", "jiulongpo-district", "--lang", "en", width=200)
    line = next(line for line in out.splitlines() if line.startswith("appears with"))
    counts = [int(n) for n in re.findall(r"×(\d+)", line)]
    assert counts == sorted(counts, reverse=True) and counts[0] == shared[0]


def test_the_overview_counts_what_it_says():
    overview = json.loads(ok("overview", "--json"))
    counts = overview["counts"]
    assert counts["facts"] == len(json.loads(ok("facts", "--json")))
    assert counts["figures"] == len(json.loads(ok("figures", "--json")))
    assert counts["entities"] == len(json.loads(ok("entities", "--json")))
    assert counts["sections"] == len(json.loads(ok("sections", "--json")))
    out = table("overview", "--lang", "en")
    assert (f"{counts['facts']} facts · {counts['entities']} entities · {counts['figures']} figures · "
            f"{counts['sections']} sections") in out


def test_the_readme_search_example_answers_its_question():
    hits = json.loads(ok("search", "how", "big", "is", "the", "hydrogen", "valley", "--json"))
    assert hits[0]["id"] == "western-hydrogen-valley-site"
    assert any(f["unit_base"] == "km2" for f in hits[0]["figures"])


def test_the_readme_entity_example_resolves_a_chinese_alias():
    card = json.loads(ok("entity", "中铝", "--json", "--fields", "id,aliases,fact_count"))
    assert card["id"] == "chinalco" and "中铝" in card["aliases"]
    assert card["fact_count"] == len(json.loads(ok("facts", "--entity", "chinalco", "--json")))


def test_the_readme_figures_example_marks_the_derived_value():
    out = table("figures", "--section", "opening-up", "--lang", "en")
    row = next(line for line in out.splitlines() if "1+8" in line and "platforms" in line)
    assert re.search(r"\b9\*", row)
    assert "one-plus-eight-platforms" in out
    assert "* derived: worked out from the article's numbers" in out
    for value in ("166.67", "2024-Q1"):
        assert value in out


def test_the_readme_show_example_writes_the_base_value_whole():
    out = table("show", "hydrogen-revenue-2023", "--lang", "en")
    assert "1,060,000,000" in out and "10.6亿元" in out and "100 million yuan" in out
