"""jlp validate, jlp schema and jlp export: the commands about the book as a file."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import DataError, UsageError
from ..render import views


def run_validate(session, source: str | None) -> None:
    from ..book.reader import validate_file
    from ..book.source import read_text, shown

    path = session.facts_path
    source_text = None
    if source is not None:
        try:
            source_text = read_text(Path(source), session.settings.max_bytes)
        except DataError as exc:
            raise UsageError(f"the --source text {exc.message}", hint=exc.hint) from None
    fact_count, problems = validate_file(path, source_text, limit=session.settings.max_bytes)
    report = {
        "file": shown(path),
        "valid": not problems,
        "fact_count": fact_count,
        "problems": [p.as_dict() for p in problems],
    }
    session.output.emit(views.validation(report))
    if problems:
        count = len(problems)
        raise DataError(problems, source=shown(path),
                        hint=f"{'the problem is' if count == 1 else f'all {count} problems are'} listed above")
    checked = " and every quote against the source" if source_text is not None else ""
    print(f"{shown(path)}: {fact_count} facts, no problems{checked}.", file=sys.stderr)


def print_schema(fmt: str) -> None:
    import json

    from ..model import json_schema

    if fmt not in ("json", "yaml"):
        raise UsageError(f"jlp schema prints json or yaml, not {fmt!r}", hint="use --format json or --format yaml")
    schema = json_schema()
    if fmt == "yaml":
        import yaml

        sys.stdout.write(yaml.safe_dump(schema, allow_unicode=True, sort_keys=False))
    else:
        sys.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")


def run_export(session, output: str | None, force: bool) -> None:
    import io

    from ..lookups import export
    from ..render.machine import write
    from ..render.view import View
    from ..store.cache import atomic_write

    out = session.output
    fmt = out.format or "json"
    if fmt not in ("json", "yaml"):
        raise UsageError(f"jlp export writes json or yaml, not {fmt}", hint="use --format json or --format yaml")
    if out.fields:
        raise UsageError("jlp export writes the whole book; --fields does not apply",
                         hint="use jlp facts --fields … instead")
    target = Path(output) if output else None
    if target is not None and target.exists() and not force:
        raise UsageError(f"{target} already exists", hint="add --force to overwrite it")
    document = export(session.book)
    view = View(document, [], single=True, kind="book")
    if target is None:
        write(view, fmt, out.out, None, out.effective_lang if out.lang else "both")
        return
    buffer = io.StringIO()
    write(view, fmt, buffer, None, out.effective_lang if out.lang else "both")
    try:
        atomic_write(target, buffer.getvalue().encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot write {target} ({exc.strerror or exc})", hint="check the directory and its permissions") from None
    print(f"wrote {target}", file=sys.stderr)
