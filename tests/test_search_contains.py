"""The phrase finder of the ranking: the first place a phrase occurs in a token list."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jlp_cli.search.engine import _contains

tokens = st.sampled_from(["qing", "q", "neng", "ne", "氢", "能", "10.6"])


def first_occurrence(haystack: list[str], needle: tuple[str, ...], prefix: bool) -> int:
    """The definition, position by position."""
    for start in range(len(haystack) - len(needle) + 1 if needle else 0):
        *head, last = needle
        token = haystack[start + len(needle) - 1]
        if haystack[start : start + len(needle) - 1] == head and (token == last or (prefix and token.startswith(last))):
            return start
    return -1


@given(st.lists(tokens, max_size=12), st.lists(tokens, max_size=4).map(tuple), st.booleans())
def test_finds_the_first_occurrence(haystack, needle, prefix):
    assert _contains(haystack, needle, prefix) == first_occurrence(haystack, needle, prefix)


def test_examples():
    assert _contains(["chong", "qing", "jiu"], ("chong", "q"), True) == 0
    assert _contains(["chong", "qing", "jiu"], ("chong", "q"), False) == -1
    assert _contains(["a", "b", "a", "c"], ("a", "c"), False) == 2
    assert _contains(["a"], ("a", "b"), True) == -1
