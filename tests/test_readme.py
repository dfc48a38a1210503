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
    """A snapshot, never the only guard: what each example shows is asserted
    by tests of its own. When this fails, read the diff: a change may be a
    regression, and regenerating would write it into the README."""
    import difflib

    block = next(m for m in readme_examples.BLOCK.finditer(README) if m["args"] == args)
    now = readme_examples.render(args)
    if block["body"] != now:
        diff = "".join(difflib.unified_diff(block["body"].splitlines(True), now.splitlines(True),
                                            "README.md", f"jlp {args}"))
        pytest.fail(f"the README example `jlp {args}` no longer matches the tool's output:\n{diff}\n"
                    "Review the difference: if it is a regression, fix the code; only if the new output is "
                    "right, accept it with `uv run python scripts/readme_examples.py --write`.", pytrace=False)


def test_every_command_is_in_the_readme():
    for name in COMMANDS:
        assert re.search(rf"`jlp {name}\b", README), name


def test_no_placeholder_is_left():
    words = set(re.findall(r"\b[A-Z]+_[A-Z_]{3,}\b", README))
    known = {"NO_COLOR", "FORCE_COLOR", "JLP_DEBUG", "JLP_FACTS", "JLP_LANG", "JLP_PAGER", "JLP_CACHE_DIR",
             "JLP_MAX_FACTS_MB", "JLP_FUZZ_SECONDS", "JLP_BUILD_PROCESSES", "XDG_CACHE_HOME", "PR_SET_PDEATHSIG"}
    assert words <= known, f"placeholders left in README.md: {sorted(words - known)}"
