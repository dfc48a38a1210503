"""Make a synthetic fact book of N facts from the shipped one, for benchmarks.

    python benchmarks/synth.py 100000 -o /tmp/book-100k.yaml

The article, sections and entities are copied as they are. The facts are the
shipped facts over and over: copy 0 of each is the original (so every
original id, such as ``hydrogen-revenue-2023``, is still there), and every
later copy gets

* a new id: the original's with ``-v<copy>`` appended;
* varied text: one clause of its Chinese and English text (and of its quote,
  where no figure is written in that clause) replaced by, or joined with, a
  clause of another fact, so that search indexes hold many different
  documents rather than one document many times;
* varied numbers: each figure written in Arabic numerals (10.6亿元, 32.5%)
  gets a new value, written into its ``as_written``, its quote and its
  text where the number appears as written, with ``value_base`` scaled alike.

The result has the same schema and passes ``jlp validate --facts BOOK``
(without ``--source``: the varied quotes are not in the article). The output
is deterministic for a given seed and shipped book.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

import yaml

from jlp_cli.book import packaged_facts
from jlp_cli.book.rules import format_number, number_in_text, squash

DEFAULT_SEED = 5
ZH_COMMA, EN_COMMA = "，", ", "
#: Figures whose numbers are years or ranks are left alone: a new value would
#: still validate, but would read as nonsense ("ranked 1.3rd").
FIXED_UNITS = {"year", "rank"}


def load_template(path: Path | None = None) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path or packaged_facts(), encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def _clauses(text: str, comma: str, stop: str) -> tuple[list[str], str]:
    """('a，b，c。' → ['a', 'b', 'c'], '。')"""
    end = stop if text.endswith(stop) else ""
    body = text[: len(text) - len(end)] if end else text
    return body.split(comma), end


def _mix(text: str, donor: str, comma: str, stop: str, rng: random.Random, keep: tuple[str, ...] = ()) -> str:
    """``text`` with one clause replaced by, or joined with, a clause of
    ``donor``. Clauses that contain any string of ``keep`` are not replaced."""
    clauses, end = _clauses(text, comma, stop)
    donor_clauses, _ = _clauses(donor, comma, stop)
    borrowed = rng.choice(donor_clauses)
    replaceable = [i for i, clause in enumerate(clauses) if not any(k in clause for k in keep)]
    if len(clauses) > 1 and replaceable and rng.random() < 0.5:
        clauses[rng.choice(replaceable)] = borrowed
    else:
        clauses.insert(rng.randrange(len(clauses) + 1), borrowed)
    return comma.join(clauses) + end


def _new_value(value: int | float, rng: random.Random) -> int | float:
    factor = rng.uniform(0.3, 3.0)
    if isinstance(value, int):
        return max(1, round(value * factor))
    decimals = len(format_number(value).partition(".")[2])
    new = round(value * factor, decimals)
    return new if new > 0 else value


def _vary_figures(fact: dict, rng: random.Random) -> None:
    """Give the figures written in Arabic numerals new values, in place."""
    for figure in fact.get("figures", []):
        value = figure.get("value")
        if value is None or figure.get("value_end") is not None or figure.get("components"):
            continue
        if figure.get("unit_base") in FIXED_UNITS or isinstance(value, bool):
            continue
        old_text = format_number(value)
        pattern = re.compile(rf"(?<![\d.]){re.escape(old_text)}(?![\d]|\.\d)")
        if not pattern.search(figure["as_written"]):
            continue  # written in Chinese numerals (三个作用)
        new_value = _new_value(value, rng)
        new_text = format_number(new_value)
        old_written = figure["as_written"]
        figure["as_written"] = pattern.sub(new_text, old_written, count=1)
        figure["value"] = new_value
        if isinstance(figure.get("value_base"), (int, float)) and value:
            scaled = figure["value_base"] * new_value / value
            figure["value_base"] = round(scaled) if isinstance(figure["value_base"], int) else round(scaled, 6)
        fact["quote"] = fact["quote"].replace(old_written, figure["as_written"], 1)
        for language in ("zh", "en"):
            fact["text"][language] = pattern.sub(new_text, fact["text"][language], count=1)


def _figures_hold(fact: dict) -> bool:
    """The figure rules ``jlp validate`` applies: each as_written is in the
    quote, and each number is in its as_written."""
    quote = squash(fact["quote"])
    for figure in fact.get("figures", []):
        if squash(figure["as_written"]) not in quote:
            return False
        numbers = [n for n in (figure.get("value"), figure.get("value_end"), *figure.get("components", []))
                   if n is not None]
        if not all(number_in_text(n, figure["as_written"]) for n in numbers):
            return False
    return True


def _clone(value):
    """A deep copy of plain YAML data (dicts, lists, scalars); faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {key: _clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clone(item) for item in value]
    return value


def vary(original: dict, donor: dict, copy_number: int, rng: random.Random) -> dict:
    """Copy ``copy_number`` (1, 2, …) of ``original``, with text borrowed from ``donor``."""
    fact = _clone(original)
    fact["id"] = f"{original['id']}-v{copy_number}"
    fact["text"]["zh"] = _mix(fact["text"]["zh"], donor["text"]["zh"], ZH_COMMA, "。", rng)
    fact["text"]["en"] = _mix(fact["text"]["en"], donor["text"]["en"], EN_COMMA, ".", rng)
    written = tuple(figure["as_written"] for figure in fact.get("figures", []))
    fact["quote"] = _mix(fact["quote"], donor["quote"], ZH_COMMA, "。", rng, keep=written)
    _vary_figures(fact, rng)
    if not _figures_hold(fact):  # a variation broke a figure: keep the original's figures and quote
        fact["quote"], fact["figures"] = original["quote"], _clone(original.get("figures", []))
    return fact


def synthesize(n: int, seed: int = DEFAULT_SEED, template: dict | None = None) -> dict:
    """A fact book of ``n`` facts (see the module docstring)."""
    book = template or load_template()
    originals = book["facts"]
    rng = random.Random(seed)
    facts = []
    for index in range(n):
        copy_number, position = divmod(index, len(originals))
        original = originals[position]
        if copy_number == 0:
            facts.append(_clone(original))
        else:
            facts.append(vary(original, rng.choice(originals), copy_number, rng))
    ids = [fact["id"] for fact in facts]
    if len(set(ids)) != len(ids):
        raise ValueError("the synthetic ids are not unique; change the id scheme in vary()")
    return {**{k: v for k, v in book.items() if k != "facts"}, "facts": facts}


def write_book(book: dict, path: Path) -> None:
    """Write ``book`` as block-style YAML, as a person would (like facts.yaml)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        yaml.dump(book, handle, Dumper=dumper, allow_unicode=True, sort_keys=False, width=4096)
    temp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of facts")
    parser.add_argument("-o", "--output", type=Path, help="where to write the book (default: stdout)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("n must be at least 1")
    book = synthesize(args.n, args.seed)
    if args.output:
        write_book(book, args.output)
    else:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        yaml.dump(book, sys.stdout, Dumper=dumper, allow_unicode=True, sort_keys=False, width=4096)
    return 0


if __name__ == "__main__":
    sys.exit(main())
