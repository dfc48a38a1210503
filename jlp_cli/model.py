"""The schema of a fact book, defined once.

Everything else derives from these classes: the loader validates with them,
``jlp validate`` reports their errors, ``jlp schema`` prints their JSON Schema,
and the machine output of every command keeps their field names and order.

pydantic is imported here and nowhere on the warm query path: commands that
only read use the compiled store (see ``store.py``), which holds data that
already passed through these models.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .vocabulary import ENTITY_TYPES, FACT_KINDS, ID_PATTERN, PERIOD_PATTERN

_ID = re.compile(ID_PATTERN)
FactKind = Literal[FACT_KINDS]  # type: ignore[valid-type]
EntityType = Literal[ENTITY_TYPES]  # type: ignore[valid-type]


class _Strict(BaseModel):
    # Unknown keys are typos in a hand-edited file; strict types stop YAML's
    # "10.6" (a string) from silently becoming a number.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Text(_Strict):
    """The same statement in Chinese and English."""

    zh: str = Field(min_length=1, description="Simplified Chinese.")
    en: str = Field(min_length=1, description="English; established names follow the glossary.")

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


#: Numbers every tool downstream can hold: integers within 64 bits (SQLite's
#: INTEGER) and finite floats (JSON has no NaN or Infinity).
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


def _not_beyond_64_bits(value):
    # Else a float field would take it and keep 17 of its digits: numbers are copied exactly.
    if type(value) is int and not -(2**63) <= value <= 2**63 - 1:
        raise ValueError(f"the number {value} is beyond what a 64-bit integer holds (SQLite's limit)")
    return value


Number = Annotated[Union[Int64, FiniteFloat], BeforeValidator(_not_beyond_64_bits)]


class Figure(_Strict):
    """One number a fact states, as data.

    ``value`` is the number as the article writes it, in the article's unit
    (10.6 亿元, in English "100 million yuan"); ``value_base`` is the same
    quantity in a base unit where one exists (1.06e9 CNY). ``derived`` marks a
    ``value_base`` the article never writes but that is worked out from its
    numbers (1+8 → 9). ``as_written`` is the verbatim text of the number in the
    fact's quote, so every figure can be traced to the article.
    """

    metric: Text = Field(description="What is measured.")
    value: Optional[Number] = Field(
        default=None, description="The number as written (null only when `components` holds it)."
    )
    value_end: Optional[Number] = Field(default=None, description="End of a range (50 → 90).")
    components: list[Number] = Field(
        default_factory=list, description="Parts of a sum-expression such as 1+8."
    )
    unit: Optional[str] = Field(default=None, description="Unit as written: 亿元, %, 平方公里.")
    unit_en: Optional[str] = Field(
        default=None, min_length=1,
        description="The unit in English as a translator writes it: 100 million yuan, %, km². Required with `unit`.",
    )
    value_base: Optional[Number] = Field(default=None, description="Value in the base unit.")
    value_base_end: Optional[Number] = Field(default=None, description="Range end in the base unit.")
    unit_base: Optional[str] = Field(default=None, description="Base unit: CNY, percent, km2, year.")
    derived: bool = Field(
        default=False,
        description="True when `value_base` is worked out from the article's numbers (the sum 1+8 → 9) "
                    "rather than a written number restated in the base unit (10.6亿元 → 1060000000 CNY).",
    )
    period: Optional[str] = Field(
        default=None, pattern=PERIOD_PATTERN, description="When: 2023, 2024-Q1, 1950s/1990s."
    )
    comparison: Optional[Text] = Field(
        default=None, description="What the number is compared with: year on year, rank in Chongqing."
    )
    as_written: str = Field(min_length=1, description="The number verbatim as in the quote.")

    @model_validator(mode="after")
    def _units_and_derivation(self) -> "Figure":
        # Enforced here, not in a later check, so that every reader of a book
        # (validate, the store builder, the streaming reader) refuses the same.
        if self.unit is not None and self.unit_en is None:
            raise ValueError("a figure with a unit needs unit_en (the unit in English)")
        if self.unit_en is not None and self.unit is None:
            raise ValueError("unit_en needs unit (the unit as the article writes it)")
        if self.value is None and self.components and self.value_base is not None and not self.derived:
            raise ValueError("a value_base worked out from components is derived: set derived: true")
        return self


class Article(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Text
    subtitle: Optional[Text] = None
    source: Text = Field(description="Who supplied the article's data.")
    language: str = Field(default="zh")
    description: Optional[Text] = None


class Section(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    order: int = Field(ge=0, le=2**63 - 1)
    title: Text
    tagline: Optional[Text] = Field(default=None, description="The section in one line, for the overview.")
    summary: Text = Field(description="A summary of the section, written for people.")


class Entity(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    type: EntityType
    name: Text
    aliases: list[str] = Field(default_factory=list, description="Other names, in any language.")
    description: Optional[Text] = None


class Fact(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    section: str = Field(pattern=ID_PATTERN, description="A section id.")
    kind: FactKind
    text: Text = Field(description="One self-contained statement; en is a faithful translation.")
    quote: str = Field(min_length=1, description="Verbatim span of the article it rests on.")
    entities: list[str] = Field(default_factory=list, description="Entity ids.")
    figures: list[Figure] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    period: Optional[str] = Field(
        default=None, pattern=PERIOD_PATTERN, description="When the fact applies, if dated."
    )

    @field_validator("entities", "tags")
    @classmethod
    def _ids(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _ID.match(value):
                raise ValueError(f"{value!r} is not a kebab-case id")
        return values


class BookTop(_Strict):
    """The book's own fields, without its lists of records (which a reader
    checks one record at a time)."""

    schema_version: Literal[1]
    article: Article


class FactBook(BookTop):
    sections: list[Section] = Field(min_length=1)
    entities: list[Entity] = Field(default_factory=list)
    facts: list[Fact] = Field(min_length=1)


def json_schema() -> dict:
    """The JSON Schema of facts.yaml, for editors and other tools."""
    schema = FactBook.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "jlp fact book (facts.yaml)"
    return schema
