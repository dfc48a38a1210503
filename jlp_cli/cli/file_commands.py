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

    fmt = fmt.lower()
    if fmt not in ("json", "yaml"):
        raise UsageError(f"jlp schema prints json or yaml, not {fmt!r}", hint="use --format json or --format yaml")
    schema = json_schema()
    if fmt == "yaml":
        import yaml

        text = yaml.safe_dump(schema, allow_unicode=True, sort_keys=False)
    else:
        text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    sys.stdout.write(text)
    sys.stdout.flush()


EXPORT_FORMATS = ("json", "yaml", "sqlite")


def run_export(session, fmt: str, output: str | None, force: bool) -> None:
    """Write the book as json or yaml (text), or as a SQLite database: to
    ``output`` atomically, or to standard output (``-`` or no ``-o``)."""
    import io

    from ..lookups import export
    from ..render.machine import write
    from ..render.view import View

    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"jlp export writes json, yaml or sqlite, not {fmt!r}",
                         hint="use --format json, --format yaml or --format sqlite")
    to_stdout = output in (None, "-")
    out = session.output
    if fmt == "sqlite" and to_stdout and out.terminal.is_tty:
        raise UsageError("a SQLite database is binary and would garble the terminal",
                         hint="write it to a file: jlp export --format sqlite -o jiulongpo.db")
    target = None if to_stdout else Path(output)
    if target is not None:
        from ..files import target_mode

        target_mode(target, force)  # refused before the work, not after
    document = export(session.book)
    if fmt == "sqlite":
        from ..render.sqlite_export import write_database, write_stream

        if target is None:
            out.out.write_binary(lambda stream: write_stream(document, stream))
        else:
            write_database(document, target, force=force)
            print(f"wrote {target}", file=sys.stderr)
        return
    view = View(document, [], single=True, kind="book")
    if target is None:
        write(view, fmt, out.out, None, "both")
        out.out.flush()
        return
    from ..files import write_bytes

    buffer = io.StringIO()
    write(view, fmt, buffer, None, "both")
    write_bytes(target, buffer.getvalue().encode("utf-8"), force)
    print(f"wrote {target}", file=sys.stderr)
