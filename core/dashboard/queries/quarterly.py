"""분기별 집행: per task four quarters (actual or planned), totals per quarter, sub-items."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import labels
from core.dashboard.db import query
from core.dashboard.filters import Filters, Params
from core.dashboard.queries.common import decisions_first, division_label, ids_last, to_unit, where
from core.settings import SUMMARY_SECTION

# What a 부서장 reads first on the quarterly tables, right after the task's name.
QUARTER_DECISIONS = ["예산액", "집행액(기준일)", "집행률(%)"]
# The columns of the per-task tables (quarterly_tasks, quarterly_subitems), before _shown orders them.
WIDE_COLUMNS = (
    labels.ITEM_ID, "번호", "사업명", "예산액", "1분기", "2분기", "3분기", "4분기", "분기 합", "차이",
    "집행액(기준일)", "집행률(%)", "구분", "부서", labels.PAGE, labels.AS_OF,
)  # fmt: skip


def planned_tasks(f: Filters) -> tuple[str, Params]:
    """The CTE ``tasks``: per item of the summary table with a quarterly plan, its budget and order."""
    cond, params = where(f, "b")
    return (
        f"""
        tasks AS (
            SELECT b.doc_id, b.item_id, any_value(b.task_no) AS task_no, any_value(b.name) AS name,
                   any_value(b.division) AS division, any_value(b.budget_original) AS budget,
                   any_value(b.page) AS page, any_value(b.fiscal_year) AS fiscal_year, any_value(b.agency) AS agency,
                   min(b.rid) AS ord
            FROM budget_planned b  -- the budget rows with a plan in the summary table
            WHERE NOT b.is_total AND {cond}
            GROUP BY b.doc_id, b.item_id)""",
        params,
    )


def quarterly_tasks(f: Filters, unit: str = "천원") -> pd.DataFrame:
    """Per task: budget, the four quarters (actual or planned), their sum and its gap to the budget."""
    return _quarterly_tasks(f, unit)[0]


def _quarterly_tasks(f: Filters, unit: str) -> tuple[pd.DataFrame, list[str]]:
    """quarterly_tasks and, row by row, the document each task comes from.

    Pivoted in DuckDB (one row per task comes back, not four): the table's key makes each quarter of
    a task one row, so the columns equal _quarter_wide's over the same rows."""
    tasks, params = planned_tasks(f)
    quarters = ", ".join(f"max(q.amount) FILTER (WHERE q.quarter = {k}) AS q{k}" for k in range(1, 5))
    label = " || ' / ' || ".join(
        f"'{k}분기 ' || CASE WHEN bool_or(q.status = '집행') FILTER (WHERE q.quarter = {k}) THEN '실적' ELSE '계획' END"
        for k in range(1, 5)
    )
    raw = query(
        f"""
        WITH {tasks}
        SELECT t.doc_id, t.item_id, any_value(t.task_no) AS task_no, any_value(t.name) AS name, any_value(t.budget) AS budget,
               {quarters}, coalesce(sum(q.amount), 0) AS total,
               coalesce(sum(q.amount) FILTER (WHERE q.status = '집행'), 0) AS actual, {label} AS label,
               any_value(t.division) AS division, any_value(t.page) AS page, arg_min(q.as_of, q.quarter) AS as_of
        FROM tasks t JOIN quarterly_execution q ON q.doc_id = t.doc_id AND q.item_id = t.item_id
             AND q.source_section = $summary_section AND q.fiscal_year = t.fiscal_year
        GROUP BY t.doc_id, t.item_id ORDER BY min(t.ord)""",
        {**params, "summary_section": SUMMARY_SECTION},
    )
    if raw.empty:
        return _quarter_wide(raw, unit), []
    budget = pd.to_numeric(raw["budget"], errors="coerce")
    rate = [None if pd.isna(b) or not b else round(a * 100 / b, 1) for a, b in zip(raw["actual"], budget)]
    df = pd.DataFrame(
        {
            "항목 ID": raw["item_id"],
            "번호": raw["task_no"],
            "사업명": raw["name"],
            "예산액": raw["budget"],
            **{f"{k}분기": raw[f"q{k}"] for k in range(1, 5)},
            "분기 합": raw["total"],
            "차이": raw["total"] - budget,
            "집행액(기준일)": raw["actual"],
            "집행률(%)": rate,
            "구분": raw["label"],
            "부서": division_label(raw["division"]),
            "쪽수": raw["page"].astype("Int64"),
            "기준일": raw["as_of"],
        }
    )
    return _shown(df, unit), raw["doc_id"].tolist()


def quarterly_subitems(doc_id: str, task_item_id: str, unit: str = "천원") -> pd.DataFrame:
    raw = query(
        """
        SELECT b.doc_id, b.item_id, b.task_no, b.name, b.division, b.budget_original AS budget, b.page,
               b.fiscal_year, b.rowid AS ord, q.quarter, q.amount, q.status, q.as_of
        FROM budget_line b JOIN quarterly_execution q ON q.doc_id = b.doc_id AND q.item_id = b.item_id
             AND q.fiscal_year = b.fiscal_year
        WHERE b.doc_id = $doc_id AND b.parent_item_id = $task_item_id
        ORDER BY b.is_total, ord, q.quarter""",
        {"doc_id": doc_id, "task_item_id": task_item_id},
    )
    return _quarter_wide(raw, unit)


def _quarter_wide(raw: pd.DataFrame, unit: str) -> pd.DataFrame:
    """One row per item (in order of first appearance) with its four quarters, as the rows of ``raw``
    give them; where an item has the same quarter twice, the later row counts (as a dict would keep it)."""
    if raw.empty:
        return _shown(pd.DataFrame(columns=list(WIDE_COLUMNS)), unit)
    codes, keys = pd.factorize(raw["item_id"], sort=False)  # codes follow first appearance, like groupby(sort=False)
    n = len(keys)
    rows_of = np.flatnonzero(codes >= 0)
    _, first_at = np.unique(codes[rows_of], return_index=True)
    first = rows_of[first_at]  # each item's first row
    quarter = (
        raw["quarter"].to_numpy(dtype=np.int64)
        if pd.api.types.is_integer_dtype(raw["quarter"].dtype) and not raw["quarter"].hasnans
        else np.asarray([int(q) for q in raw["quarter"]], dtype=np.int64)
    )
    pairs = pd.DataFrame({"g": codes, "q": quarter})
    last = np.flatnonzero((~pairs.duplicated(["g", "q"], keep="last")).to_numpy() & (codes >= 0))
    g, q = codes[last], quarter[last]
    amount = raw["amount"].iloc[last].reset_index(drop=True)
    executed = (raw["status"].iloc[last] == "집행").fillna(False).to_numpy(dtype=bool)
    present = amount.notna().to_numpy()
    values = amount.to_numpy(dtype=object)
    by_quarter = {}
    for k in range(1, 5):
        column = np.full(n, None, dtype=object)
        column[g[q == k]] = values[q == k]
        by_quarter[k] = column.tolist()
    counted = pd.Series(amount.where(present, 0))
    total = counted.groupby(g).sum().reindex(range(n), fill_value=0)
    actual = counted.where(executed, 0).groupby(g).sum().reindex(range(n), fill_value=0)
    done = np.zeros((n, 5), dtype=bool)
    done[g[(q >= 1) & (q <= 4)], q[(q >= 1) & (q <= 4)]] = executed[(q >= 1) & (q <= 4)]
    statuses = [" / ".join(f"{k}분기 {'실적' if d[k] else '계획'}" for k in range(1, 5)) for d in done.tolist()]
    budget = raw["budget"].iloc[first].tolist()
    total_l, actual_l = total.tolist(), actual.tolist()
    has_budget = raw["budget"].iloc[first].notna().to_numpy()
    rate = [None] * n
    ok = np.flatnonzero(has_budget)
    if len(ok):
        b = raw["budget"].iloc[first[ok]].to_numpy()
        a = actual.to_numpy()[ok]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = a * 100 / b
        for i, (bv, r) in enumerate(zip(b, ratio)):
            if bv:
                rate[ok[i]] = round(r, 1)
    columns = {
        "항목 ID": keys.tolist(),
        "번호": raw["task_no"].iloc[first].tolist(),
        "사업명": raw["name"].iloc[first].tolist(),
        "예산액": budget,
        **{f"{k}분기": by_quarter[k] for k in range(1, 5)},
        "분기 합": total_l,
        "차이": [(t - bv) if hb else None for t, bv, hb in zip(total_l, budget, has_budget)],
        "집행액(기준일)": actual_l,
        "집행률(%)": rate,
        "구분": statuses,
        "부서": division_label(raw["division"].iloc[first]).tolist(),
        "쪽수": raw["page"].iloc[first].tolist(),
        "기준일": raw["as_of"].iloc[first].tolist(),
    }
    df = pd.DataFrame(columns)
    df["쪽수"] = df["쪽수"].astype("Int64")
    return _shown(df, unit)


def _shown(df: pd.DataFrame, unit: str) -> pd.DataFrame:
    """A per-task quarterly table as pages and files show it: in the unit, decisions after the name, ids last."""
    df = df[list(WIDE_COLUMNS)]
    return ids_last(decisions_first(to_unit(df, labels.QUARTER_MONEY, unit), "사업명", QUARTER_DECISIONS))


QUARTER_ACTUAL = "실적(집행액)"
QUARTER_PLANNED = "계획(집행예정액)"
QUARTER_MIXED = "실적·계획 혼합"
TOTALS_COLUMNS = ["분기", "금액", "구분", "집행액(실적)", "집행예정액(계획)", "누적 금액", "누적 비율(%)"]


def quarterly_totals(f: Filters, unit: str = "천원") -> pd.DataFrame:
    """Per quarter over the filtered tasks: the amount, split into what was executed (집행) and what is
    planned (집행예정) as each task's own table heads the quarter, and the cumulative share of the budget.

    Summed in DuckDB over the same tasks and quarter rows as quarterly_tasks (a task counts once, with
    the quarters of its plan; the table's key makes each quarter one row). A quarter holding both kinds
    (some tasks print a plan for the whole year) says so instead of taking one status for all."""
    tasks, params = planned_tasks(f)
    raw = query(
        f"""
        WITH {tasks},
        lines AS (
            SELECT t.doc_id, t.item_id, t.budget, q.quarter, q.amount, q.status
            FROM tasks t JOIN quarterly_execution q ON q.doc_id = t.doc_id AND q.item_id = t.item_id
                 AND q.source_section = $summary_section AND q.fiscal_year = t.fiscal_year),
        budget AS (SELECT sum(budget) AS budget FROM (SELECT DISTINCT doc_id, item_id, budget FROM lines))
        SELECT n.quarter, coalesce(sum(l.amount) FILTER (WHERE l.quarter = n.quarter), 0) AS amount,
               coalesce(sum(l.amount) FILTER (WHERE l.quarter = n.quarter AND l.status = '집행'), 0) AS actual,
               coalesce(sum(l.amount) FILTER (WHERE l.quarter = n.quarter AND l.status <> '집행'), 0) AS planned,
               count(*) FILTER (WHERE l.quarter = n.quarter AND l.status = '집행') AS n_actual,
               count(*) FILTER (WHERE l.quarter = n.quarter AND l.status <> '집행') AS n_planned,
               any_value(budget.budget) AS budget, count(l.item_id) AS line_count
        FROM range(1, 5) AS n(quarter) CROSS JOIN budget LEFT JOIN lines l ON TRUE
        GROUP BY n.quarter ORDER BY n.quarter""",
        {**params, "summary_section": SUMMARY_SECTION},
    )
    if raw.empty or not raw["line_count"].iat[0]:
        return pd.DataFrame(columns=TOTALS_COLUMNS)
    budget = raw["budget"].iat[0]
    amounts = [int(a) for a in raw["amount"]]
    running = np.cumsum(amounts).tolist()
    kinds = [
        QUARTER_MIXED if a and p else (QUARTER_ACTUAL if a else QUARTER_PLANNED)
        for a, p in zip(raw["n_actual"], raw["n_planned"])
    ]
    df = pd.DataFrame(
        {
            "분기": [f"{q}분기" for q in range(1, 5)],
            "금액": amounts,
            "구분": kinds,
            "집행액(실적)": [int(a) for a in raw["actual"]],
            "집행예정액(계획)": [int(p) for p in raw["planned"]],
            "누적 금액": running,
            "누적 비율(%)": [round(r * 100 / budget, 1) if pd.notna(budget) and budget else None for r in running],
        }
    )
    return to_unit(df, labels.QUARTER_MONEY, unit)


@dataclass(frozen=True)
class QuarterlyView:
    tasks: pd.DataFrame  # quarterly_tasks
    totals: pd.DataFrame  # quarterly_totals
    doc_ids: list[str]  # the document of each task row

    @property
    def sources(self) -> str:
        """The tables the tasks come from, for the header of a download."""
        return "; ".join(f"{d} · {SUMMARY_SECTION}" for d in sorted(set(self.doc_ids))) or "-"


def quarterly_view(f: Filters, unit: str) -> QuarterlyView:
    tasks, doc_ids = _quarterly_tasks(f, unit)
    totals = quarterly_totals(f, unit) if not tasks.empty else pd.DataFrame()
    return QuarterlyView(tasks=tasks, totals=totals, doc_ids=doc_ids)
