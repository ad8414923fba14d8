"""Warnings a table cannot give: execution lag, target projections, complaint surges, year-on-year moves.

Each rule is stated in ``RULES`` in Korean; the same text is shown on screen and in the README,
so what is flagged can always be explained.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import labels, navigation
from core.dashboard.db import query
from core.dashboard.filters import Filters
from core.dashboard.queries.common import division_label, ids_last, org_condition, source_doc, where
from core.dashboard.queries.training import training_by_line
from core.dashboard.rules import (
    PACE_FACTOR,
    PROJECTION_CAP,
    PROJECTION_LIMIT,
    Q4_SHARE_LIMIT,
    SURGE_RATIO,
    as_date,
    period_months,
    window_elapsed,
)
from core.settings import DAYS_IN_YEAR, SURGE_LOOKBACK_MONTHS

# ---------------------------------------------------------------- 집행 점검


def _pace_sql(as_of: str) -> str:
    """elapsed_share(as_of) * 100 in SQL (day of year ÷ 365, at most 100)."""
    return f"(least(1.0, dayofyear({as_of}) / {DAYS_IN_YEAR}) * 100)"


def _division_as_full(df: pd.DataFrame) -> pd.DataFrame:
    """Give 'division' the dtype the unfiltered result would have had.

    DuckDB returns a text column with only NULLs as object (None) and one with some text as str
    (NaN for NULL); any_division says whether the unfiltered rows had some 부서.
    """
    if len(df) and bool(df["any_division"].iat[0]) and df["division"].dtype == object:
        df["division"] = df["division"].astype("str")
    return df.drop(columns=["any_division"])


def execution_watch(f: Filters, doc_id: str | None = None, items: list[str] | None = None) -> pd.DataFrame:
    """Tasks whose execution lags the pace expected at their as-of date, most behind first.

    DuckDB applies the rules and words the reasons for the whole filtered set in one query (the
    budget leaves of budget_watch_line and the quarterly plans of quarterly_watch, core/derived.py) and sorts
    them; Python only rounds and adds the links. ``doc_id`` and ``items`` keep the alerts of those items only.
    The arithmetic is the rule's as written:
    ``(amount * 100) / budget`` divides two exact doubles once, as Python's int / int does, and
    fmt's '{:.1f}' rounds like Python's format, so figures and texts match a row-by-row check.
    """
    sql, params = _watch_sql(f)
    only = "TRUE"
    if doc_id is not None:
        only = "doc_id = $watch_doc AND item_id IN (SELECT unnest($watch_items::VARCHAR[]))"
        params = {**params, "watch_doc": doc_id, "watch_items": list(items or [])}
    rows = query(
        sql
        + f"""
        SELECT * EXCLUDE (seq, sub, task_key, pos),
               (SELECT coalesce(bool_or(division IS NOT NULL), false) FROM lines) AS lines_division,
               (SELECT coalesce(bool_or(division IS NOT NULL), false) FROM plans) AS plans_division
        FROM watch WHERE {only} ORDER BY pos""",
        params,
    )
    return _watch_frame(rows, f)


def _watch_sql(f: Filters) -> tuple[str, dict]:
    """The WITH clause naming every alert of the filter as ``watch``: its task (``task_key``: a sub-item's alert
    belongs to the item above it) and its place in the list (``pos``: most severe first, then table order)."""
    cond, params = where(f, "b")
    pace, factor = _pace_sql("as_of"), PACE_FACTOR
    sql = f"""
        WITH lines AS MATERIALIZED (
            SELECT b.*, {pace} AS pace, (b.committed * 100)::DOUBLE / b.budget::DOUBLE AS rate
            FROM budget_watch_line b WHERE {cond}),
        plans AS MATERIALIZED (
            SELECT b.*, {pace} AS pace, (coalesce(b.actual, 0) * 100)::DOUBLE / b.budget::DOUBLE AS rate,
                   (coalesce(b.q4, 0) * 100)::DOUBLE / b.budget::DOUBLE AS q4_share
            FROM quarterly_watch b WHERE {cond}),
        flagged AS (
            SELECT 0 AS src, doc_id, ord::BIGINT AS seq, 0 AS sub, item_id, name, division, source_section, page,
                   as_of, fiscal_year, parent_item_id, parent_section, parent_name, rate, pace,
                   CASE WHEN committed = 0 THEN '집행 없음' ELSE '집행 부진' END AS kind, pace - rate AS severity,
                   CASE WHEN committed = 0
                        THEN format('{{}}까지 집행액이 없습니다 (예산 {{:,}}천원, 연중 {{:.0f}}% 경과).', as_of,
                                    budget // 1000, pace)
                        ELSE format('{{}} 기준 집행률 {{:.1f}}%로, 연중 경과 {{:.0f}}%의 절반({{:.0f}}%)에 못 미칩니다.',
                                    as_of, rate, pace, pace * {factor}) END AS reason
            FROM lines WHERE committed = 0 OR rate < pace * {factor}
            UNION ALL
            SELECT 1, doc_id, NULL, 0, item_id, name, division, source_section, page, as_of, fiscal_year, NULL, NULL,
                   NULL, rate, pace, CASE WHEN coalesce(actual, 0) = 0 THEN '집행 없음' ELSE '집행 부진' END, pace - rate,
                   CASE WHEN coalesce(actual, 0) = 0 THEN format('{{}}까지 인쇄된 분기 집행액이 없습니다 (나머지는 하반기 집행 계획).', as_of)
                        ELSE format('{{}}까지 집행 {{:.1f}}%로, 연중 경과 {{:.0f}}%의 절반에 못 미칩니다.', as_of, rate,
                                    pace) END
            FROM plans WHERE actual_quarters > 0 AND (coalesce(actual, 0) = 0 OR rate < pace * {factor})
            UNION ALL
            SELECT 1, doc_id, NULL, 1, item_id, name, division, source_section, page, as_of, fiscal_year, NULL, NULL,
                   NULL, rate, pace, '연말 집중', q4_share - {Q4_SHARE_LIMIT},
                   format('예산의 {{:.1f}}%를 4분기에 집행할 계획입니다 (연말 집중 집행 위험).', q4_share)
            FROM plans WHERE q4_share >= {Q4_SHARE_LIMIT}),
        watch AS (
            SELECT *, CASE WHEN coalesce(parent_section, '') <> '' THEN parent_item_id ELSE item_id END AS task_key,
                   row_number() OVER (ORDER BY round(severity, 1) DESC, src, CASE WHEN src = 0 THEN doc_id END, seq,
                                      item_id, fiscal_year, doc_id, sub) AS pos
            FROM flagged)"""
    return sql, params


@dataclass(frozen=True)
class AlertSummary:
    """What the overview says of the alerts: how many, on how many tasks, and the most severe tasks' rows."""

    alerts: int
    tasks: int
    top: pd.DataFrame  # alerts_by_task rows of the ``top`` most severe tasks


def alert_summary(f: Filters, top: int) -> AlertSummary:
    """The counts of execution_watch / alerts_by_task and their first ``top`` tasks, counted and picked in DuckDB:
    only the alerts of the tasks shown come back to Python."""
    sql, params = _watch_sql(f)
    rows = query(
        sql
        + """,
        tasks AS (SELECT doc_id, task_key, min(pos) AS first FROM watch GROUP BY doc_id, task_key),
        shown AS (SELECT doc_id, task_key FROM tasks ORDER BY first LIMIT $top)
        SELECT * EXCLUDE (seq, sub, task_key, pos),
               (SELECT coalesce(bool_or(division IS NOT NULL), false) FROM lines) AS lines_division,
               (SELECT coalesce(bool_or(division IS NOT NULL), false) FROM plans) AS plans_division,
               (SELECT count(*) FROM watch) AS n_alerts, (SELECT count(*) FROM tasks) AS n_tasks
        FROM watch SEMI JOIN shown USING (doc_id, task_key) ORDER BY pos""",
        {**params, "top": int(top)},
    )
    if rows.empty:
        return AlertSummary(0, 0, alerts_by_task(_watch_frame(rows, f)))
    counts = int(rows["n_alerts"].iat[0]), int(rows["n_tasks"].iat[0])
    frame = _watch_frame(rows.drop(columns=["n_alerts", "n_tasks"]), f)
    return AlertSummary(*counts, alerts_by_task(frame))


def _watch_frame(rows: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Alert rows from DuckDB, in their order, as the table 점검·경보 shows."""
    if rows.empty:
        return pd.DataFrame(
            columns=[
                "바로가기",
                "점검",
                "사업명",
                "과제명",
                "이유",
                "집행률(%)",
                "경과 비율(%)",
                "부서",
                "항목 ID",
                "과제 ID",
                "출처",
                "쪽수",
                "기준일",
                "심각도",
            ]
        )
    sections = rows["source_section"].tolist()
    parents = [s if isinstance(s, str) else None for s in rows["parent_section"].tolist()]
    years = [None if pd.isna(y) else int(y) for y in rows["fiscal_year"].tolist()]
    doc_ids = rows["doc_id"].tolist()
    parent_ids = rows["parent_item_id"].tolist()
    # The link keeps the reader's context: the 기관·부서 filter and the unit go along with the row's year.
    context = (("agency", f.agencies), ("division", f.divisions), ("unit", (f.get("unit"),) if f.get("unit") else ()))
    item_ids = rows["item_id"].tolist()
    # A sub-item's alert belongs to its task (the item above it), which the task page shows with its sub-items.
    task_ids = [pid if ps else item for ps, pid, item in zip(parents, parent_ids, item_ids)]
    links = [_link(d, t, y, context) for d, t, y in zip(doc_ids, task_ids, years)]
    df = pd.DataFrame(
        {
            "바로가기": links,
            "점검": rows["kind"].tolist(),
            "사업명": rows["name"].tolist(),
            "과제명": [
                p if ps else n for ps, p, n in zip(parents, rows["parent_name"].tolist(), rows["name"].tolist())
            ],
            "이유": rows["reason"].tolist(),
            "집행률(%)": [round(x, 1) for x in rows["rate"].tolist()],
            "경과 비율(%)": [round(x, 1) for x in rows["pace"].tolist()],
            "부서": _divisions(rows),
            "항목 ID": rows["item_id"].tolist(),
            "과제 ID": task_ids,
            "출처": [f"{d} · {s}" for d, s in zip(doc_ids, sections)],
            "쪽수": [None if pd.isna(p) else int(p) for p in rows["page"].tolist()],
            "기준일": [as_date(v) for v in rows["as_of"].tolist()],
            "심각도": [round(x, 1) for x in rows["severity"].tolist()],
        }
    )
    return df


@functools.lru_cache(maxsize=4096)
def _link(doc_id: str, task_id: str, year: int | None, context: tuple = ()) -> str:
    """Relative URL of the task page showing the alert's task, with the reader's 기관·부서·단위 and the row's year."""
    query = {k: list(v) for k, v in context if v}
    if year is not None:
        query["year"] = year
    return navigation.page("task").link({**query, "doc": doc_id, "task": task_id})


def _divisions(rows: pd.DataFrame) -> list:
    """부서 per alert; a missing one is NaN when that rule's filtered rows had some 부서 and None when they
    had none, as DuckDB returns such a column, so the table reads the same whichever rows are flagged."""
    any_division = {0: bool(rows["lines_division"].iat[0]), 1: bool(rows["plans_division"].iat[0])}
    shown = division_label(rows["division"]).tolist()
    return [
        d if isinstance(d, str) else (np.nan if any_division[src] else None)
        for d, src in zip(shown, rows["src"].tolist())
    ]


ALERT_SEPARATOR = "·"  # between the flags of one task


def alerts_by_task(alerts: pd.DataFrame) -> pd.DataFrame:
    """execution_watch rows → one row per task (a sub-item's alert counts on its task), most severe first,
    with all its flags and reasons and the figures of its most severe alert."""
    if alerts.empty:
        return alerts.assign(경보=pd.Series(dtype="Int64"))
    doc = source_doc(alerts[labels.SOURCE])
    # An alert on a sub-item names the sub-item in its reason; the row is named after the task.
    on_sub = alerts[labels.ITEM_ID] != alerts[labels.TASK_ID]
    reasons = alerts["이유"].where(~on_sub, "[" + alerts["사업명"] + "] " + alerts["이유"])
    out = (
        alerts.assign(이유=reasons, 사업명=alerts["과제명"])
        .groupby([doc, alerts[labels.TASK_ID]], sort=False)
        .agg(
            **{c: (c, "first") for c in alerts.columns if c not in ("점검", "이유", "과제명", labels.ITEM_ID)},
            점검=("점검", lambda s: ALERT_SEPARATOR.join(dict.fromkeys(s))),
            이유=("이유", lambda s: " / ".join(dict.fromkeys(s))),
            경보=("점검", "size"),
        )
        .reset_index(drop=True)
    )
    out[labels.PAGE] = pd.to_numeric(out[labels.PAGE], errors="coerce").astype("Int64")
    first_cols = ["사업명", "점검", "경보", "이유"]
    return ids_last(out[first_cols + [c for c in out.columns if c not in first_cols]])


@functools.lru_cache(maxsize=4096)
def _period_months_of(period: str) -> tuple[int, ...]:
    return tuple(period_months(period))


@functools.lru_cache(maxsize=16384)
def _window_elapsed_of(period: str, as_of: dt.date) -> float:
    return window_elapsed(list(_period_months_of(period)), as_of)


def _numbers(df: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(df[column], errors="coerce").astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def target_projection(lines: pd.DataFrame) -> pd.DataFrame:
    """Add a projected year-end attainment to training lines (from queries.training_by_line).

    Per line: 인원 when both target and actual trainees are printed, else 과정; lines without both, with a
    zero target or without an as-of date are left out. The arithmetic runs on whole columns (thousands
    of lines at national scale); the elapsed share is worked out once per (추진시기, 기준일) pair."""
    if lines.empty:
        return pd.DataFrame()
    people_target, people_actual = _numbers(lines, "목표 인원"), _numbers(lines, "실적 인원")
    people = ~np.isnan(people_target) & ~np.isnan(people_actual)
    target = np.where(people, people_target, _numbers(lines, "목표 과정"))
    actual = np.where(people, people_actual, _numbers(lines, "실적 과정"))
    codes, stamps = pd.factorize(lines["기준일"])
    dates = [as_date(v) for v in stamps]
    has_date = np.array([c >= 0 and dates[c] is not None for c in codes], dtype=bool)
    keep = np.flatnonzero(~np.isnan(target) & ~np.isnan(actual) & (target != 0) & has_date)
    if not len(keep):
        return pd.DataFrame()
    target, actual, people = target[keep], actual[keep], people[keep]
    as_of = [dates[c] for c in codes[keep]]
    periods = lines["추진시기"].iloc[keep].tolist()
    share = np.array(
        [
            _window_elapsed_of(p, d) if isinstance(p, str) else window_elapsed(period_months(p), d)
            for p, d in zip(periods, as_of)
        ],
        dtype=float,
    )
    attained = actual * 100 / target
    done = attained >= 100
    not_started = ~done & (share == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        projected = np.where(
            done, attained, np.where(not_started, np.nan, np.minimum(attained / share, PROJECTION_CAP))
        )
    verdict = np.select(
        [done, not_started, projected < PROJECTION_LIMIT], ["이미 달성", "추진 시기 전", "미달 우려"], "달성 예상"
    )
    df = pd.DataFrame(
        {
            "세부사업": lines["세부사업"].iloc[keep].tolist(),
            "과제 ID": lines["과제 ID"].iloc[keep].tolist(),
            "추진시기": periods,
            "기준": ["인원" if p else "과정" for p in people.tolist()],
            "목표": [int(x) for x in target.tolist()],
            "중간 실적": [int(x) for x in actual.tolist()],
            "현재 달성률(%)": [round(x, 1) for x in attained.tolist()],
            "추진시기 경과(%)": [round(x * 100, 1) for x in share.tolist()],
            "연말 추정 달성률(%)": [None if np.isnan(x) else round(x, 1) for x in projected.tolist()],
            "판정": verdict.tolist(),
            "기준일": as_of,
            "출처": lines["출처"].iloc[keep].tolist(),
            "쪽수": lines["쪽수"].iloc[keep].tolist(),
        }
    )
    order = {"미달 우려": 0, "추진 시기 전": 1, "달성 예상": 2, "이미 달성": 3}
    return ids_last(
        df.sort_values(
            by=["판정", "연말 추정 달성률(%)"], key=lambda s: s.map(order) if s.name == "판정" else s, kind="stable"
        ).reset_index(drop=True)
    )


# ---------------------------------------------------------------- 민원 조기경보


def call_months(f: Filters) -> list[str]:
    cond, params = org_condition(f)
    df = query(
        f"""SELECT DISTINCT strftime(month, '%Y-%m') AS m FROM call_center_month
                   WHERE {cond} ORDER BY m""",
        params,
    )
    return df["m"].tolist()


def complaint_early_warning(f: Filters, base_month: str) -> pd.DataFrame:
    """Per topic: next month's expected calls from the same month last year and the recent trend."""
    cond, params = org_condition(f)
    base = dt.date(int(base_month[:4]), int(base_month[5:7]), 1)
    # call_center_month holds whole months; base is the first of a month, so the window is the same.
    monthly = query(
        f"""
        SELECT topic, month, sum(inbound) AS calls, bool_or(is_sample) AS is_sample
        FROM call_center_month
        WHERE {cond} AND month >= $base_month::DATE - INTERVAL {SURGE_LOOKBACK_MONTHS} MONTH
          AND month < $base_month::DATE + INTERVAL 1 MONTH
        GROUP BY ALL""",
        {**params, "base_month": base},
    )
    if monthly.empty:
        return pd.DataFrame()
    monthly["month"] = pd.to_datetime(monthly["month"]).dt.date
    nxt = _shift(base, 1)
    rows = []
    for topic, g in monthly.groupby("topic"):
        by_month = dict(zip(g["month"], g["calls"]))
        this_month = by_month.get(base)
        last_year_next = by_month.get(_shift(nxt, -12))
        recent_months = [by_month.get(_shift(base, -k)) for k in range(3)]
        last_year_months = [by_month.get(_shift(base, -12 - k)) for k in range(3)]
        # A trend needs the full three months in both years; otherwise no forecast is made.
        if not this_month or last_year_next is None or None in recent_months or None in last_year_months:
            continue
        if not sum(last_year_months):  # no calls a year before: there is no trend to carry over
            continue
        recent, recent_ly = sum(recent_months), sum(last_year_months)
        trend = recent / recent_ly
        expected = last_year_next * trend
        ratio = expected / this_month
        rows.append(
            {
                "상담주제": topic,
                "이번 달": base.strftime("%Y-%m"),
                "이번 달 인입": int(this_month),
                "예상 달": nxt.strftime("%Y-%m"),
                "전년 같은 달 인입": int(last_year_next),
                "최근 3개월 추세(배)": round(trend, 2),
                "다음 달 예상 인입": int(round(expected)),
                "이번 달 대비(배)": round(ratio, 2),
                "경보": "급증 예상" if ratio >= SURGE_RATIO else "",
                "예시 데이터": bool(g["is_sample"].any()),
            }
        )
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    return df.sort_values("이번 달 대비(배)", ascending=False).reset_index(drop=True)


def _shift(month: dt.date, k: int) -> dt.date:
    idx = month.year * 12 + month.month - 1 + k
    return dt.date(idx // 12, idx % 12 + 1, 1)


# ---------------------------------------------------------------- 전년 대비


def year_on_year(f: Filters, top: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Largest increases and decreases against the previous year, on one like-for-like pair per row (measures.
    YEAR_ON_YEAR: 본예산 with 전년 본예산, else 예산현액 with 전년 최종예산) or, for multi-year plans, the same
    item's previous-year row; never a 본예산 against a 최종예산."""
    cond, params = where(f, "b")
    # (doc_id, source_section, item_id, fiscal_year) is unique (the build checks it), so the join finds at
    # most the one previous-year row. Rows are taken in table order.
    # The previous-year row is looked up only for rows that print no prior-year figure.
    moves = f"""
        WITH rows AS MATERIALIZED (
            SELECT b.doc_id, b.item_id, b.name, b.level, b.division, b.fiscal_year, b.source_section, b.page,
                   b.budget_original, b.budget_current, b.prior_original, b.prior_final, b.rowid AS ord
            FROM budget_line b
            WHERE NOT b.is_total AND (b.budget_original IS NOT NULL OR b.budget_current IS NOT NULL) AND {cond}),
        pairs AS (
            SELECT * EXCLUDE (budget_original, budget_current, prior_original, prior_final),
                   budget_original AS amount, prior_original AS prior, '본예산 vs 전년 본예산' AS basis
            FROM rows WHERE budget_original IS NOT NULL AND prior_original IS NOT NULL
            UNION ALL
            SELECT * EXCLUDE (budget_original, budget_current, prior_original, prior_final),
                   budget_current AS amount, prior_final AS prior, '예산현액 vs 전년 최종예산' AS basis
            FROM rows WHERE NOT (budget_original IS NOT NULL AND prior_original IS NOT NULL)
                 AND budget_current IS NOT NULL AND prior_final IS NOT NULL
            UNION ALL
            SELECT r.* EXCLUDE (budget_original, budget_current, prior_original, prior_final),
                   r.budget_original AS amount, p.budget_original AS prior, '같은 표의 전년 행' AS basis
            FROM rows r JOIN budget_line p ON p.doc_id = r.doc_id AND p.item_id = r.item_id
                 AND p.source_section = r.source_section AND p.fiscal_year = r.fiscal_year - 1
            WHERE r.prior_original IS NULL AND r.prior_final IS NULL AND r.budget_original IS NOT NULL)
        SELECT doc_id, item_id, name, level, division, fiscal_year, source_section, page, amount, prior, basis, ord
        FROM pairs WHERE prior IS NOT NULL AND amount <> prior"""
    # First only the change of every row, to pick the top and bottom rows exactly as sorting the whole
    # table would (ties included); then the full rows of just those.
    changes = query(
        f"""SELECT amount - prior AS change, ord, division IS NOT NULL AS has_division
                        FROM ({moves}) ORDER BY ord""",
        params,
    )
    if changes.empty:
        empty = pd.DataFrame()
        return empty, empty
    change = changes["change"]
    up_at = change[change > 0].sort_values(ascending=False).head(top).index
    down_at = change[change < 0].sort_values().head(top).index
    picked = changes["ord"].iloc[sorted(set(up_at) | set(down_at))].tolist()
    df = query(
        f"SELECT * FROM ({moves}) WHERE ord IN (SELECT unnest($picked::BIGINT[])) ORDER BY ord",
        {**params, "picked": picked},
    )
    df = df.assign(any_division=bool(changes["has_division"].any())).pipe(_division_as_full)
    df["증감"] = df["amount"] - df["prior"]
    df["증감율(%)"] = (df["증감"] * 100 / df["prior"].where(df["prior"] != 0)).round(1)
    shown = pd.DataFrame(
        {
            "사업명": df["name"],
            "구분": df["level"],
            "연도": df["fiscal_year"].astype("Int64"),
            "전년": df["prior"],
            "당해": df["amount"],
            "증감": df["증감"],
            "증감율(%)": df["증감율(%)"],
            "비교 기준": df["basis"],
            "부서": division_label(df["division"]),
            "출처": df["doc_id"] + " · " + df["source_section"],
            "쪽수": df["page"].astype("Int64"),
        }
    )
    row = {o: i for i, o in enumerate(df["ord"].tolist())}
    up = shown.iloc[[row[o] for o in changes["ord"].iloc[up_at]]].reset_index(drop=True)
    down = shown.iloc[[row[o] for o in changes["ord"].iloc[down_at]]].reset_index(drop=True)
    return up, down


@dataclass(frozen=True)
class InsightsView:
    watch: pd.DataFrame  # execution_watch
    projection: pd.DataFrame  # target_projection of training_by_line
    months: list[str]  # months with call data, for the complaint early warning
    up: pd.DataFrame  # year_on_year: largest increases
    down: pd.DataFrame  # and decreases


def insights_view(f: Filters) -> InsightsView:
    up, down = year_on_year(f)
    return InsightsView(
        watch=execution_watch(f),
        projection=target_projection(training_by_line(f)),
        months=call_months(f),
        up=up,
        down=down,
    )
