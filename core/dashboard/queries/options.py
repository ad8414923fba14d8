"""The filter's choices: 기관 → 부서 and the years the data has."""

from __future__ import annotations

from dataclasses import dataclass

from core.dashboard.db import query


def filter_options() -> tuple[dict[str, list[str]], list[str], bool]:
    """({기관: [부서…]}, [연도…], whether some rows have no year)."""
    org = query("SELECT agency, division FROM org_tree ORDER BY agency, division")
    agencies: dict[str, list[str]] = {}
    for a, d in org.itertuples(index=False):
        agencies.setdefault(a, []).append(d)
    years = query("""
        SELECT DISTINCT y FROM (
            SELECT fiscal_year AS y FROM budget_line UNION ALL SELECT fiscal_year FROM training_target
            UNION ALL SELECT fiscal_year FROM training_result UNION ALL SELECT fiscal_year FROM quarterly_execution
            UNION ALL SELECT DISTINCT year(month) FROM call_center_month)
        WHERE y IS NOT NULL ORDER BY y""")
    unknown = query("SELECT count(*) AS n FROM budget_line WHERE fiscal_year IS NULL")["n"].iat[0] > 0
    return agencies, [str(int(y)) for y in years["y"]], bool(unknown)


@dataclass(frozen=True)
class FilterDetails:
    years_by_agency: dict[str, list[str]]  # the years each 기관 has data for
    without_data: frozenset[tuple[str, str]]  # (기관, 부서) the org charts name but no data row belongs to


def filter_details() -> FilterDetails:
    years = query("SELECT agency, year FROM agency_year ORDER BY agency, year")
    by_agency: dict[str, list[str]] = {}
    for a, y in years.itertuples(index=False):
        by_agency.setdefault(a, []).append(str(int(y)))
    empty = query("SELECT agency, division FROM org_tree WHERE NOT has_data")
    return FilterDetails(by_agency, frozenset(map(tuple, empty.itertuples(index=False))))


# Where each page's data lives, by 기관 and year: the empty state offers these instead of a dead end.
_DATA_YEARS = {
    "budget": "SELECT DISTINCT agency, fiscal_year AS year FROM budget_line WHERE NOT is_total",
    "quarterly": "SELECT DISTINCT agency, fiscal_year AS year FROM budget_planned",
    "training": "SELECT DISTINCT agency, fiscal_year AS year FROM training_target",
    "indicators": """SELECT DISTINCT agency, fiscal_year AS year FROM training_target WHERE target_quantity IS NOT NULL
                     UNION SELECT DISTINCT agency, fiscal_year FROM indicator WHERE kind = '목표'""",
    "callcenter": "SELECT DISTINCT agency, year(month) AS year FROM call_center_month",
}


def data_years(source: str) -> list[tuple[str, int]]:
    """(기관, 연도) pairs that have the data of ``source`` (a key of _DATA_YEARS), latest year first."""
    df = query(f"SELECT agency, year FROM ({_DATA_YEARS[source]}) WHERE agency IS NOT NULL AND year IS NOT NULL")
    pairs = [(str(a), int(y)) for a, y in df.itertuples(index=False)]
    return sorted(pairs, key=lambda p: (-p[1], p[0]))
