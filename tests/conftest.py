"""Shared fixtures: a throw-away copy of the shipped extracts, built into its own DuckDB file.

Tests never read or write ``datasets/``: ``dashboard_data`` copies ``datasets/extracts`` to a
temporary folder once per session and builds ``dashboard.duckdb`` there; ``use_dashboard_data``
points ``DASHBOARD_DATA_DIR`` at that copy for one test and forgets the cached connection.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

APP_PATH = PROJECT_DIR / "app.py"
SHIPPED_EXTRACTS = PROJECT_DIR / "datasets" / "extracts"


def app_pages() -> dict[str, str]:
    """{url_path: script path relative to app.py}, read from the st.Page(...) calls in app.py."""
    text = APP_PATH.read_text(encoding="utf-8")
    pages = {}
    for call in re.finditer(r"st\.Page\((.*?)\)", text, flags=re.S):
        args = call.group(1)
        script = re.match(r"\s*[\"']([^\"']+)[\"']", args)
        url = re.search(r"url_path\s*=\s*[\"']([^\"']+)[\"']", args)
        if script and url:
            pages[url.group(1)] = script.group(1)
    return pages


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


def dashboard_env(data_dir: Path) -> dict[str, str]:
    """Environment for a subprocess (e.g. the real server) that must use the test copy."""
    env = dict(os.environ)
    env["DASHBOARD_DATA_DIR"] = str(data_dir)
    env.pop("DASHBOARD_DB", None)
    return env
