"""Shared fixtures: a throw-away copy of the shipped extracts, built into its own DuckDB file.

Tests never read or write ``datasets/``: ``dashboard_data`` copies ``datasets/extracts`` to a
temporary folder once per session and builds ``dashboard.duckdb`` there; ``use_dashboard_data``
points ``DASHBOARD_DATA_DIR`` at that copy for one test and forgets the cached connection.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
# No warm-up thread reading a data folder while a test swaps it; test_architecture runs the warm-up itself.
os.environ.setdefault("DASHBOARD_WARM_UP", "0")
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

APP_PATH = PROJECT_DIR / "app.py"
SHIPPED_EXTRACTS = PROJECT_DIR / "datasets" / "extracts"


def app_pages() -> dict[str, str]:
    """{page name: script path relative to the project}, from the navigation the frame draws."""
    from core.navigation import PAGES

    return {p.name: p.script for p in PAGES}


# Debian's chromium, as every browser test and the browser benchmarks launch it (no browser download: the
# registry's package only); one home, bench/load.py.
from bench import load as browser_launch  # noqa: E402 - after PROJECT_DIR is on sys.path

CHROMIUM, CHROMIUM_ARGS = browser_launch.CHROMIUM, browser_launch.CHROMIUM_ARGS

# Speed tiers (markers in pyproject.toml), told apart by what a test needs; every tier runs in CI,
# and `-m unit` alone takes seconds.
BROWSER_FIXTURES = {"browser", "server", "page", "shared_page", "proxy_server"}  # proxy_server: nginx + replicas
BROWSER_MODULES = {"test_e2e", "test_concurrency", "test_markup"}  # they drive chromium from their own helpers
# Files on disk (a DuckDB build, extracts, a subprocess's folder) make a test an integration test.
INTEGRATION_FIXTURES = {"dashboard_data", "use_dashboard_data", "tmp_path", "tmp_path_factory"}


def pytest_collection_modifyitems(items):
    """Mark each test browser, integration or unit by what it needs."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        needs = set(getattr(item, "fixturenames", ()))
        if module in BROWSER_MODULES or needs & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        elif needs & INTEGRATION_FIXTURES:
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under root, by relative path (new or leftover temp files show up too). The writer
    lock's file is left out while it is empty: it exists from the first write on and holds a process id only
    while a writer runs."""
    from core.pipeline.safety import LOCK_NAME

    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not (p.name == LOCK_NAME and p.stat().st_size == 0)
    }


# Documents the test files' rows name. An ingest refuses rows of a document that no source_document row
# describes, so a data folder that takes test files describes these beside the shipped reports.
TEST_DOCUMENTS = {
    "T01": "시험 예산 문서",
    "T02": "둘째 시험 문서",
    "X01": "시험 통합 문서",
    "C01": "코퍼스 문서",
    "X": "시험 문서",
    "H01": "악성 텍스트 시험 문서",
}
TEST_DOCUMENTS_BATCH = "test-documents"


def extracts_for_ingest(dest: Path) -> Path:
    """A copy of the shipped extracts at ``dest`` that also describes TEST_DOCUMENTS."""
    shutil.copytree(SHIPPED_EXTRACTS, dest)
    return describe_test_documents(dest)


def describe_test_documents(dest: Path) -> Path:
    """Write the source_document rows of TEST_DOCUMENTS into the extracts folder ``dest``."""
    import pandas as pd

    from core.pipeline.extracts import write_batches
    from core.pipeline.schema import TABLES

    frame = pd.DataFrame({"doc_id": list(TEST_DOCUMENTS), "title": list(TEST_DOCUMENTS.values())})
    write_batches([(TABLES["source_document"], frame, TEST_DOCUMENTS_BATCH)], dest)
    return dest


def ingest_refused(paths: list[Path], root: Path, **kw) -> str:
    """Every message of an ingest that must be refused; the extracts folder must be byte-identical after it."""
    from core.pipeline.ingest import IngestError, ingest_files

    before = tree_digest(root)
    with pytest.raises(IngestError) as info:
        ingest_files(paths, root=root, **kw)
    assert tree_digest(root) == before, "a refused ingest changed the extracts folder"
    assert info.value.messages, "IngestError without messages"
    return "\n".join(info.value.messages)


@pytest.fixture(scope="session")
def dashboard_data(tmp_path_factory) -> Path:
    """A data folder holding a copy of the shipped extracts and a DuckDB file built from it."""
    root = tmp_path_factory.mktemp("dashboard-data")
    shutil.copytree(SHIPPED_EXTRACTS, root / "extracts")
    from core.dashboard import db
    from core.pipeline.build import build

    build(root=root / "extracts", target=root / "dashboard.duckdb")
    db.reset()
    return root


@pytest.fixture
def use_dashboard_data(dashboard_data, monkeypatch) -> Path:
    """Point the app (in this process) at the test copy for the duration of one test."""
    from core.dashboard import db

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(dashboard_data))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    db.reset()
    yield dashboard_data
    db.reset()


def run_cli(args: list[str], data_dir: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python -m core ARGS`` in a subprocess, against the data folder ``data_dir``."""
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data_dir), PYTHONIOENCODING="utf-8")
    env.pop("DASHBOARD_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A data folder (extracts + built dashboard.duckdb) and its digest; copied for every CLI run."""
    from core.pipeline.build import build

    root = tmp_path_factory.mktemp("pristine")
    extracts_for_ingest(root / "extracts")
    build(root=root / "extracts", target=root / "dashboard.duckdb")
    return root, tree_digest(root)


def dashboard_env(data_dir: Path) -> dict[str, str]:
    """Environment for a subprocess (e.g. the real server) that must use the test copy."""
    env = dict(os.environ)
    env["DASHBOARD_DATA_DIR"] = str(data_dir)
    env.pop("DASHBOARD_DB", None)
    return env


# A secrets file that never exists: tests do not read a sign-in configuration an operator put in
# .streamlit/secrets.toml (every page would then ask for sign-in); the sign-in tests bring their own.
NO_SECRETS = PROJECT_DIR / "tests" / ".no-secrets.toml"


@pytest.fixture(autouse=True, scope="session")
def _no_local_secrets():
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(NO_SECRETS)])
    secrets_singleton._reset()
    yield
    config.set_option("secrets.files", before)
    secrets_singleton._reset()


@contextlib.contextmanager
def streamlit_server(data_dir: Path, log_path: Path, extra_args: tuple[str, ...] = (), port: int | None = None):
    """``streamlit run app.py`` on a free loopback port against ``data_dir``; yields its base URL.

    ``extra_args`` go to ``streamlit run`` (e.g. ``--secrets.files`` for a sign-in configuration)."""
    port = port or browser_launch.free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
                "--secrets.files",
                str(NO_SECRETS),
                *extra_args,
            ],
            cwd=PROJECT_DIR,
            env=dashboard_env(data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(proc, base, log_path)
            yield base
        finally:
            stop_process(proc)


def _wait_until_healthy(proc: subprocess.Popen, base: str, log_path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not answer on {base}:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.3)


def stop_process(proc: subprocess.Popen) -> None:
    """Ask a server started by a test to stop; kill it if it does not within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per test module (run.py test installs it: a missing one fails)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
