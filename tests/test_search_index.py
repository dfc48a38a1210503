"""The index rows of facts: what the build writes into the search table."""

from __future__ import annotations

import sys

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jlp_cli.search.index import Indexer
from jlp_cli.search.normalize import tokenize, words

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def book() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def entity_names(book: dict) -> dict[str, list[str]]:
    return {e["id"]: [e["name"]["zh"], e["name"]["en"], *e["aliases"]] for e in book["entities"]}


def test_rows_are_the_row_of_each_fact_in_order(book):
    facts = book["facts"]
    expected = [Indexer(entity_names(book)).row(f) for f in facts]
    lazy = (f for f in facts)  # the build hands over facts as it reads them
    assert list(Indexer(entity_names(book)).rows(lazy)) == expected


def test_rows_of_no_facts(book):
    assert list(Indexer(entity_names(book)).rows(iter([]))) == []


# Digits, dots, letters, Chinese characters (a compatibility ideograph and
# one of extension B too), full-width forms, underscores and spaces.
TRICKY = st.text(alphabet="0123456789.._ aZé亿融重\uf900\U00020000２，", max_size=30)


@given(TRICKY)
@example("10.6亿元 5g融合 ab亿.5 1.融")
@settings(max_examples=300, deadline=None)
def test_index_words_are_the_query_tokens(text):
    assert words(text) == [t.text for t in tokenize(text)]


def test_pinyin_is_pypinyins_phrase_reading(book):
    """The index reads runs of characters as pypinyin's ``lazy_pinyin`` does
    (phrases first: 重庆 is chong qing, 银行 yin hang), only faster."""
    import random

    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT

    from jlp_cli.search.index import _han_runs, _run_pinyin
    from jlp_cli.search.normalize import fold_text

    runs = {run for fact in book["facts"] for run in _han_runs().findall(fold_text(fact["text"]["zh"]))}
    phrases = sorted(p for p in PHRASES_DICT if _han_runs().fullmatch(p))
    rng = random.Random(5)
    runs |= {"".join(rng.sample(phrases, 3)) for _ in range(300)}
    runs |= {"银行", "行长", "重庆", "长江", "绿意"}
    for run in sorted(runs):
        expected = tuple(r.replace("ü", "v") for r in lazy_pinyin(run, style=Style.NORMAL))
        assert _run_pinyin(run) == expected, run


def test_a_character_without_a_reading_keeps_the_syllables_aligned():
    from jlp_cli.search.index import pinyin_columns

    rare = "\U00020002"  # in CJK extension B, not in pypinyin's dictionary
    assert pinyin_columns(f"重{rare}庆") == (["zhong", "?", "qing"], ["chong", "?", "qing"], ["z", "?", "q"])


# --- rows made by worker processes --------------------------------------------

@pytest.fixture
def started(monkeypatch) -> list:
    """The workers that ``rows`` starts, to check that none outlives it."""
    from jlp_cli.search import index_workers

    workers = []
    original = index_workers._Worker.__init__

    def init(self, *args):
        original(self, *args)
        workers.append(self)

    monkeypatch.setattr(index_workers._Worker, "__init__", init)
    return workers


def in_workers(book, facts, **options):
    options = {"processes": 2, "batch": 3, "parallel_from": 1, **options}
    return Indexer(entity_names(book)).rows(iter(facts), **options)


def test_workers_make_the_same_rows_in_the_same_order(book, started):
    facts = book["facts"]
    expected = [Indexer(entity_names(book)).row(f) for f in facts]
    assert list(in_workers(book, facts)) == expected
    assert len(started) == 2
    assert all(w.process.poll() is not None for w in started)  # all stopped


def test_a_small_book_is_indexed_without_workers(book, started):
    assert len(list(Indexer(entity_names(book)).rows(book["facts"][:5], processes=2))) == 5
    assert started == []


def test_a_failure_in_a_worker_is_raised_in_the_caller(book, started):
    broken = [*book["facts"][:7], {**book["facts"][7], "text": {"zh": None, "en": ""}}, *book["facts"][8:]]
    with pytest.raises(AttributeError) as raised:  # as it would be without workers
        list(in_workers(book, broken))
    assert "Traceback" in str(raised.value.__cause__)  # the worker's own
    assert all(w.process.poll() is not None for w in started)


def test_a_worker_that_dies_is_an_error_not_a_hang(book, started, monkeypatch):
    from jlp_cli.search import index_workers

    # Says it is ready, then exits without answering.
    monkeypatch.setattr(index_workers, "_WORKER", index_workers._WORKER.replace(
        "serve()", "_send(sys.stdout.buffer, ('ready', None))").replace("import serve", "import _send"))
    with pytest.raises(index_workers.WorkerFailed, match="exit status 0"):
        list(in_workers(book, book["facts"]))


def test_without_workers_the_rows_are_made_here(book, monkeypatch):
    import subprocess

    from jlp_cli.search import index_workers

    expected = [Indexer(entity_names(book)).row(f) for f in book["facts"]]
    monkeypatch.setattr(index_workers, "_WORKER", "import sys; sys.exit(3)")  # cannot start
    assert list(in_workers(book, book["facts"])) == expected

    def no_processes(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(subprocess, "Popen", no_processes)
    assert list(in_workers(book, book["facts"])) == expected


def test_workers_stop_when_the_caller_stops_reading(book, started):
    rows = in_workers(book, book["facts"])
    next(rows)
    with pytest.raises(KeyboardInterrupt):
        for _row in rows:
            raise KeyboardInterrupt  # Ctrl-C while the build writes a row
    rows.close()
    assert len(started) == 2
    assert all(w.process.poll() is not None for w in started)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_their_parent_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, yaml\n"
        "from jlp_cli.search import index_workers\n"
        "from jlp_cli.search.index import Indexer\n"
        f"book = yaml.safe_load(open({str(SHIPPED)!r}, encoding='utf-8'))\n"
        "names = {e['id']: [e['name']['zh'], e['name']['en'], *e['aliases']] for e in book['entities']}\n"
        "started = []\n"
        "init = index_workers._Worker.__init__\n"
        "def record(self, *a):\n"
        "    init(self, *a)\n"
        "    started.append(self.process.pid)\n"
        "index_workers._Worker.__init__ = record\n"
        "rows = Indexer(names).rows(iter(book['facts'] * 50), processes=2, batch=4, parallel_from=1)\n"
        "next(rows)\n"
        "print(*started, flush=True)\n"
        "sys.stdin.read()\n")
    parent = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=SHIPPED.parent)
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert len(pids) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def running(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 30
    while any(map(running, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [p for p in pids if running(p)]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == []


# --- the columns ------------------------------------------------------------------

def test_chars_is_left_out_where_it_repeats_zh_and_restored_on_reading(book):
    from jlp_cli.search.index import full_row

    indexer = Indexer(entity_names(book))
    plain = {**book["facts"][0], "text": {"zh": "九龙坡区氢能", "en": ""}}
    number = {**book["facts"][0], "text": {"zh": "收入10.6亿元", "en": ""}}
    assert indexer.row(plain)[0]["chars"] == ""
    assert full_row(dict(indexer.row(plain)[0]))["chars"] == "九 龙 坡 区 氢 能"
    assert indexer.row(number)[0]["chars"] == "收 入 1 0 . 6 亿 元"
    assert full_row(dict(indexer.row(number)[0]))["chars"] == "收 入 1 0 . 6 亿 元"


def test_a_number_cut_from_spaced_text_is_still_found(book, tmp_path, monkeypatch):
    """5G融合 finds '5 G融合' (the text spaced apart) through the characters of
    zh, where no chars column is stored."""
    import copy

    from jlp_cli.cache import open_store
    from jlp_cli.search.engine import search

    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    spaced = copy.deepcopy(book)
    fact = next(f for f in spaced["facts"] if not f.get("figures"))
    fact["text"]["zh"] = "推动5 G融合应用。"
    path = tmp_path / "spaced.yaml"
    path.write_text(yaml.safe_dump(spaced, allow_unicode=True), encoding="utf-8")
    found = [h.fact["id"] for h in search(open_store(path), "5G融合", limit=None)]
    assert fact["id"] in found


def test_a_name_inside_a_longer_name_is_indexed_once(book):
    names = entity_names(book)
    entity = next(e for e, n in names.items() if "重庆市" in n and "重庆" in n)
    column = Indexer(names).row({**book["facts"][0], "entities": [entity]})[0]["names"]
    parts = column.split(" sep.sep ")
    assert "重 庆 市" in parts and "重 庆" not in parts  # a phrase query finds 重 庆 in 重 庆 市
    assert not any(f" {a} " in f" {b} " for a in parts for b in parts if a != b)
