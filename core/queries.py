"""One query function per view. SQL lives here, with bound parameters only.

Functions return small, display-ready DataFrames with Korean column labels;
pages only lay them out. Amounts leave here in the unit the user chose.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import db
from .db import query
from .derived import DERIVED
from .filters import UNIT_FACTORS, YEAR_ALL, Filters, org_sql, where, year_sql

PROVENANCE_COLS = ["출처", "쪽수", "기준일"]


# ---------------------------------------------------------------- derived tables and fast filters

def _tables() -> frozenset[str]:
    """Tables in the current file (asked once per file version)."""
    return db.tables()


def _src(name: str) -> str:
    """A derived table (core/derived.py) by name; for a file built before it existed, its SELECT inlined."""
    return name if name in _tables() else f"({DERIVED[name]})"


def _org_sql(f: Filters, alias: str = "") -> tuple[str, list]:
    """filters.org_sql, with the 부서 part looked up in division_part instead of split row by row.

    division_part holds every stored 부서 text with its untrimmed ';'-parts, so the rows matched are
    exactly those list_has_any(string_split(coalesce(division, ''), ';'), chosen) matches.
    """
    if not f.divisions or "division_part" not in _tables():
        return org_sql(f, alias)
    a = f"{alias}." if alias else ""
    parts, params = [], []
    if f.agencies:
        parts.append(f"{a}agency IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(f.agencies))
    parts.append(f"coalesce({a}division, '') IN (SELECT raw FROM division_part "
                 "WHERE part IN (SELECT unnest(?::VARCHAR[])))")
    params.append(list(f.divisions))
    return " AND ".join(parts), params


def _where(f: Filters, alias: str = "", year_col: str | None = "fiscal_year") -> tuple[str, list]:
    """filters.where with the fast 부서 lookup."""
    return where(f, alias, year_col, org=_org_sql)


# ---------------------------------------------------------------- options and coverage

def filter_options() -> tuple[dict[str, list[str]], list[str], bool]:
    """({기관: [부서…]}, [연도…], whether some rows have no year)."""
    org = query("SELECT agency, division FROM org_tree ORDER BY agency, division")
    agencies: dict[str, list[str]] = {}
    for a, d in org.itertuples(index=False):
        agencies.setdefault(a, []).append(d)
    years = query(f"""
        SELECT DISTINCT y FROM (
            SELECT fiscal_year AS y FROM budget_line UNION ALL SELECT fiscal_year FROM training_target
            UNION ALL SELECT fiscal_year FROM training_result UNION ALL SELECT fiscal_year FROM quarterly_execution
            UNION ALL SELECT DISTINCT year(month) FROM {_src('call_center_month')})
        WHERE y IS NOT NULL ORDER BY y""")
    unknown = query("SELECT count(*) AS n FROM budget_line WHERE fiscal_year IS NULL")["n"].iat[0] > 0
    return agencies, [str(int(y)) for y in years["y"]], bool(unknown)


def coverage() -> pd.DataFrame:
    return query("""
        WITH t AS (
            SELECT 'budget_line' AS tbl, doc_id, agency, fiscal_year, as_of FROM budget_line
            UNION ALL SELECT 'quarterly_execution', q.doc_id, NULL, q.fiscal_year, q.as_of FROM quarterly_execution q
            UNION ALL SELECT 'training_target', doc_id, agency, fiscal_year, as_of FROM training_target
            UNION ALL SELECT 'training_result', doc_id, agency, fiscal_year, as_of FROM training_result
            UNION ALL SELECT 'training_overview', doc_id, NULL, fiscal_year, as_of FROM training_overview
            UNION ALL SELECT 'indicator', doc_id, agency, fiscal_year, as_of FROM indicator
            UNION ALL SELECT 'headcount', doc_id, agency, NULL, as_of FROM headcount
            UNION ALL SELECT 'call_center_daily', doc_id, agency, year(call_date), max(call_date) OVER () FROM call_center_daily
        )
        SELECT t.doc_id AS 문서, coalesce(d.title, '예시 데이터 (생성기)') AS 제목,
               string_agg(DISTINCT t.agency, ', ') AS 기관,
               CASE WHEN count(t.fiscal_year) < count(*) AND count(t.fiscal_year) = 0 THEN '연도 미상'
                    ELSE concat_ws(' ', min(t.fiscal_year) || CASE WHEN max(t.fiscal_year) <> min(t.fiscal_year)
                         THEN '–' || max(t.fiscal_year) ELSE '' END,
                         CASE WHEN count(t.fiscal_year) < count(*) THEN '(일부 연도 미상)' END) END AS 연도,
               count(*) AS 행수, max(t.as_of) AS 기준일
        FROM t LEFT JOIN source_document d USING (doc_id)
        GROUP BY ALL ORDER BY 문서""")


def table_row_counts() -> pd.DataFrame:
    """Rows, as-of range and printed units per table and document (counted once, at build time)."""
    return query(f"SELECT * FROM {_src('table_row_count')} ORDER BY 표, 문서")


def source_documents() -> pd.DataFrame:
    return query("""SELECT doc_id AS 문서, title AS 제목, agency AS 기관, doc_date AS 문서일자, as_of AS 기준일,
                           period AS 대상기간, kind AS 종류, file_name AS 파일, note AS 비고
                    FROM source_document ORDER BY doc_id""")


def quality_report(doc_ids: list[str] | None = None) -> pd.DataFrame:
    cond, params = ("doc_id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids]) if doc_ids else ("TRUE", [])
    return query(f"""
        SELECT doc_id AS 문서, table_name AS 표, source_section AS 출처, page AS 쪽수, item_id AS 항목, name AS 사업명,
               check_name AS 점검, measure AS 열, printed_value AS 인쇄값, computed_value AS 재계산값,
               difference AS 차이, unit AS 단위, explanation AS 설명
        FROM data_quality WHERE {cond}
        ORDER BY 문서, 표, 출처, 항목""", params)


def build_time() -> str:
    df = query("SELECT built_at FROM build_info")
    return "" if df.empty else str(df["built_at"].iat[0])


# ---------------------------------------------------------------- money helpers

MONEY_COLS = ["본예산", "특교 등", "예산현액·추경", "전년 본예산", "전년 최종예산", "증감", "집행액", "지출액"]


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


def _rate(numer: pd.Series, denom: pd.Series) -> pd.Series:
    n = pd.to_numeric(numer, errors="coerce").astype("Float64")
    d = pd.to_numeric(denom, errors="coerce").astype("Float64")
    return (n * 100 / d.where(d != 0)).round(1)


# ---------------------------------------------------------------- budget

def budget_tables(f: Filters) -> pd.DataFrame:
    """Top-level budget tables (a report's 사업별 or 과제별 table) that have rows for the filter."""
    cond, params = _where(f)
    return query(f"""
        SELECT doc_id, source_section, any_value(unit) AS unit, max(as_of) AS as_of, min(rowid) AS first_row,
               count(DISTINCT item_id) AS items
        FROM budget_line
        WHERE parent_item_id IS NULL AND NOT is_total AND {cond}
        GROUP BY doc_id, source_section ORDER BY doc_id, first_row""", params)


def _budget_select(cond: str) -> str:
    return f"""
        SELECT b.item_id, any_value(b.task_no) AS task_no, any_value(b.name) AS name, any_value(b.level) AS level,
               any_value(b.division) AS division, sum(b.budget_original) AS bo, sum(b.budget_special) AS bs,
               sum(b.budget_current) AS bc, sum(b.prior_original) AS po, sum(b.prior_final) AS pf,
               sum(b.committed) AS cm, sum(b.spent) AS sp, bool_or(b.non_budget) AS nb,
               any_value(b.rate_committed_printed) AS rate_printed, count(DISTINCT b.fiscal_year) AS years,
               any_value(b.doc_id) AS doc_id, any_value(b.source_section) AS section, any_value(b.page) AS page,
               any_value(b.unit) AS unit, max(b.as_of) AS as_of, min(b.rowid) AS ord,
               bool_or(b.is_total) AS is_total,
               -- The document is bound, not taken from the row: budget_parent is in document order, so
               -- only that document's rows are read.
               EXISTS (SELECT 1 FROM {_src('budget_parent')} c WHERE c.doc_id = ? AND c.item_id = b.item_id)
                   AS has_children
        FROM budget_line b WHERE {cond}
        GROUP BY b.item_id ORDER BY ord"""


BUDGET_COLUMN_ORDER = ["번호", "사업명", "본예산", "예산현액·추경", "집행액", "집행률(%)", "지출액", "특교 등", "전년 본예산",
                       "전년 최종예산", "증감", "증감율(%)", "부서", "구분", "비예산", "하위 항목", "항목 ID", "출처", "쪽수",
                       "기준일"]


def _budget_frame(raw: pd.DataFrame, unit: str) -> pd.DataFrame:
    prior = raw["po"].where(raw["po"].notna(), raw["pf"])
    df = pd.DataFrame({
        "항목 ID": raw["item_id"],
        "번호": raw["task_no"],
        "사업명": raw["name"],
        "구분": raw["level"],
        "부서": raw["division"],
        "본예산": raw["bo"],
        "특교 등": raw["bs"],
        "예산현액·추경": raw["bc"],
        "전년 본예산": raw["po"],
        "전년 최종예산": raw["pf"],
        "증감": raw["bo"] - prior,
        "증감율(%)": _rate(raw["bo"] - prior, prior),
        "집행액": raw["cm"],
        "집행률(%)": _rate(raw["cm"], raw["bc"].where(raw["bc"].notna(), raw["bo"])),
        "지출액": raw["sp"],
        "비예산": raw["nb"].astype(bool),
        "하위 항목": raw["has_children"].astype(bool),
        "출처": raw["doc_id"] + " · " + raw["section"],
        "쪽수": raw["page"].astype("Int64"),
        "기준일": raw["as_of"],
    })
    df = to_unit(df, MONEY_COLS, unit)
    # What a 부서장 reads first (budget, execution, rate) comes first; identifiers and provenance last.
    df = df[BUDGET_COLUMN_ORDER]
    # Columns no row fills (e.g. 특교 in 002) only add noise to the table.
    return df[[c for c in df.columns if c in ("사업명", "본예산", "출처") or df[c].notna().any()]]


def _budget_rows(f: Filters, doc_id: str, section: str | None, parent_item_id: str | None, unit: str,
                 totals: bool) -> pd.DataFrame:
    """The non-total rows (filtered by 기관·부서·연도) or the printed total rows (by 연도 only: a total
    belongs to the whole table) of one table or of one item's children."""
    cond, params = year_sql(f, "b") if totals else _where(f, "b")
    if parent_item_id is None:
        place, place_params = "b.source_section = ? AND b.parent_item_id IS NULL", [section]
    else:
        place, place_params = "b.parent_item_id = ?", [parent_item_id]
    total = "b.is_total" if totals else "NOT b.is_total"
    # doc_id twice: once for the children lookup in _budget_select, once for the rows themselves.
    raw = query(_budget_select(f"b.doc_id = ? AND {place} AND {total} AND {cond}"),
                [doc_id, doc_id, *place_params, *params])
    return _budget_frame(raw, unit)


def budget_items(f: Filters, doc_id: str, section: str | None, parent_item_id: str | None,
                 unit: str = "천원") -> pd.DataFrame:
    """Rows of one budget table (parent None) or the children of one item, with derived 증감·집행률."""
    return _budget_rows(f, doc_id, section, parent_item_id, unit, totals=False)


def budget_printed_total(f: Filters, doc_id: str, section: str | None, parent_item_id: str | None,
                         unit: str = "천원") -> pd.DataFrame:
    """The table's printed 계/총계 row(s), summed over the chosen years."""
    return _budget_rows(f, doc_id, section, parent_item_id, unit, totals=True)


def budget_item(doc_id: str, item_id: str) -> dict | None:
    df = query("""SELECT item_id, name, parent_item_id, source_section, level FROM budget_line
                  WHERE doc_id = ? AND item_id = ? LIMIT 1""", [doc_id, item_id])
    return None if df.empty else df.iloc[0].to_dict()


def budget_path(doc_id: str, item_id: str) -> list[dict]:
    """From the top-level item down to item_id (breadcrumb for drill-down)."""
    path = []
    current = budget_item(doc_id, item_id)
    while current is not None and len(path) < 10:
        path.append(current)
        parent = current["parent_item_id"]
        current = budget_item(doc_id, parent) if isinstance(parent, str) else None
    return list(reversed(path))


def budget_summary(f: Filters) -> pd.DataFrame:
    """Per document: the budget of its main table for the filter (for the overview cards).

    Only top-level, non-total rows of each document's first table are counted, so that a report
    that prints the same money by 세부사업 and by 과제 is not counted twice.
    """
    cond, params = _where(f, "b")
    return query(f"""
        WITH first_table AS (SELECT doc_id, section FROM {_src('budget_first_table')})
        SELECT b.doc_id, b.fiscal_year, sum(b.budget_original) AS budget_original,
               sum(coalesce(b.budget_current, b.budget_original)) AS budget_current,
               sum(b.committed) AS committed,
               sum(CASE WHEN b.committed IS NOT NULL THEN coalesce(b.budget_current, b.budget_original) END)
                   AS budget_with_execution,
               sum(coalesce(b.prior_original, b.prior_final)) AS prior, max(b.as_of) AS as_of,
               any_value(b.unit) AS unit
        FROM budget_line b JOIN first_table t ON t.doc_id = b.doc_id AND t.section = b.source_section
        WHERE b.parent_item_id IS NULL AND NOT b.is_total AND {cond}
        GROUP BY ALL ORDER BY b.doc_id, b.fiscal_year""", params)


def budget_by_year(f: Filters, unit: str = "천원", max_documents: int = 6) -> pd.DataFrame:
    """Per year and document, the main table's budget (예산현액, else 본예산) for the overview chart.

    With more documents than ``max_documents`` (one per 기관 and year at a nationwide scale) the
    largest keep their own series and the rest are summed into one '기타' series per year."""
    summary = budget_summary(f)
    if summary.empty:
        return pd.DataFrame(columns=["연도", "문서", "금액"])
    df = pd.DataFrame({"연도": summary["fiscal_year"].map(lambda y: "연도 미상" if pd.isna(y) else f"{int(y)}"),
                       "문서": summary["doc_id"], "금액": summary["budget_current"]})
    totals = df.groupby("문서")["금액"].sum().sort_values(ascending=False, kind="stable")
    if len(totals) > max_documents:
        keep = set(totals.index[:max_documents - 1])
        rest = len(totals) - len(keep)
        df["문서"] = df["문서"].where(df["문서"].isin(keep), f"기타 {rest}개 문서")
        df = df.groupby(["연도", "문서"], sort=False, as_index=False)["금액"].sum(min_count=1)
    df["금액"] = df["금액"] / UNIT_FACTORS[unit]
    return df


# ---------------------------------------------------------------- quarterly execution

SUMMARY_SECTION = "주요업무별 예산 내역"


def _planned_tasks(f: Filters) -> tuple[str, list]:
    """The CTE ``tasks``: per item of the summary table with a quarterly plan, its budget and order."""
    cond, params = _where(f, "b")
    if "budget_planned" in _tables():  # the budget rows with a plan in the summary table (core/derived.py)
        planned, exists, exists_params, rid = "budget_planned", "TRUE", [], "rid"
    else:
        planned, rid = "budget_line", "rowid"
        exists = ("EXISTS (SELECT 1 FROM quarterly_execution q WHERE q.doc_id = b.doc_id "
                  "AND q.item_id = b.item_id AND q.source_section = ?)")
        exists_params = [SUMMARY_SECTION]
    return f"""
        tasks AS (
            SELECT b.doc_id, b.item_id, any_value(b.task_no) AS task_no, any_value(b.name) AS name,
                   any_value(b.division) AS division, any_value(b.budget_original) AS budget,
                   any_value(b.page) AS page, any_value(b.fiscal_year) AS fiscal_year, min(b.{rid}) AS ord
            FROM {planned} b
            WHERE NOT b.is_total AND {exists} AND {cond}
            GROUP BY b.doc_id, b.item_id)""", [*exists_params, *params]


def quarterly_tasks(f: Filters, unit: str = "천원") -> pd.DataFrame:
    """Per task: budget, the four quarters (actual or planned), their sum and its gap to the budget.

    Pivoted in DuckDB (one row per task comes back, not four): the table's key makes each quarter of
    a task one row, so the columns equal _quarter_wide's over the same rows."""
    tasks, params = _planned_tasks(f)
    quarters = ", ".join(f"max(q.amount) FILTER (WHERE q.quarter = {k}) AS q{k}" for k in range(1, 5))
    label = " || ' / ' || ".join(
        f"'{k}분기 ' || CASE WHEN bool_or(q.status = '집행') FILTER (WHERE q.quarter = {k}) THEN '실적' ELSE '계획' END"
        for k in range(1, 5))
    raw = query(f"""
        WITH {tasks}
        SELECT t.item_id, any_value(t.task_no) AS task_no, any_value(t.name) AS name, any_value(t.budget) AS budget,
               {quarters}, coalesce(sum(q.amount), 0) AS total,
               coalesce(sum(q.amount) FILTER (WHERE q.status = '집행'), 0) AS actual, {label} AS label,
               any_value(t.division) AS division, any_value(t.page) AS page, arg_min(q.as_of, q.quarter) AS as_of
        FROM tasks t JOIN quarterly_execution q ON q.doc_id = t.doc_id AND q.item_id = t.item_id
             AND q.source_section = ? AND q.fiscal_year = t.fiscal_year
        GROUP BY t.doc_id, t.item_id ORDER BY min(t.ord)""", [*params, SUMMARY_SECTION])
    if raw.empty:
        return _quarter_wide(raw, unit)
    budget = pd.to_numeric(raw["budget"], errors="coerce")
    rate = [None if pd.isna(b) or not b else round(a * 100 / b, 1) for a, b in zip(raw["actual"], budget)]
    df = pd.DataFrame({
        "항목 ID": raw["item_id"], "번호": raw["task_no"], "사업명": raw["name"], "예산액": raw["budget"],
        **{f"{k}분기": raw[f"q{k}"] for k in range(1, 5)},
        "분기 합": raw["total"], "차이": raw["total"] - budget, "집행액(기준일)": raw["actual"], "집행률(%)": rate,
        "구분": raw["label"], "부서": raw["division"], "쪽수": raw["page"].astype("Int64"), "기준일": raw["as_of"]})
    return to_unit(df, ["예산액", "1분기", "2분기", "3분기", "4분기", "분기 합", "차이", "집행액(기준일)"], unit)


def quarterly_subitems(doc_id: str, task_item_id: str, unit: str = "천원") -> pd.DataFrame:
    raw = query("""
        SELECT b.doc_id, b.item_id, b.task_no, b.name, b.division, b.budget_original AS budget, b.page,
               b.fiscal_year, b.rowid AS ord, q.quarter, q.amount, q.status, q.as_of
        FROM budget_line b JOIN quarterly_execution q ON q.doc_id = b.doc_id AND q.item_id = b.item_id
             AND q.fiscal_year = b.fiscal_year
        WHERE b.doc_id = ? AND b.parent_item_id = ?
        ORDER BY b.is_total, ord, q.quarter""", [doc_id, task_item_id])
    return _quarter_wide(raw, unit)


def _quarter_wide(raw: pd.DataFrame, unit: str) -> pd.DataFrame:
    """One row per item (in order of first appearance) with its four quarters, as the rows of ``raw``
    give them; where an item has the same quarter twice, the later row counts (as a dict would keep it)."""
    if raw.empty:
        return pd.DataFrame(columns=["항목 ID", "사업명", "예산액", "1분기", "2분기", "3분기", "4분기", "분기 합",
                                     "차이", "집행액(기준일)", "집행률(%)", "부서", "쪽수", "기준일"])
    codes, keys = pd.factorize(raw["item_id"], sort=False)  # codes follow first appearance, like groupby(sort=False)
    n = len(keys)
    rows_of = np.flatnonzero(codes >= 0)
    _, first_at = np.unique(codes[rows_of], return_index=True)
    first = rows_of[first_at]  # each item's first row
    quarter = (raw["quarter"].to_numpy(dtype=np.int64) if pd.api.types.is_integer_dtype(raw["quarter"].dtype)
               and not raw["quarter"].hasnans else np.asarray([int(q) for q in raw["quarter"]], dtype=np.int64))
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
    labels = [" / ".join(f"{k}분기 {'실적' if d[k] else '계획'}" for k in range(1, 5)) for d in done.tolist()]
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
        "항목 ID": keys.tolist(), "번호": raw["task_no"].iloc[first].tolist(), "사업명": raw["name"].iloc[first].tolist(),
        "예산액": budget, **{f"{k}분기": by_quarter[k] for k in range(1, 5)},
        "분기 합": total_l, "차이": [(t - bv) if hb else None for t, bv, hb in zip(total_l, budget, has_budget)],
        "집행액(기준일)": actual_l, "집행률(%)": rate, "구분": labels,
        "부서": raw["division"].iloc[first].tolist(), "쪽수": raw["page"].iloc[first].tolist(),
        "기준일": raw["as_of"].iloc[first].tolist(),
    }
    df = pd.DataFrame(columns)
    df["쪽수"] = df["쪽수"].astype("Int64")
    return to_unit(df, ["예산액", "1분기", "2분기", "3분기", "4분기", "분기 합", "차이", "집행액(기준일)"], unit)


def quarterly_totals(f: Filters, unit: str = "천원") -> pd.DataFrame:
    """Per quarter over the filtered tasks: amount, actual/planned, cumulative share of the budget.

    Summed in DuckDB over the same tasks and quarter rows as quarterly_tasks (a task counts once, with
    the quarters of its plan; the table's key makes each quarter one row)."""
    tasks, params = _planned_tasks(f)
    raw = query(f"""
        WITH {tasks},
        lines AS (
            SELECT t.doc_id, t.item_id, t.budget, q.quarter, q.amount
            FROM tasks t JOIN quarterly_execution q ON q.doc_id = t.doc_id AND q.item_id = t.item_id
                 AND q.source_section = ? AND q.fiscal_year = t.fiscal_year),
        budget AS (SELECT sum(budget) AS budget FROM (SELECT DISTINCT doc_id, item_id, budget FROM lines))
        SELECT n.quarter, coalesce(sum(l.amount) FILTER (WHERE l.quarter = n.quarter), 0) AS amount,
               any_value(budget.budget) AS budget, count(l.item_id) AS line_count
        FROM range(1, 5) AS n(quarter) CROSS JOIN budget LEFT JOIN lines l ON TRUE
        GROUP BY n.quarter ORDER BY n.quarter""", [*params, SUMMARY_SECTION])
    if raw.empty or not raw["line_count"].iat[0]:
        return pd.DataFrame(columns=["분기", "금액", "구분", "누적 금액", "누적 비율(%)"])
    raw_status = query("""SELECT quarter, any_value(status) AS status, max(as_of) AS as_of
                          FROM quarterly_execution WHERE source_section = ? GROUP BY quarter""", [SUMMARY_SECTION])
    status = dict(zip(raw_status["quarter"].astype(int), raw_status["status"]))
    budget = raw["budget"].iat[0]
    amounts = [int(a) for a in raw["amount"]]
    running = np.cumsum(amounts).tolist()
    df = pd.DataFrame({
        "분기": [f"{q}분기" for q in range(1, 5)], "금액": amounts,
        "구분": ["실적(집행액)" if status.get(q) == "집행" else "계획(집행예정액)" for q in range(1, 5)],
        "누적 금액": running,
        "누적 비율(%)": [round(r * 100 / budget, 1) if pd.notna(budget) and budget else None for r in running]})
    return to_unit(df, ["금액", "누적 금액"], unit)


# ---------------------------------------------------------------- call center

def _call_where(f: Filters, date_col: str = "call_date") -> tuple[str, list]:
    """The filter on call-center rows; the year as a date range (same rows as year(date) = y, and the
    date-ordered tables can skip other years' row groups)."""
    o_sql, o_params = _org_sql(f)
    if f.year == YEAR_ALL:
        return o_sql, o_params
    if not f.year.isdigit():
        return "FALSE", []
    y = int(f.year)
    return (f"({o_sql}) AND {date_col} >= ? AND {date_col} < ?",
            o_params + [dt.date(y, 1, 1), dt.date(y + 1, 1, 1)])


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
    days = _src("call_center_day")
    cur = query(f"SELECT {_KPI_SQL} FROM {days} WHERE {cond}", params)
    if cur.empty or pd.isna(cur["inbound"].iat[0]):
        return None, None
    first, last = cur["first_day"].iat[0], cur["last_day"].iat[0]
    o_sql, o_params = _org_sql(f)
    prev = query(f"""SELECT {_KPI_SQL} FROM {days}
                     WHERE ({o_sql}) AND call_date BETWEEN (?::DATE - INTERVAL 1 YEAR) AND (?::DATE - INTERVAL 1 YEAR)""",
                 o_params + [first, last])
    prev_row = None if prev.empty or pd.isna(prev["inbound"].iat[0]) else prev.iloc[0]
    return cur.iloc[0], prev_row


def call_monthly(f: Filters) -> pd.DataFrame:
    cond, params = _call_where(f)
    return query(f"""
        SELECT strftime(date_trunc('month', call_date), '%Y-%m') AS 월, {_KPI_SQL}
        FROM {_src('call_center_day')} WHERE {cond} GROUP BY 1 ORDER BY 1""", params)


def call_breakdown(f: Filters, by: str) -> pd.DataFrame:
    column = {"topic": "topic", "channel": "channel"}[by]  # a checked identifier, never user text
    cond, params = _call_where(f, "month")
    return query(f"""SELECT {column} AS 구분, {_kpi_sql('first_day', 'last_day')} FROM {_src('call_center_month')}
                     WHERE {cond} GROUP BY 1 ORDER BY inbound DESC""", params)


def call_center_reported(f: Filters, unit: str = "천원") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Figures the reports print about the call center and civil service: budget lines and indicators."""
    cond, params = _where(f, "b")
    budget = query(f"""
        SELECT b.name, b.budget_original, b.budget_current, b.prior_final, b.committed, b.spent,
               b.rate_committed_printed, b.rate_spent_printed, b.doc_id, b.source_section, b.page, b.as_of, b.fiscal_year
        FROM budget_line b
        WHERE (b.name LIKE '%콜센터%' OR b.name LIKE '%민원%') AND NOT b.is_total AND {cond}
        ORDER BY b.doc_id, b.rowid""", params)
    budget_df = pd.DataFrame({
        "사업명": budget["name"], "연도": budget["fiscal_year"].astype("Int64"), "본예산": budget["budget_original"],
        "예산현액·추경": budget["budget_current"], "전년 최종예산": budget["prior_final"], "집행액": budget["committed"],
        "지출액": budget["spent"], "집행률(%)": budget["rate_committed_printed"],
        "지출률(%)": budget["rate_spent_printed"],
        "출처": budget["doc_id"] + " · " + budget["source_section"], "쪽수": budget["page"].astype("Int64"),
        "기준일": budget["as_of"]})
    budget_df = to_unit(budget_df, ["본예산", "예산현액·추경", "전년 최종예산", "집행액", "지출액"], unit)
    i_cond, i_params = _where(f, "i")
    ind = query(f"""
        SELECT i.indicator AS 지표, i.fiscal_year AS 연도, i.kind AS 구분, i.value AS 값, i.unit AS 단위,
               i.agency AS 기관, i.doc_id || ' · ' || i.source_section AS 출처, i.page AS 쪽수, i.as_of AS 기준일,
               i.note AS 비고
        FROM indicator i
        WHERE (i.doc_id = '003' OR i.indicator LIKE '%민원%' OR i.indicator LIKE '%콜센터%' OR i.indicator LIKE '%공문%'
               OR i.indicator LIKE '%정보공개%' OR i.source_section LIKE '%민원%' OR i.source_section LIKE '%공문%')
          AND {i_cond}
        ORDER BY i.doc_id, i.indicator, i.fiscal_year""", i_params)
    ind["연도"] = ind["연도"].astype("Int64")
    ind["쪽수"] = ind["쪽수"].astype("Int64")
    return budget_df, ind


# ---------------------------------------------------------------- training targets vs actuals

# Names of the same 세부사업 differ slightly between the 목표 table and the 계획/실적 lines
# ("인공지능(AI) 및 디지털 활용" vs "인공지능 및 디지털활용"): match on letters and digits only,
# without parenthesised asides.
_NAME_KEY = "regexp_replace(regexp_replace(coalesce({x}, ''), '\\([^)]*\\)', '', 'g'), '[^0-9A-Za-z가-힣]', '', 'g')"


def training_categories(f: Filters) -> list[str]:
    cond, params = _where(f)
    df = query(f"SELECT DISTINCT category FROM training_result WHERE category IS NOT NULL AND {cond} ORDER BY 1",
               params)
    return df["category"].tolist()


def _training_lines_cte(f: Filters, category: str | None) -> tuple[str, list]:
    cond, params = _org_sql(f, "r")
    cat_sql = "TRUE"
    if category:
        cat_sql = "r.category = ?"
        params = [*params, category]
    if f.year_int is not None:
        # Only the chosen year's lines and the year before (전년 실적) are ever summed.
        cat_sql += " AND r.fiscal_year IN (?, ?)"
        params = [*params, f.year_int, f.year_int - 1]
    # training_result_key: the lines with a 과제 and their name key (_NAME_KEY) computed at build time.
    return f"""
        lines AS (
            SELECT r.doc_id, r.task_item_id, r.gk, r.kind, r.fiscal_year, r.courses, r.trainees, r.as_of
            FROM {_src('training_result_key')} r WHERE r.task_item_id IS NOT NULL AND ({cond}) AND {cat_sql})""", params


def training_by_task(f: Filters, category: str | None = None) -> pd.DataFrame:
    """Per 과제: target (sum of its 추진 목표), plan, actual at the as-of date, achievement, and last year's actual."""
    t_cond, t_params = _where(f, "t")
    lines, l_params = _training_lines_cte(f, category)
    return query(f"""
        WITH targets AS (
            SELECT t.doc_id, t.task_item_id, t.fiscal_year, sum(t.target_courses) AS target_courses,
                   sum(t.target_trainees) AS target_trainees, any_value(t.division) AS division,
                   any_value(t.page) AS page, count(*) AS n_targets
            FROM training_target t WHERE t.task_item_id IS NOT NULL AND {t_cond} GROUP BY ALL),
        {lines}
        SELECT tg.task_item_id AS "과제 ID", any_value(b.task_no) AS 번호, any_value(b.name) AS 과제명,
               any_value(tg.target_courses) AS "목표 과정", any_value(tg.target_trainees) AS "목표 인원",
               sum(l.courses) FILTER (WHERE l.kind = '계획' AND l.fiscal_year = tg.fiscal_year) AS "계획 과정",
               sum(l.trainees) FILTER (WHERE l.kind = '계획' AND l.fiscal_year = tg.fiscal_year) AS "계획 인원",
               sum(l.courses) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = tg.fiscal_year) AS "실적 과정",
               sum(l.trainees) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = tg.fiscal_year) AS "실적 인원",
               sum(l.courses) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = tg.fiscal_year - 1) AS "전년 실적 과정",
               sum(l.trainees) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = tg.fiscal_year - 1) AS "전년 실적 인원",
               max(l.as_of) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = tg.fiscal_year) AS 기준일,
               any_value(tg.division) AS 부서, tg.doc_id || ' · ' || any_value(tg.task_item_id) AS 출처,
               any_value(tg.page) AS 쪽수, tg.fiscal_year AS 연도
        FROM targets tg
        LEFT JOIN lines l ON l.doc_id = tg.doc_id AND l.task_item_id = tg.task_item_id
        LEFT JOIN {_src('training_task_name')} b ON b.doc_id = tg.doc_id AND b.item_id = tg.task_item_id
        GROUP BY tg.doc_id, tg.task_item_id, tg.fiscal_year
        ORDER BY tg.doc_id, tg.task_item_id""", [*t_params, *l_params]).pipe(_with_achievement)


def training_by_line(f: Filters, category: str | None = None) -> pd.DataFrame:
    """Per 세부사업 (추진 목표 row): target, plan and actual lines matched by name within the 과제."""
    t_cond, t_params = _where(f, "t")
    lines, l_params = _training_lines_cte(f, category)
    return query(f"""
        WITH targets AS (
            SELECT t.* FROM {_src('training_target_key')} t WHERE {t_cond}),
        {lines}
        SELECT t.task_item_id AS "과제 ID", t.target_name AS 세부사업, t.period AS 추진시기,
               t.target_courses AS "목표 과정", t.target_trainees AS "목표 인원", t.quantity_text AS "물량(인쇄)",
               sum(l.courses) FILTER (WHERE l.kind = '계획' AND l.fiscal_year = t.fiscal_year) AS "계획 과정",
               sum(l.trainees) FILTER (WHERE l.kind = '계획' AND l.fiscal_year = t.fiscal_year) AS "계획 인원",
               sum(l.courses) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = t.fiscal_year) AS "실적 과정",
               sum(l.trainees) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = t.fiscal_year) AS "실적 인원",
               sum(l.courses) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = t.fiscal_year - 1) AS "전년 실적 과정",
               sum(l.trainees) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = t.fiscal_year - 1) AS "전년 실적 인원",
               max(l.as_of) FILTER (WHERE l.kind = '실적' AND l.fiscal_year = t.fiscal_year) AS 기준일,
               t.division AS 부서, t.doc_id || ' · ' || t.source_section AS 출처, t.page AS 쪽수, t.fiscal_year AS 연도
        FROM targets t
        LEFT JOIN lines l ON l.doc_id = t.doc_id AND l.task_item_id = t.task_item_id AND l.gk = t.gk
        GROUP BY ALL ORDER BY min(t.ord)""", [*t_params, *l_params]).pipe(_with_achievement)


def _with_achievement(df: pd.DataFrame) -> pd.DataFrame:
    for c in ("목표 과정", "목표 인원", "계획 과정", "계획 인원", "실적 과정", "실적 인원", "전년 실적 과정", "전년 실적 인원",
              "쪽수", "연도"):
        if c in df:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    df.insert(df.columns.get_loc("실적 인원") + 1, "달성률(%)", _rate(df["실적 인원"], df["목표 인원"]))
    df.insert(df.columns.get_loc("달성률(%)") + 1, "과정 달성률(%)", _rate(df["실적 과정"], df["목표 과정"]))
    return df


def training_by_category(f: Filters) -> pd.DataFrame:
    """Plan vs actual per 연수 구분 ([초등], [중등], [원격] …) for the filtered year."""
    cond, params = _where(f)
    df = query(f"""
        SELECT coalesce(category, '(구분 없음)') AS "연수 구분", fiscal_year AS 연도,
               sum(courses) FILTER (WHERE kind = '계획') AS "계획 과정", sum(trainees) FILTER (WHERE kind = '계획') AS "계획 인원",
               sum(courses) FILTER (WHERE kind = '실적') AS "실적 과정", sum(trainees) FILTER (WHERE kind = '실적') AS "실적 인원",
               max(as_of) FILTER (WHERE kind = '실적') AS 기준일
        FROM training_result WHERE task_item_id IS NOT NULL AND {cond}
        GROUP BY ALL ORDER BY 연도 DESC, "실적 인원" DESC NULLS LAST""", params)
    for c in ("계획 과정", "계획 인원", "실적 과정", "실적 인원", "연도"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    df["계획 대비(%)"] = _rate(df["실적 인원"], df["계획 인원"])
    return df


def training_overview_table(f: Filters) -> pd.DataFrame:
    y_sql, y_params = year_sql(f)
    return query(f"""SELECT fiscal_year AS 연도, target_group AS 연수대상, training_type AS 연수종별, courses AS 운영과정,
                            trainees AS 이수인원, is_total AS 합계행, doc_id || ' · ' || source_section AS 출처, as_of AS 기준일
                     FROM training_overview WHERE {y_sql} ORDER BY rowid""", y_params)


# ---------------------------------------------------------------- overview

def headline(f: Filters, training: pd.DataFrame | None = None) -> dict:
    """Headline figures for the overview cards, for the latest year the filter has budget data in.

    ``training`` is training_by_task(f) when the caller already has it (the overview charts it too)."""
    summary = budget_summary(f)
    out: dict = {"year": None}
    if not summary.empty:
        known = summary.dropna(subset=["fiscal_year"])
        year = int(known["fiscal_year"].max()) if not known.empty else None
        rows = summary[summary["fiscal_year"] == year] if year is not None else summary
        budget = rows["budget_current"].sum(min_count=1)
        with_exec = rows["budget_with_execution"].sum(min_count=1)
        committed = rows["committed"].sum(min_count=1)
        prior = rows["prior"].sum(min_count=1)
        out.update(year=year, budget=budget, committed=committed, prior=prior,
                   execution_rate=round(committed * 100 / with_exec, 1) if pd.notna(with_exec) and with_exec else None,
                   budget_as_of=rows["as_of"].max(), budget_docs=", ".join(sorted(rows["doc_id"].unique())))
    tasks = training_by_task(f) if training is None else training
    if not tasks.empty:
        t = tasks.dropna(subset=["목표 인원", "실적 인원"])
        if not t.empty:
            out["training_rate"] = round(float(t["실적 인원"].sum()) * 100 / float(t["목표 인원"].sum()), 1)
            out["training_as_of"] = t["기준일"].max()
            prev = t.dropna(subset=["전년 실적 인원"])
            out["training_prev_trainees"] = int(prev["전년 실적 인원"].sum()) if not prev.empty else None
            out["training_trainees"] = int(t["실적 인원"].sum())
    current, previous = call_kpis(f)
    if current is not None:
        out["answer_rate"] = current["answer_rate"]
        out["answer_rate_prev"] = None if previous is None else previous["answer_rate"]
        out["call_as_of"] = current["last_day"]
        out["call_sample"] = bool(current["is_sample"])
    return out
