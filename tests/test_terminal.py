"""Real processes: pipes, a pseudo-terminal, head, Ctrl-C, and the lean JSON path."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time

import pytest
import yaml

from .conftest import MINI, ROOT, read_terminal

pytestmark = pytest.mark.slow
JLP = [sys.executable, "-m", "jlp_cli"]


def run(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*JLP, *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **(env or {})}, **kwargs)


def run_in_terminal(*args: str, env: dict | None = None, columns: int = 100) -> tuple[int, str]:
    """Run jlp with its stdout on a pseudo-terminal; return (status, screen text)."""
    master, slave = pty.openpty()
    environment = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": "50", **(env or {})}
    process = subprocess.Popen([*JLP, *args], stdout=slave, stderr=subprocess.PIPE, cwd=ROOT, env=environment)
    os.close(slave)
    screen = read_terminal(master, process)
    os.close(master)
    status = process.wait(timeout=60)
    return status, screen.decode("utf-8", "replace")


def test_terminal_gets_a_coloured_table():
    status, screen = run_in_terminal("facts", "--section", "captions")
    assert status == 0
    assert "\x1b[" in screen  # colour
    assert "─" in screen  # the table's rule
    assert "caption-minzhucun-community" in screen


def test_terminal_honours_no_color_and_width():
    status, screen = run_in_terminal("sections", env={"NO_COLOR": "1"}, columns=60)
    assert status == 0 and "\x1b[" not in screen.replace("\x1b[?", "")
    assert max(len(line.rstrip("\r")) for line in screen.splitlines()) <= 60


def test_narrow_and_dumb_terminals_still_work():
    """TERM=dumb: no colour or cursor codes; COLUMNS=10: laid out for the
    narrowest width jlp draws (40), every number, period and id whole."""
    status, screen = run_in_terminal("show", "hydrogen-revenue-2023", env={"TERM": "dumb"}, columns=10)
    assert status == 0
    assert "\x1b" not in screen
    lines = screen.replace("\r", "").splitlines()
    from rich.cells import cell_len  # display width: a Chinese character takes two columns

    assert max(cell_len(line) for line in lines) <= 40
    for whole in ("hydrogen-revenue-2023", "10.6", "32.5", "2023"):
        assert any(whole in line for line in lines), whole
    assert any("1,060,000,000" in line or "1060000000" in line for line in lines)


def test_pipe_gets_plain_lines_and_force_color_is_honoured():
    plain = run("facts", "--section", "captions")
    assert plain.returncode == 0 and "\x1b" not in plain.stdout
    assert all(len(line.split("\t")) == 5 for line in plain.stdout.splitlines())
    forced = run("facts", "--section", "captions", "--format", "table", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout


def test_head_ends_quietly():
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {' '.join(JLP)} facts | head -1; echo status=$?"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.stderr == ""
    assert result.stdout.count("\n") == 2 and "status=0" in result.stdout


def test_every_format_parses_from_a_real_pipe():
    assert json.loads(run("search", "氢能", "--json").stdout)[0]["id"]
    assert yaml.safe_load(run("sections", "--format", "yaml").stdout)[0]["id"] == "intro"


def test_no_home_and_c_locale(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "JLP_CACHE_DIR", "XDG_CACHE_HOME")}
    env.update(LANG="C", LC_ALL="C")
    result = subprocess.run([*JLP, "search", "氢能", "--json"], capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "氢能" in json.loads(result.stdout.decode("utf-8"))[0]["text"]["zh"]


def test_json_path_loads_neither_rich_nor_pypinyin_nor_pydantic():
    # Nor, for a Chinese query, the stemmer, the pinyin syllables, the index
    # builder or the completion functions: each is start-up time on every call.
    run("search", "氢能", "--json")  # warm the store
    probe = (
        "import sys\n"
        "from jlp_cli.cli.main import run\n"
        "try:\n"
        "    run(['search', '氢能', '--format', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('rich', 'pypinyin', 'pydantic', 'yaml', 'rapidfuzz', 'platformdirs', 'Stemmer',\n"
        "                            'jlp_cli.search.index', 'jlp_cli.search.syllables', 'jlp_cli.cli.complete',\n"
        "                            'jlp_cli.cli.file_commands', 'jlp_cli.model', 'jlp_cli.validate')\n"
        "               if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "HEAVY []" in result.stderr, result.stderr


@pytest.mark.parametrize("env, expected", [
    ({"_JLP_COMPLETE": "complete_bash", "COMP_WORDS": "jlp show hydrogen-r", "COMP_CWORD": "2"},
     "hydrogen-revenue-2023"),
    ({"_JLP_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "jlp search x --section inno"}, "innovation"),
    ({"_JLP_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "jlp facts --kind stat"}, "statistic"),
    ({"_JLP_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "jlp figures --sort value_"}, "value_base"),
])
def test_tab_completion_in_a_shell(env, expected):
    result = run(env=env)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def make_big_book(path, copies: int) -> None:
    book = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    template = book["facts"][3]
    book["facts"] += [{**template, "id": f"bulk-{i}"} for i in range(copies)]
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")


def test_ctrl_c_during_a_long_listing_exits_130_without_a_traceback(tmp_path):
    big = tmp_path / "big.yaml"
    make_big_book(big, 20000)
    assert run("validate", "--facts", str(big)).returncode == 0  # builds nothing; checks the book
    run("facts", "--facts", str(big), "--format", "jsonl")  # build the store first
    process = subprocess.Popen([*JLP, "facts", "--facts", str(big), "--format", "jsonl"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout.readline()  # it has started writing; the pipe is now full
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"Traceback" not in err
