"""A base for the small value classes on every command's path.

``typing.NamedTuple`` and dataclasses build each class by generating and
compiling code at import: a fraction of a millisecond per class (a dataclass
about one), paid on every start for a dozen classes. A class with
``__slots__`` costs a few microseconds; this base gives it what the
NamedTuples were used for: equality and hashing by value, and a readable repr.
"""


class Record:
    __slots__ = ()

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"
