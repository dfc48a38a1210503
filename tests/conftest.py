"""Shared fixtures: an isolated cache, the shipped book, and the tests' own books."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHIPPED = ROOT / "facts.yaml"
MINI = FIXTURES / "mini.yaml"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """No test reads or writes the user's real cache or facts settings."""
    cache = tmp_path_factory.mktemp("cache")
    saved = {k: os.environ.get(k) for k in ("JLP_CACHE_DIR", "JLP_FACTS", "JLP_LANG", "JLP_PAGER", "NO_COLOR",
                                            "FORCE_COLOR", "JLP_DEBUG")}
    os.environ["JLP_CACHE_DIR"] = str(cache)
    for key in saved:
        if key != "JLP_CACHE_DIR":
            os.environ.pop(key, None)
    yield cache
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def shipped_store():
    from jlp_cli.cache import open_store

    return open_store(SHIPPED)


@pytest.fixture(scope="session")
def mini_store():
    from jlp_cli.cache import open_store

    return open_store(MINI)
