"""Index rows computed in worker processes while the build reads the book.

Tokenising a fact (pinyin above all) costs about as much as parsing and
inserting it; on a big book, other cores do it while the main process
parses, validates and writes. Each worker is a fresh interpreter that imports
only the indexer and pypinyin (``python -c``, not multiprocessing: spawn and
forkserver would re-import the command-line app as ``__main__``, and fork
would copy the parent's parsed book into every worker's memory).

The protocol is pickles with a length in front, over the worker's stdin and
stdout. The parent sends the entity names once, then batches of facts, each
batch to the next worker in turn; it reads the rows back in the same turn, so
they come out in the order the facts went in. A worker reads its stdin in a
thread of its own, so the parent's writes never wait for the worker's, and
the parent keeps only a few batches in flight, so neither side piles up data.

Failures: a worker that cannot start, or dies before it is ready, is replaced
by indexing in this process. One that fails later re-raises its exception
here, with its traceback as the cause. Workers ignore Ctrl-C (the parent gets
it too and stops them) and exit when their stdin closes, so they never
outlive the parent, even a killed one.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from collections import deque
from pathlib import Path
from typing import Iterable, Iterator

_LENGTH = struct.Struct("<Q")
#: The package root, put first on the worker's sys.path so that it imports
#: this very jlp_cli (not one in its current directory).
_ROOT = str(Path(__file__).resolve().parent.parent.parent)
_WORKER = f"import sys; sys.path[0] = {_ROOT!r}; from jlp_cli.search.index_workers import serve; serve()"
#: Batches in flight per worker: enough to cover a worker's start-up (about
#: 0.3 s, mostly pypinyin) without making the parent wait.
IN_FLIGHT = 8


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker (its ``__cause__``)."""

    def __str__(self) -> str:
        return self.args[0]


class WorkerFailed(RuntimeError):
    """A worker stopped without saying why (killed, crashed)."""


def worker_count() -> int:
    """Workers worth starting: one per core beyond the one the build runs on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores - 1, 4)


# -- the parent's side ---------------------------------------------------------

def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream):
    """The next object, or None at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    size = _LENGTH.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


class _Worker:
    def __init__(self, entity_names: dict[str, list[str]]):
        import subprocess
        import tempfile

        if not sys.executable:  # embedded: no interpreter to start
            raise OSError("no Python executable to run workers with")
        self.errors = tempfile.TemporaryFile()  # a crash's message, read only on failure
        try:
            self.process = subprocess.Popen([sys.executable, "-c", _WORKER], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=self.errors)
        except BaseException:
            self.errors.close()
            raise
        self.ready = False
        _send(self.process.stdin, entity_names)

    def receive(self):
        message = _receive(self.process.stdout)
        if message is None:
            raise WorkerFailed(self._death())
        if message[0] == "error":
            _kind, error, trace = message
            raise error from RemoteTraceback(trace)
        return message[1]

    def _death(self) -> str:
        status = self.process.wait()
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        said = f": {lines[-1]}" if lines else ""
        return f"a search index worker stopped (exit status {status}){said}"

    def stop(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.errors.close()


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def parallel_rows(indexer, facts: Iterable[dict], processes: int,
                  batch: int) -> Iterator[tuple[dict[str, str], set[str]]]:
    """``indexer.row`` of each fact, in order, computed by ``processes``
    workers; in this process instead when no worker can start."""
    from .index import COLUMNS

    workers: list[_Worker] = []
    try:
        try:
            for _ in range(processes):
                workers.append(_Worker(indexer.entity_names))
        except OSError:  # no processes here (sandbox, limits): index in-process
            for worker in workers:
                worker.stop()
            workers = []
        if not workers:
            yield from map(indexer.row, facts)
            return
        pending: deque[tuple[_Worker, list[dict]]] = deque()
        fallback = False

        def results() -> Iterator[tuple[dict[str, str], set[str]]]:
            """The rows of the oldest batch in flight."""
            nonlocal fallback
            worker, facts_sent = pending.popleft()
            if fallback:
                yield from map(indexer.row, facts_sent)
                return
            try:
                if not worker.ready:
                    worker.receive()
                    worker.ready = True
            except (WorkerFailed, ImportError, OSError):
                # It never started (no pypinyin for that interpreter, no
                # memory): index here; the rows come out the same.
                fallback = True
                yield from map(indexer.row, facts_sent)
                return
            for columns, words in worker.receive():
                yield dict(zip(COLUMNS, columns)), set(words)

        turn = 0
        for facts_batch in _batches(facts, batch):
            worker = workers[turn % len(workers)]
            turn += 1
            if not fallback:
                try:
                    _send(worker.process.stdin, [_compact(f) for f in facts_batch])
                except OSError:  # it is gone; what it says comes with its results
                    pass
            pending.append((worker, facts_batch))
            while len(pending) >= IN_FLIGHT * len(workers) or (fallback and pending):
                yield from results()
        while pending:
            yield from results()
    finally:
        for worker in workers:
            worker.stop()


def _compact(fact: dict) -> tuple:
    """What of a fact its index row is made from."""
    return fact["text"]["zh"], fact["text"]["en"], fact["quote"], tuple(fact.get("entities") or ())


# -- the worker's side ---------------------------------------------------------

def serve() -> None:
    """Read batches of facts from stdin, write their index rows to stdout."""
    import gc
    import queue
    import signal
    import threading
    import traceback

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    inbox: queue.Queue = queue.Queue()

    def read() -> None:
        try:
            while (message := _receive(stdin)) is not None:
                inbox.put(message)
        finally:
            inbox.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        from .index import COLUMNS, Indexer, _reader

        entity_names = inbox.get()
        if entity_names is None:
            return
        indexer = Indexer(entity_names)
        _reader()  # pypinyin's dictionaries, before the first batch
        gc.freeze()  # ... which the collector need never walk again
        _send(stdout, ("ready", None))
        while (facts := inbox.get()) is not None:
            rows = []
            for zh, en, quote, entities in facts:
                columns, words = indexer.columns(zh, en, quote, entities)
                rows.append((tuple(columns[c] for c in COLUMNS), tuple(words)))
            _send(stdout, ("rows", rows))
    except BrokenPipeError:  # the parent went away
        pass
    except BaseException as error:  # noqa: BLE001 - every failure goes to the parent
        trace = traceback.format_exc()
        try:
            pickle.dumps(error)
        except Exception:
            error = RuntimeError(f"{type(error).__name__}: {error}")
        try:
            _send(stdout, ("error", error, trace))
        except OSError:
            pass
        sys.exit(1)
