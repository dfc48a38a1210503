"""Read a YAML document as plain values, straight from the parser's events.

This is jlp's one YAML reader. It builds the values PyYAML's safe loader
would (timestamps kept as text), without composing a node tree first: on a
100,000-fact book the tree costs most of the reading time and over a
gigabyte. The items of the book's ``facts`` sequence are handed out one at a
time, so a caller can check and store each and let it go.

Facts files are edited by hand and sent by others, so the reader also

* takes only plain YAML types: ``!!python/…`` and other tags are refused;
* refuses alias bombs ("billion laughs") and recursive aliases before they
  expand, by counting what aliases would expand to, and absurd nesting;
* reports a duplicate key in a mapping (where the later value would
  silently win) with its line, instead of keeping the last one quietly;
* bounds what one mapping or a list inside a record may hold, so a hostile
  file cannot make the checks after it produce millions of problems.

Problems that stop the reading (YAML syntax, a refused tag, a bomb) raise
``DataError`` with their line and column; problems the reading survives (a
duplicate key) are collected in ``problems``. ``locate_many`` finds where
values are by their paths, in one more pass over the events, so that the
problems of the checks can be given lines without keeping any tree.

PyYAML's C parser is used where it is installed (ten times faster); the
pure-Python parser gives the same events.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..errors import DataError, Problem

MAX_DEPTH = 64
#: Aliases may expand a document to this many times the values it physically
#: holds, plus a fixed allowance: ordinary anchors pass, while the exponential
#: growth of an alias bomb is refused after a bounded count.
ALIAS_EXPANSION_FACTOR = 50
ALIAS_EXPANSION_ALLOWANCE = 100_000
#: The widest mapping a facts file has holds about a dozen keys.
MAX_KEYS = 1000
#: Lists inside a record (a fact's figures, entities, tags) hold a handful of
#: items; the book's own lists (sections, entities, facts) are not bounded.
MAX_ITEMS = 10_000

STR = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
VALUE_TAG = "tag:yaml.org,2002:value"
#: Scalar tags whose values the safe loader builds from the text alone.
_SCALAR_TAGS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", STR}
_CONTAINER_TAGS = {"tag:yaml.org,2002:map": dict, "tag:yaml.org,2002:seq": list}
_HASHABLE = (str, int, float, bool, type(None))
NO_KEY = object()
MERGE = object()  # the key '<<'


def loader_class():
    """PyYAML's safe loader (the C one where available), with timestamps kept
    as text: a fact book has no use for datetime objects, and they would not
    survive JSON output."""
    import yaml

    base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)
    return Loader


def _mark(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


PLAIN_KEYS = "keys are plain names such as 'id' or 'text'"


def _stop(message: str, mark=None, hint: str | None = None) -> DataError:
    line, column = _mark(mark) if mark is not None else (None, None)
    return DataError([Problem(message, line=line, column=column, hint=hint)])


def yaml_problem(exc) -> Problem:
    """One problem for PyYAML's own error, with its line and column."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = getattr(exc, "problem", None) or getattr(exc, "context", None) or "invalid YAML"
    return Problem(f"invalid YAML: {what}", line=mark.line + 1 if mark else None,
                   column=mark.column + 1 if mark else None,
                   hint="check the indentation and quoting around that line")


class _Anchor:
    __slots__ = ("value", "open", "size")

    def __init__(self, value: Any, is_open: bool):
        self.value = value
        self.open = is_open  # a container still being read: an alias to it would be recursive
        self.size: int | None = None


class EventReader:
    """Plain values from the events of one YAML stream (text, or anything
    with ``read()``)."""

    def __init__(self, stream):
        import yaml
        from yaml import events

        self._yaml = yaml
        loader = loader_class()(stream)
        self._loader = loader
        self._c_parser = type(loader).__module__ == "yaml.cyaml" or any(
            base.__module__ == "yaml.cyaml" for base in type(loader).__mro__)
        self._next = loader.get_event
        self._events = events
        self._resolvers = loader.yaml_implicit_resolvers
        self._constructors = loader.yaml_constructors
        self._tags: dict[str, str] = {}  # short plain scalars → resolved tag
        self._anchors: dict[str, _Anchor] = {}
        self._open_anchors: dict[int, str] = {}  # id of a container being read → its anchor
        self._physical = 0  # containers read (and tagged or anchored scalars)
        self._expanded = 0  # values that aliases stand for
        self.problems: list[Problem] = []  # duplicate keys: reported, the reading goes on

    def close(self) -> None:
        self._loader.dispose()

    def event(self):
        try:
            return self._next()
        except self._yaml.MarkedYAMLError as exc:
            raise DataError([yaml_problem(exc)]) from None
        except self._yaml.reader.ReaderError as exc:
            raise self._reader_error(exc) from None
        except self._yaml.YAMLError as exc:
            raise DataError([Problem(f"invalid YAML: {exc}", hint="check the file around that place")]) from None

    def _reader_error(self, exc) -> DataError:
        """A character YAML does not allow, found wherever the parser was
        (between values, or inside one when the file is read in chunks)."""
        error = DataError([Problem(f"the file holds a character YAML does not allow (U+{exc.character:04X}, "
                                   f"{exc.reason})", hint="remove it, or save the file as plain text")])
        # An offset the caller turns into a line: in UTF-8 bytes for the C
        # parser (it reads the text as UTF-8), in characters for Python's.
        error.position = (exc.position, self._c_parser)
        return error

    # -- scalars -------------------------------------------------------------
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
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:  # quoted (or '!'): always a string
                tag = STR
            else:
                tag = self._tag(value)
        if tag == STR or tag == VALUE_TAG:  # '=' alone is text (the safe loader's keys agree)
            result: Any = value
        elif tag == MERGE_TAG:
            result = MERGE
        elif tag in _SCALAR_TAGS:
            if tag == "tag:yaml.org,2002:int" and value[:1] != "0" and value.isdigit():
                result = int(value)
            else:
                from yaml.nodes import ScalarNode

                try:
                    result = self._constructors[tag](self._loader, ScalarNode(tag, value, event.start_mark))
                except (self._yaml.YAMLError, ValueError, OverflowError) as exc:
                    raise _stop(f"the value {value!r} cannot be read as {tag.rsplit(':', 1)[-1]} ({exc})",
                                event.start_mark) from None
        else:
            raise self._refused_tag(event, tag)
        self._physical += 1
        if event.anchor is not None:
            self._anchors[event.anchor] = _Anchor(result, False)
        return result

    def _refused_tag(self, event, tag: str | None = None) -> DataError:
        return _stop(f"the tag {tag or event.tag!r} is not allowed in a facts file", event.start_mark,
                     "a facts file holds plain text, numbers, lists and mappings")

    def _alias(self, event) -> Any:
        anchor = self._anchors.get(event.anchor)
        if anchor is None:
            raise _stop(f"invalid YAML: the alias *{event.anchor} has no anchor", event.start_mark,
                        f"an alias names a value marked &{event.anchor} earlier in the file")
        if anchor.open:
            raise _stop(f"the alias *{event.anchor} refers to the value that holds it (a recursive alias)",
                        event.start_mark, "write the values out instead")
        if anchor.size is None:
            anchor.size = _size(anchor.value)
        self._expanded += anchor.size
        if self._expanded > ALIAS_EXPANSION_FACTOR * self._physical + ALIAS_EXPANSION_ALLOWANCE:
            raise _stop("the document's aliases expand to too many values (an alias bomb?)", event.start_mark,
                        "write the values out instead of repeating aliases of aliases")
        return anchor.value

    # -- values --------------------------------------------------------------
    def value(self, event) -> Any:
        """The whole value that starts with ``event``."""
        try:
            return self._value(event)
        except self._yaml.MarkedYAMLError as exc:
            raise DataError([yaml_problem(exc)]) from None
        except self._yaml.reader.ReaderError as exc:
            raise self._reader_error(exc) from None

    def _value(self, event) -> Any:
        events = self._events
        kind = type(event)
        if kind is events.ScalarEvent:
            return self._scalar(event)
        if kind is events.AliasEvent:
            return self._alias(event)
        root = self._open(event)
        # The open container (``current``, a list or not), the key its next
        # value goes under (``NO_KEY`` while a mapping waits for one), and the
        # containers around it. Kept in locals: this loop runs per event.
        current, in_list, key = root, type(root) is list, NO_KEY
        stack: list[tuple] = []
        scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
        mapping_start, sequence_start = events.MappingStartEvent, events.SequenceStartEvent
        mapping_end, sequence_end = events.MappingEndEvent, events.SequenceEndEvent
        next_event = self._next  # the parser's own: this loop runs per event
        resolvers = self._resolvers
        merges: dict[int, list] = {}  # id of a mapping → the values merged into it ('<<')
        while True:
            event = next_event()
            kind = type(event)
            if kind is scalar_event or kind is alias_event:
                if kind is alias_event:
                    item = self._alias(event)
                else:
                    item = event.value
                    # The common case inline: a quoted scalar, or a plain one
                    # no implicit resolver could claim, untagged, unanchored.
                    if event.anchor is not None or event.tag is not None or (
                            event.implicit[0] and (not item or item[0] in resolvers)):
                        item = self._scalar(event)
                if in_list:
                    current.append(item)
                elif key is NO_KEY:
                    if type(item) is str and item not in current and len(current) < MAX_KEYS:
                        key = item
                    else:
                        key = self._key(item, current, event)
                else:
                    if key is MERGE:
                        merges.setdefault(id(current), []).append((item, event))
                    else:
                        current[key] = item
                    key = NO_KEY
            elif kind is mapping_start or kind is sequence_start:
                if key is NO_KEY and not in_list:
                    raise _stop("invalid YAML: a mapping or list cannot be a key", event.start_mark, PLAIN_KEYS)
                if len(stack) >= MAX_DEPTH:
                    raise _stop(f"the document nests deeper than {MAX_DEPTH} levels", event.start_mark,
                                "a facts file is a few levels deep; check the indentation")
                if event.anchor is None and event.tag is None:
                    item = {} if kind is mapping_start else []
                    self._physical += 1
                else:
                    item = self._open(event)
                if in_list:
                    current.append(item)
                stack.append((current, key))  # key is NO_KEY in a list
                current, in_list, key = item, kind is sequence_start, NO_KEY
            elif kind is mapping_end or kind is sequence_end:
                if merges and id(current) in merges:
                    current = self._merged(current, merges.pop(id(current)))
                finished = current
                self._close(finished)
                if not stack:
                    return finished
                if in_list and len(finished) > MAX_ITEMS:
                    raise _stop(f"a list holds {len(finished):,} items, more than the {MAX_ITEMS:,} a record's "
                                "list may hold", event.start_mark, "a fact has a handful of figures, entities and tags")
                current, key = stack.pop()
                in_list = type(current) is list
                if in_list:
                    current[-1] = finished  # (a merged mapping is a new object)
                elif key is MERGE:
                    merges.setdefault(id(current), []).append((finished, event))
                else:
                    current[key] = finished
                key = NO_KEY
            else:
                raise _stop("invalid YAML: an unexpected event", getattr(event, "start_mark", None))

    def _key(self, item: Any, mapping: dict, event) -> Any:
        if item is MERGE:
            return MERGE
        if type(item) not in _HASHABLE:
            raise _stop("invalid YAML: a mapping or list cannot be a key", event.start_mark, PLAIN_KEYS)
        if item in mapping:
            line, column = _mark(event.start_mark)
            self.problems.append(Problem(f"duplicate key {item!r} in a mapping", line=line, column=column,
                                         hint="each key may appear once; the later value would silently win"))
        elif len(mapping) >= MAX_KEYS:
            raise _stop(f"a mapping has more than {MAX_KEYS} keys", event.start_mark,
                        "a record of a facts file has a dozen keys at most")
        return item

    def _open(self, event):
        events = self._events
        kind = type(event)
        if kind is not events.MappingStartEvent and kind is not events.SequenceStartEvent:
            raise _stop("invalid YAML: an unexpected event", getattr(event, "start_mark", None))
        container_type = dict if kind is events.MappingStartEvent else list
        if event.tag is not None and event.tag != "!" and _CONTAINER_TAGS.get(event.tag) is not container_type:
            raise self._refused_tag(event)
        self._physical += 1
        item = container_type()
        if event.anchor is not None:
            self._anchors[event.anchor] = _Anchor(item, True)
            self._open_anchors[id(item)] = event.anchor
        return item

    def _close(self, container) -> None:
        opened = self._open_anchors
        if opened and id(container) in opened:
            name = opened.pop(id(container))
            anchor = self._anchors[name]
            anchor.value, anchor.open = container, False

    def _merged(self, mapping: dict, merges: list) -> dict:
        """``mapping`` with the values of its '<<' keys merged in, as the
        safe loader merges them: the mapping's own keys win, then the first
        merged mapping, and so on."""
        merged: dict = {}
        for value, event in merges:
            sources = [value] if isinstance(value, dict) else value if isinstance(value, list) else None
            if sources is None or not all(isinstance(s, dict) for s in sources):
                raise _stop("invalid YAML: '<<' merges only mappings", event.start_mark)
            for source in reversed(sources):
                merged.update(source)
        if not merged:
            return mapping
        merged.update(mapping)
        opened = self._open_anchors
        if opened and id(mapping) in opened:  # the anchor names the merged mapping
            opened[id(merged)] = opened.pop(id(mapping))
        return merged

    # -- the document -------------------------------------------------------
    def top_level(self, streamed: str) -> Iterator[tuple[Any, Any]]:
        """Yield ``(key, value)`` for each entry of the document's top-level
        mapping. When the value under ``streamed`` is a sequence, yield
        ``(streamed, items)`` instead, ``items`` an iterator over its values
        that must be used up before the next entry is asked for.

        Raises DataError for anything but one document whose top level is a
        mapping."""
        events = self._events
        if type(self.event()) is not events.StreamStartEvent:
            raise _stop("invalid YAML: the stream does not start")
        start = self.event()
        if type(start) is events.StreamEndEvent:
            raise DataError([Problem("the file is empty", hint="a facts file starts with 'schema_version: 1'")])
        top = self.event()
        if type(top) is not events.MappingStartEvent:
            value = self.value(top)
            got = "nothing" if value is None else type(value).__name__
            raise DataError([Problem(f"the top level must be a mapping, not {got}", line=1,
                                     hint="a facts file starts with 'schema_version: 1'")])
        self._open(top)
        seen: set = set()
        while True:
            event = self.event()
            if type(event) is events.MappingEndEvent:
                break
            key = self._top_key(self.value(event), event, seen)
            seen.add(key)
            event = self.event()
            if key == streamed and type(event) is events.SequenceStartEvent and event.tag in (None, "!"):
                self._physical += 1
                items = self._items()
                yield key, items
                for _rest in items:  # the caller stopped early
                    pass
            else:
                yield key, self.value(event)
        end = self.event()
        if type(end) is not events.DocumentEndEvent or type(self.event()) is not events.StreamEndEvent:
            raise _stop("the file holds more than one YAML document", getattr(end, "start_mark", None),
                        "a facts file is one document; remove the '---' line")

    def _top_key(self, key: Any, event, seen: set) -> Any:
        if key is MERGE:
            raise _stop("'<<' is not allowed at the top of a facts file", event.start_mark)
        if type(key) not in _HASHABLE:
            raise _stop("invalid YAML: a mapping or list cannot be a key", event.start_mark, PLAIN_KEYS)
        if key in seen:
            line, column = _mark(event.start_mark)
            self.problems.append(Problem(f"duplicate key {key!r} in a mapping", line=line, column=column,
                                         hint="each key may appear once; the later value would silently win"))
        return key

    def _items(self) -> Iterator[Any]:
        end = self._events.SequenceEndEvent
        while True:
            event = self.event()
            if type(event) is end:
                return
            yield self.value(event)


def _size(value: Any) -> int:
    """How many values ``value`` holds, counting shared ones each time they
    appear (what an alias to it expands to), computed once per shared value."""
    sizes: dict[int, int] = {}

    def size(item: Any) -> int:
        if not isinstance(item, (list, dict)):
            return 1
        known = sizes.get(id(item))
        if known is not None:
            return known
        children = item.values() if isinstance(item, dict) else item
        total = 1 + sum(size(child) for child in children)
        sizes[id(item)] = total
        return total

    return size(value)


def locate_many(stream, paths: list[tuple]) -> list[tuple[int, int] | None]:
    """(line, column), 1-based, of the value at each path, or of its nearest
    ancestor that exists: a mapping's child by its key as written, a
    sequence's by its index. One pass over the events; only the marks of the
    paths' prefixes are kept."""
    import yaml
    from yaml import events as E

    wanted = {path[:end] for path in paths for end in range(len(path) + 1)}
    found: dict[tuple, tuple[int, int]] = {}
    loader = loader_class()(stream)
    # Per open container: its path (None when nothing wanted is inside),
    # whether it is a sequence, the next index, and the key of the next value
    # (NO_KEY while a mapping waits for a key; None for a key that is not a
    # scalar, under which nothing can be found).
    stack: list[list] = []
    try:
        while True:
            event = loader.get_event()
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
        pass  # the reading reported it; locate what was found before it
    finally:
        loader.dispose()
    out = []
    for path in paths:
        end = len(path)
        while end and path[:end] not in found:
            end -= 1
        out.append(found.get(path[:end]))
    return out
