"""Keep the README's example output true: regenerate it from the tool.

Each example in README.md sits between markers:

    <!-- example: sections --lang en -->
    ```console
    $ jlp sections --lang en
    ...output...
    ```
    <!-- /example -->

The output is what a terminal 100 columns wide shows (tables, no colour); an
example whose arguments choose a format shows that format. ``--check`` (used by
tests/test_readme.py) fails when an example is stale; ``--write`` rewrites them:

    uv run python scripts/readme_examples.py --write
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- example: (?P<args>.*?) -->\n```console\n(?P<body>.*?)```\n<!-- /example -->", re.S)
WIDTH = 100
MACHINE = ("--json", "--format", "-f")


def run(args: list[str]) -> str:
    import os

    from typer.testing import CliRunner

    from jlp_cli.cli.app import app

    chosen = list(args)
    if not any(a in MACHINE for a in chosen):
        chosen += ["--format", "table"]
    saved = {k: os.environ.pop(k, None) for k in ("JLP_FACTS", "JLP_LANG", "FORCE_COLOR", "NO_COLOR")}
    try:
        result = CliRunner().invoke(app, chosen, env={"COLUMNS": str(WIDTH)})
    finally:
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
    output = result.stdout + result.stderr
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"


def render(args: str) -> str:
    return f"$ jlp {args}\n" + run(shlex.split(args))


def update(text: str) -> str:
    return BLOCK.sub(lambda m: f"<!-- example: {m['args']} -->\n```console\n{render(m['args'])}```\n<!-- /example -->",
                     text)


def stale(text: str) -> list[str]:
    return [m["args"] for m in BLOCK.finditer(text) if m["body"] != render(m["args"])]


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    if argv == ["--write"]:
        README.write_text(update(text), encoding="utf-8")
        return 0
    if argv == ["--check"]:
        old = stale(text)
        for args in old:
            print(f"stale example: jlp {args}", file=sys.stderr)
        return 1 if old else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
