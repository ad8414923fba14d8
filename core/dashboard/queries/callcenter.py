"""콜센터·민원 지표: KPIs, monthly trend, topics and channels, and the figures the reports print."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from core import labels
from core.dashboard.db import query
from core.dashboard.filters import YEAR_ALL, Filters, Params
from core.dashboard.queries.common import org_condition, to_unit, where
from core.settings import CALL_CENTER_BUDGET_WORDS, CIVIL_SERVICE_INDICATOR_WORDS, CIVIL_SERVICE_SECTION_WORDS


def _call_where(f: Filters, date_col: str = "call_date") -> tuple[str, Params]:
    """The filter on call-center rows; the year as a date range (same rows as year(date) = y, and the
    date-ordered tables can skip other years' row groups)."""
    o_sql, o_params = org_condition(f)
    if f.year == YEAR_ALL:
        return o_sql, o_params
    if not f.year.isdigit():
        return "FALSE", {}
    y = int(f.year)
    return (
        f"({o_sql}) AND {date_col} >= $year_start AND {date_col} < $next_year_start",
        {**o_params, "year_start": dt.date(y, 1, 1), "next_year_start": dt.date(y + 1, 1, 1)},
    )


def _kpi_sql(first: str = "call_date", last: str = "call_date") -> str:
    return f"""
    sum(inbound) AS inbound, sum(answered) AS answered, sum(abandoned) AS abandoned,
    round(100.0 * sum(answered) / nullif(sum(inbound), 0), 1) AS answer_rate,
    round(100.0 * sum(abandoned) / nullif(sum(inbound), 0), 1) AS abandon_rate,
    round(100.0 * sum(answered_20s) / nullif(sum(answered), 0), 1) AS service_level,
    round(sum(handle_seconds) / nullif(sum(answered), 0), 0) AS aht_seconds,
    round(100.0 * sum(resolved_direct) / nullif(sum(answered), 0), 1) AS direct_rate,
    round(sum(satisfaction_sum) / nullif(sum(satisfaction_responses), 0), 2) AS satisfaction,
    bool_or(is_sample) AS is_sample, min({first}) AS first_day, max({last}) AS last_day
"""


_KPI_SQL = _kpi_sql()
# The call-center KPIs read the pre-aggregates in core/derived.py: call_center_day (per agency, 부서 and
# day) and call_center_month (per agency, 부서, month, topic and channel). Their sums are the same
# HUGEINTs the raw sums give, so every figure and type is unchanged.


def call_kpis(f: Filters) -> tuple[pd.Series | None, pd.Series | None]:
    """KPIs for the filter and for the same span one year earlier (None where there is no data)."""
    cond, params = _call_where(f)
    days = "call_center_day"
    cur = query(f"SELECT {_KPI_SQL} FROM {days} WHERE {cond}", params)
    if cur.empty or pd.isna(cur["inbound"].iat[0]):
        return None, None
    first, last = cur["first_day"].iat[0], cur["last_day"].iat[0]
    o_sql, o_params = org_condition(f)
    prev = query(
        f"""SELECT {_KPI_SQL} FROM {days}
                     WHERE ({o_sql}) AND call_date BETWEEN ($first_day::DATE - INTERVAL 1 YEAR)
                                              AND ($last_day::DATE - INTERVAL 1 YEAR)""",
        {**o_params, "first_day": first, "last_day": last},
    )
    prev_row = None if prev.empty or pd.isna(prev["inbound"].iat[0]) else prev.iloc[0]
    return cur.iloc[0], prev_row


def call_monthly(f: Filters) -> pd.DataFrame:
    cond, params = _call_where(f)
    return query(
        f"""
        SELECT strftime(date_trunc('month', call_date), '%Y-%m') AS 월, {_KPI_SQL}
        FROM call_center_day WHERE {cond} GROUP BY 1 ORDER BY 1""",
        params,
    )


def call_breakdown(f: Filters, by: str) -> pd.DataFrame:
    column = {"topic": "topic", "channel": "channel"}[by]  # a checked identifier, never user text
    cond, params = _call_where(f, "month")
    return query(
        f"""SELECT {column} AS 구분, {_kpi_sql("first_day", "last_day")} FROM call_center_month
                     WHERE {cond} GROUP BY 1 ORDER BY inbound DESC""",
        params,
    )


def _has_a_word(column: str, words_param: str) -> str:
    """SQL: the text column contains at least one of the words bound as ``$<words_param>``."""
    return f"len(list_filter(${words_param}::VARCHAR[], lambda w: contains(coalesce({column}, ''), w))) > 0"


def call_center_reported(f: Filters, unit: str = "천원") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Figures the reports print about the call center and civil service: budget lines and indicators."""
    cond, params = where(f, "b")
    budget = query(
        f"""
        SELECT b.name, b.budget_original, b.budget_current, b.prior_final, b.committed, b.spent,
               b.rate_committed_printed, b.rate_spent_printed, b.doc_id, b.source_section, b.page, b.as_of, b.fiscal_year
        FROM budget_line b
        WHERE {_has_a_word("b.name", "budget_words")} AND NOT b.is_total AND {cond}
        ORDER BY b.doc_id, b.rowid""",
        {**params, "budget_words": list(CALL_CENTER_BUDGET_WORDS)},
    )
    budget_df = pd.DataFrame(
        {
            "사업명": budget["name"],
            "연도": budget["fiscal_year"].astype("Int64"),
            "본예산": budget["budget_original"],
            "예산현액·추경": budget["budget_current"],
            "전년 최종예산": budget["prior_final"],
            "집행액": budget["committed"],
            "지출액": budget["spent"],
            "집행률(%)": budget["rate_committed_printed"],
            "지출률(%)": budget["rate_spent_printed"],
            "출처": budget["doc_id"] + " · " + budget["source_section"],
            "쪽수": budget["page"].astype("Int64"),
            "기준일": budget["as_of"],
        }
    )
    budget_df = to_unit(budget_df, ["본예산", "예산현액·추경", "전년 최종예산", "집행액", "지출액"], unit)
    i_cond, i_params = where(f, "i")
    ind = query(
        f"""
        SELECT i.indicator AS 지표, i.fiscal_year AS 연도, i.kind AS 구분, i.value AS 값, i.unit AS 단위,
               i.agency AS 기관, i.doc_id || ' · ' || i.source_section AS 출처, i.page AS 쪽수, i.as_of AS 기준일,
               i.note AS 비고
        FROM indicator i
        WHERE ({_has_a_word("i.indicator", "indicator_words")} OR {_has_a_word("i.source_section", "section_words")})
          AND {i_cond}
        ORDER BY i.doc_id, i.indicator, i.fiscal_year""",
        {
            **i_params,
            "indicator_words": list(CIVIL_SERVICE_INDICATOR_WORDS),
            "section_words": list(CIVIL_SERVICE_SECTION_WORDS),
        },
    )
    ind["연도"] = ind["연도"].astype("Int64")
    ind["쪽수"] = ind["쪽수"].astype("Int64")
    return budget_df, ind


@dataclass(frozen=True)
class CallCenterView:
    current: pd.Series | None  # call_kpis for the filter; None without call data
    previous: pd.Series | None  # the same span a year earlier
    monthly: pd.DataFrame
    by_topic: pd.DataFrame
    by_channel: pd.DataFrame
    reported_budget: pd.DataFrame  # call_center_reported: budget lines the reports print
    reported_indicators: pd.DataFrame  # and indicators


def callcenter_view(f: Filters, unit: str) -> CallCenterView:
    current, previous = call_kpis(f)
    empty = pd.DataFrame()
    budget, indicators = call_center_reported(f, unit)
    return CallCenterView(
        current=current,
        previous=previous,
        monthly=call_monthly(f) if current is not None else empty,
        by_topic=call_breakdown(f, "topic") if current is not None else empty,
        by_channel=call_breakdown(f, "channel") if current is not None else empty,
        reported_budget=budget,
        reported_indicators=indicators,
    )


def call_table(breakdown: pd.DataFrame) -> pd.DataFrame:
    """A call-center breakdown (call_monthly, by topic, by channel) as screens and files show it: Korean
    headers, without the columns that only drive captions (the sample flag and the period's first and last day)."""
    return breakdown.drop(columns=["is_sample", "first_day", "last_day"], errors="ignore").rename(
        columns=labels.CALL_KPIS
    )
