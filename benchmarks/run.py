"""Benchmark jlp against fair references, and check the targets of its issues
(5: start-up and big books; 10: search; 11: table views; 12: building).

    python benchmarks/run.py           # the full run, 100,000 facts included
    python benchmarks/run.py --quick   # 5 pairs, no 100,000-fact book

(or ``uv run python benchmarks/run.py``). It prints a Markdown table and
writes it, with the machine and the settings, to ``benchmarks/out/latest.md``.

What is measured
----------------
Whole processes, started the way a user starts them: the ``jlp`` console
script installed next to ``sys.executable`` (``python -m jlp_cli`` only if
there is none), timed with ``time.perf_counter()`` from spawn to exit, with
output to /dev/null (on a Unix: children are reaped with ``os.wait4``). A
child's peak memory is its ``ru_maxrss`` from
``os.wait4``. Each command of the default book is run once with its output
captured and checked first (valid JSON, colour codes, fact ids from
completion, …), and every timed run must exit 0, so a broken command fails the
benchmark instead of timing an error message.

The references:

* the **Typer baseline** (``benchmarks/baseline_app.py``): a one-command Typer
  app on the project's own Typer that prints one JSON line, the floor of any
  Typer CLI (interpreter start, Typer import, argument parsing). Tab
  completion is compared with the same app's own completion;
* **yq** and **jq** running the equivalent substring query on the same book
  (``.facts[] | select(.text.zh | contains("氢能"))``), yq on the YAML and jq
  on the book exported to JSON by ``jlp export``. A missing one is skipped
  with a note.

Method: alternating pairs, medians, ratios
------------------------------------------
Latency targets are ratios to a reference, never milliseconds: an absolute
threshold would pass on a fast idle machine and fail on a loaded laptop, while
jlp's cost relative to a bare Typer start is a property of jlp. The machine
this runs on is noisy (2 cores, other work), so each jlp case is measured in
*pairs* with its reference: after warm-up runs, the two commands run back to
back, alternating which goes first (A B, B A, …), for at least 15 pairs. The
ratio reported is the median of the per-pair ratios: load that slows both
halves of a pair cancels out, and the median ignores the pairs that a burst
of load hit unevenly. Each command's median time is printed for scale.

Peers that take seconds per run (yq on a big book) get fewer pairs, as many
as fit in ``--peer-budget`` seconds but at least 3: their targets are
"faster" or "10× faster", far beyond the noise, and 15 runs of a minute each
would not make the verdict any surer. The same holds for the cold builds and
``jlp validate`` runs of big books. The few absolute limits of the issue
(cold build ≤ 30 s and ≤ 150 MiB, validate ≤ 15 s, peak memory) are coarse budgets far
above the noise floor; memory does not depend on load at all.

Environment of the measured commands: the caller's, without
``PYTHONDONTWRITEBYTECODE`` and with ``PYTHONPYCACHEPREFIX`` in
``benchmarks/out/pycache``. A user's Python caches bytecode (pip compiles it
at install, an editable install on the first run), so the commands are
measured with it, and the prefix keeps it out of the source tree.
``XDG_CACHE_HOME`` points into ``benchmarks/out/cache`` (``JLP_CACHE_DIR``
elsewhere than Linux): jlp finds its cache as it does for a user, yet the
user's cache is never read or touched; the default book's store is built
before the pairs, and every cold run starts from an empty directory.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BOOKS = OUT / "books"
CACHES = OUT / "cache"

QUERY = "氢能"
PEER_FILTER = f'.facts[] | select(.text.zh | contains("{QUERY}"))'
SHOW_ID = "hydrogen-revenue-2023"
SECTION_ID = "innovation"
COMPLETE_PREFIX = "hydro"
SIZES = (1_000, 10_000, 100_000)
LARGE = 100_000  # the size the issue sets targets for

MIB = 1024 * 1024


# -- running one command --------------------------------------------------------

@dataclass(frozen=True)
class Command:
    label: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()  # added to the base environment
    #: Checks the captured stdout of the verification run; returns an error or None.
    check: Optional[Callable[[str], Optional[str]]] = None


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss: int  # bytes


class BenchmarkError(Exception):
    """A measured command failed or printed the wrong thing."""


class Runner:
    def __init__(self, base_env: dict[str, str], timeout: float):
        self.base_env = base_env
        self.timeout = timeout

    def env(self, command: Command) -> dict[str, str]:
        return {**self.base_env, **dict(command.env)}

    def run(self, command: Command) -> Sample:
        """One timed run, output discarded; its wall time and peak memory."""
        env = self.env(command)
        start = time.perf_counter()
        process = subprocess.Popen(command.argv, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timer = threading.Timer(self.timeout, process.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode < 0:
            raise BenchmarkError(f"{command.label}: killed by signal {-process.returncode} "
                                 f"(the timeout is {self.timeout:.0f} s)")
        if process.returncode != 0:
            raise BenchmarkError(f"{command.label}: exit status {process.returncode}")
        return Sample(seconds, usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024))  # KiB but on macOS

    def verify(self, command: Command) -> None:
        """Run once with output captured; fail unless it exits 0 and passes its check."""
        result = subprocess.run(command.argv, env=self.env(command), stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=self.timeout)
        if result.returncode != 0:
            raise BenchmarkError(f"{command.label}: exit status {result.returncode}: {result.stderr.strip()[:500]}")
        problem = command.check(result.stdout) if command.check else None
        if problem:
            raise BenchmarkError(f"{command.label}: {problem}")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- measuring ------------------------------------------------------------------

@dataclass
class Pairs:
    """Times of a jlp command and a reference run in alternating pairs."""

    subject: list[Sample]
    reference: list[Sample]

    @property
    def ratio(self) -> float:
        return statistics.median(s.seconds / r.seconds for s, r in zip(self.subject, self.reference))

    @property
    def subject_median(self) -> float:
        return statistics.median(s.seconds for s in self.subject)

    @property
    def reference_median(self) -> float:
        return statistics.median(r.seconds for r in self.reference)

    @property
    def subject_peak(self) -> int:
        return max(s.max_rss for s in self.subject)


def measure_pairs(runner: Runner, subject: Command, reference: Command, pairs: int, warmup: int,
                  budget: float | None = None) -> Pairs:
    """``pairs`` alternating pairs after ``warmup`` runs of each; with a
    ``budget`` (seconds), only as many pairs as fit in it, but at least 3."""
    for _ in range(warmup):
        runner.run(subject)
        runner.run(reference)
    result = Pairs([], [])
    while len(result.subject) < pairs:
        if len(result.subject) % 2 == 0:
            result.subject.append(runner.run(subject))
            result.reference.append(runner.run(reference))
        else:
            result.reference.append(runner.run(reference))
            result.subject.append(runner.run(subject))
        if len(result.subject) == 1 and budget is not None:
            per_pair = result.subject[0].seconds + result.reference[0].seconds
            pairs = max(3, min(pairs, int(budget // per_pair)))
    return result


def repeat(runner: Runner, make: Callable[[int], Command], runs: int, budget: float,
           before: Callable[[int], None] = lambda i: None) -> list[Sample]:
    """Up to ``runs`` runs of ``make(i)`` (at least one), as many as fit in ``budget`` seconds."""
    samples: list[Sample] = []
    while len(samples) < runs:
        before(len(samples))
        samples.append(runner.run(make(len(samples))))
        if sum(s.seconds for s in samples) / len(samples) * (len(samples) + 1) > budget:
            break
    return samples


# -- the results table ----------------------------------------------------------

@dataclass(frozen=True)
class Target:
    limit: float
    text: str
    strict: bool = False  # value < limit rather than value <= limit

    def met(self, value: float) -> bool:
        return value < self.limit if self.strict else value <= self.limit


@dataclass
class Row:
    case: str
    jlp: str
    reference: str = "—"
    reference_value: str = "—"
    ratio: str = "—"
    target: str = "—"
    result: str = "info"
    n: str = ""

    def cells(self) -> list[str]:
        return [self.case, self.jlp, self.reference, self.reference_value, self.ratio, self.target,
                self.result, self.n]


HEADER = ["case", "jlp (median)", "vs", "reference (median)", "ratio", "target", "result", "n"]


def verdict(target: Target | None, value: float) -> str:
    if target is None:
        return "info"
    return "pass" if target.met(value) else "**FAIL**"


def seconds_text(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def runs_text(count: int) -> str:
    return f"{count} run" if count == 1 else f"{count} runs"


def mib_text(size: int) -> str:
    return f"{size / MIB:.0f} MiB"


def pair_row(case: str, pairs: Pairs, reference: str, target: Target | None) -> Row:
    return Row(case, seconds_text(pairs.subject_median), reference, seconds_text(pairs.reference_median),
               f"{pairs.ratio:.2f}×", target.text if target else "—", verdict(target, pairs.ratio),
               f"{len(pairs.subject)} pair" if len(pairs.subject) == 1 else f"{len(pairs.subject)} pairs")


def value_row(case: str, value: float, text: str, target: Target | None, n: str) -> Row:
    return Row(case, text, target=target.text if target else "—", result=verdict(target, value), n=n)


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |" for row in rows]
    return "\n".join(lines)


# -- checks of captured output --------------------------------------------------

def json_records(stdout: str) -> Optional[str]:
    try:
        data = json.loads(stdout)
    except ValueError as error:
        return f"not JSON ({error})"
    return None if data else "empty result"


def several_lines(stdout: str) -> Optional[str]:
    return None if stdout.count("\n") > 1 else "fewer than two lines"


def coloured(stdout: str) -> Optional[str]:
    return None if "\x1b[" in stdout else "no colour codes despite FORCE_COLOR=1"


def peer_hits(stdout: str) -> Optional[str]:
    return None if '"id"' in stdout else "no fact matched"


def completes_ids(ids: set[str], prefix: str) -> Callable[[str], Optional[str]]:
    def check(stdout: str) -> Optional[str]:
        words = stdout.split()
        if not words:
            return "printed no completions"
        wrong = [w for w in words if w not in ids or not w.startswith(prefix)]
        return f"printed words that are not fact ids starting with {prefix!r}: {wrong[:5]}" if wrong else None
    return check


# -- the benchmark --------------------------------------------------------------

@dataclass
class Settings:
    pairs: int
    warmup: int
    sizes: tuple[int, ...]
    runs: int  # cold builds and validations per book
    peer_budget: float
    build_budget: float
    timeout: float
    only: Optional[str] = None  # run only the default-book cases whose name contains this


@dataclass
class Context:
    settings: Settings
    runner: Runner
    jlp: tuple[str, ...]
    tools: dict[str, Optional[str]]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def jlp_command(self, label: str, *args: str, env: dict[str, str] | None = None, check=None) -> Command:
        return Command(label, (*self.jlp, *args), tuple((env or {}).items()), check)

    def baseline(self) -> Command:
        return Command("Typer baseline", (sys.executable, str(HERE / "baseline_app.py"), QUERY, "--format", "json"),
                       check=json_records)

    def peers(self, yaml_book: Path, json_book: Path) -> list[Command]:
        """yq and jq on the same book; each only if installed (yq needs jq too)."""
        found = []
        if self.tools["yq"] and self.tools["jq"]:
            found.append(Command("yq", (self.tools["yq"], PEER_FILTER, str(yaml_book)), check=peer_hits))
        if self.tools["jq"]:
            found.append(Command("jq", (self.tools["jq"], PEER_FILTER, str(json_book)), check=peer_hits))
        return found

    def export_json(self, book: Optional[Path], target: Path, cache: Path) -> None:
        args = ["export", "--format", "json", "--output", str(target), "--force"]
        if book is not None:
            args += ["--facts", str(book)]
        self.runner.verify(self.jlp_command("jlp export", *args, env=cache_env(cache)))


def find_jlp() -> tuple[str, ...]:
    """The console script users run, next to the interpreter that runs this."""
    bindir = Path(sys.executable).parent
    for name in ("jlp", "jlp.exe"):
        if (bindir / name).is_file():
            return (str(bindir / name),)
    return (sys.executable, "-m", "jlp_cli")


def cache_env(directory: Path) -> dict[str, str]:
    """Point jlp's cache into ``directory`` the way a user's is found: through
    XDG_CACHE_HOME, so that the code that locates the default cache is
    measured too. Elsewhere than Linux, JLP_CACHE_DIR (see main's note)."""
    if sys.platform.startswith("linux"):
        return {"XDG_CACHE_HOME": str(directory)}
    return {"JLP_CACHE_DIR": str(directory)}


def base_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR", "FORCE_COLOR", "COLUMNS")
           and not k.startswith("JLP_") and not k.endswith("_COMPLETE")}
    env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    return env


@dataclass(frozen=True)
class Case:
    """A default-book case: a jlp command, its reference and its targets."""

    name: str
    command: Command
    reference: Command
    limit: float  # at most this many times the reference
    peers: tuple[str, ...] = ()  # also compared with these: yq (must be faster), jq (shown)


def default_book(ctx: Context) -> None:
    """The six cases of the issue on the shipped book, with a warm cache."""
    s = ctx.settings
    cache = CACHES / "default"
    json_book = BOOKS / "default.json"
    ctx.export_json(None, json_book, cache)  # also builds the store the cases read
    ids = {fact["id"] for fact in json.loads(json_book.read_text(encoding="utf-8"))["facts"]}
    from jlp_cli.book import packaged_facts

    peers = {peer.label: peer for peer in ctx.peers(packaged_facts(), json_book)}
    baseline = ctx.baseline()
    baseline_completion = Command(
        "Typer baseline completion", (sys.executable, str(HERE / "baseline_app.py")),
        (("_BASELINE_COMPLETE", "complete_bash"), ("COMP_WORDS", f"baseline {COMPLETE_PREFIX}"), ("COMP_CWORD", "1")),
        check=lambda out: None if out.strip() else "printed no completions")
    warm = cache_env(cache)

    def jlp(*args: str, check, **env: str) -> Command:
        return ctx.jlp_command(args[0] if args else "completion", *args, env={**warm, **env}, check=check)

    completion = {"_JLP_COMPLETE": "complete_bash", "COMP_WORDS": f"jlp show {COMPLETE_PREFIX}", "COMP_CWORD": "2"}
    cases = [
        Case(f"search {QUERY} --format json", jlp("search", QUERY, "--format", "json", check=json_records),
             baseline, 1.2, ("yq", "jq")),
        Case("search qingneng --format json", jlp("search", "qingneng", "--format", "json", check=json_records),
             baseline, 1.2, ("yq",)),
        Case(f"show {SHOW_ID} --format json", jlp("show", SHOW_ID, "--format", "json", check=json_records),
             baseline, 1.2, ("yq",)),
        # In a pipe jlp prints plain lines; --format table asks for what a terminal shows.
        Case(f"section {SECTION_ID} --format table, FORCE_COLOR=1",
             jlp("section", SECTION_ID, "--format", "table", check=coloured, FORCE_COLOR="1"), baseline, 1.5),
        Case("facts --format tsv", jlp("facts", "--format", "tsv", check=several_lines), baseline, 1.2, ("yq",)),
        Case(f"Tab completion: jlp show {COMPLETE_PREFIX}",
             jlp(check=completes_ids(ids, COMPLETE_PREFIX), **completion), baseline_completion, 1.2),
    ]
    for command in [baseline, baseline_completion, *peers.values()]:
        ctx.runner.verify(command)
    if s.only:
        cases = [case for case in cases if s.only in case.name]
        if not cases:
            raise BenchmarkError(f"no case of the default book matches --only {s.only!r}")
    for case in cases:
        progress(f"default book: {case.name}")
        ctx.runner.verify(case.command)
        pairs = measure_pairs(ctx.runner, case.command, case.reference, s.pairs, s.warmup)
        ctx.rows.append(pair_row(case.name, pairs, case.reference.label, Target(case.limit, f"≤ {case.limit}×")))
        for peer in (peers[name] for name in case.peers if name in peers):
            target = Target(1.0, "< 1× (faster)", strict=True) if peer.label == "yq" else None
            pairs = measure_pairs(ctx.runner, case.command, peer, s.pairs, s.warmup, s.peer_budget)
            ctx.rows.append(pair_row(case.name, pairs, peer.label, target))


def book_digest() -> str:
    """Names synthetic books after what they are made from, so a changed
    facts.yaml or synth.py makes new ones."""
    from jlp_cli.book import packaged_facts

    digest = hashlib.sha256(packaged_facts().read_bytes())
    digest.update((HERE / "synth.py").read_bytes())
    return digest.hexdigest()[:12]


def synthetic_book(n: int) -> Path:
    path = BOOKS / f"synth-{n}-{book_digest()}.yaml"
    if not path.exists():
        progress(f"generating a book of {n:,} facts …")
        # In a process of its own: a child's peak memory (ru_maxrss) starts
        # from its parent's at the fork, so a benchmark that held a
        # 100,000-fact book would report that for every command it runs.
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(n), "-o", str(path)], check=True,
                       stdout=subprocess.DEVNULL)
    return path


def synthetic(ctx: Context, n: int) -> None:
    """Validation, cold build, warm query and peers on a synthetic book of ``n`` facts."""
    s = ctx.settings
    large = n == LARGE
    label = f"{n:,} facts"
    yaml_book = synthetic_book(n)
    facts = ("--facts", str(yaml_book))

    progress(f"{label}: jlp validate")
    validate = ctx.jlp_command("validate", "validate", *facts)  # exit status 0: the book is valid
    samples = repeat(ctx.runner, lambda i: validate, s.runs, s.build_budget)
    seconds = statistics.median(x.seconds for x in samples)
    ctx.rows.append(value_row(f"validate, {label}", seconds, seconds_text(seconds),
                              Target(15, "≤ 15 s") if large else None, runs_text(len(samples))))
    peak = max(x.max_rss for x in samples)
    ctx.rows.append(value_row(f"peak memory, validate, {label}", peak / MIB, mib_text(peak), None,
                              runs_text(len(samples))))

    progress(f"{label}: cold runs (store built)")
    cold_dirs = [CACHES / f"cold-{n}-{i}" for i in range(s.runs)]

    def empty(i: int) -> None:
        shutil.rmtree(cold_dirs[i], ignore_errors=True)
        cold_dirs[i].mkdir(parents=True)

    cold = lambda i: ctx.jlp_command("cold search", "search", QUERY, "--format", "json", *facts,  # noqa: E731
                                     env=cache_env(cold_dirs[i]))
    samples = repeat(ctx.runner, cold, s.runs, s.build_budget, before=empty)
    seconds = statistics.median(x.seconds for x in samples)
    ctx.rows.append(value_row(f"cold search {QUERY} --format json (store built), {label}", seconds,
                              seconds_text(seconds), Target(30, "≤ 30 s") if large else None, runs_text(len(samples))))
    peak = max(x.max_rss for x in samples)
    ctx.rows.append(value_row(f"peak memory, building, {label}", peak / MIB, mib_text(peak),
                              Target(150, "≤ 150 MiB") if large else None, runs_text(len(samples))))

    warm_cache = cold_dirs[len(samples) - 1]  # the last cold run's store serves the warm runs
    json_book = yaml_book.with_suffix(".json")
    if not json_book.exists():
        ctx.export_json(yaml_book, json_book, warm_cache)

    progress(f"{label}: warm search against the Typer baseline")
    warm = ctx.jlp_command("warm search", "search", QUERY, "--format", "json", *facts,
                           env=cache_env(warm_cache), check=json_records)
    ctx.runner.verify(warm)
    pairs = measure_pairs(ctx.runner, warm, ctx.baseline(), s.pairs, s.warmup)
    ctx.rows.append(pair_row(f"warm search {QUERY} --format json, {label}", pairs, "Typer baseline",
                             Target(1.5, "≤ 1.5×") if large else None))
    ctx.rows.append(value_row(f"peak memory, warm search, {label}", pairs.subject_peak / MIB,
                              mib_text(pairs.subject_peak), Target(150, "≤ 150 MiB") if large else None,
                              runs_text(len(pairs.subject))))

    for peer in ctx.peers(yaml_book, json_book):
        progress(f"{label}: warm search against {peer.label}")  # its output was checked on the default book
        pairs = measure_pairs(ctx.runner, warm, peer, s.pairs, 0, s.peer_budget)
        ctx.rows.append(pair_row(f"warm search {QUERY} --format json, {label}", pairs, peer.label,
                                 Target(0.1, "≤ 0.1× (≥ 10× faster)") if large else None))
    for directory in cold_dirs:
        shutil.rmtree(directory, ignore_errors=True)


def source_fingerprint() -> tuple[Path, str]:
    """The jlp_cli package being measured and a hash of its sources, to tell
    whether the code changed while the benchmark ran."""
    import jlp_cli

    package = Path(jlp_cli.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return package, digest.hexdigest()[:12]


def versions(ctx: Context) -> list[str]:
    def tool_version(name: str) -> str:
        path = ctx.tools.get(name)
        if not path:
            return "not installed"
        result = subprocess.run([path, "--version"], capture_output=True, text=True)
        return (result.stdout or result.stderr).strip().splitlines()[0] if result.returncode == 0 else "?"

    return [
        f"- finished: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.platform()}, {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- Python {platform.python_version()}, jlp {metadata.version('jlp-cli')}, "
        f"Typer {metadata.version('typer')}, yq: {tool_version('yq')}, jq: {tool_version('jq')}",
        f"- jlp: `{' '.join(ctx.jlp)}`, code in `{source_fingerprint()[0]}` (sources {source_fingerprint()[1]})",
        f"- settings: {ctx.settings.pairs} pairs after {ctx.settings.warmup} warm-up runs of each; "
        f"peers within {ctx.settings.peer_budget:.0f} s each (at least 3 pairs); up to {ctx.settings.runs} "
        f"cold builds and validations per book within {ctx.settings.build_budget:.0f} s",
    ]


def parse_args(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(description="Benchmark jlp against a Typer baseline, yq and jq (issue 5).")
    parser.add_argument("--quick", action="store_true", help="5 pairs, 1 warm-up run, books of 1,000 and 10,000 facts")
    parser.add_argument("--pairs", type=int, help="alternating pairs per comparison (default 15)")
    parser.add_argument("--warmup", type=int, help="warm-up runs of each command before the pairs (default 2)")
    parser.add_argument("--sizes", help="synthetic book sizes, comma-separated; 0 for none (default 1000,10000,100000)")
    parser.add_argument("--runs", type=int, default=3, help="cold builds and validations per book (default 3)")
    parser.add_argument("--peer-budget", type=float, default=60,
                        help="seconds for each yq/jq comparison before its pairs are cut (default 60)")
    parser.add_argument("--build-budget", type=float, default=120,
                        help="seconds for the cold builds (and the validations) of one book (default 120)")
    parser.add_argument("--timeout", type=float, default=900, help="kill a single run after this many seconds")
    parser.add_argument("--only", metavar="TEXT", help="only the default-book cases whose name contains TEXT "
                        "(e.g. section); no synthetic books unless --sizes is given")
    args = parser.parse_args(argv)
    sizes = SIZES[:2] if args.quick else SIZES
    if args.only and args.sizes is None:
        sizes = ()
    if args.sizes is not None:
        sizes = tuple(int(x) for x in args.sizes.split(",") if int(x) > 0)
    return Settings(
        pairs=args.pairs or (5 if args.quick else 15),
        warmup=args.warmup if args.warmup is not None else (1 if args.quick else 2),
        sizes=sizes, runs=args.runs, peer_budget=args.peer_budget, build_budget=args.build_budget,
        timeout=args.timeout, only=args.only,
    )


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    shutil.rmtree(CACHES, ignore_errors=True)
    BOOKS.mkdir(parents=True, exist_ok=True)
    tools = {name: shutil.which(name) for name in ("yq", "jq")}
    ctx = Context(settings, Runner(base_environment(), settings.timeout), find_jlp(), tools)
    if ctx.jlp[0] == sys.executable:
        ctx.notes.append("no jlp console script next to the interpreter: measured `python -m jlp_cli`")
    for name, path in tools.items():
        if not path:
            ctx.notes.append(f"{name} is not installed: its comparisons are skipped")
    if tools["yq"] and not tools["jq"]:
        ctx.notes.append("yq needs jq: its comparisons are skipped")
    if not sys.platform.startswith("linux"):
        ctx.notes.append("not Linux: the cache is set with JLP_CACHE_DIR, so finding the default cache is not measured")
    if settings.pairs < 15:
        ctx.notes.append(f"a quick run: {settings.pairs} pairs per comparison (the issue asks for at least 15)")
    started = time.perf_counter()
    fingerprint = source_fingerprint()
    try:
        default_book(ctx)
        for n in settings.sizes:
            synthetic(ctx, n)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(CACHES, ignore_errors=True)
    elapsed = time.perf_counter() - started
    if source_fingerprint() != fingerprint:
        ctx.notes.append("the jlp_cli sources changed during the run: the results mix two versions of the code")
    table = markdown(ctx.rows)
    failed = sum(row.result == "**FAIL**" for row in ctx.rows)
    summary = f"{failed} of {sum(row.result != 'info' for row in ctx.rows)} targets failed; run took {elapsed / 60:.1f} min."
    report = "\n".join(["# jlp benchmark", "", *versions(ctx), *(f"- note: {n}" for n in ctx.notes), "",
                        table, "", summary, ""])
    (OUT / "latest.md").write_text(report, encoding="utf-8")
    print(table)
    print()
    print(summary)
    for note in ctx.notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
