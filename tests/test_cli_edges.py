"""What a user can do wrong, or unusually, at the command line: every case is
one sentence and a documented status, never "internal error"."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jlp_cli.cli.app import app
from jlp_cli.cli.context import Settings
from jlp_cli.cli.failures import report
from jlp_cli.cli.output import Terminal
from jlp_cli.cli.paging import page
from jlp_cli.errors import OutputClosed

from .conftest import MINI, ROOT, read_terminal

JLP = [sys.executable, "-m", "jlp_cli"]


def run(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*JLP, *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **(env or {})}, **kwargs)


def one_sentence(stderr: str) -> None:
    lines = stderr.strip().splitlines()
    assert lines and lines[0].startswith("jlp: ") and len(lines) <= 2, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr


# -- the environment -------------------------------------------------------------------

@pytest.mark.parametrize("name, value", [
    ("JLP_MAX_FACTS_MB", "inf"), ("JLP_MAX_FACTS_MB", "nan"), ("JLP_MAX_FACTS_MB", "-3"), ("JLP_MAX_FACTS_MB", "lots"),
    ("JLP_LANG", "fr"), ("JLP_BUILD_PROCESSES", "two"),
])
def test_a_bad_environment_value_is_a_usage_error_naming_it(name, value):
    result = CliRunner().invoke(app, ["facts", "--json"], env={name: value})
    assert result.exit_code == 2
    one_sentence(result.stderr)
    assert name in result.stderr


def test_a_pager_that_is_no_command_line_is_named_at_a_terminal():
    from jlp_cli.cli.context import Settings
    from jlp_cli.errors import UsageError

    with pytest.raises(UsageError, match="JLP_PAGER"):
        Settings({"JLP_PAGER": 'less "x'}).pager


@pytest.mark.slow
def test_an_ascii_output_encoding_still_gives_utf8():
    result = subprocess.run([*JLP, "search", "氢能", "--limit", "1", "--format", "tsv"], capture_output=True,
                            cwd=ROOT, timeout=120, env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert "氢能".encode() in result.stdout


# -- writing the output ------------------------------------------------------------------

@pytest.mark.slow
def test_a_full_disk_is_named():
    with open("/dev/full", "w") as full:
        result = subprocess.run([*JLP, "facts", "--json"], stdout=full, stderr=subprocess.PIPE, text=True,
                                cwd=ROOT, timeout=120)
    assert result.returncode == 2
    one_sentence(result.stderr)
    assert "no space" in result.stderr


@pytest.mark.slow
def test_a_closed_stdout_is_named():
    result = subprocess.run([*JLP, "facts", "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, timeout=120, close_fds=True,
                            preexec_fn=lambda: os.close(1))
    assert result.returncode == 2
    one_sentence(result.stderr)
    assert "closed" in result.stderr


# -- export ---------------------------------------------------------------------------------

@pytest.fixture()
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_export_makes_an_ordinary_file_under_the_umask(here):
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(app, ["export", "-o", "book.json"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE((here / "book.json").stat().st_mode) == 0o644
    assert json.loads((here / "book.json").read_text(encoding="utf-8"))["facts"]


def test_export_force_keeps_the_mode_of_the_file_it_replaces(here):
    target = here / "book.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o664)
    assert CliRunner().invoke(app, ["export", "-o", "book.json", "--force"]).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o664 and target.read_text(encoding="utf-8") != "old"


@pytest.mark.parametrize("kind", ["fifo", "symlink", "directory", "device"])
def test_export_never_replaces_anything_but_a_regular_file(here, kind):
    target = here / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        (here / "real.json").write_text("keep", encoding="utf-8")
        target.symlink_to(here / "real.json")
    elif kind == "directory":
        target.mkdir()
    else:
        target = Path("/dev/null")
    result = CliRunner().invoke(app, ["export", "-o", str(target), "--force"])
    assert result.exit_code == 2
    one_sentence(result.stderr)
    if kind == "symlink":
        assert (here / "real.json").read_text(encoding="utf-8") == "keep" and target.is_symlink()
    if kind == "device":
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not list(here.glob(".*.tmp"))


def test_a_failed_export_leaves_the_old_file_as_it_was(here, monkeypatch):
    """--force writes a new file and renames it over the old one: a write
    that fails half-way leaves the old file whole, and no temporary file."""
    import jlp_cli.files as files

    target = here / "book.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def half_then_full(path: str) -> None:
        with open(path, "wb") as handle:
            handle.write(b'{"sche')
        raise OSError(28, "No space left on device")

    real = files.write_file
    monkeypatch.setattr(files, "write_file", lambda target, write, force=False: real(target, half_then_full, force))
    result = CliRunner().invoke(app, ["export", "-o", "book.json", "--force"])
    assert result.exit_code == 2 and "No space left" in result.stderr
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert sorted(p.name for p in here.iterdir()) == ["book.json"]


def test_export_dash_is_standard_output(here):
    result = CliRunner().invoke(app, ["export", "-o", "-", "--format", "yaml"])
    assert result.exit_code == 0
    assert result.stdout.startswith("schema_version: 1") and not (here / "-").exists()


def test_export_sqlite_opens_as_a_database(here):
    import sqlite3

    result = CliRunner().invoke(app, ["export", "--format", "sqlite", "-o", "book.db"])
    assert result.exit_code == 0, result.stderr
    con = sqlite3.connect(here / "book.db")
    (count,) = con.execute("SELECT count(*) FROM facts").fetchone()
    facts = json.loads(CliRunner().invoke(app, ["facts", "--json"]).stdout)
    assert count == len(facts)
    assert con.execute("SELECT id FROM facts_fts JOIN facts ON facts.rowid = facts_fts.rowid "
                       "WHERE facts_fts MATCH '营业收入'").fetchall()


def test_export_sqlite_to_a_pipe_is_the_database_itself():
    result = subprocess.run([*JLP, "export", "--format", "sqlite"], capture_output=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert result.stdout.startswith(b"SQLite format 3\x00")


def test_export_refuses_an_unknown_format_and_fields():
    result = CliRunner().invoke(app, ["export", "--format", "xml"])
    assert result.exit_code == 2 and "sqlite" in result.stderr


# -- completion ---------------------------------------------------------------------------

@pytest.mark.parametrize("shell, marker", [("bash", "complete -o default -F"), ("zsh", "#compdef jlp"),
                                           ("fish", "complete --command jlp"),
                                           ("powershell", "Register-ArgumentCompleter")])
def test_show_completion_prints_the_named_shells_script(shell, marker):
    result = CliRunner().invoke(app, ["--show-completion", shell])
    assert result.exit_code == 0
    assert marker in result.stdout
    others = {"bash": "COMPREPLY", "zsh": "compdef", "fish": "commandline -cp"}
    assert all(word not in result.stdout for name, word in others.items() if name != shell)


def test_show_completion_for_an_unknown_shell_is_a_usage_error():
    result = CliRunner().invoke(app, ["--show-completion", "tcsh"])
    assert result.exit_code == 2 and "bash" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("typed, expected", [("民主", "民主村社区"), ("Chin", "Chinalco"), ("chinal", "chinalco"),
                                             ("九龙", "九龙坡区")])
def test_entity_names_complete_in_any_language(typed, expected):
    env = {"_JLP_COMPLETE": "complete_bash", "COMP_WORDS": f"jlp entity {typed}", "COMP_CWORD": "2"}
    result = run(env=env)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout.split("\n")


# -- paging -----------------------------------------------------------------------------

def run_at_a_terminal(*args: str, env: dict, lines: int = 10) -> tuple[int, str, str]:
    """jlp with stdin and stdout on a pseudo-terminal (a person could page).
    The terminal stays open until jlp has ended and everything it wrote is
    read (closing it first could drop what is still buffered)."""
    master, slave = pty.openpty()
    environment = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": str(lines), **env}
    process = subprocess.Popen([*JLP, *args], stdin=slave, stdout=slave, stderr=subprocess.PIPE, cwd=ROOT,
                               env=environment)
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            chunks.append(os.read(master, 65536))
        elif process.poll() is not None:
            break
    os.close(slave)
    os.close(master)
    status = process.wait(timeout=30)
    return status, b"".join(chunks).decode("utf-8", "replace"), process.stderr.read().decode()


@pytest.fixture()
def fake_pager(tmp_path):
    """A pager that records what it was given and with which LESS."""
    record = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f'#!/bin/sh\necho "LESS=$LESS" > {record}\ncat >> {record}\n', encoding="utf-8")
    script.chmod(0o755)
    return script, record


@pytest.mark.slow
def test_long_output_at_a_terminal_goes_to_the_pager_with_less_frx(fake_pager):
    script, record = fake_pager
    status, screen, _err = run_at_a_terminal("facts", "--section", "captions", env={"PAGER": str(script)})
    assert status == 0
    paged = record.read_text(encoding="utf-8")
    assert paged.startswith("LESS=FRX") and "caption-minzhucun-community" in paged
    assert "caption-minzhucun-community" not in screen


@pytest.mark.slow
def test_short_output_and_no_pager_print_directly(fake_pager):
    script, record = fake_pager
    status, screen, _err = run_at_a_terminal("show", "data-source", "--lang", "en", env={"PAGER": str(script)},
                                             lines=200)
    assert status == 0 and "data-source" in screen and not record.exists()
    status, screen, _err = run_at_a_terminal("facts", "--section", "captions", "--no-pager",
                                             env={"PAGER": str(script)})
    assert status == 0 and "caption-minzhucun-community" in screen and not record.exists()


@pytest.mark.slow
def test_a_failing_pager_does_not_lose_the_output(tmp_path):
    status, screen, err = run_at_a_terminal("facts", "--section", "captions", env={"PAGER": "false"})
    assert status == 0
    assert "caption-minzhucun-community" in screen
    assert "pager" in err
    status, screen, err = run_at_a_terminal("facts", "--section", "captions",
                                            env={"PAGER": str(tmp_path / "no-such-pager")})
    assert status == 0 and "caption-minzhucun-community" in screen and "pager" in err


# -- progress of a long build ---------------------------------------------------------------

@pytest.mark.slow
def test_a_long_build_at_a_terminal_shows_progress(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth

    book = tmp_path / "book.yaml"
    synth.write_book(synth.synthesize(30_000), book)
    master, slave = pty.openpty()
    process = subprocess.Popen([*JLP, "search", "氢能", "--json", "--limit", "1", "--facts", str(book)],
                               stdout=subprocess.PIPE, stderr=slave, cwd=ROOT,
                               env={**os.environ, "JLP_CACHE_DIR": str(tmp_path / "cache")})
    os.close(slave)
    seen = read_terminal(master, process, seconds=120)
    assert process.wait(timeout=120) == 0
    text = seen.decode("utf-8", "replace")
    assert "facts read" in text and "facts/s" in text
    assert json.loads(process.stdout.read())


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    book = tmp_path / "book.yaml"
    book.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["facts", "--json", "--facts", str(book)])
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize("status", [0, 141])
def test_a_pager_quit_early_is_no_failure_and_nothing_is_printed_twice(capsys, status):
    """141: the pager ended on a broken pipe (the person quit less before the end)."""
    settings = Settings({"PAGER": f"sh -c 'cat >/dev/null; exit {status}'"})
    out = io.StringIO()
    page("line\n" * 50, settings, Terminal(is_tty=True, color=False, interactive=True, height=10), out)
    assert out.getvalue() == ""
    assert capsys.readouterr().err == ""


def test_a_pager_that_fails_gives_the_output_directly_with_a_note(capsys):
    settings = Settings({"PAGER": "sh -c 'cat >/dev/null; exit 3'"})
    out = io.StringIO()
    page("line\n" * 50, settings, Terminal(is_tty=True, color=False, interactive=True, height=10), out)
    assert out.getvalue() == "line\n" * 50
    assert capsys.readouterr().err.startswith("jlp: the pager 'sh' failed (exit status 3); printing instead.\n")


@pytest.mark.parametrize("error", [OutputClosed(), BrokenPipeError()])
def test_a_reader_that_went_away_ends_jlp_quietly_with_status_0(monkeypatch, capsys, error):
    """jlp facts | head -1 under 'set -o pipefail': no message, and status 0."""
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # (quiet_stdout points a real stdout at /dev/null)
    assert report(error) == 0
    assert capsys.readouterr().err == ""


def test_the_pager_gets_less_frx_unless_the_user_set_less():
    assert Settings({}).pager_environment()["LESS"] == "FRX"
    assert Settings({"LESS": "-R --mouse"}).pager_environment()["LESS"] == "-R --mouse"
    assert Settings({"LESS": ""}).pager_environment()["LESS"] == ""  # set empty on purpose: no options


def test_a_sentence_that_ends_in_a_question_mark_gets_no_full_stop():
    result = CliRunner().invoke(app, ["serch", "hydrogen"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["jlp: No such command 'serch'. Did you mean 'search'?",
                                          "hint: run 'jlp --help' for usage"]
    result = CliRunner().invoke(app, ["facts", "--kind", "rumour"])
    assert result.stderr.splitlines()[0] == "jlp: there is no fact kind 'rumour'."


def test_at_a_terminal_export_sqlite_refuses_the_screen_but_writes_a_file(here, monkeypatch):
    """A database would garble the terminal: refused there, and only there;
    -o FILE at a terminal writes the file."""
    monkeypatch.setattr(Terminal, "detect",
                        classmethod(lambda cls, stream, settings, no_color=False: cls(is_tty=True, color=False)))
    refused = CliRunner().invoke(app, ["export", "--format", "sqlite"])
    assert refused.exit_code == 2 and "garble the terminal" in refused.stderr
    one_sentence(refused.stderr)
    result = CliRunner().invoke(app, ["export", "--format", "sqlite", "-o", "book.db"])
    assert result.exit_code == 0, result.stderr
    assert (here / "book.db").read_bytes().startswith(b"SQLite format 3\x00")
