"""과제 한눈에: everything the dashboard knows about one task, and the search that finds it.

A task is a budget item, keyed by (문서, 항목 ID) as the report's tables give it; the key comes from the
extracts, so a link to it holds across rebuilds. The item is one task wherever it is printed: its row in
the summary table, its own 집행 계획 or 집행 현황 table (the rows whose 상위 항목 is the task), the row of
another table that prints the same 사업 (counterpart_item_id), its quarterly plan, its training targets and
lines, the indicators set against its targets, and the alerts raised on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core import labels
from core.dashboard.db import query
from core.dashboard.filters import Filters
from core.dashboard.queries.common import division_label, ids_last, rate, to_unit, where
from core.dashboard.queries.indicators import indicator_targets
from core.dashboard.queries.insights import execution_watch, target_projection
from core.dashboard.queries.quarterly import quarterly_subitems, quarterly_tasks
from core.dashboard.queries.training import training_by_line, training_by_task
from core.dashboard.rules import as_date, elapsed_share

SEARCH_LIMIT = 20  # matches listed under the search box; the count says how many there are in all


@dataclass(frozen=True)
class TaskKey:
    doc_id: str
    item_id: str


def find_tasks(text: str, f: Filters, limit: int = SEARCH_LIMIT) -> tuple[pd.DataFrame, int]:
    """Budget items whose name, printed 번호 or 부서 contains ``text`` (case and spacing as typed), the ones
    inside the filter's 기관 first; returns the first ``limit`` and the number of matches."""
    needle = text.strip()
    if not needle:
        return pd.DataFrame(), 0
    inside = "agency IN (SELECT unnest($agencies::VARCHAR[]))" if f.agencies else "TRUE"
    params = {"needle": needle, **({"agencies": list(f.agencies)} if f.agencies else {})}
    df = query(
        f"""
        WITH items AS (
            SELECT doc_id, item_id, any_value(task_no) AS task_no, arg_min(name, rowid) AS name,
                   any_value(agency) AS agency, any_value(division) AS division, any_value(level) AS level,
                   min(fiscal_year) AS first_year, max(fiscal_year) AS last_year, min(rowid) AS ord
            FROM budget_line WHERE NOT is_total GROUP BY doc_id, item_id),
        hits AS (
            SELECT *, {inside} AS in_filter,
                   CASE WHEN task_no = $needle THEN 0 WHEN name = $needle THEN 1 ELSE 2 END AS exact
            FROM items
            WHERE contains(name, $needle) OR coalesce(task_no, '') = $needle
               OR starts_with(coalesce(task_no, ''), $needle || '-') OR contains(coalesce(division, ''), $needle))
        SELECT *, count(*) OVER () AS matches FROM hits
        ORDER BY in_filter DESC, exact, doc_id, ord LIMIT $limit""",
        {**params, "limit": limit},
    )
    matches = int(df["matches"].iat[0]) if len(df) else 0
    return df.drop(columns=["matches", "exact", "ord"]), matches


TASKS_LISTED = 200  # the task page's list without a search; the count says how many the filter has


def task_list(f: Filters, limit: int = TASKS_LISTED) -> tuple[pd.DataFrame, int]:
    """The tasks of the filter (top-level items of every budget table, each once, in report order) as the task
    page lists them before a search; returns the first ``limit`` rows and how many there are."""
    cond, params = where(f, "b")
    df = query(
        f"""
        WITH items AS (
            SELECT b.doc_id, b.item_id, any_value(b.task_no) AS 번호, arg_min(b.name, b.rowid) AS 사업명,
                   any_value(b.agency) AS 기관, any_value(b.division) AS 부서, any_value(b.level) AS 구분,
                   string_agg(DISTINCT b.fiscal_year::VARCHAR, ', ' ORDER BY b.fiscal_year::VARCHAR) AS 연도,
                   b.doc_id || ' · ' || arg_min(b.source_section, b.rowid) AS 출처, min(b.rowid) AS ord
            FROM budget_line b
            WHERE NOT b.is_total AND b.parent_item_id IS NULL AND b.counterpart_item_id IS NULL AND {cond}
            GROUP BY b.doc_id, b.item_id)
        SELECT * EXCLUDE (ord), count(*) OVER () AS matches FROM items ORDER BY doc_id, ord LIMIT $limit""",
        {**params, "limit": limit},
    )
    total = int(df["matches"].iat[0]) if len(df) else 0
    df = df.drop(columns=["matches"]).rename(columns={"item_id": labels.ITEM_ID})
    df["부서"] = division_label(df["부서"])
    return ids_last(df.drop(columns=["doc_id"])), total


def task_label(row) -> str:
    """How a task is named in lists and headings: its printed 번호 (when there is one) and name."""
    no = row.get("task_no") if hasattr(row, "get") else None
    return f"{no} {row['name']}" if isinstance(no, str) and no else str(row["name"])


@dataclass(frozen=True)
class TaskHeader:
    key: TaskKey
    number: str | None
    name: str
    agency: str
    division: str | None  # as shown (shared tasks marked)
    level: str
    years: list[int]
    parent: dict | None  # {'item_id', 'name'} of the item above, if any
    sources: pd.DataFrame  # every table that prints the task: 문서, 제목, 표, 쪽수, 기준일


def task_header(key: TaskKey) -> TaskHeader | None:
    rows = query(
        """
        SELECT b.task_no, b.name, b.agency, b.division, b.level, b.fiscal_year, b.parent_item_id, b.source_section,
               b.page, b.as_of, b.doc_id, b.item_id, d.title, b.rowid AS ord
        FROM budget_line b LEFT JOIN source_document d ON d.doc_id = b.doc_id
        WHERE b.doc_id = $doc_id AND (b.item_id = $item_id OR b.parent_item_id = $item_id
              OR b.counterpart_item_id = $item_id
              OR b.item_id = (SELECT any_value(counterpart_item_id) FROM budget_line
                              WHERE doc_id = $doc_id AND item_id = $item_id))
        ORDER BY ord""",
        {"doc_id": key.doc_id, "item_id": key.item_id},
    )
    own = rows[rows["item_id"] == key.item_id]
    if own.empty:
        return None
    first = own.iloc[0]
    numbers = [n for n in own["task_no"] if isinstance(n, str) and n]
    parent = None
    if isinstance(first["parent_item_id"], str):
        p = query(
            "SELECT item_id, name FROM budget_line WHERE doc_id = $d AND item_id = $i LIMIT 1",
            {"d": key.doc_id, "i": first["parent_item_id"]},
        )
        parent = None if p.empty else p.iloc[0].to_dict()
    sources = (
        rows.groupby(["doc_id", "source_section"], sort=False)
        .agg(제목=("title", "first"), 쪽수=("page", "min"), 기준일=("as_of", "max"))
        .reset_index()
        .rename(columns={"doc_id": "문서", "source_section": "표"})
    )
    sources["쪽수"] = pd.to_numeric(sources["쪽수"], errors="coerce").astype("Int64")
    years = sorted({int(y) for y in own["fiscal_year"].dropna()})
    division = division_label(own["division"]).iat[0]
    return TaskHeader(
        key=key,
        number=numbers[0] if numbers else None,
        name=str(first["name"]),
        agency=str(first["agency"]),
        division=division if isinstance(division, str) else None,
        level=str(first["level"]),
        years=years,
        parent=parent,
        sources=sources,
    )


TASK_BUDGET_COLUMNS = {
    "fiscal_year": labels.YEAR,
    "role": "관계",
    "name": "사업명",
    "budget_original": "본예산",
    "budget_current": "예산현액·추경",
    "prior_original": "전년 본예산",
    "prior_final": "전년 최종예산",
    "committed": "집행액",
    "spent": "지출액",
}
ROLE_SELF, ROLE_TOTAL, ROLE_CHILD, ROLE_SAME = "이 과제", "인쇄된 계", "하위 항목", "같은 사업(다른 표)"


def task_budget(key: TaskKey, unit: str) -> pd.DataFrame:
    """Every budget row of the task, year by year: its own rows, the printed 계 and the sub-items of its own
    table, and the row of another table that prints the same 사업. Rows are never added together: each is
    printed in its report."""
    raw = query(
        """
        WITH own AS (SELECT any_value(counterpart_item_id) AS counterpart FROM budget_line
                     WHERE doc_id = $doc_id AND item_id = $item_id)
        SELECT b.fiscal_year, b.name, b.task_no, b.budget_original, b.budget_current, b.prior_original,
               b.prior_final, b.committed, b.spent, b.doc_id, b.source_section, b.page, b.as_of, b.item_id,
               CASE WHEN b.item_id = $item_id THEN $self WHEN b.parent_item_id = $item_id AND b.is_total THEN $total
                    WHEN b.parent_item_id = $item_id THEN $child ELSE $same END AS role,
               CASE WHEN b.item_id = $item_id THEN 0 WHEN b.parent_item_id = $item_id AND b.is_total THEN 1
                    WHEN b.parent_item_id = $item_id THEN 2 ELSE 3 END AS role_order, b.rowid AS ord
        FROM budget_line b, own
        WHERE b.doc_id = $doc_id AND (b.item_id = $item_id OR b.parent_item_id = $item_id
              OR b.counterpart_item_id = $item_id OR b.item_id = own.counterpart)
        ORDER BY b.fiscal_year DESC NULLS LAST, role_order, ord""",
        {
            "doc_id": key.doc_id,
            "item_id": key.item_id,
            "self": ROLE_SELF,
            "total": ROLE_TOTAL,
            "child": ROLE_CHILD,
            "same": ROLE_SAME,
        },
    )
    df = raw.rename(columns=TASK_BUDGET_COLUMNS)
    df["집행률(%)"] = rate(df["집행액"], df["예산현액·추경"].fillna(df["본예산"]))
    df[labels.YEAR] = pd.to_numeric(df[labels.YEAR], errors="coerce").astype("Int64")
    df[labels.SOURCE] = df["doc_id"] + " · " + df["source_section"]
    df[labels.PAGE] = pd.to_numeric(df["page"], errors="coerce").astype("Int64")
    df[labels.AS_OF] = df["as_of"]
    df[labels.ITEM_ID] = df["item_id"]
    shown = df[[*TASK_BUDGET_COLUMNS.values(), "집행률(%)", labels.SOURCE, labels.PAGE, labels.AS_OF, labels.ITEM_ID]]
    shown = shown[[c for c in shown.columns if c not in labels.BUDGET_MONEY or shown[c].notna().any()]]
    return to_unit(shown, list(labels.BUDGET_MONEY), unit).reset_index(drop=True)


@dataclass(frozen=True)
class TaskQuarters:
    row: pd.DataFrame  # the task's row of quarterly_tasks (budget, four quarters, executed, rate)
    subitems: pd.DataFrame  # quarterly_subitems
    elapsed: float | None  # share of the year gone by at the as-of date (%)


def task_quarters(key: TaskKey, agency: str, unit: str) -> TaskQuarters:
    rows = quarterly_tasks(Filters(agencies=(agency,)), unit)
    mine = rows[rows[labels.ITEM_ID] == key.item_id].drop(columns=["구분"], errors="ignore")
    as_of = as_date(mine[labels.AS_OF].dropna().max()) if not mine.empty else None
    return TaskQuarters(
        row=mine.reset_index(drop=True),
        subitems=quarterly_subitems(key.doc_id, key.item_id, unit).drop(columns=["구분"], errors="ignore")
        if not mine.empty
        else pd.DataFrame(),
        elapsed=None if as_of is None else round(elapsed_share(as_of) * 100, 1),
    )


@dataclass(frozen=True)
class TaskTraining:
    by_year: pd.DataFrame  # training_by_task rows of the task (one per year)
    lines: pd.DataFrame  # training_by_line rows of the task
    by_category: pd.DataFrame  # plan and actual per 연수 구분 and year, lines printed once in the task
    projection: pd.DataFrame  # target_projection of its lines (an estimate)


def task_training(key: TaskKey, agency: str) -> TaskTraining:
    f = Filters(agencies=(agency,))
    source = f"{key.doc_id} · {key.item_id}"
    by_year = training_by_task(f)
    by_year = by_year[(by_year[labels.TASK_ID] == key.item_id) & (by_year[labels.SOURCE] == source)]
    lines = training_by_line(f)
    lines = lines[
        (lines[labels.TASK_ID] == key.item_id) & lines[labels.SOURCE].str.startswith(f"{key.doc_id} · ", na=False)
    ]
    category = query(
        """
        SELECT coalesce(category, '(구분 없음)') AS "연수 구분", fiscal_year AS 연도,
               sum(courses) FILTER (WHERE kind = '계획') AS "계획 과정", sum(trainees) FILTER (WHERE kind = '계획') AS "계획 인원",
               sum(courses) FILTER (WHERE kind = '실적') AS "실적 과정", sum(trainees) FILTER (WHERE kind = '실적') AS "실적 인원",
               max(as_of) FILTER (WHERE kind = '실적') AS 기준일, min(rowid) AS ord
        FROM training_result_key
        WHERE doc_id = $doc_id AND task_item_id = $item_id AND in_task_total
        GROUP BY ALL ORDER BY 연도 DESC, ord""",
        {"doc_id": key.doc_id, "item_id": key.item_id},
    ).drop(columns=["ord"])
    for c in ("연도", "계획 과정", "계획 인원", "실적 과정", "실적 인원"):
        category[c] = pd.to_numeric(category[c], errors="coerce").astype("Int64")
    projection = target_projection(lines) if not lines.empty else pd.DataFrame()
    return TaskTraining(
        by_year=by_year.reset_index(drop=True),
        lines=lines.reset_index(drop=True),
        by_category=category,
        projection=projection,
    )


def task_indicators(key: TaskKey, agency: str) -> pd.DataFrame:
    targets = indicator_targets(Filters(agencies=(agency,)))
    mine = targets[(targets[labels.TASK_ID] == key.item_id) & targets[labels.SOURCE].str.startswith(f"{key.doc_id} · ")]
    return mine.reset_index(drop=True)


def task_alerts(key: TaskKey, agency: str, projection: pd.DataFrame) -> pd.DataFrame:
    """The alerts of 점검·경보 raised on the task or on its sub-items, and its training lines projected to miss
    their target (추정치)."""
    sub = query(
        "SELECT DISTINCT item_id FROM budget_line WHERE doc_id = $d AND (item_id = $i OR parent_item_id = $i)",
        {"d": key.doc_id, "i": key.item_id},
    )["item_id"].tolist()
    mine = execution_watch(Filters(agencies=(agency,)), key.doc_id, sub)  # only this task's alerts leave DuckDB
    alerts = mine[["점검", "사업명", "이유", labels.SOURCE, labels.PAGE, labels.AS_OF]].copy()
    if not projection.empty:
        missing = projection[projection["판정"] == "미달 우려"]
        alerts = pd.concat(
            [
                alerts,
                pd.DataFrame(
                    {
                        "점검": "목표 미달 우려(추정)",
                        "사업명": missing["세부사업"],
                        "이유": [
                            f"연말 추정 달성률 {p:.1f}% (현재 {c:.1f}%, 추진시기 {e:.0f}% 경과)"
                            for p, c, e in zip(
                                missing["연말 추정 달성률(%)"], missing["현재 달성률(%)"], missing["추진시기 경과(%)"]
                            )
                        ],
                        labels.SOURCE: missing[labels.SOURCE],
                        labels.PAGE: missing[labels.PAGE],
                        labels.AS_OF: missing[labels.AS_OF],
                    }
                ),
            ],
            ignore_index=True,
        )
    return alerts.reset_index(drop=True)


@dataclass(frozen=True)
class TaskView:
    header: TaskHeader
    budget: pd.DataFrame
    quarters: TaskQuarters
    training: TaskTraining
    indicators: pd.DataFrame
    alerts: pd.DataFrame


def task_view(key: TaskKey, unit: str) -> TaskView | None:
    header = task_header(key)
    if header is None:
        return None
    training = task_training(key, header.agency)
    return TaskView(
        header=header,
        budget=task_budget(key, unit),
        quarters=task_quarters(key, header.agency, unit),
        training=training,
        indicators=task_indicators(key, header.agency),
        alerts=task_alerts(key, header.agency, training.projection),
    )


def task_sheets(view: TaskView) -> list[tuple[str, pd.DataFrame]]:
    """The task page's tables, in the order shown, for its one download (empty ones left out)."""
    h = view.header
    summary = pd.DataFrame(
        {
            "항목": ["번호", "과제", "기관", "부서", "구분", "연도"],
            "값": [
                h.number or "",
                h.name,
                h.agency,
                h.division or "",
                h.level,
                ", ".join(str(y) for y in h.years) or "연도 미상",
            ],
        }
    )
    sheets = [
        ("과제", summary),
        ("출처", h.sources),
        ("예산", view.budget),
        ("분기별 집행", view.quarters.row),
        ("세부 집행계획", view.quarters.subitems),
        ("연수 목표·실적", view.training.by_year),
        ("연수 세부사업", view.training.lines),
        ("연수 구분별", view.training.by_category),
        ("달성 전망(추정)", view.training.projection),
        ("성과지표", view.indicators),
        ("경보", view.alerts),
    ]
    return [(name, ids_last(df)) for name, df in sheets if not df.empty]
