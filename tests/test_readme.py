"""The README shows every command with real output, and stays true."""

from __future__ import annotations

import re
import sys

import pytest

from jlp_cli.cli.app import app  # noqa: F401  (importing it registers the commands)
from jlp_cli.cli.registry import COMMANDS

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import readme_examples  # noqa: E402

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = [m["args"] for m in readme_examples.BLOCK.finditer(README)]


@pytest.mark.parametrize("args", EXAMPLES)
def test_example_output_is_current(args):
    block = next(m for m in readme_examples.BLOCK.finditer(README) if m["args"] == args)
    assert block["body"] == readme_examples.render(args), \
        "stale README example: run `uv run python scripts/readme_examples.py --write`"


def test_every_command_is_in_the_readme():
    for name in COMMANDS:
        assert re.search(rf"`jlp {name}\b", README), name


def test_no_placeholder_is_left():
    assert not re.search(r"\b[A-Z]+_[A-Z_]{3,}\b", README.replace("JLP_", "").replace("NO_COLOR", "")
                         .replace("FORCE_COLOR", "").replace("JLP_DEBUG", ""))
