"""Read a big YAML document as plain values straight from the parser's events.

``yamlread.parse`` composes a node tree first (to know where every value came
from), which on a 100,000-fact book costs most of the reading time and over a
gigabyte. Here values are built from the C parser's events, no node kept, and
the items of one top-level sequence (a book's ``facts``) are handed out one at
a time, so a caller can check and store each and let it go.

Only the plain documents a fact book is made of are read this way. Whatever
the safe loader treats specially (anchors, aliases, explicit tags, merge keys,
duplicate or unhashable keys, deep nesting, several documents, a YAML error,
a value that is not a mapping at the top) raises :class:`Unsupported`, and the
caller reads the document again with ``yamlread.parse``, which reports it
exactly as before. Scalars are resolved by the same loader class, so the
values are the ones ``yamlread.parse`` builds.

``locate_many`` finds where values are, by their paths, in one more pass over
the events: the lines of a book's problems without keeping its node tree.
"""

from __future__ import annotations

from typing import Any, Iterator

from .yamlread import MAX_DEPTH, _loader_class


class Unsupported(Exception):
    """This document is for ``yamlread.parse`` (or not usable YAML at all)."""


STR = "tag:yaml.org,2002:str"
#: Scalar tags whose values the safe loader builds from the text alone.
_SIMPLE = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
           "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", STR}
_KEY_TYPES = (str, int, float, bool, type(None))
NO_KEY = object()


def c_parser_available() -> bool:
    try:
        from yaml import _yaml  # noqa: F401
    except ImportError:
        return False
    return True


class EventReader:
    """Plain values from the events of a YAML stream (text or a ``read()``-able)."""

    def __init__(self, stream):
        from yaml import _yaml, events

        self._parser = _yaml.CParser(stream)
        self._next = self._parser.get_event
        self._events = events
        loader = _loader_class()("")
        self._loader = loader
        self._resolvers = loader.yaml_implicit_resolvers
        self._constructors = loader.yaml_constructors
        self._tags: dict[str, str] = {}  # short plain scalars → resolved tag

    def close(self) -> None:
        self._parser.dispose()
        self._loader.dispose()

    def event(self):
        return self._next()

    # -- scalars ---------------------------------------------------------------
    def _tag(self, value: str) -> str:
        """The tag the safe resolver gives a plain scalar; only scalars that
        start with a character some implicit resolver claims need its regexes."""
        if value and value[0] not in self._resolvers:
            return STR
        tag = self._tags.get(value)
        if tag is None:
            from yaml.nodes import ScalarNode

            tag = self._loader.resolve(ScalarNode, value, (True, False))
            if len(value) <= 32:
                self._tags[value] = tag
        return tag

    def _scalar(self, event) -> Any:
        if event.anchor is not None or event.tag is not None:
            raise Unsupported("anchor or tag")
        value = event.value
        if not event.implicit[0]:  # quoted: always a string
            return value
        tag = self._tag(value)
        if tag is STR or tag == STR:
            return value
        if tag not in _SIMPLE:  # merge key '<<', value '=', or a lone '!', '&', '*'
            raise Unsupported(tag)
        if tag == "tag:yaml.org,2002:int" and value[0] != "0" and value.isdigit():
            return int(value)
        from yaml.nodes import ScalarNode

        try:
            return self._constructors[tag](self._loader, ScalarNode(tag, value))
        except Exception:  # the loader's error, reported by yamlread
            raise Unsupported(tag) from None

    # -- values ------------------------------------------------------------------
    def value(self, event) -> Any:
        """The whole value that starts with ``event``."""
        events = self._events
        kind = type(event)
        if kind is events.ScalarEvent:
            return self._scalar(event)
        root = self._container(event)
        if root is None:
            raise Unsupported("alias")
        # The open container (``current``, a list or not), the key its next
        # value goes under (``NO_KEY`` while a mapping waits for one), and the
        # containers around it. Kept in locals: this loop runs per event.
        current, in_list, key = root, type(root) is list, NO_KEY
        stack: list[tuple] = []
        scalar_event, mapping_start, sequence_start = events.ScalarEvent, events.MappingStartEvent, events.SequenceStartEvent
        mapping_end, sequence_end = events.MappingEndEvent, events.SequenceEndEvent
        next_event = self._next
        resolvers = self._resolvers
        while True:
            event = next_event()
            kind = type(event)
            if kind is scalar_event:
                item = event.value
                # Inline the common case: a quoted scalar, or a plain one no
                # implicit resolver could claim (no tag, no anchor either).
                if event.anchor is not None or event.tag is not None or (
                        event.implicit[0] and (not item or item[0] in resolvers)):
                    item = self._scalar(event)
                if in_list:
                    current.append(item)
                elif key is NO_KEY:
                    if type(item) not in _KEY_TYPES or item is None or item in current:
                        raise Unsupported("complex, null or duplicate key")
                    key = item
                else:
                    current[key] = item
                    key = NO_KEY
            elif kind is mapping_start or kind is sequence_start:
                if key is NO_KEY and not in_list:
                    raise Unsupported("complex key")
                if event.anchor is not None or event.tag is not None:
                    raise Unsupported("anchor or tag")
                if len(stack) >= MAX_DEPTH:
                    raise Unsupported("deep")
                item = {} if kind is mapping_start else []
                if in_list:
                    current.append(item)
                else:
                    current[key] = item
                stack.append(current)
                current, in_list, key = item, kind is sequence_start, NO_KEY
            elif kind is mapping_end or kind is sequence_end:
                if not stack:
                    return root
                current = stack.pop()
                in_list, key = type(current) is list, NO_KEY
            else:  # an alias
                raise Unsupported("alias")

    def _container(self, event):
        events = self._events
        kind = type(event)
        if kind is not events.MappingStartEvent and kind is not events.SequenceStartEvent:
            return None
        if event.anchor is not None or event.tag is not None:
            raise Unsupported("anchor or tag")
        return {} if kind is events.MappingStartEvent else []


def top_level(stream, streamed: str) -> Iterator[tuple[str, Any]]:
    """Yield ``(key, value)`` for each entry of the document's top-level
    mapping. When the value under ``streamed`` is a sequence, yield
    ``(streamed, items)`` instead, ``items`` an iterator over its values that
    must be used up before the next entry is asked for.

    Raises :class:`Unsupported` for anything but one plain document whose top
    level is a mapping."""
    import yaml

    reader = EventReader(stream)
    events = reader._events
    try:
        if type(reader.event()) is not events.StreamStartEvent or type(reader.event()) is not events.DocumentStartEvent:
            raise Unsupported("empty")
        start = reader.event()
        if type(start) is not events.MappingStartEvent:
            raise Unsupported("not a mapping")
        reader._container(start)  # refuses an anchor or a tag
        seen: set = set()
        while True:
            event = reader.event()
            if type(event) is events.MappingEndEvent:
                break
            key = reader.value(event)
            if type(key) not in _KEY_TYPES or key is None or key in seen:
                raise Unsupported("complex, null or duplicate key")
            seen.add(key)
            event = reader.event()
            if key == streamed and type(event) is events.SequenceStartEvent:
                reader._container(event)
                items = _items(reader)
                yield key, items
                for _rest in items:  # the caller stopped early
                    pass
            else:
                yield key, reader.value(event)
        if type(reader.event()) is not events.DocumentEndEvent or type(reader.event()) is not events.StreamEndEvent:
            raise Unsupported("more than one document")
    except yaml.YAMLError:
        raise Unsupported("not usable YAML") from None
    finally:
        reader.close()


def _items(reader: EventReader) -> Iterator[Any]:
    import yaml

    end = reader._events.SequenceEndEvent
    while True:
        try:
            event = reader.event()
            if type(event) is end:
                return
            item = reader.value(event)
        except yaml.YAMLError:
            raise Unsupported("not usable YAML") from None
        yield item


def read_whole(stream) -> dict:
    """The whole document (a mapping at the top) as plain values, built from
    events: what ``yamlread.parse`` gives as ``data``, without its node tree."""
    return dict(top_level(stream, ""))


def locate_many(stream, paths: list[tuple]) -> list[tuple[int, int] | None]:
    """(line, column), 1-based, of the value at each path, or of its nearest
    ancestor that exists, as ``yamlread.locate`` finds them in the node tree:
    a mapping's child by its key as written, a sequence's by its index.

    One pass over the events; only the marks of the paths' prefixes are kept."""
    import yaml
    from yaml import _yaml
    from yaml import events as E

    wanted = {path[:end] for path in paths for end in range(len(path) + 1)}
    found: dict[tuple, tuple[int, int]] = {}
    parser = _yaml.CParser(stream)
    # Per open container: its path (None when nothing wanted is inside),
    # whether it is a sequence, the next index, and the key of the next value
    # (NO_KEY while a mapping waits for a key; None for a key that is not a
    # scalar, under which nothing can be found).
    stack: list[list] = []
    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is E.StreamEndEvent:
                break
            if kind is E.MappingEndEvent or kind is E.SequenceEndEvent:
                stack.pop()
                continue
            if kind not in (E.ScalarEvent, E.MappingStartEvent, E.SequenceStartEvent, E.AliasEvent):
                continue
            path: tuple | None = ()
            if stack:
                top = stack[-1]
                parent = top[0]
                if top[1]:
                    path = None if parent is None else parent + (top[2],)
                    top[2] += 1
                elif top[3] is NO_KEY:  # this node is a key
                    top[3] = event.value if kind is E.ScalarEvent else None
                    path = None
                else:
                    path = None if parent is None or top[3] is None else parent + (top[3],)
                    top[3] = NO_KEY
            if path is not None and path not in wanted:
                path = None
            if path is not None and path not in found:
                found[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
            if kind is E.MappingStartEvent or kind is E.SequenceStartEvent:
                stack.append([path, kind is E.SequenceStartEvent, 0, NO_KEY])
    except yaml.YAMLError:
        raise Unsupported("not usable YAML") from None
    finally:
        parser.dispose()
    out = []
    for path in paths:
        end = len(path)
        while end and path[:end] not in found:
            end -= 1
        out.append(found.get(path[:end]))
    return out
