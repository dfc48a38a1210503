"""The suite never touches the user's real files: every test runs in a home of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, home_snapshot, real_home, under_mutation

#: The home as this module is imported, while the tests are collected.
HOME_WHILE_COLLECTING = os.environ["HOME"]


def test_home_and_caches_point_into_a_temporary_directory(tmp_path_factory):
    base = Path(tmp_path_factory.getbasetemp())
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "UV_CACHE_DIR", "JLP_CACHE_DIR"):
        assert Path(os.environ[name]).is_relative_to(base), name


@pytest.mark.skipif(under_mutation(), reason="mutmut runs pytest several times in one process; a module is imported once")
def test_collecting_the_tests_is_sandboxed_too(tmp_path_factory):
    """A test module that runs code as it is imported writes in the sandbox."""
    assert Path(HOME_WHILE_COLLECTING) == Path(os.environ["HOME"])
    assert Path(HOME_WHILE_COLLECTING).is_relative_to(Path(tmp_path_factory.getbasetemp()))


def test_subprocesses_inherit_the_sandbox(tmp_path_factory):
    code = "import os; print(os.path.expanduser('~'))"
    home = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    assert Path(home).is_relative_to(Path(tmp_path_factory.getbasetemp()))


def test_the_snapshot_sees_a_write_where_jlp_keeps_files(tmp_path):
    home = tmp_path / "home"
    (home / ".cache" / "jlp").mkdir(parents=True)
    before = home_snapshot(home)
    assert home_snapshot(home) == before
    (home / ".cache" / "jlp" / "stamps").mkdir()
    (home / ".cache" / "jlp" / "stamps" / "x.json").write_text("{}")
    assert home_snapshot(home) != before
    again = home_snapshot(home)
    (home / ".cache" / "new-tool").mkdir()
    assert home_snapshot(home) != again


def test_the_real_home_is_not_the_sandbox():
    assert real_home() != Path(os.environ["HOME"])
