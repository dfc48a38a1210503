"""Shared fixtures: a sandboxed home and cache, the shipped book, the tests' own books.

No test may touch the user's real files. For the whole session HOME and the
XDG directories point into a temporary directory (subprocesses inherit it),
as do the caches of uv and pip; at the end of the session the real home is
compared with what it was, and any change fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHIPPED = ROOT / "facts.yaml"
MINI = FIXTURES / "mini.yaml"

#: Environment variables a user may have set that would change what jlp does.
USER_SETTINGS = ("JLP_CACHE_DIR", "JLP_FACTS", "JLP_LANG", "JLP_PAGER", "PAGER", "LESS", "NO_COLOR", "FORCE_COLOR",
                 "JLP_DEBUG", "JLP_MAX_FACTS_MB", "JLP_BUILD_PROCESSES", "COLUMNS", "LINES")
#: Where tools write under a home directory.
HOME_VARIABLES = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
                  "UV_CACHE_DIR", "PIP_CACHE_DIR")


REAL_HOME: list[Path] = []


def real_home() -> Path:
    """The account's home as the user has it (read before the sandbox is set up)."""
    if not REAL_HOME:
        import pwd

        REAL_HOME.append(Path(os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir))
    return REAL_HOME[0]


def home_snapshot(home: Path) -> dict:
    """What could betray a write under ``home``: the entries of the home
    directory and of the places tools keep files (a new or removed one), and
    every file under any jlp directory with its size and time. (Not the times
    of the shared directories: other programs of the user, such as the uv
    that runs the suite, keep working in them meanwhile.)"""
    snapshot: dict = {}
    # (Not the home directory's own entries: the user's shell and pager keep
    # their history there while the suite runs.)
    for relative in (".cache", ".config", ".local", ".local/share", ".local/state"):
        directory = home / relative
        try:
            snapshot[relative] = sorted(os.listdir(directory))
        except OSError:
            snapshot[relative] = None
    for relative in (".cache/jlp", ".config/jlp", ".local/share/jlp", ".local/state/jlp"):
        directory = home / relative
        snapshot[relative] = sorted((str(p.relative_to(directory)), p.stat().st_size, p.stat().st_mtime_ns)
                                    for p in directory.rglob("*")) if directory.exists() else None
    return snapshot


def read_terminal(master: int, process, seconds: float = 60) -> bytes:
    """Everything a process writes to a pseudo-terminal, read until its side
    is closed (end of file, or EIO once the process has ended). A process
    that writes nothing for ``seconds`` is killed: a hang fails the test."""
    import select

    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], seconds)
        if not ready:
            process.kill()
            raise AssertionError(f"nothing written to the terminal for {seconds} s: the process hung")
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def under_mutation() -> bool:
    """True while mutmut runs the suite (it sets MUTANT_UNDER_TEST for its
    runs: stats, the clean run and every mutant)."""
    return "MUTANT_UNDER_TEST" in os.environ


def examples(count: int, **options):
    """Hypothesis settings for a property tried on ``count`` examples. Under
    mutmut a tenth as many (at least 10), derandomized: a mutant is tried on
    the same examples every run, and a run over hundreds of mutants stays
    short. (An explicit ``max_examples`` overrides a profile, so every
    property with a count of its own says it through here.)"""
    from hypothesis import HealthCheck, settings

    if under_mutation():
        # A loaded machine must not pass for a killed mutant: no health check, no deadline.
        options.update(suppress_health_check=list(HealthCheck), deadline=None)
        return settings(max_examples=max(10, count // 10), derandomize=True, database=None, **options)
    return settings(max_examples=count, **options)


_SAVED: dict = {}


def _forget_what_the_core_remembers() -> None:
    """mutmut forks the run of every mutant from one process that has run the
    suite: what the core memoised there (folded characters, compiled patterns,
    pinyin readings) would hide a mutant of the code that computed it."""
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("jlp_cli"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
    normalize = sys.modules.get("jlp_cli.search.normalize")
    if normalize is not None:
        normalize._FOLD.clear()


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """A home, caches and settings of the tests' own, set before collection
    (a test module may run code as it is imported) and kept to the end."""
    if under_mutation():
        from hypothesis import HealthCheck, settings

        settings.register_profile("mutation", max_examples=10, derandomize=True, database=None,
                                  suppress_health_check=list(HealthCheck), deadline=None)
        settings.load_profile("mutation")
        _forget_what_the_core_remembers()
    _SAVED["before"] = home_snapshot(real_home())
    _SAVED["environment"] = {k: os.environ.get(k) for k in USER_SETTINGS + HOME_VARIABLES}
    sandbox = config._tmp_path_factory.mktemp("home")
    for key in USER_SETTINGS:
        os.environ.pop(key, None)
    os.environ["HOME"] = str(sandbox)
    for key, relative in (("XDG_CACHE_HOME", ".cache"), ("XDG_CONFIG_HOME", ".config"),
                          ("XDG_DATA_HOME", ".local/share"), ("XDG_STATE_HOME", ".local/state"),
                          ("UV_CACHE_DIR", "uv-cache"), ("PIP_CACHE_DIR", "pip-cache")):
        os.environ[key] = str(sandbox / relative)
    os.environ["JLP_CACHE_DIR"] = str(sandbox / "jlp-cache")


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc):
    """Under mutmut, the ids of a parametrised test are made afresh in every
    session. pytest keeps the ids it made from an ``ids=`` argument on the
    mark itself and escapes them again in the next session of the same
    process (``zh:\\u957f`` becomes ``zh:\\\\u957f``), so the runs mutmut
    forks could not find the tests its first session named."""
    if not under_mutation():
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        for source in (mark, mark._param_ids_from):
            if source is not None and source._param_ids_generated is not None:
                object.__setattr__(source, "_param_ids_generated", None)


def pytest_unconfigure(config):
    for key, value in _SAVED.pop("environment", {}).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True, scope="session")
def _sandbox():
    """At the end of the session, the real home must be as it was. (Not
    under mutmut: a mutant of the core cannot write there, and another
    program of the user writing meanwhile would pass for a killed mutant.)"""
    yield Path(os.environ["JLP_CACHE_DIR"])
    if under_mutation():
        return
    home = real_home()
    after = home_snapshot(home)
    changed = sorted(key for key in _SAVED["before"] if _SAVED["before"][key] != after[key])
    assert not changed, f"the test suite changed the real home directory {home}: {changed}"


@pytest.fixture()
def cache_dir() -> Path:
    """The session's jlp cache (JLP_CACHE_DIR)."""
    return Path(os.environ["JLP_CACHE_DIR"])


def open_store(path, rebuild: bool = False, **options):
    """The compiled store of a facts file, as the CLI opens it: in the cache
    that JLP_CACHE_DIR names (memory when unset), unless ``cache_dir`` says."""
    from jlp_cli.search.layout import SEARCH_INDEX
    from jlp_cli.store.cache import StoreOptions
    from jlp_cli.store.cache import open_store as open_compiled

    if "cache_dir" not in options:
        cache = os.environ.get("JLP_CACHE_DIR")
        options["cache_dir"] = Path(cache) if cache else None
    return open_compiled(Path(path), StoreOptions(SEARCH_INDEX, **options), rebuild=rebuild)


def read_book(path: Path = SHIPPED) -> dict:
    """A fact book as plain data, a fresh copy each call (tests change it)."""
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def book_with(tmp_path: Path, change, base: Path = MINI, name: str = "book.yaml") -> Path:
    """A book written for one test: ``base`` as ``change`` (a function that
    edits the data in place) leaves it."""
    import yaml

    book = read_book(base)
    change(book)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def shipped_store():
    return open_store(SHIPPED)


@pytest.fixture(scope="session")
def mini_store():
    return open_store(MINI)
