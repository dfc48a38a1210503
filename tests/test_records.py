"""The value classes' base (jlp_cli/records.py): equal by value, hashable, readable."""

from __future__ import annotations

from jlp_cli.errors import Problem
from jlp_cli.store.writer import FactRows


def test_records_are_equal_by_type_and_every_value():
    assert Problem("a", line=1) == Problem("a", line=1)
    assert Problem("a", line=1) != Problem("a", line=2)
    assert Problem("a") != Problem("b")
    assert Problem("a") != ("a", None, None, None, None)  # not a tuple of the same values
    assert len({Problem("a", line=1), Problem("a", line=1), Problem("b")}) == 2


def test_a_record_shows_its_class_and_fields():
    assert repr(Problem("a", line=3)) == "Problem(message='a', path=None, line=3, column=None, hint=None)"


def test_a_record_travels_as_its_values():
    """The reading child sends rows as plain tuples (``_values``) and the
    parent builds them again: nothing is lost on the way."""
    row = FactRows(*[f"field {n}" for n in range(len(FactRows.__slots__))])
    assert FactRows(*row._values()) == row
    assert row._values() == tuple(f"field {n}" for n in range(len(FactRows.__slots__)))
