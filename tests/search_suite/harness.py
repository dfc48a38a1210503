"""Score a search engine on a query suite: hits, mean reciprocal rank, failures.

A *search* here is any callable ``search(query, **filters) -> list of fact ids,
best first`` (filters only for the cases that have them: section, kind, entity,
tag). It should return every fact it finds, not a first page: a ``finds`` case
of the keyword suite asks for recall. jlp's engine and the benchmark's peer
are both scored through this one function, so their figures compare.

Two kinds of case are understood:

* the realistic suite (``realistic.yaml`` beside this file, and the fresh
  set ``fresh.yaml`` in the same format, loaded by :func:`load_realistic`): ``first`` (the first result is one of these ids),
  ``top3`` (one of these ids is among the first three) or ``nothing`` (no
  result at all);
* the keyword suite, ``tests.test_search_relevance.CASES``, judged by that
  test's own rule (``top``, ``first``, ``among``, ``finds``, ``nothing``; see
  its docstring), and its MRR computed as its ``test_hit_rate`` does.

MRR is the mean, over the cases that name wanted facts, of 1/rank of the
best-ranked of them (0 when none is returned). Cases that want nothing, or
only constrain the top three (``among``), count in the hits but not in the MRR.

A query that raises one of the ``errors`` given to :func:`score` (jlp's
``UsageError``, say) is a miss, whatever the case wanted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

REALISTIC = Path(__file__).resolve().parent / "realistic.yaml"
#: Queries written after the engine was built, as a held-out check (same format).
FRESH = Path(__file__).resolve().parent / "fresh.yaml"

KINDS = frozenset({
    "question-en", "question-zh", "run-together-zh", "short-form-zh", "everyday-en", "paraphrase", "name",
    "multiword", "traditional", "pinyin", "prefix", "number", "typo", "nothing",
})
PERSONAS = frozenset({"analyst", "official", "student", "fact-checker", "tourist"})

Search = Callable[..., Sequence[str]]


@dataclass(frozen=True)
class RealisticCase:
    """One query of the realistic suite; see the header of realistic.yaml."""

    query: str
    kind: str
    persona: str
    first: tuple[str, ...] = ()
    top3: tuple[str, ...] = ()
    nothing: bool = False
    note: str = ""
    filters: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.query}"

    def wanted(self) -> tuple[str, ...]:
        return self.first or self.top3


def load_realistic(path: Path = REALISTIC) -> list[RealisticCase]:
    """The cases of ``path``; a malformed case is a ValueError naming it."""
    import yaml

    cases = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
        unknown = set(raw) - {"query", "first", "top3", "nothing", "kind", "persona", "note"}
        rules = [key for key in ("first", "top3", "nothing") if raw.get(key)]
        if unknown or len(rules) != 1 or not isinstance(raw.get("query"), str):
            raise ValueError(f"malformed case {raw!r}: needs a query and exactly one of first/top3/nothing")
        cases.append(RealisticCase(
            query=raw["query"], kind=raw["kind"], persona=raw["persona"], first=tuple(raw.get("first", ())),
            top3=tuple(raw.get("top3", ())), nothing=bool(raw.get("nothing")), note=raw.get("note", ""),
        ))
    return cases


@dataclass(frozen=True)
class Outcome:
    """How one case fared: met or not, its reciprocal rank (None: not ranked)."""

    case: object
    hit: bool
    reciprocal_rank: float | None
    got: tuple[str, ...]
    error: str = ""

    @property
    def query(self) -> str:
        return self.case.query


@dataclass(frozen=True)
class Failure:
    query: str
    wanted: str
    got: tuple[str, ...]  # the first five results, or the error raised

    def __str__(self) -> str:
        return f"{self.query!r}: wanted {self.wanted}; got {list(self.got) or 'nothing'}"


@dataclass(frozen=True)
class Score:
    outcomes: tuple[Outcome, ...]

    @property
    def hits(self) -> int:
        return sum(o.hit for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0

    @property
    def mrr(self) -> float:
        ranks = [o.reciprocal_rank for o in self.outcomes if o.reciprocal_rank is not None]
        return sum(ranks) / len(ranks) if ranks else 0.0

    @property
    def failures(self) -> list[Failure]:
        return [Failure(o.query, describe_wanted(o.case), (f"error: {o.error}",) if o.error else o.got[:5])
                for o in self.outcomes if not o.hit]

    def by(self, attribute: str) -> dict[str, tuple[int, int]]:
        """Hits and totals grouped by an attribute of the cases (kind, persona)."""
        hits, totals = Counter(), Counter()
        for o in self.outcomes:
            key = getattr(o.case, attribute, "")
            totals[key] += 1
            hits[key] += o.hit
        return {key: (hits[key], totals[key]) for key in sorted(totals)}


def describe_wanted(case) -> str:
    if isinstance(case, RealisticCase):
        if case.nothing:
            return "nothing"
        return ("first: " if case.first else "top 3: ") + " | ".join(case.wanted())
    parts = []
    if case.nothing:
        parts.append("nothing")
    if case.first:
        parts.append(f"first: {case.first}")
    if case.top:
        parts.append("all in top 3: " + ", ".join(case.top))
    if case.among is not None:
        parts.append(f"top 3 only from {len(case.among)} facts")
    if case.finds:
        parts.append(f"finds {len(case.finds)} facts")
    return "; ".join(parts)


def _reciprocal_rank(ids: Sequence[str], wanted: Iterable[str]) -> float:
    positions = [ids.index(i) + 1 for i in wanted if i in ids]
    return 1 / min(positions) if positions else 0.0


def judge(case, ids: Sequence[str]) -> tuple[bool, float | None]:
    """Whether ``ids`` (a search's results, best first) meet ``case``, and
    the reciprocal rank that counts towards the MRR (None: not ranked)."""
    ids = list(ids)
    top3 = ids[:3]
    if isinstance(case, RealisticCase):
        if case.nothing:
            return not ids, None
        if case.first:
            hit = bool(ids) and ids[0] in case.first
        else:
            hit = any(i in top3 for i in case.top3)
        return hit, _reciprocal_rank(ids, case.wanted())
    # The keyword suite: the rule of tests/test_search_relevance.py's _check.
    hit = not (case.nothing and ids)
    if case.first and (not ids or ids[0] != case.first):
        hit = False
    if any(i not in top3 for i in case.top):
        hit = False
    if case.among is not None and any(i not in case.among for i in top3):
        hit = False
    if set(case.finds) - set(ids):
        hit = False
    wanted = [case.first] if case.first else list(case.top)
    return hit, (_reciprocal_rank(ids, wanted) if wanted else None)


def score(search: Search, cases: Iterable, errors: tuple[type[BaseException], ...] = ()) -> Score:
    """Run ``search`` over ``cases`` and judge every result list."""
    outcomes = []
    for case in cases:
        filters = getattr(case, "filters", None) or {}
        try:
            ids = tuple(search(case.query, **filters))
        except errors as exc:
            ranked = 0.0 if case_wants_facts(case) else None
            outcomes.append(Outcome(case, False, ranked, (), error=f"{type(exc).__name__}: {exc}"))
            continue
        hit, rr = judge(case, ids)
        outcomes.append(Outcome(case, hit, rr, ids))
    return Score(tuple(outcomes))


def case_wants_facts(case) -> bool:
    if isinstance(case, RealisticCase):
        return bool(case.wanted())
    return bool(case.first or case.top)
