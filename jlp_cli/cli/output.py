"""The output contract, declared once and shared by every command.

``_shared`` declares the options every data command takes (--format,
--json, --fields, --lang, --raw, --no-color, --pager/--no-pager, --facts);
``attach_shared_options`` adds them to a built command, as sqlite-utils'
decorators do, without touching the command function: their values go to
the run's ``Session``. ``Output`` knows the terminal it writes to (passed in,
never guessed deep inside a renderer), writes a ``View`` in the chosen
format, pages long output at a terminal, and says in one sentence when the
output cannot be written.
"""

import sys
from functools import lru_cache
from typing import IO, Annotated, Literal, Optional

import typer
from typer._click.globals import get_current_context

from ..errors import NotFound, OutputClosed, OutputFailed, UsageError
from ..records import Record
from ..render.view import View

# No ``from __future__ import annotations`` in this module: the declarations
# below are made once, at import, instead of evaluated from strings for every
# command that takes them.

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "yaml", "markdown")
LANGS = ("zh", "en", "both")


def _shared(
    format: Annotated[Optional[Literal[FORMATS]], typer.Option(  # type: ignore[valid-type]
        "--format", "-f", case_sensitive=False, show_default=False,
        help="Output format. Default: table at a terminal, tab-separated lines in a pipe.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Short for --format json.")] = False,
    fields: Annotated[Optional[str], typer.Option(
        "--fields", show_default=False, metavar="FIELDS",
        help="Comma-separated fields to keep, e.g. id,text.en (a table of them at a terminal).")] = None,
    lang: Annotated[Optional[Literal[LANGS]], typer.Option(  # type: ignore[valid-type]
        "--lang", "-l", case_sensitive=False, show_default=False,
        help="Language: zh, en or both (default $JLP_LANG, else both).")] = None,
    raw: Annotated[bool, typer.Option(
        "--raw", help="csv, tsv: write cells that start with = + - @ as they are, without the leading ' that "
                      "stops a spreadsheet running them as formulas (no effect on other formats).")] = False,
    no_color: Annotated[bool, typer.Option(
        "--no-color", help="No colour (also $NO_COLOR; $FORCE_COLOR forces it).")] = False,
    pager: Annotated[Optional[bool], typer.Option(
        "--pager/--no-pager", show_default=False,
        help="Page the output with $JLP_PAGER, $PAGER or less (default: at a terminal, when it is "
             "longer than the screen).")] = None,
    facts: Annotated[Optional[str], typer.Option(
        "--facts", show_default=False, metavar="PATH", help="Facts file to read instead of the shipped one (also $JLP_FACTS).")] = None,
) -> None:
    """The shared options (the function is never called)."""


@lru_cache(maxsize=1)
def declared() -> tuple:
    """Typer's reading of the declarations, once per process."""
    from typer.utils import get_params_from_function

    return tuple(get_params_from_function(_shared).values())


def _shared_options() -> list:
    """The shared options as Click parameters, made anew for each command."""
    from typer.main import get_click_param

    return [get_click_param(meta)[0] for meta in declared()]


SHARED_NAMES = ("format", "json_", "fields", "lang", "raw", "no_color", "pager", "facts")


def attach_shared_options(command, root: bool = False) -> None:
    """Give ``command`` the shared options: their values are taken out of
    the call and handed to the run's ``Session`` before the command runs.
    Options given before the command name (``jlp --json search x``) count
    when the command's own are left unset."""
    command.params.extend(_shared_options())
    inner = command.callback

    def callback(**kwargs):
        from .context import Session

        chosen = {name: kwargs.pop(name) for name in SHARED_NAMES if name in kwargs}
        Session.of(get_current_context()).choose(chosen, root)
        return inner(**kwargs) if inner is not None else None

    command.callback = callback


class Terminal(Record):
    """What is known about where output goes."""

    __slots__ = ("is_tty", "color", "interactive", "height")

    def __init__(self, is_tty: bool, color: bool, interactive: bool = False, height: int = 0):
        self.is_tty = is_tty
        self.color = color
        self.interactive = is_tty and interactive  # a person can page: stdin is a terminal too
        self.height = height

    @classmethod
    def detect(cls, stream: IO[str], settings, no_color: bool = False) -> "Terminal":
        is_tty = _isatty(stream)
        if no_color or settings.no_color:
            color = False
        elif settings.force_color:
            color = True
        else:
            color = is_tty and not settings.dumb_terminal
        interactive = is_tty and _isatty(sys.stdin) and not settings.dumb_terminal
        height = 0
        if interactive:
            import shutil

            height = shutil.get_terminal_size((80, 24)).lines
        return cls(is_tty=is_tty, color=color, interactive=interactive, height=height)


def _isatty(stream) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class TrackedStream:
    """The stream output goes to, noting whether anything was written (a
    command that failed before writing may be run again) and turning a
    failed write into one clear sentence."""

    def __init__(self, stream):
        self._stream = stream
        self.written = False

    def write(self, text: str) -> int:
        if self._stream is None:
            raise OutputFailed("cannot write the output: standard output is closed",
                               "run jlp with its output going somewhere, e.g. > file")
        self.written = True
        try:
            return self._stream.write(text)
        except (BrokenPipeError, ConnectionResetError):
            raise OutputClosed() from None
        except OSError as exc:
            raise write_failure(exc) from None
        except ValueError:  # closed underneath us
            raise OutputFailed("cannot write the output: standard output is closed",
                               "run jlp with its output going somewhere, e.g. > file") from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except (BrokenPipeError, ConnectionResetError):
            raise OutputClosed() from None
        except OSError as exc:
            raise write_failure(exc) from None
        except ValueError:
            pass

    def isatty(self) -> bool:
        return _isatty(self._stream)

    def write_binary(self, copy) -> None:
        """``copy(binary_stream)`` into the stream's bytes (a database to a
        pipe), with the same sentences as text."""
        buffer = getattr(self._stream, "buffer", None)
        if buffer is None:
            raise OutputFailed("standard output cannot take binary data here",
                               "write it to a file with -o FILE")
        self.flush()
        self.written = True
        try:
            copy(buffer)
            buffer.flush()
        except (BrokenPipeError, ConnectionResetError):
            raise OutputClosed() from None
        except OSError as exc:
            raise write_failure(exc) from None

    def __getattr__(self, name):
        return getattr(self._stream, name)


def write_failure(exc: OSError) -> OutputFailed:
    import errno

    if exc.errno == errno.ENOSPC:
        return OutputFailed("cannot write the output: no space is left on the device",
                            "free some space, or write somewhere else")
    if exc.errno == errno.EBADF:
        return OutputFailed("cannot write the output: standard output is closed",
                            "run jlp with its output going somewhere, e.g. > file")
    return OutputFailed(f"cannot write the output ({exc.strerror or exc})", "check where the output goes")


class Output:
    """The chosen output options plus the terminal; writes views."""

    def __init__(self, format: Optional[str], fields: Optional[list], lang: Optional[str], terminal: Terminal,
                 stream, settings=None, page: Optional[bool] = None, raw: bool = False):
        self.format = format  # None: table at a terminal, plain in a pipe
        self.fields = fields
        self.lang = lang  # explicit choice (or JLP_LANG); None: both
        self.terminal = terminal
        self.settings = settings
        self.page = page  # True: always, False: never, None: when longer than the screen
        self.raw = raw  # csv/tsv: write formula-like cells as they are
        self.out = TrackedStream(stream)

    @property
    def written(self) -> bool:
        return self.out.written

    @property
    def effective_format(self) -> str:
        if self.format:
            return self.format
        return "table" if self.terminal.is_tty else "plain"

    @property
    def effective_lang(self) -> str:
        return self.lang or "both"

    @property
    def is_machine(self) -> bool:
        return self.effective_format != "table"

    def emit(self, view: View) -> int:
        """Write ``view``; raise NotFound (after writing valid empty output)
        when it holds no records."""
        fmt = self.effective_format
        if self._paging():
            import io

            buffer = io.StringIO()
            count = self._write(view, fmt, buffer)
            from .paging import page

            page(buffer.getvalue(), self.settings, self.terminal, self.out, always=self.page is True)
        elif fmt in ("json", "yaml"):
            # One document: made whole before its first byte is written, so
            # that a store found damaged half-way leaves no half a document.
            import io

            buffer = io.StringIO()
            count = self._write(view, fmt, buffer)
            self.out.write(buffer.getvalue())
        else:
            count = self._write(view, fmt, self.out)
        self.out.flush()
        if count == 0 and view.empty:
            raise NotFound(view.empty, view.empty_hint)
        return count

    def _paging(self) -> bool:
        if self.page is False or not self.terminal.interactive or self.settings is None:
            return False
        return self.settings.pager is not None

    def _write(self, view: View, fmt: str, stream) -> int:
        if fmt == "table":
            from ..render.human import render

            return render(view, stream, self.terminal.color, self.effective_lang, self._width(), self.fields)
        from ..render.machine import write

        return write(view, fmt, stream, self.fields, self.effective_lang, raw=self.raw)

    def lookup(self, find, *args):
        """``find(*args)``; when it finds nothing, write the format's empty
        single value (``null`` in json) before passing NotFound on."""
        try:
            return find(*args)
        except NotFound:
            if self.effective_format in ("json", "yaml"):
                self.out.write("null\n")
                self.out.flush()
            raise

    def _width(self) -> int:
        """The width tables are laid out in: $COLUMNS, else the terminal's,
        else 100 in a pipe (``--format table``) and 80 at a terminal that
        does not say."""
        raw = (self.settings.get("COLUMNS") if self.settings is not None else "").strip()
        if raw.isdigit() and int(raw) > 0:
            return int(raw)
        if self.terminal.is_tty:
            import os

            try:
                return os.get_terminal_size(self.out.fileno()).columns
            except (AttributeError, ValueError, OSError):
                return 80
        return 100


def make_output(chosen: dict, settings, stream) -> Output:
    """The Output for the shared options ``chosen`` (their values by name)."""
    fmt = chosen.get("format")
    fmt = fmt.lower() if fmt else None
    if chosen.get("json_"):
        if fmt not in (None, "json"):
            raise UsageError(f"--json and --format {fmt} contradict each other", hint="use one of them")
        fmt = "json"
    fields = chosen.get("fields")
    field_list = None
    if fields is not None:
        field_list = [f.strip() for f in fields.split(",") if f.strip()]
        if not field_list:
            raise UsageError("--fields is empty", hint="give field names such as id,text.en")
    lang = chosen.get("lang")
    page = chosen.get("pager")
    if page is None and settings.always_page:
        page = True
    return Output(format=fmt, fields=field_list, lang=lang.lower() if lang else settings.lang,
                  terminal=Terminal.detect(stream, settings, no_color=bool(chosen.get("no_color"))),
                  stream=stream, settings=settings, page=page, raw=bool(chosen.get("raw")))
