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

from rich.cells import cell_len, get_character_cell_size

Run = tuple  # (text, style, atomic)
Para = list  # [Run, ...]
Cell = list  # [Para, ...]: paragraphs stacked in one cell (Chinese above English)
Line = list  # [(text, style), ...]

GAP = 2  # spaces between table columns
INDENT = 2  # body of a stacked record, continuation of a pair
TEXT_MIN = 16  # a text column narrower than this is hard to read: drop others, or stack
LONGEST_WORD = 30  # a text column need not be wider than its longest word beyond this
RULE = "─"

_SPACE = re.compile(r"(\s+)")
# No line starts with a closing mark or ends with an opening one (kinsoku).
_CLOSERS = frozenset("，。、；：？！）」』》〉】〕’”,.;:?!)]}%")
_OPENERS = frozenset("（「『《〈【〔‘“([{")


# -- paragraphs -------------------------------------------------------------------------

def para(text: str, style: str = "", atomic: bool = False) -> Para:
    return [(text, style, atomic)] if text else []


def joined(items: Iterable[Para], separator: str = ", ", style: str = "") -> Para:
    """Paragraphs one after another on a line. A separator that starts with a
    space (" · ") begins the next line when the line breaks there; others
    (", ") end the line."""
    lead = separator[:len(separator) - len(separator.lstrip())]
    mark = separator[len(lead):]
    parts = [(lead, style, False), (mark, style, True)] if lead and mark.strip() else [(separator, style, False)]
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


def _segments(paragraph: Para) -> tuple:
    """The pieces wrapping may not split: (text, start offset, is space, cells)."""
    text = "".join(run[0] for run in paragraph)
    atomic = []
    offset = 0
    for run_text, _style, is_atomic in paragraph:
        if is_atomic:
            atomic.append((offset, offset + len(run_text)))
        offset += len(run_text)
    return _pieces(text, tuple(atomic))


@lru_cache(maxsize=4096)
def _pieces(text: str, atomic: tuple) -> tuple:
    if not text:
        return ()
    bounds = [0]
    if text.isascii():
        for match in _SPACE.finditer(text):
            bounds += (match.start(), match.end())
    else:
        position = 0
        for chunk in _SPACE.split(text):  # words and the spaces between them, in turn
            if chunk.isascii() or not chunk or chunk.isspace():
                bounds.append(position)  # a space, or a word of narrow letters: one piece
            else:
                _cjk_bounds(chunk, position, bounds)
            position += len(chunk)
    bounds.append(len(text))
    if atomic:
        inside = set()
        last_end = -1
        for start, end in atomic:
            inside.update(range(start + 1, end))
            if start == last_end:  # two atomic runs in a row ("score " and "17.8") are one piece
                inside.add(start)
            last_end = end
        bounds = [b for b in bounds if b not in inside]
    bounds = sorted(set(bounds))
    out = []
    ascii_text = text.isascii()
    for a, b in zip(bounds, bounds[1:]):
        piece = text[a:b]
        if ascii_text:
            cells = b - a
        elif b - a == 1:
            cells = get_character_cell_size(piece)
        else:
            cells = cell_len(piece)
        out.append((piece, a, piece.isspace(), cells))
    return tuple(out)


def _cjk_bounds(word: str, offset: int, bounds: list) -> None:
    """Where a word without spaces may break: around each Chinese, Japanese or
    Korean character, never inside a run of other letters or digits, not
    before a closing mark nor after an opening one."""
    previous_wide, previous = True, ""
    for index, char in enumerate(word):
        wide = char >= "\u2e80" or "\u1100" <= char <= "\u115f"
        if (wide or previous_wide) and char not in _CLOSERS and previous not in _OPENERS or not index:
            bounds.append(offset + index)
        previous_wide, previous = wide, char


def natural_width(paragraph: Para) -> int:
    return cell_len("".join(run[0] for run in paragraph))


def min_width(paragraph: Para) -> int:
    """The widest piece wrapping may not split."""
    return max((cells for _t, _a, space, cells in _segments(paragraph) if not space), default=0)


def _styled(paragraph: Para, start: int, end: int) -> Line:
    """The pieces of ``paragraph`` between two offsets of its text, with their styles."""
    out: Line = []
    offset = 0
    for text, style, _atomic in paragraph:
        run_end = offset + len(text)
        a, b = max(start, offset), min(end, run_end)
        if a < b:
            piece = text[a - offset:b - offset]
            if out and out[-1][1] == style:
                out[-1] = (out[-1][0] + piece, style)
            else:
                out.append((piece, style))
        offset = run_end
        if offset >= end:
            break
    return out


def _fold(text: str, width: int) -> list[str]:
    """A piece wider than the line, in pieces of at most ``width`` cells,
    broken after a hyphen or slash where one is near enough."""
    out = []
    while cell_len(text) > width:
        cells, cut = 0, 0
        for index, char in enumerate(text):
            cells += get_character_cell_size(char)
            if cells > width:
                break
            cut = index + 1
        soft = max(text.rfind("-", 0, cut), text.rfind("/", 0, cut))
        if soft >= cut // 2:
            cut = soft + 1
        out.append(text[:max(cut, 1)])
        text = text[max(cut, 1):]
    out.append(text)
    return out


def wrap(paragraph: Para, width: int) -> list[Line]:
    """``paragraph`` in lines of at most ``width`` cells."""
    width = max(width, 1)
    lines: list[Line] = []
    spans: list[tuple[int, int]] = []  # (start, end) of the current line in the text
    line_start = line_end = -1
    used = 0
    pending_space = 0  # cells of the spaces before the next piece, kept unless the line breaks there

    def flush():
        nonlocal line_start, used
        if line_start >= 0:
            spans.append((line_start, line_end))
        line_start, used = -1, 0

    for text, start, is_space, cells in _segments(paragraph):
        if is_space:
            pending_space = cells if line_start >= 0 else 0
            continue
        gap, pending_space = pending_space, 0
        if line_start >= 0 and used + gap + cells <= width:
            line_end = start + len(text)
            used += gap + cells
            continue
        flush()
        if cells <= width:
            line_start, line_end, used = start, start + len(text), cells
            continue
        position = start
        pieces = _fold(text, width)
        for piece in pieces[:-1]:
            spans.append((position, position + len(piece)))
            position += len(piece)
        line_start, line_end, used = position, position + len(pieces[-1]), cell_len(pieces[-1])
    flush()
    for a, b in spans:
        lines.append(_styled(paragraph, a, b))
    return lines


def wrap_cell(cell: Cell, width: int) -> list[Line]:
    out: list[Line] = []
    for paragraph in cell:
        out.extend(wrap(paragraph, width) or [[]])
    return out


def line_width(line: Line) -> int:
    return sum(cell_len(text) for text, _style in line)


def _padded(line: Line, width: int, justify: str) -> Line:
    room = width - line_width(line)
    if room <= 0:
        return list(line)
    if justify == "right":
        return [(" " * room, "")] + list(line)
    return list(line) + [(" " * room, "")]


def indented(lines: Iterable[Line], by: int) -> list[Line]:
    return [[(" " * by, "")] + line if line else [] for line in lines]


# -- label and value pairs ----------------------------------------------------------------

def pairs(rows: list[tuple[str, Cell]], width: int, label_style: str = "bold") -> list[Line]:
    """``label  value`` lines, values wrapped beside their labels; a value
    the labels leave too little room for goes under its label."""
    rows = [(label, cell) for label, cell in rows if any(cell)]
    if not rows:
        return []
    label_width = max(cell_len(label) for label, _cell in rows)
    room = width - label_width - GAP
    out: list[Line] = []
    for label, cell in rows:
        if room >= TEXT_MIN and all(min_width(p) <= room for p in cell):
            body = wrap_cell(cell, room)
            for index, line in enumerate(body):
                head = label.ljust(label_width + GAP - cell_len(label) + len(label)) if index == 0 else \
                    " " * (label_width + GAP)
                out.append([(head, label_style if index == 0 else "")] + line)
        else:
            out.append([(label, label_style)])
            out.extend(indented(wrap_cell(cell, width - INDENT), INDENT))
    return out


# -- tables -------------------------------------------------------------------------------

class Column:
    """How one field shows in a table, and in a stacked record."""

    __slots__ = ("header", "get", "wrap", "justify", "style", "drop", "label", "inline", "tag", "minimum",
                 "comfortable")

    def __init__(self, header: str, get: Callable[[Any], Cell], *, wrap: bool = False, justify: str = "left",
                 style: str = "", drop: int = 0, label: Optional[str] = None, inline: bool = False,
                 tag: str = "{}", minimum: int = TEXT_MIN, comfortable: Optional[int] = None):
        self.header = header
        self.get = get  # record -> Cell
        self.wrap = wrap  # text that wraps; otherwise each paragraph stays on one line
        self.justify = justify
        self.style = style  # applied to the whole cell
        self.drop = drop  # 0: never dropped; else dropped when the table is too wide, lowest first
        self.label = header if label is None else label  # stacked: "" puts the value under the heading unlabelled
        self.inline = inline  # stacked: on the heading line, after the key
        self.tag = tag  # stacked: how the heading line says it ("score {}", "{} facts")
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
    header_min = max((cell_len(word) for word in column.header.split()), default=0)
    natural = max([cell_len(column.header)] + [natural_width(p) for cell in cells for p in cell])
    if not column.wrap:  # never narrower than its widest value; its header may wrap at spaces
        widest = max([0] + [natural_width(p) for cell in cells for p in cell])
        return (max(widest, header_min), natural), (max(widest, header_min), natural)
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
        fitted = _fit(columns, measures, shown, width)
        if fitted is None and lift and key is not None:
            fitted = _fit(columns, measures, [i for i in shown if i != columns.index(key)], width - INDENT)
            lifted = columns.index(key) if fitted is not None else None
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
    height = max(len(cell) for cell in cells)
    out = []
    for n in range(height):
        line: Line = []
        for index, (cell, w) in enumerate(zip(cells, widths)):
            if index:
                line.append((" " * GAP, ""))
            line.extend(_padded(cell[n] if n < len(cell) else [], w, justify[index]))
        out.append(_trimmed(line))
    return out


def _trimmed(line: Line) -> Line:
    """Without trailing spaces (pieces that are only padding)."""
    while line and not line[-1][0].strip():
        line = line[:-1]
    if line:
        text, style = line[-1]
        line = line[:-1] + [(text.rstrip(" "), style)]
    return line


def _stacked(columns: list[Column], cells: list[list[Cell]], records: list[Any], width: int, title: str,
             key: Optional[Column]) -> list[Line]:
    """One record per block: the key and the inline fields on a heading line,
    then the other fields as ``label  value`` pairs or unlabelled paragraphs."""
    lines: list[Line] = [[(title, "bold")]] if title else []
    key_index = columns.index(key) if key is not None else None
    margin = INDENT if key is not None else 0  # the body of a record is indented under its heading
    for r in range(len(records)):
        if lines:
            lines.append([])
        inline = [i for i, column in enumerate(columns) if column.inline and key_index is not None]
        if key_index is not None:
            heading = [p for p in _styled_cell(cells[key_index][r], columns[key_index].style or "bold") if p]
            for i in inline:
                before, _, after = columns[i].tag.partition("{}")
                heading.extend([(before, "", True)] * bool(before) + [(t, s, True) for t, s, _a in p]
                               + [(after, "", True)] * bool(after)
                               for p in _styled_cell(cells[i][r], columns[i].style) if p)
            lines.extend(wrap(joined([[(t, s, True) for t, s, _a in p] for p in heading], " · "), width))
        labelled: list[tuple[str, Cell]] = []
        for i, column in enumerate(columns):
            if i == key_index or i in inline:
                continue
            cell = _styled_cell(cells[i][r], column.style)
            if not any(cell):
                continue
            if column.label:
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
