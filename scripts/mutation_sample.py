"""Mutation scores from mutmut's results, and a seeded sample of mutants to check.

mutmut 3 keeps every mutant's outcome in ``mutants/**/*.py.meta``. A full run
of the core is hours on two cores, so this script can also pick a stratified
sample (the same number of mutants from each module, by a fixed seed) to hand
to ``mutmut run NAME...``; the score of each module is then estimated from
its sample, and the core's from the modules weighted by their size.

    python scripts/mutation_sample.py pick --per-module 30 --batch 1 > names.txt
    uv run --group mutation mutmut run $(cat names.txt)
    python scripts/mutation_sample.py score            # a Markdown table
    python scripts/mutation_sample.py survivors        # the names of those that lived

Standard library only: it runs on any Python, inside or outside the project.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

#: mutmut's exit codes (``mutmut/__main__.py``, ``status_by_exit_code``) by
#: what they mean here. A timeout or a crash is a mutant the tests noticed.
CAUGHT = {1, 3, -24, 24, 36, 152, 255, -11, -9}
SURVIVED = {0}
NO_TESTS = {33, 5}


def modules(root: Path, only: set[str] | None = None) -> dict[str, dict[str, int | None]]:
    """Every module's mutants and their exit codes (None: not checked); with
    ``only``, just those mutants (a sample), each module still counted whole."""
    found = {}
    for meta in sorted(root.glob("jlp_cli/**/*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
        if codes:
            found[str(meta.relative_to(root))[: -len(".meta")]] = codes
    if only is None:
        return found
    return {module: {"": len(codes), **{n: c for n, c in codes.items() if n in only}}
            for module, codes in found.items() if any(n in only for n in codes)}


def outcome(code: int | None) -> str:
    if code is None:
        return "unchecked"
    if code in CAUGHT:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    return "other"


def pick(root: Path, per_module: int, batch: int, seed: int, skip: set[str]) -> list[str]:
    """Batch ``batch`` (1, 2, …) of ``per_module`` mutants from each module: the
    modules' mutants are shuffled once by the seed, so batches never overlap
    and any number of batches is a uniform sample of each module."""
    names = []
    for module, codes in modules(root).items():
        if module in skip:
            continue
        keys = sorted(codes)
        random.Random(f"{seed}:{module}").shuffle(keys)
        names += keys[(batch - 1) * per_module: batch * per_module]
    return names


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson interval of a proportion (sound near 100%, unlike p ± 2σ)."""
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def score(root: Path, only: set[str] | None = None) -> str:
    rows = ["| module | mutants | checked | killed | survived | no tests | score | 95% interval |",
            "|---|---|---|---|---|---|---|---|"]
    total_mutants = weighted = 0.0
    totals: Counter = Counter()
    for module, codes in modules(root, only).items():
        size = codes.pop("", None) or len(codes)  # with a sample: the module's own count of mutants
        counts = Counter(outcome(code) for code in codes.values())
        checked = counts["killed"] + counts["survived"] + counts["no tests"]
        totals.update(counts)
        if checked == 0:
            rows.append(f"| `{module}` | {size} | 0 | | | | | |")
            continue
        rate = counts["killed"] / checked
        low, high = wilson(counts["killed"], checked)
        total_mutants += size
        weighted += rate * size
        rows.append(f"| `{module}` | {size} | {checked} | {counts['killed']} | {counts['survived']} | "
                    f"{counts['no tests']} | {rate:.1%} | {low:.1%}–{high:.1%} |")
    checked = totals["killed"] + totals["survived"] + totals["no tests"]
    rows.append(f"| **all** | {int(total_mutants)} | {checked} | {totals['killed']} | "
                f"{totals['survived']} | {totals['no tests']} | "
                f"{weighted / total_mutants if total_mutants else math.nan:.1%} (modules weighted by size) | |")
    return "\n".join(rows)


def survivors(root: Path, only: set[str] | None = None) -> list[str]:
    return [name for codes in modules(root, only).values() for name, code in sorted(codes.items())
            if name and outcome(code) in ("survived", "no tests")]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's folder (default: mutants)")
    parser.add_argument("--only", type=Path, help="score and list only the mutants named in this file (a sample)")
    commands = parser.add_subparsers(dest="command", required=True)
    picking = commands.add_parser("pick", help="print a batch of the seeded sample, one name a line")
    picking.add_argument("--per-module", type=int, default=30)
    picking.add_argument("--batch", type=int, default=1)
    picking.add_argument("--seed", type=int, default=13)
    picking.add_argument("--skip", action="append", default=[], help="a module to leave out (its .py path)")
    commands.add_parser("score", help="print each module's score as a Markdown table")
    commands.add_parser("survivors", help="print the mutants that no test noticed")
    arguments = parser.parse_args(argv)
    if not arguments.mutants.is_dir():
        parser.error(f"no mutmut results in {arguments.mutants}: run mutmut first")
    only = set(arguments.only.read_text(encoding="utf-8").split()) if arguments.only else None
    if arguments.command == "pick":
        print("\n".join(pick(arguments.mutants, arguments.per_module, arguments.batch, arguments.seed,
                             set(arguments.skip))))
    elif arguments.command == "score":
        print(score(arguments.mutants, only))
    else:
        print("\n".join(survivors(arguments.mutants, only)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
