"""Make data safe to show on a terminal: nothing in it may act on the terminal.

Control characters (ESC of ANSI and OSC sequences, BEL, backspace, carriage
return …), bidirectional overrides and invisible format characters are shown
as visible escapes such as ``\\x1b`` and ``<U+202E>``; floods of combining
marks are cut short. Text for a table cell or a TSV field also has its line
breaks and tabs escaped, so one record stays on one line; a CSV cell keeps its
line breaks and tabs (CSV's quoting carries them) and shows a carriage return
as ``\\r``.

Cells for spreadsheets (csv, tsv) are also defused: text that a spreadsheet
would run as a formula gets a leading ``'``, as OWASP recommends.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_COMBINING = 3

# C0 and C1 controls and DEL; format characters (Cf: bidi overrides and
# isolates, zero-width joiners and spaces, BOM, …); line and paragraph
# separators; lone surrogates.
_UNSAFE_CHARACTERS = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]")


@lru_cache(maxsize=1)
def _unsafe() -> re.Pattern:
    # Compiled on first use: the class spans surrogates and astral planes and
    # takes a millisecond to compile, which the JSON path never needs.
    return re.compile(_UNSAFE_CHARACTERS)


_LINE_BREAKS = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def _limit_combining(text: str) -> str:
    if text.isascii() or not any(map(unicodedata.combining, text)):
        return text
    out, run = [], 0
    for char in text:
        if unicodedata.combining(char):
            run += 1
            if run > MAX_COMBINING:
                if run == MAX_COMBINING + 1:
                    out.append("…")
                continue
        else:
            run = 0
        out.append(char)
    return "".join(out)


def for_terminal(text: str, single_line: bool = False) -> str:
    """``text`` with everything that could act on a terminal made visible."""
    if not isinstance(text, str):
        text = str(text)
    if single_line and ("\n" in text or "\t" in text or "\r" in text):  # (translate is slow on CJK text)
        text = text.translate(_LINE_BREAKS)
    # Every unsafe character but the three Hangul fillers (letters) is not
    # printable: other text needs no regular expression, and most output
    # never compiles it.
    if not text.isprintable() or "\u115f" in text or "\u1160" in text or "\u3164" in text:
        text = _unsafe().sub(lambda m: _visible(m.group()), text)
    return _limit_combining(text)


def is_inert(text: str) -> bool:
    """True when ``text`` holds nothing that ``for_terminal`` would change
    (line breaks and tabs are inert here: they do not hide or rewrite text)."""
    return for_terminal(text) == text


def for_field(text: str) -> str:
    """A TSV/plain field: one line, no tabs, nothing that acts on a terminal.
    Backslashes are doubled first so that the escapes can be told apart."""
    return for_terminal(text.replace("\\", "\\\\"), single_line=True)


def for_csv(text: str) -> str:
    """A CSV cell: nothing that acts on a terminal. Line feeds and tabs stay
    (CSV quotes the cell and reads them back); a carriage return, which would
    hide what precedes it on a terminal, is shown as ``\\r``. Backslashes are
    kept as they are, so every value without a control character reads back
    exactly with any CSV reader."""
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return for_terminal(text)


# What spreadsheets take as the start of a formula (OWASP: = + - @, tab and
# carriage return; its testing guide adds line feed and the full-width forms,
# which some East Asian locales read as formulas too).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def defuse_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text
