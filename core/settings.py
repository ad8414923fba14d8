"""Settings every part of the project shares: where the data lives, the file format version,
money units and the thresholds of the warning rules.

``DASHBOARD_DATA_DIR`` points the whole app at another data folder, which tests and the
benchmark use so that the shipped data is never touched; ``DASHBOARD_DB`` names the DuckDB
file directly.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_DIR / "datasets" / "seed"

# Written into build_info by the build and checked by the dashboard when it opens a file: a file
# of another version is rebuilt, so the read side never needs SQL for older layouts.
SCHEMA_VERSION = 5  # 3: training_result.repeat, indicator.target_ref; 4: org_tree.has_data, agency_year;
# 5: budget_watch_line.parent_name

# Multipliers from a money unit to 원; the same units are accepted on ingest and offered on screen.
MONEY_UNITS: dict[str, int] = {"원": 1, "천원": 1_000, "백만원": 1_000_000, "억원": 100_000_000}
DEFAULT_UNIT = "천원"  # the unit the reports print in, and so the screen's first unit
# Decimals an amount is shown with in each unit, on screen and as the Excel number format (a file keeps the
# exact value): 천원 and 백만원 read as whole numbers in the reports' tables, 억원 needs one decimal.
UNIT_DECIMALS: dict[str, int] = {"원": 0, "천원": 0, "백만원": 0, "억원": 1}

# Years a report's figure can plausibly belong to: a date or year outside is refused on ingest (a typo such as
# 9999 or 0024 would otherwise become a year every page offers and builds dates from).
PLAUSIBLE_YEARS = (1990, 2099)
SATISFACTION_SCALE = 5  # 상담만족도 is asked on a 1-5 scale: a day's score sum lies between 1x and 5x its responses

# The budget table of a 주요업무보고 whose items carry quarterly plans (quarterly_execution rows).
SUMMARY_SECTION = "주요업무별 예산 내역"

# What the call-center page lists from the reports: budget lines whose name has one of these words,
# and indicators whose name or report section has one.
CALL_CENTER_BUDGET_WORDS = ("콜센터", "민원")
CIVIL_SERVICE_INDICATOR_WORDS = ("민원", "콜센터", "공문", "정보공개")
CIVIL_SERVICE_SECTION_WORDS = ("민원", "공문")

# Warning rules (core/dashboard/rules.py words them).
PACE_FACTOR = 0.5  # 집행 부진: the execution rate is below this share of the elapsed share of the year
Q4_SHARE_LIMIT = 40.0  # 연말 집중: the plan leaves this % or more of the budget to the 4th quarter
PROJECTION_LIMIT = 90.0  # 목표 미달 우려: the projected year-end attainment (%) is below this
SURGE_RATIO = 1.3  # 민원 급증 예상: next month is expected at this multiple of this month or more
DAYS_IN_YEAR = 365.0  # the elapsed share of a year is (day of year) / this, at most 1
DAYS_IN_MONTH = 30.0  # the share of the as-of month gone is (day of month) / this
PROJECTION_CAP = 999.0  # a projected attainment (%) above this is shown as this
SURGE_LOOKBACK_MONTHS = 15  # months of calls read for a forecast: the base month, 3 recent, the year before


def data_dir() -> Path:
    return Path(os.environ.get("DASHBOARD_DATA_DIR", PROJECT_DIR / "datasets"))


def extracts_dir() -> Path:
    return data_dir() / "extracts"


def db_path() -> Path:
    return Path(os.environ.get("DASHBOARD_DB", data_dir() / "dashboard.duckdb"))


def base_url() -> str | None:
    """Where the dashboard is served (``DASHBOARD_BASE_URL``, e.g. https://dash.example.go.kr): links in
    downloaded files point there; without it a file carries no links (a relative one opens nothing)."""
    value = os.environ.get("DASHBOARD_BASE_URL", "").strip()
    return value.rstrip("/") or None
