"""What every page's queries share: the filter as SQL (with the fast 부서 lookup), units and rates."""

from __future__ import annotations

import pandas as pd

from core.dashboard.filters import UNIT_FACTORS, Filters, Params, org_sql
from core.dashboard.filters import where as filter_where


def org_condition(f: Filters, alias: str = "") -> tuple[str, Params]:
    """filters.org_sql, with the 부서 part looked up in division_part instead of split row by row.

    division_part holds every stored 부서 text with its untrimmed ';'-parts, so the rows matched are
    exactly those list_has_any(string_split(coalesce(division, ''), ';'), chosen) matches.
    """
    return org_sql(f, alias, division_match=_division_lookup)


def _division_lookup(column: str) -> str:
    return f"coalesce({column}, '') IN (SELECT raw FROM division_part WHERE part IN (SELECT unnest($divisions::VARCHAR[])))"


def where(f: Filters, alias: str = "", year_col: str | None = "fiscal_year") -> tuple[str, Params]:
    """filters.where with the fast 부서 lookup."""
    return filter_where(f, alias, year_col, org=org_condition)


def to_unit(df: pd.DataFrame, columns: list[str], unit: str) -> pd.DataFrame:
    """Convert 원 columns to the chosen unit; whole numbers stay integers, fractions keep 3 decimals."""
    factor = UNIT_FACTORS[unit]
    out = df.copy()
    for c in columns:
        if c not in out:
            continue
        s = pd.to_numeric(out[c], errors="coerce")
        if factor == 1 or (s.dropna() % factor == 0).all():
            out[c] = (s // factor).astype("Int64")
        else:
            out[c] = (s / factor).round(3)
    return out


def rate(numer: pd.Series, denom: pd.Series) -> pd.Series:
    n = pd.to_numeric(numer, errors="coerce").astype("Float64")
    d = pd.to_numeric(denom, errors="coerce").astype("Float64")
    return (n * 100 / d.where(d != 0)).round(1)
