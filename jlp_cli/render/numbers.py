"""How the human views write numbers, figures and units.

A number is always shown whole: never rounded, cut or ellipsised. Quantities
of five or more integer digits get thousands separators (1,060,000,000;
12,345.5); shorter ones do not, so years and base years read as years
(2023, 1950). Positions (line and column numbers, section order) and periods
(2024-Q1, 1950s/1990s) are written as they are, without separators.

Standard library only: the width-sweep test formats the numbers it expects
with these same functions.
"""

from __future__ import annotations

from typing import Any

#: Marks a derived base value in tables; the footer explains it once.
DERIVED_MARK = "*"
DERIVED_NOTE = "* derived: worked out from the article's numbers, not written in the article"


def plain(value: Any) -> str:
    """A number as data writes it: 10.6, 1060000000 (a whole float without
    its ``.0``), ``1e+20`` as Python writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def quantity(value: Any) -> str:
    """A count or a measure for reading: 1,060,000,000; 166.67; 9."""
    text = plain(value)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return text
    sign = "-" if text.startswith("-") else ""
    digits = text[len(sign):]
    whole, dot, fraction = digits.partition(".")
    if len(whole) < 5 or not whole.isdigit() or (fraction and not fraction.isdigit()):
        return text  # short, or written with an exponent: left exactly as it is
    groups = []
    while whole:
        groups.append(whole[-3:])
        whole = whole[:-3]
    return sign + ",".join(reversed(groups)) + dot + fraction


def figure_value(figure: dict, number=None) -> str:
    """The number as the article gives it: 10.6, 50–90, 1+8 (each number
    written by ``number``: ``quantity`` for people, ``plain`` for machines)."""
    number = number or quantity
    if figure.get("components"):
        return "+".join(number(c) for c in figure["components"])
    text = number(figure.get("value"))
    if figure.get("value_end") is not None:
        text += "–" + number(figure["value_end"])
    return text


def figure_base(figure: dict, number=None) -> str:
    """The value in its base unit: 1,060,000,000; 1950–1999."""
    number = number or quantity
    if figure.get("value_base") is None:
        return ""
    text = number(figure["value_base"])
    if figure.get("value_base_end") is not None:
        text += "–" + number(figure["value_base_end"])
    return text


def is_derived(figure: dict) -> bool:
    """The base value is worked out (1+8 → 9), not written in the article."""
    return bool(figure.get("derived"))


def units(figure: dict, lang: str) -> list[str]:
    """The unit in the chosen language: ``unit_en`` in English where the
    book has it (100 million yuan, km²), else the unit as written (亿元)."""
    written = figure.get("unit") or ""
    english = figure.get("unit_en") or ""
    if lang == "en":
        return [english or written] if (english or written) else []
    if lang == "zh" or not english or english == written:
        return [written] if written else []
    return [u for u in (written, english) if u]
