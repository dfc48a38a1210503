"""One run of jlp: its settings, its output and its book, in one object.

``Settings`` holds every setting jlp takes from the environment, read once:
this is the only module of jlp that reads ``os.environ``. The core receives
what it needs as arguments (a cache directory, a size limit, a number of
processes). A value that cannot be right is a usage error naming the
variable, raised when the value is first needed, so that ``jlp --help``
works whatever the environment holds.

A ``Session`` is made when the command line is parsed (``JlpGroup.main``)
and rides on Click's context (``ctx.obj``); every command gets it with
``Session.of(ctx)``. The output is chosen once from the shared options, and
the book is opened the first time a command asks for it, building its store
if needed (with progress on stderr at a terminal).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping, Optional

from ..errors import UsageError

_OFF = ("0", "false", "no", "off", "never")
_ON = ("1", "true", "yes", "on", "always")


class Settings:
    """The environment of one run of jlp."""

    def __init__(self, env: Mapping[str, str]):
        self._env = dict(env)

    @classmethod
    def from_environment(cls) -> "Settings":
        return cls(os.environ)

    def get(self, name: str) -> str:
        return self._env.get(name, "")

    # -- the book and its store -------------------------------------------------
    @property
    def facts(self) -> Optional[str]:
        """``JLP_FACTS``: a facts file to read instead of the shipped one."""
        return self.get("JLP_FACTS") or None

    @property
    def max_bytes(self) -> int:
        """``JLP_MAX_FACTS_MB``: the largest facts file read (96 MB)."""
        from ..book.source import DEFAULT_MAX_BYTES

        raw = self.get("JLP_MAX_FACTS_MB").strip()
        if not raw:
            return DEFAULT_MAX_BYTES
        try:
            megabytes = float(raw)
        except ValueError:
            megabytes = float("nan")
        if not (0 < megabytes <= 1024 * 1024):  # also refuses nan and inf
            raise UsageError(f"JLP_MAX_FACTS_MB is {raw!r}, not a size in megabytes from 0 to 1048576",
                             hint="set it to a number such as 200, or unset it for the default of 96")
        return int(megabytes * 1024 * 1024)

    @property
    def cache_dir(self) -> Optional[Path]:
        """Where compiled stores are kept: ``JLP_CACHE_DIR``, else the user
        cache directory (``XDG_CACHE_HOME`` on Linux); None when there is no
        home to keep one in (the store then lives in memory)."""
        explicit = self.get("JLP_CACHE_DIR")
        if explicit:
            return Path(explicit)
        try:
            if sys.platform.startswith("linux"):
                # platformdirs' own rule for Linux, without the 8 ms its import
                # costs on every command.
                base = self.get("XDG_CACHE_HOME").strip()
                if os.path.isabs(base):
                    return Path(base) / "jlp"
                home = self.get("HOME")
                if not home:
                    return None
                return Path(home) / ".cache" / "jlp"
            from platformdirs import user_cache_dir

            return Path(user_cache_dir("jlp", appauthor=False))
        except Exception:  # no home directory, or an unusable one
            return None

    @property
    def build_processes(self) -> int:
        """``JLP_BUILD_PROCESSES=1`` keeps a build in one process."""
        raw = self.get("JLP_BUILD_PROCESSES").strip()
        if not raw:
            return 2
        if not raw.isdigit() or int(raw) < 1:
            raise UsageError(f"JLP_BUILD_PROCESSES is {raw!r}, not a number of processes",
                             hint="set it to 1 to build in one process, or unset it")
        return int(raw)

    # -- output -------------------------------------------------------------------
    @property
    def lang(self) -> Optional[str]:
        """``JLP_LANG``: zh, en or both."""
        from .output import LANGS

        value = self.get("JLP_LANG").strip().lower()
        if not value:
            return None
        if value not in LANGS:
            raise UsageError(f"JLP_LANG is {value!r}, which is not a language jlp knows",
                             hint="set JLP_LANG to zh, en or both")
        return value

    @property
    def no_color(self) -> bool:
        return bool(self.get("NO_COLOR"))

    @property
    def force_color(self) -> bool:
        return bool(self.get("FORCE_COLOR"))

    @property
    def dumb_terminal(self) -> bool:
        return self.get("TERM") == "dumb"

    @property
    def pager(self) -> Optional[list[str]]:
        """The pager as a command line: ``JLP_PAGER``, else ``PAGER``, else
        ``less``; None when paging is turned off (``JLP_PAGER=0``, or a
        pager set to the empty string or ``cat``)."""
        import shlex

        for name in ("JLP_PAGER", "PAGER"):
            if name not in self._env:
                continue
            raw = self._env[name].strip()
            if name == "JLP_PAGER" and raw.lower() in _OFF + _ON:
                if raw.lower() in _OFF:
                    return None
                continue  # JLP_PAGER=1: page, with $PAGER or less
            try:
                command = shlex.split(raw)
            except ValueError as exc:
                raise UsageError(f"{name} is {raw!r}, which is not a command line ({exc})",
                                 hint=f"fix the quoting in {name}, or unset it") from None
            if not command or command == ["cat"]:
                return None
            return command
        return ["less"]

    @property
    def always_page(self) -> bool:
        """``JLP_PAGER=1`` (or yes, on, always): page even short output."""
        return self.get("JLP_PAGER").strip().lower() in _ON

    def pager_environment(self) -> dict[str, str]:
        """The pager's environment: ``LESS=FRX`` unless LESS is set (quit
        when the output fits, keep colours, leave it on the screen), as git
        and gh do."""
        env = dict(self._env)
        env.setdefault("LESS", "FRX")
        env.setdefault("LV", "-c")
        return env

    @property
    def debug(self) -> bool:
        return self.get("JLP_DEBUG") == "1"


class Session:
    def __init__(self, settings: Settings, rebuild: bool = False):
        self.settings = settings
        self.rebuild = rebuild  # the last run found the store damaged
        self._root_choice: dict = {}
        self._choice: dict = {}
        self._output = None
        self._book = None

    @staticmethod
    def of(ctx) -> "Session":
        return ctx.find_root().obj

    def choose(self, chosen: dict, root: bool) -> None:
        """The shared options as given to the group (``root``) or to the
        command; the command's own count, and the group's where the
        command's are left unset (``jlp --json search x``)."""
        if root:
            self._root_choice = chosen
        else:
            # A flag left off is False; --no-pager is False too, and says something.
            unset = {name: (None,) if name == "pager" else (None, False) for name in chosen}
            self._choice = {name: value if value not in unset[name] else self._root_choice.get(name, value)
                            for name, value in chosen.items()}
        self._output = None

    @property
    def chosen(self) -> dict:
        """The shared options in force: the command's, else the group's."""
        return {**self._root_choice, **self._choice}

    @property
    def output(self):
        if self._output is None:
            from .output import make_output

            self._output = make_output(self.chosen, self.settings, sys.stdout)
        return self._output

    @property
    def written(self) -> bool:
        return self._output is not None and self._output.written

    # -- the book -------------------------------------------------------------
    @property
    def facts_path(self) -> Path:
        from ..book import packaged_facts

        explicit = self.chosen.get("facts") or self.settings.facts
        if explicit == "-":  # as for -o -: standard input
            return Path("/dev/stdin")
        return Path(explicit) if explicit else packaged_facts()

    def store_options(self, progress=None):
        from ..search.layout import SEARCH_INDEX
        from ..store.cache import StoreOptions

        return StoreOptions(SEARCH_INDEX, cache_dir=self.settings.cache_dir, limit=self.settings.max_bytes,
                            processes=self.settings.build_processes, progress=progress)

    @property
    def book(self):
        """The compiled store of the chosen facts file, opened once."""
        if self._book is None:
            from ..store.cache import open_store

            progress = None
            from .output import _isatty

            if _isatty(sys.stderr):
                from .progress import BuildProgress

                progress = BuildProgress.for_stream(sys.stderr, self.facts_path)
            try:
                self._book = open_store(self.facts_path, self.store_options(progress), rebuild=self.rebuild)
            finally:
                if progress is not None:
                    progress.done()
        return self._book

    def discard_book(self) -> None:
        """Remove the store found damaged, so that it is rebuilt."""
        if self._book is not None:
            from ..store.cache import discard

            discard(self._book)
            self._book = None

    def close(self) -> None:
        if self._book is not None:
            try:
                self._book.close()
            except Exception:  # closing never decides a run's outcome
                pass
            self._book = None
