"""The filter's choices: 기관 → 부서 and the years the data has."""

from __future__ import annotations

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
