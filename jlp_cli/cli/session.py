"""Open the fact book a command reads, remembering it in case its store fails."""

from __future__ import annotations

from ..cache import open_store
from ..source import locate
from ..store import FactStore

#: Stores opened by the running command, so that ``main.run`` can discard a
#: store that turns out to be corrupt and run the command again.
opened: list[FactStore] = []
rebuild_next = False


def open_book(out) -> FactStore:
    store = open_store(locate(out.facts_path), rebuild=rebuild_next)
    opened.append(store)
    return store
