"""Regenerate jlp_cli/data/t2s.txt, the traditional→simplified character table.

The table is built from OpenCC's t2s conversion, one character at a time, so
that the search can fold traditional characters without OpenCC at run time:

    uv run --with opencc python scripts/build_t2s.py

Each line holds a run of pairs "TS" (traditional, simplified), 64 per line.
"""

from __future__ import annotations

import sys
from pathlib import Path

BLOCKS = [
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Extension B
]


def build() -> list[tuple[str, str]]:
    import opencc

    converter = opencc.OpenCC("t2s")
    pairs = []
    for start, end in BLOCKS:
        for code in range(start, end + 1):
            char = chr(code)
            simplified = converter.convert(char)
            if simplified != char and len(simplified) == 1:
                pairs.append((char, simplified))
    return pairs


def main() -> int:
    pairs = build()
    target = Path(__file__).resolve().parent.parent / "jlp_cli" / "data" / "t2s.txt"
    lines = ["".join(t + s for t, s in pairs[i : i + 64]) for i in range(0, len(pairs), 64)]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(pairs)} pairs written to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
