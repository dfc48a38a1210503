"""The project's error types and exit statuses.

The core raises these and never prints or exits; ``cli/failures.py`` is the
one place that turns them into a message on stderr and an exit status.
"""

from __future__ import annotations

from .records import Record

# This module is imported by every command: an IntEnum, a NamedTuple or a
# dataclass would each cost a fraction of a millisecond to create (see records).


class ExitStatus:
    """The exit statuses, as plain ints."""

    OK = 0
    NOT_FOUND = 1  # no search hit, unknown id or name, empty filter result
    ERROR = 2  # usage error, or a facts file that cannot be used
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class Problem(Record):
    """One thing wrong with a facts file, with where it is."""

    __slots__ = ("message", "path", "line", "column", "hint")

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None):
        self.message = message
        self.path = path  # field path such as facts[3].figures[0].value
        self.line = line
        self.column = column
        self.hint = hint

    def where(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.path:
            parts.append(self.path)
        return ": ".join(parts)

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


def did_you_mean(word: str, choices: list[str], cutoff: float = 0.6) -> str | None:
    """A hint naming the choices closest to ``word`` ("did you mean 'a' or
    'b'?"), or None when none is close."""
    import difflib  # only when something was not found

    close = difflib.get_close_matches(word, choices, n=3, cutoff=cutoff)
    return "did you mean " + " or ".join(repr(c) for c in close) + "?" if close else None


class OutputClosed(Exception):
    """The reader of stdout went away (``jlp facts | head -1``): not an error."""


class JlpError(Exception):
    """Base of every error the core raises on purpose."""

    status = ExitStatus.ERROR

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(JlpError):
    """The user asked for something that cannot be done as asked."""


class NotFound(JlpError):
    """Nothing matches: the caller prints empty output and exits 1."""

    status = ExitStatus.NOT_FOUND


class DataError(JlpError):
    """A facts file that cannot be used, with every problem found in it."""

    #: Where in the text a problem without a line is (a character offset), for
    #: the reader to turn into a line.
    position: int | None = None

    def __init__(self, problems: list[Problem], source: str | None = None, hint: str | None = None):
        self.problems = list(problems)
        self.source = source
        first = self.problems[0] if self.problems else Problem("the facts file is unusable")
        count = len(self.problems)
        where = f"{source}: " if source else ""
        message = f"{where}{first.message}" if count <= 1 else f"{where}{count} problems, the first: {first.message}"
        if first.where():
            message += f" ({first.where()})"
        hint = hint or first.hint or "run 'jlp validate' for the full report"
        super().__init__(message, hint)


class StoreDamaged(JlpError):
    """A compiled store found damaged while it was read (a bad page, a file
    cut short behind jlp's back). Not the facts file's fault: the store is
    removed and rebuilt."""

    def __init__(self, detail: str, path=None):
        super().__init__(f"the compiled store is damaged ({detail})",
                         "it has been removed; run the command again to rebuild it")
        self.path = path


class OutputFailed(JlpError):
    """The output could not be written: a full disk, a closed stdout."""
