"""Read a YAML document safely, remembering where every value came from.

Facts files are edited by hand and sent by others, so the reader:

* uses the safe constructors only (``!!python/object`` tags are refused);
* refuses alias bombs ("billion laughs") and absurd nesting before any value
  is built, by measuring the node graph, not by building it;
* reports duplicate keys in a mapping instead of silently keeping the last;
* keeps the composed node tree, so a problem at ``facts[3].figures[0].value``
  can be reported with its line and column.

PyYAML's C parser is used where it is installed (ten times faster on big
books); the pure-Python parser gives the same results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import Problem

MAX_DEPTH = 64
#: Through aliases, a document may expand to this many times the nodes it
#: physically holds, plus a fixed allowance: ordinary anchors (PyYAML itself
#: writes them for repeated values) pass, while the exponential growth of an
#: alias bomb is stopped after a bounded walk, before anything is built.
ALIAS_EXPANSION_FACTOR = 50
ALIAS_EXPANSION_ALLOWANCE = 100_000

Path = tuple  # of str | int


@dataclass
class YamlDocument:
    data: Any
    root: Any  # yaml.Node | None
    problems: list[Problem] = field(default_factory=list)

    def locate(self, path: Path) -> tuple[int, int] | None:
        """(line, column), both 1-based, of the value at ``path``, or of its
        nearest ancestor that exists."""
        return locate(self.root, path)

    def locate_many(self, paths: list[Path]) -> list[tuple[int, int] | None]:
        return [self.locate(path) for path in paths]


def _loader_class():
    import yaml

    base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

    class Loader(base):  # type: ignore[misc, valid-type]
        def __init__(self, stream):
            super().__init__(stream)
            self.duplicate_keys: list[tuple[Any, Any]] = []

        def construct_mapping(self, node, deep=False):
            # Scalar keys are compared as written (no second construction);
            # the rare complex key is left to the base class.
            seen: set = set()
            for key_node, _value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = (key_node.tag, key_node.value)
                if key in seen:
                    self.duplicate_keys.append((key_node.value, key_node))
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    # Timestamps become plain strings: a fact book has no use for datetime
    # objects, and they would not survive JSON output.
    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)
    return Loader


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _measure(root) -> Problem | None:
    """Depth and alias expansion of a node graph, without recursion."""
    import yaml

    physical: set[int] = set()
    expanded = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            line, col = _mark(node)
            return Problem(
                f"the document nests deeper than {MAX_DEPTH} levels",
                line=line,
                column=col,
                hint="a facts file is a few levels deep; check the indentation",
            )
        expanded += 1
        first_visit = id(node) not in physical
        physical.add(id(node))
        if expanded - len(physical) > ALIAS_EXPANSION_FACTOR * len(physical) + ALIAS_EXPANSION_ALLOWANCE:
            line, col = _mark(node)
            return Problem(
                "the document's aliases expand to too many values (an alias bomb?)",
                line=line,
                column=col,
                hint="write the values out instead of repeating aliases of aliases",
            )
        if not first_visit and not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            continue
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
    return None


def _worth_measuring(text: str) -> bool:
    """Whether the node graph may hold aliases or deep nesting: walking it
    costs seconds on a big book, and plain substring tests rule both out.
    Aliases need an anchor ('&'); deep nesting needs deep indentation or a run
    of opening brackets (subtler nesting is caught by the constructor's
    recursion limit)."""
    return ("&" in text or "\n" + " " * (2 * MAX_DEPTH) in text
            or "[" * MAX_DEPTH in text or "{" * MAX_DEPTH in text)


def parse(text: str) -> YamlDocument:
    """Parse ``text``; raise :class:`~jlp_cli.errors.DataError` if it is not
    usable YAML. Duplicate keys are returned as problems, not raised."""
    import yaml

    from .errors import DataError

    loader = _loader_class()(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise DataError([_yaml_problem(exc)]) from None
        except yaml.YAMLError as exc:
            raise DataError([Problem(f"the file is not valid YAML: {exc}")]) from None
        except RecursionError:
            raise DataError([Problem(f"the document nests deeper than {MAX_DEPTH} levels")]) from None
        if root is None:
            raise DataError([Problem("the file is empty", hint="a facts file starts with 'schema_version: 1'")])
        problem = _measure(root) if _worth_measuring(text) else None
        if problem:
            raise DataError([problem])
        try:
            data = loader.construct_document(root)
        except RecursionError:
            raise DataError([Problem(f"the document nests deeper than {MAX_DEPTH} levels")]) from None
        except yaml.MarkedYAMLError as exc:
            raise DataError([_yaml_problem(exc)]) from None
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise DataError([Problem(f"the file has a value YAML cannot build: {exc}")]) from None
        problems = [
            Problem(f"duplicate key {key!r} in a mapping", line=_mark(node)[0], column=_mark(node)[1],
                    hint="each key may appear once; the later value would silently win")
            for key, node in loader.duplicate_keys
        ]
        return YamlDocument(data=data, root=root, problems=problems)
    finally:
        loader.dispose()


def _yaml_problem(exc) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "invalid YAML"
    if "could not determine a constructor" in str(exc) or "!!python" in str(exc):
        what = f"the tag is not allowed in a facts file ({exc.problem})"
    return Problem(
        f"invalid YAML: {what}",
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        hint="check the indentation and quoting around that line",
    )


def locate(root, path: Path) -> tuple[int, int] | None:
    import yaml

    if root is None:
        return None
    node = root
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == step:
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if 0 <= step < len(node.value):
                child = node.value[step]
        if child is None:
            break
        node = child
    return _mark(node)
