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
    ("JLP_MAX_FACTS_MB", "0"), ("JLP_LANG", "fr"), ("JLP_BUILD_PROCESSES", "two"), ("JLP_BUILD_PROCESSES", "0"),
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


class _Clock:
    def __init__(self):
        self.now = 100.0

    def monotonic(self):
        return self.now


def test_build_progress_waits_a_second_then_says_how_far_and_clears_its_line_when_done(monkeypatch):
    from jlp_cli.cli import progress

    clock = _Clock()
    monkeypatch.setattr(progress, "time", clock)
    stream = io.StringIO()
    shown = progress.BuildProgress(stream, "book.yaml")
    clock.now += 0.5
    shown(500_000, 2_000_000, 600)
    assert stream.getvalue() == ""  # a build that ends within a second shows nothing
    clock.now += 1.5
    shown(1_000_000, 2_000_000, 3_000)
    assert stream.getvalue() == "\r\x1b[Kjlp: compiling book.yaml: 3,000 facts read, 1,500 facts/s, 50%, about 2 s left"
    clock.now += 0.1
    shown(1_100_000, 2_000_000, 3_300)  # too soon after the last update
    shown.done()
    assert stream.getvalue().endswith("about 2 s left\r\x1b[K")  # the line is wiped, no new line is left
    shown.done()
    assert stream.getvalue().count("\r\x1b[K") == 2


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


# -- settings as a person writes them -----------------------------------------------------

def test_a_language_setting_is_read_in_any_case_and_with_spaces():
    assert Settings({"JLP_LANG": " EN "}).lang == "en"
    assert Settings({"JLP_LANG": "Both"}).lang == "both"
    assert Settings({}).lang is None


@pytest.mark.parametrize("value, debug", [("1", True), ("0", False), ("", False), ("yes", False)])
def test_only_jlp_debug_1_shows_tracebacks(value, debug):
    assert Settings({"JLP_DEBUG": value}).debug is debug


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize("env, expected", [
    ({"HOME": "/home/u"}, "/home/u/.cache/jlp"),
    ({"HOME": "/home/u", "XDG_CACHE_HOME": "/var/cache/u"}, "/var/cache/u/jlp"),
    # The XDG specification: a relative path is invalid and ignored.
    ({"HOME": "/home/u", "XDG_CACHE_HOME": "relative/cache"}, "/home/u/.cache/jlp"),
    ({"HOME": "/home/u", "XDG_CACHE_HOME": "/var/cache/u", "JLP_CACHE_DIR": "/srv/jlp"}, "/srv/jlp"),
])
def test_the_cache_goes_where_the_environment_says(env, expected):
    assert Settings(env).cache_dir == Path(expected)


def test_the_size_limit_is_in_mebibytes_and_said_as_such(tmp_path):
    book = tmp_path / "book.yaml"  # (a book whose store is built already is not read again)
    book.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["facts", "--json", "--facts", str(book)],
                                env={"JLP_MAX_FACTS_MB": "0.001", "JLP_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"jlp: {book}: is {book.stat().st_size / 1048576:.2g} MB, over the 0.001 MB limit for a facts file.",
        "hint: set JLP_MAX_FACTS_MB to raise the limit"]
    assert Settings({"JLP_MAX_FACTS_MB": "2"}).max_bytes == 2 * 1024 * 1024


def test_the_facts_option_wins_over_jlp_facts(tmp_path):
    result = CliRunner().invoke(app, ["facts", "--json", "--facts", str(MINI)],
                                env={"JLP_FACTS": str(tmp_path / "missing.yaml")})
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 5


def test_a_usage_error_of_a_command_points_at_that_command_s_help():
    result = CliRunner().invoke(app, ["facts", "--bogus"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["jlp: No such option: --bogus.", "hint: run 'jlp facts --help' for usage"]


def test_a_store_sqlite_cannot_read_says_what_to_do(capsys):
    import sqlite3

    assert report(sqlite3.DatabaseError("file is not a database")) == 2
    assert capsys.readouterr().err.splitlines() == [
        "jlp: the compiled store could not be read (file is not a database).",
        "hint: delete the cache directory and run again"]


# -- validate, schema and completion at the command line ------------------------------------------

@pytest.mark.parametrize("breaks, hint", [
    ([("kind: project", "kind: rumour")], "hint: the problem is listed above"),
    ([("kind: project", "kind: rumour"), ("kind: organisation", "kind: gossip")], "hint: all 2 problems are listed above"),
])
def test_validate_ends_with_how_many_problems_it_listed(tmp_path, breaks, hint):
    path = tmp_path / "book.yaml"
    text = MINI.read_text(encoding="utf-8")
    for old, new in breaks:
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--facts", str(path), "--json"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == hint


def test_validate_with_a_source_says_the_quotes_were_checked_too(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text("湖畔镇启动老街社区城市更新项目。房屋建于20世纪60年代至80年代。2022年，氢能产业营业收入2.5亿元，同比增长"
                      "12.5%。湖光铝每年生产铝合金铸锭。2023年一季度，新设外资企业数量同比增长50%，位居全市第一。", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--facts", str(MINI), "--source", str(source), "--json"])
    assert result.exit_code == 0
    assert result.stderr == f"{MINI}: 5 facts, no problems and every quote against the source.\n"
    plain = CliRunner().invoke(app, ["validate", "--facts", str(MINI), "--json"])
    assert plain.stderr == f"{MINI}: 5 facts, no problems.\n"


def test_the_schema_in_yaml_has_the_keys_of_the_json_in_the_same_order():
    import yaml

    as_json = CliRunner().invoke(app, ["schema"])
    as_yaml = CliRunner().invoke(app, ["schema", "--format", "YAML"])
    assert as_yaml.exit_code == 0
    schema = json.loads(as_json.stdout)
    assert list(yaml.safe_load(as_yaml.stdout)) == list(schema)
    assert list(yaml.safe_load(as_yaml.stdout)["$defs"]["Fact"]["properties"]) == \
        ["id", "section", "kind", "text", "quote", "entities", "figures", "tags", "period"]


def test_pwsh_is_a_name_of_powershell_for_completion():
    result = CliRunner().invoke(app, ["--show-completion", "pwsh"])
    assert result.exit_code == 0 and "Register-ArgumentCompleter" in result.stdout


class _CompletionContext:
    """What Click hands a completion function: the options typed so far."""

    def __init__(self, facts):
        self.params = {"facts": str(facts)}

    def find_root(self):
        return self


def test_an_entity_completes_from_its_aliases_and_a_tag_says_how_many_facts_it_has(tmp_path, monkeypatch):
    from jlp_cli.cli import complete

    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    context = _CompletionContext(MINI)
    assert complete.complete_entities(context, "lakelight") == [
        ("Lakelight Aluminum Co., Ltd.", "湖光铝业有限公司"), ("Lakelight Aluminium", "Lakelight Aluminum Co., Ltd.")]
    assert complete.complete_entities(context, "Lao") == [("Laojie", "Old Street Community")]
    assert complete.complete_tags(context, "hea") == [("headline", "2 facts")]


@pytest.mark.parametrize("typed, offered", [
    ("老街", [("老街社区", "Old Street Community")]),
    ("湖畔", [("湖畔镇", "Lakeside Town"), ("湖畔", "Lakeside Town")]),  # the Chinese name, then the alias
    ("old", [("old-street", "Old Street Community"), ("Old Street Community", "老街社区")]),
])
def test_an_entity_completes_from_its_chinese_name_its_id_and_its_english_name(tmp_path, monkeypatch, typed, offered):
    from jlp_cli.cli import complete

    monkeypatch.setenv("JLP_CACHE_DIR", str(tmp_path / "cache"))
    assert complete.complete_entities(_CompletionContext(MINI), typed) == offered


def test_search_shows_twenty_results_unless_told_otherwise():
    many = CliRunner().invoke(app, ["search", "九龙坡", "--json", "--limit", "0"])
    assert len(json.loads(many.stdout)) > 20
    result = CliRunner().invoke(app, ["search", "九龙坡", "--json"])
    assert len(json.loads(result.stdout)) == 20


@pytest.mark.parametrize("lines, paged", [(8, False), (9, True)])
def test_output_is_paged_only_when_it_is_taller_than_the_screen_less_its_prompt_line(lines, paged, tmp_path):
    """A screen of 10 lines shows 9 lines and the prompt: 9 lines go to the pager, 8 do not."""
    seen = tmp_path / "paged.txt"
    settings = Settings({"PAGER": f"sh -c 'cat > {seen}'"})
    out = io.StringIO()
    page("line\n" * lines, settings, Terminal(is_tty=True, color=False, interactive=True, height=10), out)
    assert (out.getvalue() == "", seen.exists()) == (paged, paged)


# -- how each ending is said -------------------------------------------------------------------

def test_a_sentence_that_ends_in_an_exclamation_mark_gets_no_full_stop(capsys):
    from jlp_cli.cli.failures import say

    say("stop right there!", "go on")
    assert capsys.readouterr().err == "jlp: stop right there!\nhint: go on\n"


@pytest.mark.parametrize("error, status, lines", [
    (RecursionError("maximum recursion depth exceeded"), 2,
     ["jlp: the input is nested too deeply to process.", "hint: simplify the facts file"]),
    (MemoryError(), 2, ["jlp: out of memory.", "hint: the facts file may be too large"]),
    (KeyboardInterrupt(), 130, []),
])
def test_errors_that_are_no_bug_of_jlp_are_said_without_internal_error(capsys, error, status, lines):
    assert report(error) == status
    assert capsys.readouterr().err.splitlines() == lines


def test_an_abort_of_a_prompt_is_an_interruption():
    from typer import Abort

    assert report(Abort()) == 130


def test_no_pager_given_to_the_command_wins_over_pager_given_before_it():
    from jlp_cli.cli.context import Session

    session = Session(Settings({}))
    session.choose({"pager": True, "json_": True}, root=True)
    session.choose({"pager": False, "json_": False}, root=False)
    assert (session.chosen["pager"], session.chosen["json_"]) == (False, True)
    session.choose({"pager": None, "json_": False}, root=False)
    assert session.chosen["pager"] is True


def test_facts_dash_reads_the_book_from_standard_input():
    result = run("facts", "--json", "--facts", "-", input=MINI.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert [f["id"] for f in json.loads(result.stdout)][:2] == ["old-street-renewal", "old-street-houses"]


@pytest.mark.parametrize("fmt", ["json", "YAML", "sqlite"])
def test_export_to_a_file_says_what_it_wrote(tmp_path, fmt):
    target = tmp_path / f"book.{fmt.lower()}"
    result = CliRunner().invoke(app, ["export", "--facts", str(MINI), "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", f"wrote {target}\n")
    assert target.stat().st_size > 0


def test_export_json_given_twice_is_no_contradiction():
    result = CliRunner().invoke(app, ["export", "--facts", str(MINI), "--json", "--format", "JSON"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["article"]["id"] == "lakeside-town"


def test_figures_r_is_short_for_reverse():
    """Largest first; the figure without a base value (第一) stays last."""
    long = CliRunner().invoke(app, ["figures", "--facts", str(MINI), "--json", "--sort", "value_base", "--reverse"])
    short = CliRunner().invoke(app, ["figures", "--facts", str(MINI), "--json", "--sort", "value_base", "-r"])
    assert short.exit_code == 0, short.stderr
    assert [r["as_written"] for r in json.loads(short.stdout)] == [r["as_written"] for r in json.loads(long.stdout)] \
        == ["2.5亿元", "20世纪60年代至80年代", "50%", "12.5%", "第一"]
