"""Read a big book in a child process while this one indexes it and writes
the store.

A build is two halves of about the same cost: reading the book (parsing, the
checks, the rows of each table) and indexing and writing it (the search
index's tokens, SQLite, the full-text index). On a machine with two cores
they overlap when the reading runs in a forked child that sends the rows of
each batch of facts through a pipe; the pipe's small buffer keeps the child
only a few batches ahead, so neither process ever holds the book. When this
process has not taken the last batch yet (it is behind), the child makes the
next batch's index rows itself instead of waiting: the work balances.

The child never outlives this process: the kernel kills it when its parent
dies (``PR_SET_PDEATHSIG``), it checks that its parent is still the one that
made it, and it lets go of the terminal and of the caller's stdout at once.
If it fails for any reason of its own, ``build`` returns None and the caller
builds in one process, which reports whatever is wrong.

The one interface: ``worth_it`` and ``build``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import DataError, Problem

#: Below this size a fork costs more than the overlap saves.
MIN_BYTES = 4 << 20
#: Facts per message: large enough to spread the cost of a message, small
#: enough that a message or two fit in the pipe (``PIPE_BYTES``).
BATCH = 200
#: The pipe's buffer: with room for a whole message, the child writes it and
#: goes on reading while this process is busy, instead of waiting for it.
PIPE_BYTES = 1 << 20


def worth_it(facts_path: Path) -> bool:
    """Whether to read this book in a child: a big regular file, where
    ``fork`` exists and the child can be tied to its parent (Linux), with two
    cores or more to run on."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import stat

        status = os.stat(facts_path)
        return stat.S_ISREG(status.st_mode) and status.st_size >= MIN_BYTES and len(os.sched_getaffinity(0)) > 1
    except (OSError, AttributeError):
        return False


def build(con, facts_path: Path, options, meta: dict) -> str | None:
    """Build the store of ``facts_path`` into ``con`` with a reading child;
    return the SHA-256 of the bytes read, or None if the child failed (the
    caller then builds alone). Raises DataError when the book has problems."""
    import multiprocessing

    from .writer import FactRows, write

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    _widen(sender)
    child = context.Process(target=_read, args=(sender, os.getpid(), facts_path, options), daemon=True,
                            name="jlp-read")
    child.start()
    sender.close()

    class ChildFailed(Exception):
        pass

    def message():
        try:
            return receiver.recv()
        except (EOFError, OSError):
            raise ChildFailed from None

    def rows():
        while True:
            kind, payload, progress = message()
            if kind != "rows":
                ending.append((kind, payload))
                return
            if options.progress is not None:
                options.progress(*progress)
            for values in payload:
                yield FactRows(*values)

    ending: list = []
    try:
        kind, head, _progress = message()
        if kind == "end":  # the file could not be read at all
            ending.append((kind, head))
            head = None
        elif kind != "head":
            raise ChildFailed
        if head is not None:
            write(head, rows(), con, {**meta, "sha256": ""}, options.index)
        elif not ending:
            for _row in rows():
                pass
        kind, payload = ending[0] if ending else message()[:2]
        if kind != "end":
            raise ChildFailed
        problems, sha256 = payload
        if problems:
            raise DataError([Problem(**problem) for problem in problems], source=meta.get("source"))
        con.execute("UPDATE meta SET value = ? WHERE key = 'sha256'", (sha256,))
        con.commit()
        return sha256
    except ChildFailed:
        return None
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


def _tie_to_parent(parent: int) -> None:
    """Die with the parent, and let go of its terminal and stdout."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError, ImportError):
        pass  # the parent-pid check below and the pipe still end the child
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _read(sender, parent: int, facts_path: Path, options) -> None:
    """The child: read the book, send its head, its rows in batches, and what
    the reading found."""
    _tie_to_parent(parent)
    try:
        from ..book.reader import paused_gc, read_file
        from .writer import entity_names, fact_rows

        with paused_gc(), read_file(facts_path, options.limit) as reading:
            sender.send(("head", reading.head, None))
            make_row = options.index.indexer(entity_names(reading.head)) if reading.head is not None else None
            batch: list = []
            for row in fact_rows(reading.facts):
                batch.append(row)
                if len(batch) >= BATCH:
                    _send_batch(sender, batch, make_row, reading.position())
                    batch = []
            _send_batch(sender, batch, None, reading.position())
            outcome = reading.outcome()
        sender.send(("end", ([p.as_dict() for p in outcome.problems], outcome.sha256), None))
    except DataError as error:  # the file could not be read at all
        sender.send(("end", ([p.as_dict() for p in error.problems], None), None))
    except BaseException:  # the parent builds alone, which reports it
        pass
    finally:
        sender.close()
        os._exit(0)


def _send_batch(sender, batch: list, make_row, progress: tuple) -> None:
    if make_row is not None and _parent_behind(sender):
        # The parent is still busy with the last batch: make this batch's
        # index rows here rather than wait for it.
        for row in batch:
            row.index_row = make_row(row.indexed)
    sender.send(("rows", [row._values() for row in batch], progress))
