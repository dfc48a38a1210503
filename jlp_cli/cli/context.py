"""One run of jlp: its settings, its output and its book, in one object.

A ``Session`` is made when the command line is parsed (``JlpGroup.main``)
and rides on Click's context (``ctx.obj``); every command gets it with
``Session.of(ctx)``. The settings are read once, the output is chosen once
from the shared options, and the book is opened the first time a command asks
for it, building its store if needed (with progress on stderr at a terminal).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from .settings import Settings


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
        return self._choice or self._root_choice

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
        from ..book.source import packaged_facts

        explicit = self.chosen.get("facts") or self.settings.facts
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


def current_session(ctx=None) -> Optional[Session]:
    """The session of the running command, if any."""
    from .clicklib import get_current_context

    ctx = ctx or get_current_context(silent=True)
    return Session.of(ctx) if ctx is not None else None
