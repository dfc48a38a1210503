"""Check facts.yaml against the glossary of established English names.

For every glossary term that names an entity of the book (by its Chinese name
or an alias), the entity's English name must be the glossary's, and the
glossary's alternatives must be among its aliases. Terms that are units (亿元)
are skipped. Run by .ci/run:

    uv run python scripts/check_glossary.py ../shared/source/glossary.md
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = {"亿元"}
QUOTES = str.maketrans("", "", '"“”\'‘’')


def plain(name: str) -> str:
    """Names compared without quotation marks: 中老泰"三国三园" is 中老泰“三国三园”."""
    return name.translate(QUOTES).strip()


def rows(glossary: str):
    for line in glossary.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0] or cells[0] in ("Chinese",) or set(cells[0]) <= set("-: "):
            continue
        yield cells[0], cells[1], [a.strip() for a in (cells[2] if len(cells) > 2 else "").split(",") if a.strip()]


def main(argv: list[str]) -> int:
    from jlp_cli.book.reader import validate_text

    if len(argv) != 1:
        print("usage: check_glossary.py GLOSSARY.md", file=sys.stderr)
        return 2
    glossary = Path(argv[0]).read_text(encoding="utf-8")
    import yaml

    from jlp_cli.model import FactBook

    text = (ROOT / "facts.yaml").read_text(encoding="utf-8")
    _count, problems = validate_text(text)
    if problems:
        print("facts.yaml does not validate; run jlp validate", file=sys.stderr)
        return 2
    book = FactBook.model_validate(yaml.safe_load(text))
    by_name = {}
    for entity in book.entities:
        for name in [entity.name.zh, *entity.aliases]:
            by_name.setdefault(plain(name), entity)
    failures = []
    checked = 0
    for chinese, english, aliases in rows(glossary):
        if chinese in UNITS:
            continue
        entity = by_name.get(plain(chinese))
        if entity is None:
            failures.append(f"{chinese}: no entity has this Chinese name or alias")
            continue
        checked += 1
        if plain(entity.name.zh) != plain(chinese):
            # The term names a part of a longer entity (博世庆铃 in 博世庆铃氢燃料电池发动机):
            # the English must then use the glossary's name.
            if english not in entity.name.en and english not in entity.aliases:
                failures.append(f"{chinese}: {entity.id} does not use the English name {english!r}")
        elif entity.name.en != english:
            failures.append(f"{chinese}: English name is {entity.name.en!r}, the glossary says {english!r}")
        for alias in aliases:
            if alias not in entity.aliases and alias != entity.name.zh:
                failures.append(f"{chinese}: alias {alias!r} is missing")
    for failure in failures:
        print(f"glossary: {failure}", file=sys.stderr)
    print(f"glossary: {checked} terms checked, {len(failures)} problems", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
