"""The output contract, declared once and shared by every command.

``@data_command`` adds the output options (--format, --json, --fields, --lang,
--no-color, --pager) and --facts to a command, and hands the command an
``Output`` that knows the terminal it writes to (passed in, never guessed
deep inside a renderer) and writes a ``View`` in the chosen format.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from typing import IO, Annotated, Literal, Optional

import typer

from ..errors import NotFound, OutputClosed, UsageError
from ..records import Record
from ..render.view import View

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "yaml", "markdown")
LANGS = ("zh", "en", "both")

# Choices as Literal types, which Typer turns into the same click choice as an
# Enum would, without creating two Enum classes on every start (≈ 0.3 ms each).
Format = Literal[FORMATS]  # type: ignore[valid-type]
Lang = Literal[LANGS]  # type: ignore[valid-type]


class Terminal(Record):
    """What is known about where output goes."""

    __slots__ = ("is_tty", "color", "width")

    def __init__(self, is_tty: bool, color: bool, width: Optional[int] = None):
        self.is_tty = is_tty
        self.color = color
        self.width = width

    @classmethod
    def detect(cls, stream: IO[str], no_color: bool = False, env=os.environ) -> "Terminal":
        try:
            is_tty = stream.isatty()
        except (AttributeError, ValueError):
            is_tty = False
        if no_color or env.get("NO_COLOR"):
            color = False
        elif env.get("FORCE_COLOR"):
            color = True
        else:
            color = is_tty and env.get("TERM") != "dumb"
        return cls(is_tty=is_tty, color=color)


def _env_lang(env=os.environ) -> Optional[str]:
    value = env.get("JLP_LANG")
    if not value:
        return None
    if value not in LANGS:
        raise UsageError(f"JLP_LANG is {value!r}, which is not a language jlp knows",
                         hint="set JLP_LANG to zh, en or both")
    return value


def _env_pager(env=os.environ) -> Optional[str]:
    value = env.get("JLP_PAGER", "").strip()
    if value.lower() in ("", "0", "false", "no", "off"):
        return None
    if value.lower() in ("1", "true", "yes", "on"):
        return env.get("PAGER") or "less -R"
    return value


class Output:
    """Chosen output options plus the terminal; writes views."""

    def __init__(self, format: Optional[str], fields: Optional[list], lang: Optional[str], terminal: Terminal,
                 pager: Optional[str] = None, facts_path: Optional[str] = None, stream: Optional[IO[str]] = None):
        self.format = format  # None: table at a terminal, plain in a pipe
        self.fields = fields
        self.lang = lang  # explicit choice (or JLP_LANG); None: both
        self.terminal = terminal
        self.pager = pager
        self.facts_path = facts_path
        self.stream = stream

    @property
    def out(self) -> IO[str]:
        return self.stream or sys.stdout

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
        try:
            return self._emit(view)
        except BrokenPipeError:
            raise OutputClosed() from None

    def _emit(self, view: View) -> int:
        fmt = self.effective_format
        if fmt == "table":
            count = self._human(view)
        else:
            from ..render.machine import write

            count = write(view, fmt, self.out, self.fields, self.effective_lang)
        self.out.flush()
        if count == 0 and view.empty:
            raise NotFound(view.empty, view.empty_hint)
        return count

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

    def _human(self, view: View) -> int:
        from ..render.human import render

        if self.pager and self.terminal.is_tty:
            import io

            buffer = io.StringIO()
            count = render(view, buffer, self.terminal.color, self.effective_lang, self._width(), self.fields)
            _page(buffer.getvalue(), self.pager)
            return count
        return render(view, self.out, self.terminal.color, self.effective_lang, self._width(), self.fields)

    def _width(self) -> Optional[int]:
        if self.terminal.is_tty:
            return None  # Rich asks the terminal (and honours COLUMNS)
        try:
            return max(20, int(os.environ.get("COLUMNS", "")))
        except ValueError:
            return 100


def _page(text: str, command: str) -> None:
    import shlex
    import subprocess

    try:
        process = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE)
    except OSError:
        sys.stdout.write(text)  # no such pager: print instead of failing
        return
    try:
        process.communicate(text.encode("utf-8", "replace"))
    except BrokenPipeError:
        pass


# -- the options every data command takes -------------------------------------

FactsOption = Annotated[
    Optional[str],
    typer.Option("--facts", help="Facts file to read instead of the shipped one (also $JLP_FACTS).",
                 show_default=False, rich_help_panel="Input"),
]

_OUTPUT_PARAMETERS = [
    inspect.Parameter("format", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
        Optional[Format], typer.Option("--format", "-f", help="Output format. Default: table at a terminal, "
                                       "tab-separated lines in a pipe.", show_default=False,
                                       rich_help_panel="Output", case_sensitive=False)]),
    inspect.Parameter("json_", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
        bool, typer.Option("--json", help="Short for --format json.", rich_help_panel="Output")]),
    inspect.Parameter("fields", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
        Optional[str], typer.Option("--fields", help="Comma-separated fields to keep, e.g. id,text.en "
                                    "(a table of them at a terminal).", show_default=False,
                                    rich_help_panel="Output")]),
    inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
        Optional[Lang], typer.Option("--lang", "-l", help="Language: zh, en or both (default $JLP_LANG, else both).",
                                     show_default=False, rich_help_panel="Output", case_sensitive=False)]),
    inspect.Parameter("no_color", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
        bool, typer.Option("--no-color", help="No colour (also $NO_COLOR; $FORCE_COLOR forces it).",
                           rich_help_panel="Output")]),
    inspect.Parameter("pager", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
        bool, typer.Option("--pager", help="Page long output at a terminal (also $JLP_PAGER).",
                           rich_help_panel="Output")]),
    inspect.Parameter("facts", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=FactsOption),
]
OUTPUT_NAMES = tuple(p.name for p in _OUTPUT_PARAMETERS)


def make_output(format=None, json_=False, fields=None, lang=None, no_color=False, pager=False,
                facts=None, stream=None) -> Output:
    chosen = format
    if json_:
        if chosen not in (None, "json"):
            raise UsageError(f"--json and --format {chosen} contradict each other", hint="use one of them")
        chosen = "json"
    field_list = None
    if fields is not None:
        field_list = [f.strip() for f in fields.split(",") if f.strip()]
        if not field_list:
            raise UsageError("--fields is empty", hint="give field names such as id,text.en")
    stream = stream or sys.stdout
    terminal = Terminal.detect(stream, no_color=no_color)
    return Output(
        format=chosen,
        fields=field_list,
        lang=lang or _env_lang(),
        terminal=terminal,
        pager=(os.environ.get("PAGER") or "less -R") if pager else _env_pager(),
        facts_path=facts,
        stream=stream,
    )


def with_output(func):
    """``func`` with every output option added to its parameters.

    The function declares its own arguments plus ``out: Output``; Typer sees
    the shared options instead of ``out``, and the wrapper builds ``out`` from
    them. Options given before the command name (``jlp --json search x``)
    count when the command's own are left at their defaults."""
    signature = inspect.signature(func, eval_str=True)  # the command's string annotations, made now
    own = [p for p in signature.parameters.values() if p.name not in ("out", "ctx")]

    @functools.wraps(func)
    def command(ctx: typer.Context, **kwargs):
        chosen = {name: kwargs.pop(name) for name in OUTPUT_NAMES}
        root = ctx.find_root()
        if root is not ctx and isinstance(root.obj, dict):
            for name, value in root.obj.items():
                if chosen.get(name) in (None, False):
                    chosen[name] = value
        elif root is ctx:
            ctx.obj = dict(chosen)
        if "ctx" in signature.parameters:
            kwargs["ctx"] = ctx
        return func(**kwargs, out=make_output(**chosen))

    context = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    parameters = [context] + own + _OUTPUT_PARAMETERS
    command.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    # Typer reads each parameter's type and options from the signature; it
    # consults __annotations__ (through get_type_hints, which walks every
    # Annotated type again) only to resolve forward references, and these are
    # resolved already. Empty, they cost nothing on each run.
    command.__annotations__ = {}
    del command.__wrapped__  # Typer must see the new signature, not the original
    return command


def data_command(name: str, **command_options):
    """Register ``func`` as command ``name`` with every output option added."""
    from .registry import command

    def decorate(func):
        command(name, prepare=with_output, **command_options)(func)
        return func

    return decorate
