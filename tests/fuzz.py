"""Bounded fuzzing of the loader and the query parser, for CI.

Hypothesis generates inputs (random bytes, YAML-shaped documents mutated from
the tests' own book, arbitrary query strings) for a fixed time; the only
allowed outcomes are a result or one of jlp's own errors. Any other exception
fails the run with the input that caused it. The streaming reader of big
books must either refuse a document or agree with the full reader on it.

    uv run python tests/fuzz.py --seconds 30
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from jlp_cli.book.reader import validate_text  # noqa: E402
from jlp_cli.book.source import decode  # noqa: E402
from jlp_cli.errors import DataError, JlpError  # noqa: E402
from jlp_cli.search.query import parse  # noqa: E402

BOOK = (ROOT / "tests" / "fixtures" / "mini.yaml").read_text(encoding="utf-8")
FUZZ = settings(max_examples=300, deadline=None, database=None, derandomize=False,
                suppress_health_check=list(HealthCheck))


def mutate(text: str, cuts: list[tuple[int, int, str]]) -> str:
    for position, length, insert in cuts:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length:]
    return text


@FUZZ
@given(st.binary(max_size=2000) | st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 40),
                                                      st.text(max_size=12)), max_size=8).map(lambda c: mutate(BOOK, c)))
def fuzz_loader(data):
    try:
        text = decode(data, "fuzz") if isinstance(data, bytes) else data
    except DataError:
        return
    count, problems = validate_text(text)
    assert count is not None or problems


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 40), st.text(max_size=12)), max_size=8)
       .map(lambda c: mutate(BOOK, c)))
def fuzz_stream(text):
    """The one reader gives what PyYAML's safe loader and the schema give."""
    import yaml

    from jlp_cli.book.reader import read_text
    from jlp_cli.book.yaml_events import loader_class
    from jlp_cli.model import FactBook

    reading = read_text(text)
    facts = list(reading.facts)
    outcome = reading.outcome()
    if outcome.problems:
        return
    expected = FactBook.model_validate(yaml.load(text, Loader=loader_class())).model_dump(mode="json")
    assert {**reading.head, "facts": facts} == expected


@FUZZ
@given(st.text(max_size=200))
def fuzz_query(text):
    try:
        query = parse(text)
    except JlpError:
        return
    query.fts()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    seconds = parser.parse_args().seconds
    os.environ.setdefault("JLP_CACHE_DIR", tempfile.mkdtemp(prefix="jlp-fuzz-"))
    deadline = time.monotonic() + seconds
    rounds = 0
    while True:
        for target in (fuzz_loader, fuzz_stream, fuzz_query):
            target()
        rounds += 1
        if time.monotonic() >= deadline:
            break
    print(f"fuzz: {rounds} rounds of the loader, the streaming reader and the query parser, {seconds:.0f} s, "
          "no failure")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
