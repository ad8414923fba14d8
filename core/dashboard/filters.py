"""The user's filter: 기관 → 부서, 연도, and page filters, and how it reaches SQL and the URL.

Every value reaches DuckDB as a bound parameter. Values read from the URL are
checked against the options the data has; anything else is dropped with a
notice, never passed on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from core.settings import MONEY_UNITS

# Named SQL parameters ($name in the SQL text) and their values.
Params = dict[str, Any]

UNIT_FACTORS = MONEY_UNITS  # the units a user can choose are the units reports print

YEAR_ALL = "all"
YEAR_UNKNOWN = "unknown"


@dataclass(frozen=True)
class Filters:
    agencies: tuple[str, ...] = ()
    divisions: tuple[str, ...] = ()
    year: str = YEAR_ALL  # 'all', 'unknown' (연도 미상) or a four-digit year
    extra: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # page filters, e.g. ('unit', '천원')

    def get(self, name: str, default: str | None = None) -> str | None:
        for k, v in self.extra:
            if k == name:
                return v
        return default

    def with_extra(self, name: str, value: str | None) -> Filters:
        rest = tuple((k, v) for k, v in self.extra if k != name)
        return replace(self, extra=rest + (((name, value),) if value is not None else ()))

    @property
    def year_int(self) -> int | None:
        return int(self.year) if self.year.isdigit() else None

    def year_label(self) -> str:
        return year_label(self.year)


def year_label(year: str | int | None) -> str:
    if year is None or year == YEAR_UNKNOWN:
        return "연도 미상"
    if year == YEAR_ALL:
        return "전체 연도"
    return f"{year}년"


def division_split(column: str) -> str:
    """A row can name several 부서 joined by ';'; it matches when any of them is chosen."""
    return f"list_has_any(string_split(coalesce({column}, ''), ';'), $divisions::VARCHAR[])"


def org_sql(
    f: Filters, alias: str = "", division_col: str = "division", division_match=division_split
) -> tuple[str, Params]:
    """SQL condition and named parameters for the 기관/부서 part of the filter.

    ``division_match(column)`` words the 부서 test (the read side passes a faster lookup that matches the same rows).
    """
    a = f"{alias}." if alias else ""
    parts, params = [], {}
    if f.agencies:
        parts.append(f"{a}agency IN (SELECT unnest($agencies::VARCHAR[]))")
        params["agencies"] = list(f.agencies)
    if f.divisions:
        parts.append(division_match(f"{a}{division_col}"))
        params["divisions"] = list(f.divisions)
    return (" AND ".join(parts) or "TRUE"), params


def year_sql(f: Filters, alias: str = "", col: str = "fiscal_year") -> tuple[str, Params]:
    """SQL condition and named parameter (``$year``) for the 연도 part of the filter."""
    a = f"{alias}." if alias else ""
    if f.year == YEAR_ALL:
        return "TRUE", {}
    if f.year == YEAR_UNKNOWN:
        return f"{a}{col} IS NULL", {}
    return f"{a}{col} = $year", {"year": int(f.year)}


def where(f: Filters, alias: str = "", year_col: str | None = "fiscal_year", org=None) -> tuple[str, Params]:
    """The whole filter as SQL; ``org`` replaces org_sql for the 기관/부서 part (same rows, other plan).

    Parameters are named after what they hold, so fragments for several aliases compose into one
    statement in any order and bind the same values.
    """
    o_sql, o_params = (org or org_sql)(f, alias)
    if year_col is None:
        return o_sql, o_params
    y_sql, y_params = year_sql(f, alias, year_col)
    return f"({o_sql}) AND ({y_sql})", {**o_params, **y_params}


def from_query_params(
    values: dict[str, list[str]], agencies: dict[str, list[str]], years: list[str], extras: dict[str, list[str]]
) -> tuple[Filters, list[str]]:
    """Read a filter from URL values; unknown values are dropped and reported in the notices.

    ``agencies`` maps each 기관 to its 부서; ``years`` lists the valid year values; ``extras`` maps
    each page filter name to its valid values.
    """
    notices: list[str] = []

    def pick(name: str, allowed: list[str], label: str) -> list[str]:
        out = []
        for v in values.get(name, []):
            v = str(v)[:200]
            if v in allowed:
                if v not in out:
                    out.append(v)
            else:
                notices.append(f"URL의 {label} 값 '{_short(v)}'은(는) 데이터에 없어 무시했습니다.")
        return out

    chosen_agencies = pick("agency", list(agencies), "기관")
    allowed_divisions = sorted(
        {d for a, ds in agencies.items() if not chosen_agencies or a in chosen_agencies for d in ds}
    )
    chosen_divisions = pick("division", allowed_divisions, "부서")
    year_values = pick("year", [YEAR_ALL, YEAR_UNKNOWN, *years], "연도")
    year = year_values[0] if year_values else YEAR_ALL
    extra = []
    for name, allowed in extras.items():
        got = pick(name, allowed, EXTRA_LABELS.get(name, name))
        if got:
            extra.append((name, got[0]))
    return Filters(tuple(chosen_agencies), tuple(chosen_divisions), year, tuple(extra)), notices


def to_query_params(f: Filters) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if f.agencies:
        out["agency"] = list(f.agencies)
    if f.divisions:
        out["division"] = list(f.divisions)
    if f.year != YEAR_ALL:
        out["year"] = [f.year]
    for k, v in f.extra:
        if v is not None:
            out[k] = [v]
    return out


EXTRA_LABELS = {
    "unit": "금액 단위",
    "table": "예산 표",
    "item": "항목",
    "task": "과제",
    "doc": "문서",
    "category": "연수 구분",
    "years": "비교할 두 해",
    "month": "기준 월",
}


def describe(f: Filters) -> str:
    org = ", ".join(f.agencies) if f.agencies else "전체 기관"
    if f.divisions:
        org += " / " + ", ".join(f.divisions)
    parts = [org, f.year_label()]
    parts += [f"{EXTRA_LABELS.get(k, k)}: {v}" for k, v in f.extra if v is not None]
    return " · ".join(parts)


def _short(v: str) -> str:
    return v if len(v) <= 40 else v[:37] + "…"
