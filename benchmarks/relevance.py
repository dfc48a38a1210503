"""Relevance of jlp's search beside its peer's, on both query suites (issue 10).

    uv run --with "jieba>=0.42,<1" --with "rank_bm25>=0.2,<1" --with "opencc>=1.1,<2" \\
        python benchmarks/relevance.py [--by-kind] [--failures]

Both engines answer every case of

* the realistic suite, tests/search_suite/realistic.yaml (questions, run-together
  Chinese, paraphrases, pinyin, numbers in words, typos; written from the
  user's side), and its fresh set, tests/search_suite/fresh.yaml (written
  after the engine, as a held-out check), and
* the keyword suite, ``CASES`` of tests/test_search_relevance.py,

and tests/search_suite/harness.py scores them alike: a hit is a case met by the
suite's own rule; MRR is the mean reciprocal rank of the wanted facts. jlp runs
through its engine on the shipped book's compiled store (built in a temporary
cache directory, so the user's cache is never touched); the peer is
benchmarks/peer.py over the same facts. A query jlp refuses (UsageError) is a
miss. The result is a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "facts.yaml"
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
RUN = ('uv run --with "jieba>=0.42,<1" --with "rank_bm25>=0.2,<1" --with "opencc>=1.1,<2" '
       'python benchmarks/relevance.py')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--by-kind", action="store_true", help="also a table of the realistic suite by kind and persona")
    parser.add_argument("--failures", action="store_true", help="also list each engine's misses on the realistic suite")
    args = parser.parse_args(argv)
    missing = [name for name in ("jieba", "rank_bm25", "opencc") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"relevance.py: the peer needs {', '.join(missing)}; run it with\n  {RUN}", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="jlp-relevance-") as cache:
        os.environ["JLP_CACHE_DIR"] = cache
        from peer import Peer

        from jlp_cli.errors import UsageError
        from jlp_cli.search.engine import search
        from jlp_cli.search.layout import SEARCH_INDEX
        from jlp_cli.store.cache import StoreOptions, open_store
        from tests.search_suite.harness import FRESH, load_realistic, score
        from tests.test_search_relevance import CASES as KEYWORD_CASES

        store = open_store(BOOK, StoreOptions(SEARCH_INDEX, cache_dir=Path(cache)))

        def jlp(query: str, **filters) -> list[str]:
            return [hit.fact["id"] for hit in search(store, query, limit=None, **filters)]

        started = time.perf_counter()
        peer = Peer(BOOK)
        peer_build = time.perf_counter() - started

        suites = {"realistic": load_realistic(), "fresh": load_realistic(FRESH), "keyword": KEYWORD_CASES}
        engines = {"jlp": (jlp, (UsageError,)), "peer": (peer.search, ())}
        results = {(suite, engine): score(run, cases, errors=errors)
                   for suite, cases in suites.items() for engine, (run, errors) in engines.items()}

    print("| suite | engine | hits/total | hit rate | MRR |")
    print("| --- | --- | --- | --- | --- |")
    for (suite, engine), result in results.items():
        print(f"| {suite} ({result.total} queries) | {engine} | {result.hits}/{result.total} "
              f"| {result.rate:.1%} | {result.mrr:.3f} |")
    print(f"\nThe peer: jieba + BM25 (rank_bm25, any word may match) + OpenCC + pypinyin + rapidfuzz + "
          f"Snowball stemming; built in {peer_build:.1f} s. MRR: the mean over the cases that name wanted "
          f"facts of 1/rank of the best-ranked of them.")

    if args.by_kind:
        for attribute in ("kind", "persona"):
            jlp_by, peer_by = (results["realistic", e].by(attribute) for e in ("jlp", "peer"))
            print(f"\n| realistic by {attribute} | jlp | peer |")
            print("| --- | --- | --- |")
            for key, (hits, total) in jlp_by.items():
                print(f"| {key} | {hits}/{total} | {peer_by[key][0]}/{total} |")

    if args.failures:
        for engine in engines:
            failures = results["realistic", engine].failures
            print(f"\n{engine} misses {len(failures)} realistic cases:")
            for failure in failures:
                print(f"- {failure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
