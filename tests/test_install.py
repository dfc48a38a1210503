"""`pip install .` gives a jlp that works from any directory, with no checkout around."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_installed_jlp_works_from_anywhere(tmp_path):
    venv = tmp_path / "venv"
    uv = shutil.which("uv")
    if uv:
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, timeout=300)
        install = [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(ROOT)]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(ROOT)]
    subprocess.run(install, check=True, timeout=600, capture_output=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "JLP_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("JLP_FACTS", None)
    jlp = str(venv / "bin" / "jlp")

    validate = subprocess.run([jlp, "validate"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert validate.returncode == 0, validate.stderr
    assert "site-packages" in validate.stderr  # the book inside the wheel, not the checkout's
    search = subprocess.run([jlp, "search", "氢能", "--json"], cwd=elsewhere, env=env, capture_output=True,
                            text=True, timeout=300)
    assert search.returncode == 0 and json.loads(search.stdout)
    module = subprocess.run([str(venv / "bin" / "python"), "-m", "jlp_cli", "--version"], cwd=elsewhere,
                            env=env, capture_output=True, text=True, timeout=300)
    assert module.stdout.startswith("jlp ")
