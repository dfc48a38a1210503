"""Read and check a big book in a child process while this one indexes it
and writes the store.

A build is two halves of about the same cost: reading the book (parsing, the
schema, the rows of each table) and indexing and writing it (the search
index's tokens, SQLite, the full-text index). On a machine with two cores
they overlap when the reading runs in a forked child that sends the rows of
each batch of facts through a pipe; the pipe's small buffer keeps the child
only a few batches ahead, so neither process ever holds the book. When the
parent has not taken the last batch yet (it is behind), the child makes the
next batch's index rows itself instead of waiting: the work balances on any
machine.

The child refuses as the in-process reader does (``bookstream.streamed``: a
problem, a YAML feature for the full reader, a file changed while read), and
so does anything that goes wrong in it: the caller then builds the plain way, which reports it.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

#: Below this size a fork costs more than the overlap saves.
MIN_BYTES = 4 << 20
#: Facts per message: large enough to spread the cost of a message, small
#: enough that a message or two fit in the pipe (``PIPE_BYTES``).
BATCH = 200
#: The pipe's buffer: with room for a whole message, the child writes it and
#: goes on reading while this process is busy, instead of waiting for it.
PIPE_BYTES = 1 << 20


def worth_it(facts_path: Path) -> bool:
    """Whether to read this book in a child: a big file, where ``fork``
    exists and is safe (Linux), with two cores or more to run on, unless
    ``JLP_BUILD_PROCESSES=1``."""
    if not sys.platform.startswith("linux") or os.environ.get("JLP_BUILD_PROCESSES") == "1":
        return False
    try:
        return os.stat(facts_path).st_size >= MIN_BYTES and len(os.sched_getaffinity(0)) > 1
    except OSError:
        return False


@contextmanager
def rows(facts_path: Path, sha256: str):
    """``(head, rows)`` of the book, as ``store.fact_rows`` yields them,
    read in a child process. Raises ``Unsupported`` when the child refuses."""
    import multiprocessing

    from .yamlstream import Unsupported

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    _widen(sender)
    child = context.Process(target=_read, args=(sender, facts_path, sha256), daemon=True, name="jlp-read")
    child.start()
    sender.close()

    def message():
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            raise Unsupported("the reading process ended early") from None
        if kind == "refused":
            raise Unsupported(payload)
        return kind, payload

    def received():
        while True:
            kind, payload = message()
            if kind == "done":
                return
            yield from payload

    try:
        kind, head = message()
        if kind != "head":
            raise Unsupported("unexpected message")
        yield head, received()
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _widen(connection) -> None:
    try:
        import fcntl

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # a smaller pipe only means more waiting


def _parent_behind(connection) -> bool:
    """Whether the parent has not yet taken the last message from the pipe.

    (Not whether the pipe is writable: that is true while a few bytes are
    free, so the child would block in the middle of a message instead of
    indexing; measured at 100k, the child then idled for 8 of 27 s.)"""
    try:
        import array
        import fcntl
        import termios

        unread = array.array("i", [0])
        fcntl.ioctl(connection.fileno(), termios.FIONREAD, unread, True)
        return unread[0] > 0
    except (ImportError, OSError):
        import select

        return not select.select([], [connection.fileno()], [], 0)[1]


def _read(sender, facts_path: Path, sha256: str) -> None:
    """The child: stream the book, send its head, then its rows in batches."""
    from .bookstream import streamed
    from .search.index import Indexer
    from .store import entity_names, fact_rows, with_index_row
    from .validate import paused_gc

    try:
        with paused_gc(), streamed(facts_path, sha256) as book:
            sender.send(("head", book.head))
            indexer = Indexer(entity_names(book.head))
            batch = []
            for row in fact_rows(book.facts):
                batch.append(row)
                if len(batch) >= BATCH:
                    if _parent_behind(sender):
                        # The parent is still busy with the last batch: make
                        # this batch's index rows here rather than wait for it.
                        batch = [with_index_row(row, indexer) for row in batch]
                    sender.send(("rows", batch))
                    batch = []
            sender.send(("rows", batch))
        sender.send(("done", None))
    except BaseException as exc:  # the parent builds the plain way, which reports it
        try:
            sender.send(("refused", f"{type(exc).__name__}: {exc}"))
        except (OSError, ValueError):
            pass  # the parent has gone
    finally:
        sender.close()
