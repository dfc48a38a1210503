"""--format json is exactly what json.dumps(…, ensure_ascii=False, indent=2) writes."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from jlp_cli.render.machine import write
from jlp_cli.render.view import Column, View

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)
records = st.dictionaries(st.text(max_size=6), values, max_size=5)


def as_json(view: View) -> str:
    out = io.StringIO()
    write(view, "json", out, None, "both")
    return out.getvalue()


@given(st.lists(records, max_size=4))
def test_a_listing_is_json_dumps_of_the_list(items):
    assert as_json(View(items, [Column("id")])) == json.dumps(items, ensure_ascii=False, indent=2) + "\n"


@given(records)
def test_a_single_record_is_json_dumps_of_it(record):
    assert as_json(View(record, [Column("id")], single=True)) == \
        json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def test_values_json_cannot_write_as_they_are_still_go_through_json():
    record = {"n": {1: "one", None: "none"}, "big": 10**30, "tiny": 5e-324, "text": "氢能\u2028\x00\"\\"}
    assert as_json(View([record], [Column("id")])) == json.dumps([record], ensure_ascii=False, indent=2) + "\n"
