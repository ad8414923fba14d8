"""What every page's queries share: the filter as SQL (with the fast 부서 lookup), units and rates."""

from __future__ import annotations

import pandas as pd

from core import labels
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


def division_label(divisions: pd.Series) -> pd.Series:
    """The stored 부서 text as shown: the ';'-separated 부서 joined by ' · ', marked shared when there are several.

    A shared task is one row with its whole amount: a filter on any of its 부서 finds it, and no total splits
    it between them or counts it once per 부서."""

    def label(text):
        if not isinstance(text, str) or not text:
            return text
        parts = [p.strip() for p in text.split(";") if p.strip()]
        return " · ".join(parts) + (f" {labels.SHARED_MARK}" if len(parts) > 1 else "")

    return divisions.map(label)


def ids_last(df: pd.DataFrame) -> pd.DataFrame:
    """The table with its identifier columns (항목 ID, 과제 ID) moved to the end: a reader starts at the name."""
    ids = [c for c in labels.IDENTIFIERS if c in df.columns]
    return df[[c for c in df.columns if c not in ids] + ids] if ids else df


def decisions_first(df: pd.DataFrame, name: str, decisions: list[str]) -> pd.DataFrame:
    """The columns a reader decides on (rates, the executed amount) right after the name column, the rest after."""
    if name not in df.columns:
        return df
    picked = [c for c in decisions if c in df.columns]
    rest = [c for c in df.columns if c not in picked]
    at = rest.index(name) + 1
    return df[rest[:at] + picked + rest[at:]]


def source_doc(source: pd.Series) -> pd.Series:
    """The document of each 출처 value ('<문서> · <표 이름>')."""
    return source.astype("string").str.split(" · ", n=1).str[0]
