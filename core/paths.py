"""Where the extracts and the DuckDB file live.

``DASHBOARD_DATA_DIR`` points the whole app at another data folder, which
tests and the benchmark use so that the shipped data is never touched.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_DIR / "datasets" / "seed"


def data_dir() -> Path:
    return Path(os.environ.get("DASHBOARD_DATA_DIR", PROJECT_DIR / "datasets"))


def extracts_dir() -> Path:
    return data_dir() / "extracts"


def db_path() -> Path:
    return Path(os.environ.get("DASHBOARD_DB", data_dir() / "dashboard.duckdb"))
