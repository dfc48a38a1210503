"""Lay out text in a fixed number of terminal columns without ever cutting a value.

Wrapping breaks at spaces and between Chinese characters (not before a
closing or after an opening punctuation mark), never inside a word, a number,
an id or a unit. A run marked *atomic* (a number with its unit, an id, a
period) is never broken at all, spaces included. Only a piece longer than the
whole line is folded, at a hyphen or slash where it has one: an id of 60
characters at 40 columns.

A table that does not fit first narrows its text columns (down to a readable
minimum), then drops whole columns that may go, lowest priority first (the
caller names them once, in a footer), and when even the columns that must
stay do not fit, shows one record per block (``stacked``): the record's key
and short fields on a heading line, each other field as ``label  value``.

Text is a *paragraph*: a list of runs ``(text, style, atomic)``. A laid-out
line is a list of pieces ``(text, style)``. Widths are terminal cells, as
Rich measures them (``rich.cells``: a Chinese character takes two). Nothing
here prints: ``terminal`` writes the lines.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Iterable, Optional

Run = tuple  # (text, style, atomic)
Para = list  # [Run, ...]
Cell = list  # [Para, ...]: paragraphs stacked in one cell (Chinese above English)
Line = list  # [(text, style), ...]

GAP = 2  # spaces between table columns
INDENT = 2  # body of a stacked record, continuation of a pair
TEXT_MIN = 16  # a text column narrower than this is hard to read: drop others, or stack
LONGEST_WORD = 30  # a text column need not be wider than its longest word beyond this
RULE = "─"
# A space no line breaks at, inside a laid-out line only: data never holds
# one (sanitize shows it as <U+00A0>) and ``terminal`` writes it as a space.
GLUE = "\xa0"

_SPACE = re.compile(r"(\s+)")
# Never handed to the terminal inside a laid-out line: a line break, a tab.
_LINE_ENDS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines breaks
_BREAKS_OR_TABS = re.compile(f"[\t{_LINE_ENDS}]")
_NOT_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")
# No line starts with a closing mark or ends with an opening one (kinsoku).
_CLOSERS = frozenset("，。、；：？！）」』》〉】〕’”,.;:?!)]}%")
_OPENERS = frozenset("（「『《〈【〔‘“([{")


class _Widths(dict):
    """The cells of each character, as Rich measures it, looked up once.

    Characters whose width is plain (Latin, general punctuation, box drawing,
    the Chinese, Japanese and Korean blocks) are answered without Rich's
    tables, which are loaded only for the others; tests/test_human_views.py
    checks these ranges against Rich."""

    def __missing__(self, char: str) -> int:
        if " " <= char < "\x7f" or "\xa0" <= char < "\u0300" or "\u2010" <= char <= "\u2027" \
                or "\u2030" <= char <= "\u205e" or "\u2500" <= char <= "\u259f":
            width = 1
        elif "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\u3001" <= char <= "\u3029" \
                or "\u3030" <= char <= "\u303e" or "\uff01" <= char <= "\uff60" or "\uac00" <= char <= "\ud7a3" \
                or "\U00020000" <= char <= "\U0002fffd" or "\U00030000" <= char <= "\U0003fffd":
            width = 2
        else:
            from rich.cells import get_character_cell_size

            width = get_character_cell_size(char)
        self[char] = width
        return width


_width_of = _Widths().__getitem__


def cell_width(text: str) -> int:
    """Terminal cells of ``text``: one per ASCII character, as Rich measures the rest."""
    if text.isascii():
        return len(text)
    return sum(map(_width_of, text))


# -- paragraphs -------------------------------------------------------------------------

def para(text: str, style: str = "", atomic: bool = False) -> Para:
    return [(text, style, atomic)] if text else []


def joined(items: Iterable[Para], separator: str = ", ", style: str = "") -> Para:
    """Paragraphs one after another on a line; a line breaks after a
    separator (" · ", ", "), never before it."""
    mark = separator.strip()
    if mark and separator.startswith(" "):  # the mark stays with what it follows: "Qingling ·"
        parts = [(GLUE + mark, style, True), (separator[separator.index(mark) + len(mark):], style, False)]
    else:
        parts = [(separator, style, False)]
    out: Para = []
    for item in items:
        if not item:
            continue
        if out:
            out.extend(parts)
        out.extend(item)
    return out


def plain(paragraph: Para) -> str:
    return "".join(run[0] for run in paragraph)


# Kinds of piece: spaces; a word, never split; a word with Chinese characters,
# split between them; ASCII prose, split at its spaces.
SPACE, WORD, CHINESE, PROSE = 0, 1, 2, 3


def _segments(paragraph: Para) -> tuple:
    """The pieces of a paragraph for wrapping: (text, start offset, kind, cells)."""
    if len(paragraph) == 1:  # most paragraphs: one run
        text, _style, is_atomic = paragraph[0]
        return _pieces(text, ((0, len(text)),) if is_atomic else ())
    text = "".join(run[0] for run in paragraph)
    atomic = []
    offset = 0
    for run_text, _style, is_atomic in paragraph:
        end = offset + len(run_text)
        if is_atomic and run_text:
            if atomic and atomic[-1][1] == offset:  # atomic runs in a row ("score " and "17.8") are one
                atomic[-1] = (atomic[-1][0], end)
            else:
                atomic.append((offset, end))
        offset = end
    return _pieces(text, tuple(atomic))


def _wide(char: str) -> bool:
    """Chinese, Japanese and Korean characters and punctuation: a line may
    break before or after one."""
    return char >= "\u2e80" or "\u1100" <= char <= "\u115f"


def _may_break(before: str, after: str) -> bool:
    """Whether a line may break between two characters."""
    if before.isspace() and before != GLUE or after.isspace() and after != GLUE:
        return True
    if after in _CLOSERS or before in _OPENERS:
        return False
    return _wide(before) or _wide(after)


@lru_cache(maxsize=4096)
def _pieces(text: str, atomic: tuple) -> tuple:
    pieces: list = []  # [text, start, kind, cells, from an atomic run]
    position = 0
    for start, end in atomic + ((len(text), len(text)),):
        if position < start:
            _words(text, position, start, pieces)
        if start < end:
            piece = text[start:end]
            _after(text, pieces, [piece, start, WORD, cell_width(piece), True])
        position = end
    return tuple(pieces)  # [text, start, kind, cells, atomic]: shared by every caller, never changed


def _words(text: str, start: int, end: int, pieces: list) -> None:
    """The pieces of text that is not atomic: stretches of ASCII prose, and
    the words with other characters between them."""
    position = start
    region = text[start:end]
    if not region.isascii():
        for match in _NOT_ASCII_WORD.finditer(region):
            a, b = start + match.start(), start + match.end()
            if position < a:
                _ascii(text, position, a, pieces)
            word = text[a:b]
            cells = cell_width(word)
            _after(text, pieces, [word, a, CHINESE if cells != len(word) else WORD, cells, False])
            position = b
    if position < end:
        _ascii(text, position, end, pieces)


def _ascii(text: str, start: int, end: int, pieces: list) -> None:
    """ASCII text as one piece of prose between its leading and trailing spaces
    (or, with tabs or line breaks in it, as words and spaces)."""
    stretch = text[start:end]
    if not stretch.isprintable():
        position = start
        for chunk in _SPACE.split(stretch):
            if chunk:
                _after(text, pieces, [chunk, position, SPACE if chunk.isspace() else WORD, len(chunk), False])
                position += len(chunk)
        return
    body = stretch.strip(" ")
    lead = len(stretch) - len(stretch.lstrip(" "))
    if lead:
        _after(text, pieces, [stretch[:lead], start, SPACE, lead, False])
    if body:
        _after(text, pieces, [body, start + lead, PROSE if " " in body else WORD, len(body), False])
    trail = len(stretch) - lead - len(body)
    if trail and body:
        pieces.append([stretch[len(stretch) - trail:], end - trail, SPACE, trail, False])


def _after(text: str, pieces: list, piece: list) -> None:
    """Add ``piece``; where no line may break between it and the piece before
    (a run of letters and an atomic number, "(" and a period), the two are one."""
    if not pieces or piece[2] == SPACE or pieces[-1][2] == SPACE or _may_break(text[piece[1] - 1], piece[0][0]):
        pieces.append(piece)
        return
    rest = None
    if pieces[-1][2] == PROSE:  # only its last word joins the piece
        pieces[-1:] = _prose_split(pieces[-1], last=True)
    if piece[2] == PROSE:  # only its first word joins the piece before
        piece, *rest = _prose_split(piece, last=False)
    last = pieces[-1]
    atomic = last[4] or piece[4]
    kind = WORD if atomic or (last[2] == WORD and piece[2] == WORD) else CHINESE
    pieces[-1] = [last[0] + piece[0], last[1], kind, last[3] + piece[3], atomic]
    if rest:
        pieces.extend(rest)


def _prose_split(piece: list, last: bool) -> list:
    """A prose piece as [prose, space, last word] or [first word, space, prose]."""
    text, start = piece[0], piece[1]
    if last:
        cut = text.rfind(" ") + 1
        head = text[:cut].rstrip(" ")
    else:
        head = text[:text.find(" ")]
        cut = len(text) - len(text[len(head):].lstrip(" "))
    tail = text[cut:]
    parts = [[head, start, PROSE if " " in head else WORD, len(head), False],
             [text[len(head):cut], start + len(head), SPACE, cut - len(head), False],
             [tail, start + cut, PROSE if " " in tail else WORD, len(tail), False]]
    return parts


def _split(text: str, room: int) -> tuple[int, int]:
    """(characters, cells) of the longest start of ``text`` that fits in
    ``room`` cells and ends where a line may break; (0, 0) if none does."""
    best = (0, 0)
    used = 0
    previous = ""
    wide_before = False
    for index, char in enumerate(text):
        wide = char >= "\u2e80" or "\u1100" <= char <= "\u115f"
        if index and (wide or wide_before) and char not in _CLOSERS and previous not in _OPENERS:
            best = (index, used)  # (_may_break, inlined: this runs for every character of long Chinese text)
        used += _width_of(char)
        if used > room:
            return best
        previous, wide_before = char, wide
    return len(text), used


def natural_width(paragraph: Para) -> int:
    if len(paragraph) == 1:
        return cell_width(paragraph[0][0])
    return cell_width("".join(run[0] for run in paragraph))


def min_width(paragraph: Para) -> int:
    """The widest piece wrapping may not split."""
    widest = 0
    for text, _start, kind, cells, _atomic in _segments(paragraph):
        if kind == CHINESE and cells > widest:  # (a piece no wider than the widest so far cannot change it)
            unit = 0  # the cells since the last place a line may break
            previous = ""
            wide_before = False
            for index, char in enumerate(text):
                wide = char >= "\u2e80" or "\u1100" <= char <= "\u115f"
                if index and (wide or wide_before) and char not in _CLOSERS and previous not in _OPENERS:
                    widest, unit = max(widest, unit), 0
                unit += _width_of(char)
                previous, wide_before = char, wide
            widest = max(widest, unit)
        elif kind == PROSE and cells > widest:
            widest = max(widest, max(map(len, text.split(" "))))
        elif kind == WORD:
            widest = max(widest, cells)
    return widest


class Laid(list):
    """A line that knows its width in cells."""

    __slots__ = ("width",)


def _cut(paragraph: Para, spans: list[tuple[int, int, int]]) -> list[Line]:
    """The lines of ``paragraph`` at (start, end, cells) ``spans`` of its text,
    each a list of (text, style) pieces; one pass over the runs."""
    lines: list[Line] = []
    if len(paragraph) == 1:
        text, style, _atomic = paragraph[0]
        for a, b, cells in spans:
            line = Laid([(text[a:b], style)])
            line.width = cells
            lines.append(line)
        return lines
    index, offset = 0, 0  # the first run that may reach into the next span, and where it starts
    for a, b, cells in spans:
        while offset + len(paragraph[index][0]) <= a:
            offset += len(paragraph[index][0])
            index += 1
        line = Laid()
        line.width = cells
        run, run_offset = index, offset
        while run < len(paragraph) and run_offset < b:
            text, style, _atomic = paragraph[run]
            piece = text[max(a - run_offset, 0):b - run_offset]
            if piece:
                if line and line[-1][1] == style:
                    line[-1] = (line[-1][0] + piece, style)
                else:
                    line.append((piece, style))
            run_offset += len(text)
            run += 1
        lines.append(line)
    return lines


def _fold(text: str, width: int, edges: Iterable[int] = ()) -> list[str]:
    """A piece wider than the line, in pieces of at most ``width`` cells,
    broken at an edge of a number in it (``edges``: offsets where an atomic
    run begins or ends) where one fits, else after a hyphen or slash where
    one is near enough."""
    out = []
    done = 0  # characters of the piece already folded off
    while cell_width(text) > width:
        cells, cut = 0, 0
        for index, char in enumerate(text):
            cells += _width_of(char)
            if cells > width:
                break
            cut = index + 1
        fitting = [edge - done for edge in edges if 0 < edge - done <= cut]
        soft = max(text.rfind("-", 0, cut), text.rfind("/", 0, cut))
        if fitting:
            cut = max(fitting)
        elif soft >= cut // 2:
            cut = soft + 1
        out.append(text[:max(cut, 1)])
        done += max(cut, 1)
        text = text[max(cut, 1):]
    out.append(text)
    return out


def _atomic_edges(paragraph: Para, start: int, end: int) -> list[int]:
    """Offsets from ``start`` where an atomic run (a number, an id) begins or
    ends strictly between ``start`` and ``end``."""
    edges, offset = [], 0
    for text, _style, atomic in paragraph:
        if atomic:
            edges += [edge - start for edge in (offset, offset + len(text)) if start < edge < end]
        offset += len(text)
    return edges


def wrap(paragraph: Para, width: int) -> list[Line]:
    """``paragraph`` in lines of at most ``width`` cells."""
    width = max(width, 1)
    if any(_BREAKS_OR_TABS.search(text) for text, _style, _atomic in paragraph):
        lines: list[Line] = []
        for part in _hard_lines(paragraph):
            lines.extend(wrap(part, width) or [[]])
        return lines
    spans: list[tuple[int, int, int]] = []  # (start, end, cells) of each line in the text
    line_start = line_end = -1
    used = 0
    pending = 0  # cells of the spaces before the next piece, kept unless the line breaks there

    for text, start, kind, cells, _atomic in _segments(paragraph):
        if kind == SPACE:
            pending = cells if line_start >= 0 else 0
            continue
        gap, pending = pending, 0
        if line_start >= 0 and used + gap + cells <= width:
            line_end, used = start + len(text), used + gap + cells
            continue
        if kind == PROSE:  # fill the line at its spaces, then go on with the rest of the piece
            while True:
                room = width - used - gap if line_start >= 0 else width
                if cells <= room:
                    if line_start < 0:
                        line_start, used, gap = start, 0, 0
                    line_end, used = start + len(text), used + gap + cells
                    break
                cut = text.rfind(" ", 0, room + 1) if room > 0 else -1
                head = text[:cut].rstrip(" ") if cut > 0 else ""
                if head:
                    if line_start < 0:
                        line_start, used, gap = start, 0, 0
                    spans.append((line_start, start + len(head), used + gap + len(head)))
                    line_start, used, gap = -1, 0, 0
                elif line_start >= 0:
                    spans.append((line_start, line_end, used))
                    line_start, used, gap = -1, 0, 0
                    continue
                else:  # a first word wider than the line: fold it; its last part begins a line
                    head = text[:text.find(" ")] if " " in text else text
                    folded = _fold(head, width)
                    position = start
                    for piece in folded[:-1]:
                        spans.append((position, position + len(piece), len(piece)))
                        position += len(piece)
                    line_start, line_end, used = position, start + len(head), len(folded[-1])
                rest = text[len(head):]
                text = rest.lstrip(" ")
                gap = len(rest) - len(text) if line_start >= 0 else 0
                start += len(head) + len(rest) - len(text)
                cells = len(text)
                if not text:
                    break
            continue
        if kind == CHINESE:  # fill the line, then go on with the rest of the piece
            while True:
                room = width - used - gap if line_start >= 0 else width
                count, taken = _split(text, room)
                if count == len(text):
                    if line_start < 0:
                        line_start, used, gap = start, 0, 0
                    line_end, used = start + count, used + gap + taken
                    break
                if count:
                    if line_start < 0:
                        line_start, used, gap = start, 0, 0
                    spans.append((line_start, start + count, used + gap + taken))
                elif line_start >= 0:
                    spans.append((line_start, line_end, used))
                else:  # not even one character fits: fold
                    count = max(1, len(_fold(text, width)[0]))
                    spans.append((start, start + count, cell_width(text[:count])))
                rest = text[count:]
                text = rest.lstrip()
                start += count + len(rest) - len(text)
                line_start, used, gap = -1, 0, 0
                if not text:
                    break
            continue
        if line_start >= 0:
            spans.append((line_start, line_end, used))
        line_start, used = -1, 0
        if cells <= width:
            line_start, line_end, used = start, start + len(text), cells
            continue
        position = start
        folded = _fold(text, width, _atomic_edges(paragraph, start, start + len(text)))
        for piece in folded[:-1]:
            spans.append((position, position + len(piece), cell_width(piece)))
            position += len(piece)
        line_start, line_end, used = position, position + len(folded[-1]), cell_width(folded[-1])
    if line_start >= 0:
        spans.append((line_start, line_end, used))
    return _cut(paragraph, spans)


def hanging(paragraph: Para, width: int, indent: int = INDENT) -> list[Line]:
    """``paragraph`` wrapped with every line after the first indented."""
    lines = wrap(paragraph, width)
    if len(lines) < 2:
        return lines
    offset = sum(len(text) for text, _style in lines[0])
    rest: Para = []
    for text, style, atomic in paragraph:
        if offset >= len(text):
            offset -= len(text)
            continue
        rest.append((text[offset:], style, atomic))
        offset = 0
    if rest:
        rest[0] = (rest[0][0].lstrip(), rest[0][1], rest[0][2])
    return lines[:1] + indented(wrap([run for run in rest if run[0]], width - indent), indent)


def _hard_lines(paragraph: Para) -> list[Para]:
    """A paragraph that holds line breaks (a block of YAML text) as one
    paragraph per line, its tabs as spaces: the terminal must never be handed
    a break or a tab inside a laid-out line."""
    lines: list[Para] = [[]]
    for text, style, atomic in paragraph:
        for part in text.splitlines(keepends=True):  # at every break _BREAKS_OR_TABS names, \r\n as one
            body = part.rstrip(_LINE_ENDS)
            if body:
                lines[-1].append((body.replace("\t", " "), style, atomic))
            if body != part:  # a break, also at the end of a run: what follows starts a line
                lines.append([])
    if len(lines) > 1 and not lines[-1]:
        lines.pop()  # the break that ends a block of text is no blank line
    return lines


def wrap_cell(cell: Cell, width: int) -> list[Line]:
    out: list[Line] = []
    for paragraph in cell:
        out.extend(wrap(paragraph, width) or [[]])
    return out


def line_width(line: Line) -> int:
    if type(line) is Laid:
        return line.width
    return sum(cell_width(text) for text, _style in line)


def indented(lines: Iterable[Line], by: int) -> list[Line]:
    return [[(" " * by, "")] + line if line else [] for line in lines]


# -- label and value pairs ----------------------------------------------------------------

def pairs(rows: list[tuple[str, Cell]], width: int, label_style: str = "bold") -> list[Line]:
    """``label  value`` lines, values wrapped beside their labels; a value
    the labels leave too little room for goes under its label."""
    rows = [(label, cell) for label, cell in rows if any(cell)]
    if not rows:
        return []
    label_width = max(cell_width(label) for label, _cell in rows)
    room = width - label_width - GAP
    out: list[Line] = []
    for label, cell in rows:
        if room >= TEXT_MIN and all(natural_width(p) <= room or min_width(p) <= room for p in cell):
            body = wrap_cell(cell, room)
            for index, line in enumerate(body):
                head = label.ljust(label_width + GAP - cell_width(label) + len(label)) if index == 0 else \
                    " " * (label_width + GAP)
                out.append([(head, label_style if index == 0 else "")] + line)
        else:
            out.append([(label, label_style)])
            out.extend(indented(wrap_cell(cell, width - INDENT), INDENT))
    return out


# -- tables -------------------------------------------------------------------------------

class Column:
    """How one field shows in a table, and in a stacked record."""

    __slots__ = ("header", "get", "wrap", "justify", "style", "drop", "label", "inline", "tag", "follows",
                 "minimum", "comfortable")

    def __init__(self, header: str, get: Callable[[Any], Cell], *, wrap: bool = False, justify: str = "left",
                 style: str = "", drop: int = 0, label: Optional[str] = None, inline: bool = False,
                 tag: Optional[Callable[[str], str]] = None, follows: bool = False, minimum: int = TEXT_MIN,
                 comfortable: Optional[int] = None):
        self.header = header
        self.get = get  # record -> Cell
        self.wrap = wrap  # text that wraps; otherwise each paragraph stays on one line
        self.justify = justify
        self.style = style  # applied to the whole cell
        self.drop = drop  # 0: never dropped; else dropped when the table is too wide, lowest first
        self.label = header if label is None else label  # stacked: "" puts the value under the heading unlabelled
        self.inline = inline  # stacked: on the heading line, after the key
        self.tag = tag  # stacked: how the heading line says it ("score 17.8", "14 facts")
        self.follows = follows  # stacked: on the line of the field before it (a unit after its value)
        self.minimum = minimum  # narrowest a wrapping column may get
        # narrowest it should get while dropping columns or lifting the key can spare it
        self.comfortable = max(minimum, comfortable or minimum)


class Table:
    """A laid-out table, or its stacked form, and the columns it left out."""

    def __init__(self, lines: list[Line], dropped: list[str], stacked: bool):
        self.lines = lines
        self.dropped = dropped
        self.stacked = stacked


def _styled_cell(cell: Cell, style: str) -> Cell:
    if not style:
        return cell
    return [[(text, f"{style} {run_style}".strip(), atomic) for text, run_style, atomic in p] for p in cell]


def _measure(column: Column, cells: list[Cell]) -> tuple[tuple[int, int], tuple[int, int]]:
    """(narrowest, natural) width of a column, its header included: when
    comfortable, and at the least."""
    header_min = max((cell_width(word) for word in column.header.split()), default=0)
    natural = max([cell_width(column.header)] + [natural_width(p) for cell in cells for p in cell])
    if not column.wrap:  # never narrower than its widest value; its header may wrap at spaces
        widest = max([0] + [natural_width(p) for cell in cells for p in cell])
        return (max(widest, header_min), natural), (max(widest, header_min), natural)
    if column.minimum >= LONGEST_WORD:  # no word can widen it
        least = min(natural, max(column.minimum, header_min))
    else:
        longest = max([0] + [min_width(p) for cell in cells for p in cell])
        least = min(natural, max(column.minimum, min(longest, LONGEST_WORD), header_min))
    return (min(natural, max(least, column.comfortable)), natural), (least, natural)


def _allocate(measures: list[tuple[int, int]], wraps: list[bool], width: int) -> Optional[list[int]]:
    """Column widths within ``width``, or None when the narrowest do not fit.
    Fixed columns get their natural width; wrapping ones share the rest in
    proportion to their natural widths, none below its narrowest."""
    room = width - GAP * (len(measures) - 1)
    if sum(m[0] for m in measures) > room:
        return None
    flexible = [i for i, w in enumerate(wraps) if w]
    widths = [m[1] if not w else 0 for m, w in zip(measures, wraps)]
    if sum(widths) + sum(measures[i][0] for i in flexible) > room:
        # headers wrap before text gets narrower than its minimum: as few as may
        widths = [m[0] if not w else 0 for m, w in zip(measures, wraps)]
        spare = room - sum(widths) - sum(measures[i][0] for i in flexible)
        for i, (narrowest, natural) in enumerate(measures):
            if not wraps[i] and natural - narrowest <= spare:
                spare -= natural - narrowest
                widths[i] = natural
    left = room - sum(widths)
    if sum(measures[i][1] for i in flexible) <= left:
        for i in flexible:
            widths[i] = measures[i][1]
        return widths
    free = list(flexible)
    while free:
        total = sum(measures[i][1] for i in free)
        shares = {i: left * measures[i][1] // total for i in free}
        short = [i for i in free if shares[i] < measures[i][0]]
        if not short:
            for i in free:
                widths[i] = shares[i]
            spare = left - sum(shares.values())
            for i in sorted(free, key=lambda i: -measures[i][1])[:spare]:
                widths[i] += 1
            break
        for i in short:
            widths[i] = measures[i][0]
            left -= measures[i][0]
            free.remove(i)
    return widths


def table(columns: list[Column], records: list[Any], width: int, title: str = "",
          key: Optional[Column] = None, lift: bool = False) -> Table:
    """``records`` as rows of ``columns`` in ``width`` cells.

    Tried in turn, first with text columns at a comfortable width, then at
    their least: every column; without the droppable ones, lowest priority
    first; with ``lift``, the same with the ``key`` column's value on a line
    of its own above each row (the rest indented under it). Last, one block
    per record (stacked)."""
    cells = [[column.get(record) for record in records] for column in columns]
    shown = [i for i, column_cells in enumerate(cells) if any(any(p) for cell in column_cells for p in cell)]
    both = {i: _measure(columns[i], cells[i]) for i in shown}
    fitted = lifted = None
    for mode in (0, 1):  # comfortable, least
        measures = {i: both[i][mode] for i in shown}
        plain = _fit(columns, measures, shown, width)
        raised = None
        if lift and key is not None:
            raised = _fit(columns, measures, [i for i in shown if i != columns.index(key)], width - INDENT)
        # Whichever drops fewer columns: a wider terminal never shows less
        # than a narrower one (lifting the key is tried as well as dropping).
        if plain is not None and (raised is None or len(plain[2]) <= len(raised[2])):
            fitted, lifted = plain, None
        elif raised is not None:
            fitted, lifted = raised, columns.index(key)
        if fitted is not None:
            break
    if fitted is None:
        return Table(_stacked(columns, cells, records, width, title, key), [], True)
    kept, widths, dropped = fitted
    justify = [columns[i].justify for i in kept]
    margin = INDENT if lifted is not None else 0
    body: list[Line] = []
    header_cells = [wrap(para(columns[i].header, "bold"), w) for i, w in zip(kept, widths)]
    body.extend(_row(header_cells, widths, justify))
    body.append([(RULE * (sum(widths) + GAP * (len(widths) - 1)), "")])
    lines: list[Line] = [[(title, "bold")]] if title else []
    lines.extend(indented(body, margin))
    for r in range(len(records)):
        if lifted is not None:
            lines.extend(wrap_cell(_styled_cell(cells[lifted][r], columns[lifted].style), width))
        row = [wrap_cell(_styled_cell(cells[i][r], columns[i].style), w) for i, w in zip(kept, widths)]
        lines.extend(indented(_row(row, widths, justify), margin))
    return Table(lines, dropped, False)


def _fit(columns: list[Column], measures: dict, shown: list[int], width: int
         ) -> Optional[tuple[list[int], list[int], list[str]]]:
    """(columns kept, their widths, headers dropped) for the fewest drops
    that fit ``width``, or None when the columns that must stay do not."""
    kept = list(shown)
    dropped: list[str] = []
    while True:
        widths = _allocate([measures[i] for i in kept], [columns[i].wrap for i in kept], width)
        if widths is not None:
            return kept, widths, dropped
        candidates = [i for i in kept if columns[i].drop]
        if not candidates:
            return None
        gone = min(candidates, key=lambda i: (columns[i].drop, -i))
        kept.remove(gone)
        dropped.append(columns[gone].header)


def _row(cells: list[list[Line]], widths: list[int], justify: list[str]) -> list[Line]:
    """The lines of one table row: each cell's lines padded to its column,
    without trailing spaces."""
    height = max(len(cell) for cell in cells)
    out = []
    for n in range(height):
        line: Line = []
        pad = 0  # spaces owed before the next text
        for cell, w, how in zip(cells, widths, justify):
            content = cell[n] if n < len(cell) else None
            if not content:
                pad += w + GAP
                continue
            room = w - line_width(content)
            if how == "right":
                pad += room
                room = 0
            if pad:
                line.append((" " * pad, ""))
            line.extend(content)
            pad = room + GAP
        out.append(line)
    return out


def _stacked(columns: list[Column], cells: list[list[Cell]], records: list[Any], width: int, title: str,
             key: Optional[Column]) -> list[Line]:
    """One record per block: the key and the inline fields on a heading line,
    then the other fields as ``label  value`` pairs or unlabelled paragraphs."""
    lines: list[Line] = [[(title, "bold")]] if title else []
    key_index = columns.index(key) if key is not None else None
    margin = INDENT if key is not None else 0  # the body of a record is indented under its heading
    inline = [i for i, column in enumerate(columns) if column.inline and key_index is not None]
    for r in range(len(records)):
        if r:
            lines.append([])
        if key_index is not None:
            heading = [p for p in _styled_cell(cells[key_index][r], columns[key_index].style or "bold") if p]
            for i in inline:
                for p in _styled_cell(cells[i][r], columns[i].style):
                    if p:
                        text = plain(p)
                        heading.append([(columns[i].tag(text) if columns[i].tag else text, p[0][1], True)])
            lines.extend(wrap(joined([[(t, s, True) for t, s, _a in p] for p in heading], " · "), width))
        labelled: list[tuple[str, Cell]] = []
        for i, column in enumerate(columns):
            if i == key_index or i in inline:
                continue
            cell = _styled_cell(cells[i][r], column.style)
            if not any(cell):
                continue
            if column.follows and labelled:  # "10.6 亿元" rather than a line for each
                label, before = labelled[-1]
                after = joined(cell, " · ")
                times = " × " if plain(after)[:1].isdigit() else " "  # 10.6 × 100 million yuan
                labelled[-1] = (label, before[:-1] + [before[-1] + [(times, "", False)] + after])
            elif column.label:
                labelled.append((column.label, cell))
            else:
                lines.extend(_flush_pairs(labelled, width, margin))
                labelled = []
                lines.extend(indented(wrap_cell(cell, width - margin), margin))
        lines.extend(_flush_pairs(labelled, width, margin))
    return lines


def _flush_pairs(labelled: list[tuple[str, Cell]], width: int, margin: int) -> list[Line]:
    if not labelled:
        return []
    return indented(pairs(labelled, width - margin, label_style="dim"), margin)
