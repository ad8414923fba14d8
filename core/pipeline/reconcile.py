"""Recompute every printed total and rate from its parts.

The reports are kept as printed; where they contradict themselves, each
difference becomes one row of the data-quality report. The checks are SQL
over the tables (or views) named like the extracts, so they run on the
built DuckDB file, on Parquet extracts, or on a single file being ingested.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from core.labels import REPEAT_IN_TASK, REPEAT_OF_OTHER_TASK

from .formulas import formula_differences
from .schema import BUDGET_LINE, MONEY_UNITS, TABLES

RESULT_COLUMNS = [
    "table_name",
    "doc_id",
    "source_section",
    "page",
    "item_id",
    "name",
    "check_name",
    "measure",
    "printed_value",
    "computed_value",
    "difference",
    "unit",
    "explanation",
]

_MONEY = [c for c in BUDGET_LINE.total_columns]
_LABEL = {c.name: c.label for t in TABLES.values() for c in t.columns}
_FACTOR_SQL = "CASE unit " + " ".join(f"WHEN '{u}' THEN {f}" for u, f in MONEY_UNITS.items()) + " ELSE 1 END"


def _rate_ok(printed: str, exact: str) -> str:
    """Printed rates are sometimes truncated, sometimes rounded to one decimal: both are accepted."""
    return f"(abs({printed} - round({exact}, 1)) < 0.001 OR abs({printed} - trunc(({exact}) * 10) / 10) < 0.001)"


def _budget_wide(alias: str, prefix: str) -> str:
    """The money columns of ``alias`` as ``prefix<column>`` (one column per measure, before the unpivot)."""
    return ", ".join(f"{alias}.{c} AS {prefix}{c}" for c in _MONEY)


def _budget_sums() -> str:
    return ", ".join(f"sum({c}) AS s_{c}" for c in _MONEY)


def _budget_unpivot(source: str) -> str:
    """One row per (row of ``source``, measure) with ``amount`` (a_<measure>) and ``s`` (s_<measure>), NULLs kept."""
    pairs = ", ".join(f"(a_{c}, s_{c}) AS {c}" for c in _MONEY)
    return f"{source} UNPIVOT INCLUDE NULLS ((amount, s) FOR measure IN ({pairs}))"


def _budget_checks() -> list[str]:
    # The two checks below compare each money column of a row with a sum over other rows. They aggregate
    # the rows with every column side by side and unpivot only the rows compared, which gives the same
    # rows as unpivoting all of budget_line first (sum ignores NULLs per column either way).
    label_case = "CASE measure " + " ".join(f"WHEN '{m}' THEN '{_LABEL[m]}'" for m in _MONEY) + " END"
    totals = f"""
        WITH t AS (SELECT doc_id, source_section, page, unit, coalesce(fiscal_year, -1) AS fy,
                          coalesce(parent_item_id, '') AS parent, item_id, name, {_budget_wide("budget_line", "a_")}
                   FROM budget_line WHERE is_total),
        items AS (SELECT doc_id, source_section, coalesce(fiscal_year, -1) AS fy,
                         coalesce(parent_item_id, '') AS parent, {", ".join(_MONEY)}
                  FROM budget_line WHERE NOT is_total),
        parts AS (SELECT doc_id, source_section, fy, parent, {_budget_sums()}
                  FROM items SEMI JOIN t USING (doc_id, source_section, fy, parent) GROUP BY ALL),
        w AS (SELECT t.*, {", ".join(f"s_{c}" for c in _MONEY)}
              FROM t LEFT JOIN parts p USING (doc_id, source_section, fy, parent))
        SELECT 'budget_line', doc_id, source_section, page, item_id, name, '합계 불일치',
               {label_case}, coalesce(amount, 0) / {_FACTOR_SQL}, coalesce(s, 0) / {_FACTOR_SQL}, NULL, unit,
               '인쇄된 합계 행이 같은 표의 항목 합과 다름'
        FROM {_budget_unpivot("w")}
        WHERE coalesce(amount, 0) <> coalesce(s, 0)
    """
    # A parent item against the sum of its children, one comparison per table the children appear in.
    hierarchy = f"""
        WITH kids AS (SELECT doc_id, coalesce(fiscal_year, -1) AS fy, parent_item_id AS parent,
                             source_section AS child_section, count(*) AS n, {_budget_sums()}
                      FROM budget_line WHERE NOT is_total AND coalesce(parent_item_id, '') <> ''
                      GROUP BY doc_id, fy, parent, child_section),
        w AS (SELECT p.doc_id, p.source_section, p.page, p.unit, p.item_id, p.name, k.child_section, k.n,
                     {_budget_wide("p", "a_")}, {", ".join(f"k.s_{c}" for c in _MONEY)}
              FROM budget_line p JOIN kids k ON k.doc_id = p.doc_id AND k.fy = coalesce(p.fiscal_year, -1)
                                            AND k.parent = p.item_id
              WHERE NOT p.is_total)
        SELECT 'budget_line', doc_id, source_section, page, item_id, name, '상위 항목 ≠ 하위 항목 합',
               {label_case}, amount / {_FACTOR_SQL}, s / {_FACTOR_SQL}, NULL, unit,
               '하위 항목(' || child_section || ', ' || n || '개)의 합과 다름'
        FROM {_budget_unpivot("w")}
        WHERE amount IS NOT NULL AND s IS NOT NULL AND amount <> s
    """
    rate_rules = [
        ("rate_committed_printed", "committed", "집행률 불일치", "원인행위액 ÷ 예산현액(없으면 본예산) × 100"),
        ("rate_spent_printed", "spent", "지출률 불일치", "지출액 ÷ 예산현액(없으면 본예산) × 100"),
    ]
    rates = []
    for rate_col, amount_col, label, why in rate_rules:
        rates.append(f"""
            SELECT 'budget_line', doc_id, source_section, page, item_id, name, '{label}', '{_LABEL[rate_col]}',
                   {rate_col}, round(100.0 * coalesce({amount_col}, 0) / coalesce(budget_current, budget_original), 2),
                   NULL, '%', '{why}'
            FROM budget_line
            WHERE {rate_col} IS NOT NULL AND coalesce(budget_current, budget_original, 0) <> 0
              AND NOT {_rate_ok(rate_col, f"100.0 * coalesce({amount_col}, 0) / coalesce(budget_current, budget_original)")}
        """)
    change = f"""
        SELECT 'budget_line', doc_id, source_section, page, item_id, name, '증감 불일치', '{_LABEL["change_printed"]}',
               change_printed / {_FACTOR_SQL}, (coalesce(budget_original, 0) - coalesce(prior_original, 0)) / {_FACTOR_SQL},
               NULL, unit, '본예산 − 전년 본예산'
        FROM budget_line
        WHERE change_printed IS NOT NULL
          AND change_printed <> coalesce(budget_original, 0) - coalesce(prior_original, 0)
    """
    change_rate = f"""
        SELECT 'budget_line', doc_id, source_section, page, item_id, name, '증감율 불일치',
               '{_LABEL["change_rate_printed"]}', change_rate_printed,
               round(100.0 * (coalesce(budget_original, 0) - prior_original) / prior_original, 2), NULL, '%',
               '(본예산 − 전년 본예산) ÷ 전년 본예산 × 100'
        FROM budget_line
        WHERE change_rate_printed IS NOT NULL AND coalesce(prior_original, 0) <> 0
          AND NOT {_rate_ok("change_rate_printed", "100.0 * (coalesce(budget_original, 0) - prior_original) / prior_original")}
    """
    multi_year = f"""
        SELECT 'budget_line', doc_id, any_value(source_section), any_value(page), item_id, any_value(name),
               '다년도 계 불일치', '{_LABEL["multi_year_total"]}', any_value(multi_year_total) / any_value({_FACTOR_SQL}),
               coalesce(sum(budget_original), 0) / any_value({_FACTOR_SQL}), NULL, any_value(unit),
               '연차별 금액의 합과 다름'
        FROM budget_line WHERE multi_year_total IS NOT NULL
        GROUP BY doc_id, item_id
        HAVING any_value(multi_year_total) <> coalesce(sum(budget_original), 0)
    """
    # "a.counterpart_item_id IS NOT NULL" only restates what the join condition requires; it lets DuckDB
    # hash the few rows that name a counterpart instead of all of budget_line.
    counterpart = []
    for m in ("budget_original", "budget_current", "prior_final", "committed", "spent"):
        counterpart.append(f"""
            SELECT 'budget_line', a.doc_id, a.source_section, a.page, a.item_id, a.name, '표 간 불일치',
                   '{_LABEL[m]}', a.{m} / {_FACTOR_SQL.replace("unit", "a.unit")},
                   b.{m} / {_FACTOR_SQL.replace("unit", "a.unit")}, NULL, a.unit,
                   '같은 사업의 다른 표(' || b.source_section || ' · ' || b.name || ') 값과 다름'
            FROM budget_line a JOIN budget_line b ON b.doc_id = a.doc_id AND b.item_id = a.counterpart_item_id
                 AND b.fiscal_year IS NOT DISTINCT FROM a.fiscal_year
            WHERE a.counterpart_item_id IS NOT NULL AND a.{m} IS NOT NULL AND b.{m} IS NOT NULL AND a.{m} <> b.{m}
        """)
    return [totals, hierarchy, *rates, change, change_rate, multi_year, *counterpart]


def _quarter_checks(with_budget: bool) -> list[str]:
    checks = [
        f"""
        WITH parts AS (SELECT doc_id, source_section, fiscal_year, quarter, sum(amount) AS s
                       FROM quarterly_execution WHERE NOT is_total GROUP BY ALL)
        SELECT 'quarterly_execution', q.doc_id, q.source_section, q.page, q.item_id, q.item_id, '분기 합계 불일치',
               q.quarter || '분기', q.amount / {_FACTOR_SQL.replace("unit", "q.unit")},
               coalesce(p.s, 0) / {_FACTOR_SQL.replace("unit", "q.unit")}, NULL, q.unit,
               '인쇄된 계 행이 같은 표의 분기 금액 합과 다름'
        FROM quarterly_execution q LEFT JOIN parts p USING (doc_id, source_section, fiscal_year, quarter)
        WHERE q.is_total AND coalesce(q.amount, 0) <> coalesce(p.s, 0)
    """
    ]
    if with_budget:
        checks.append(f"""
            WITH q AS (SELECT doc_id, source_section, item_id, fiscal_year, any_value(page) AS page,
                              any_value(unit) AS unit, sum(coalesce(amount, 0)) AS s
                       FROM quarterly_execution GROUP BY ALL),
            b AS (SELECT doc_id, item_id, fiscal_year, any_value(name) AS name, max(budget_original) AS budget
                  FROM budget_line WHERE budget_original IS NOT NULL GROUP BY ALL)
            SELECT 'quarterly_execution', q.doc_id, q.source_section, q.page, q.item_id, b.name,
                   '분기 합 ≠ 예산', '{_LABEL["budget_original"]}', b.budget / {_FACTOR_SQL.replace("unit", "q.unit")},
                   q.s / {_FACTOR_SQL.replace("unit", "q.unit")}, NULL, q.unit, '1~4분기 금액의 합이 예산액과 다름'
            FROM q JOIN b USING (doc_id, item_id, fiscal_year)
            WHERE q.s <> b.budget
        """)
        # A task page's 계 row against the same task's quarters in the summary table.
        checks.append(f"""
            WITH t AS (SELECT q.doc_id, q.fiscal_year, q.quarter, q.amount, q.unit, q.page, q.source_section,
                              bl.parent_item_id AS task
                       FROM quarterly_execution q
                       JOIN budget_line bl ON bl.doc_id = q.doc_id AND bl.item_id = q.item_id
                                          AND bl.fiscal_year IS NOT DISTINCT FROM q.fiscal_year
                       WHERE q.is_total AND bl.is_total AND bl.parent_item_id IS NOT NULL)
            SELECT 'quarterly_execution', t.doc_id, s.source_section, s.page, t.task, t.task, '분기 계획 표 간 불일치',
                   t.quarter || '분기', s.amount / {_FACTOR_SQL.replace("unit", "s.unit")},
                   t.amount / {_FACTOR_SQL.replace("unit", "t.unit")}, NULL, s.unit,
                   '과제 쪽의 계(' || t.source_section || ')와 다름'
            FROM t JOIN quarterly_execution s ON s.doc_id = t.doc_id AND s.item_id = t.task
                   AND s.fiscal_year = t.fiscal_year AND s.quarter = t.quarter
            WHERE coalesce(s.amount, 0) <> coalesce(t.amount, 0)
        """)
    return checks


def _count_total_checks(table: str, group_cols: str, measures: tuple[str, ...], name_col: str) -> list[str]:
    out = []
    for m in measures:
        out.append(f"""
            WITH parts AS (SELECT doc_id, source_section, {group_cols}, sum({m}) AS s
                           FROM {table} WHERE NOT is_total GROUP BY ALL)
            SELECT '{table}', t.doc_id, t.source_section, t.page, NULL, t.{name_col}, '합계 불일치', '{_LABEL[m]}',
                   t.{m}, coalesce(p.s, 0), NULL, t.unit, '인쇄된 합계 행이 항목 합과 다름'
            FROM {table} t LEFT JOIN parts p USING (doc_id, source_section, {group_cols})
            WHERE t.is_total AND t.{m} IS NOT NULL AND t.{m} <> coalesce(p.s, 0)
        """)
    return out


def _headcount_checks() -> list[str]:
    # A 소계 row sums its own staff group; any other total row sums every non-total row of the table.
    out = []
    for m in ("authorized", "current"):
        out.append(f"""
            SELECT 'headcount', t.doc_id, t.source_section, t.page, NULL, coalesce(t.staff_group || ' ', '') || t.grade,
                   '합계 불일치', '{_LABEL[m]}', t.{m},
                   (SELECT coalesce(sum(p.{m}), 0) FROM headcount p
                     WHERE NOT p.is_total AND p.doc_id = t.doc_id AND p.source_section = t.source_section
                       AND (t.grade NOT LIKE '%소계%' OR p.staff_group IS NOT DISTINCT FROM t.staff_group)) AS s,
                   NULL, t.unit, '인쇄된 합계 행이 항목 합과 다름'
            FROM headcount t
            WHERE t.is_total AND t.{m} IS NOT NULL
              AND t.{m} <> (SELECT coalesce(sum(p.{m}), 0) FROM headcount p
                     WHERE NOT p.is_total AND p.doc_id = t.doc_id AND p.source_section = t.source_section
                       AND (t.grade NOT LIKE '%소계%' OR p.staff_group IS NOT DISTINCT FROM t.staff_group))
        """)
    return out


def _target_plan_checks() -> list[str]:
    """A 과제's 추진 목표 against the sum of its own plan lines (each counted once)."""
    in_task = _sql_text(REPEAT_IN_TASK)
    out = []
    for target_col, line_col, unit in (("target_courses", "courses", "과정"), ("target_trainees", "trainees", "명")):
        out.append(f"""
            WITH tg AS (SELECT doc_id, task_item_id, fiscal_year, min(source_section) AS section, min(page) AS page,
                               sum({target_col}) AS v
                        FROM training_target WHERE task_item_id IS NOT NULL GROUP BY ALL),
            pl AS (SELECT doc_id, task_item_id, fiscal_year, sum({line_col}) AS v FROM training_result
                   WHERE kind = '계획' AND task_item_id IS NOT NULL AND repeat IS DISTINCT FROM {in_task} GROUP BY ALL)
            SELECT 'training_target', tg.doc_id, tg.section, tg.page, tg.task_item_id, tg.section, '목표 ≠ 계획',
                   '{_LABEL[target_col]}', tg.v, pl.v, NULL, '{unit}',
                   '추진 목표 표의 물량과 같은 과제 추진 계획 줄의 합이 다름 (대시보드: 달성률의 분모는 추진 목표)'
            FROM tg JOIN pl USING (doc_id, task_item_id, fiscal_year)
            WHERE tg.v IS NOT NULL AND pl.v IS NOT NULL AND tg.v <> pl.v
        """)
    return out


def _repeat_checks() -> list[str]:
    """Every line marked as printed twice, and unmarked lines of two 과제 that look like one course."""
    in_task, other = _sql_text(REPEAT_IN_TASK), _sql_text(REPEAT_OF_OTHER_TASK)
    out = []
    out.append(f"""
        SELECT 'training_result', doc_id, source_section, page, task_item_id, program, '중복 기재', kind || ' 인원',
               trainees, NULL, NULL, '명',
               repeat || ': ' || coalesce(repeat_of, '-') || ' (대시보드: ' ||
               CASE repeat WHEN {in_task} THEN '어느 합계에도 넣지 않음'
                           WHEN {other} THEN '이 과제의 합계에는 넣고 과제를 넘는 합계에서 뺌'
                           ELSE '과제를 넘는 합계에서 뺌' END || ')'
        FROM training_result WHERE repeat IS NOT NULL AND task_item_id IS NOT NULL
    """)
    # Lines of two 과제 with the same numbers, neither marked: a repeat nobody has marked yet.
    out.append(f"""
        SELECT 'training_result', b.doc_id, b.source_section, b.page, b.task_item_id, b.program, '중복 의심',
               b.kind || ' 인원', b.trainees, a.trainees, NULL, '명',
               '다른 과제 줄(' || a.source_section || ' · ' || a.program || ')과 과정 수·인원이 같고 중복 표시가 없음 '
               || '(대시보드: 두 줄 모두 셈)'
        FROM training_result a JOIN training_result b
          ON a.doc_id = b.doc_id AND a.fiscal_year = b.fiscal_year AND a.kind = b.kind AND a.courses = b.courses
         AND a.trainees = b.trainees AND a.task_item_id < b.task_item_id
        WHERE a.repeat IS NULL AND b.repeat IS NULL AND b.trainees >= {_DUPLICATE_MIN_TRAINEES}
          AND ({_squeezed("a.program")} = {_squeezed("b.program")} OR b.trainees % 10 <> 0)
    """)
    return out


def _line_total_checks() -> list[str]:
    """The 추진 실적 lines of a year, each course once, against the report's printed annual total."""
    out = []
    for col, unit in (("courses", "과정"), ("trainees", "명")):
        out.append(f"""
            WITH lines AS (SELECT doc_id, fiscal_year, sum({col}) AS v FROM training_result
                           WHERE kind = '실적' AND task_item_id IS NOT NULL AND repeat IS NULL GROUP BY ALL)
            SELECT 'training_overview', o.doc_id, o.source_section, o.page, NULL, '인쇄된 총계',
                   '실적 줄 합 ≠ 인쇄 총계', '{_LABEL[col]}', o.{col}, l.v, NULL, '{unit}',
                   '과제별 추진 실적 줄을 과정마다 한 번 센 합 (과제 밖 과정은 줄로 인쇄되지 않음; '
                   || '대시보드: 연간 합계는 인쇄 총계)'
            FROM training_overview o JOIN lines l USING (doc_id, fiscal_year)
            WHERE o.is_total AND o.{col} IS NOT NULL AND o.{col} <> l.v
        """)
    return out


# Two lines with equal numbers below this many trainees are too common to suggest a repeat; so are equal
# round tens (planned class sizes, e.g. 2과정 120명 in three 과제) unless the course names agree too.
_DUPLICATE_MIN_TRAINEES = 100


def _squeezed(column: str) -> str:
    """A course name without spaces and punctuation, for comparing two printings of one line."""
    return f"regexp_replace({column}, '[^0-9A-Za-z가-힣]', '', 'g')"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _run(con: duckdb.DuckDBPyConnection, queries: list[str], extra: pd.DataFrame | None = None) -> pd.DataFrame:
    frames = []
    if queries:
        sql = " UNION ALL ".join(f"({q})" for q in queries)
        df = con.execute(f"SELECT * FROM ({sql}) AS d").df()
        df.columns = RESULT_COLUMNS
        frames.append(df)
    if extra is not None and not extra.empty:
        frames.append(extra[RESULT_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    df["printed_value"] = pd.to_numeric(df["printed_value"], errors="coerce")
    df["computed_value"] = pd.to_numeric(df["computed_value"], errors="coerce")
    df["difference"] = df["printed_value"] - df["computed_value"]
    df = df.sort_values(
        ["doc_id", "table_name", "source_section", "item_id", "check_name", "measure"],
        na_position="first",
        kind="stable",
    ).reset_index(drop=True)
    return df


def _existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def differences(con: duckdb.DuckDBPyConnection, totals_only: bool = False) -> pd.DataFrame:
    """All differences in the tables the connection has.

    ``totals_only`` keeps the printed totals and rates checked against their parts and leaves out the
    findings between tables and lines (target vs plan, lines printed twice), which are not errors of a file."""
    present = _existing(con)
    queries: list[str] = []
    if "budget_line" in present:
        queries += _budget_checks()
    if "quarterly_execution" in present:
        queries += _quarter_checks("budget_line" in present)
    if "training_overview" in present:
        queries += _count_total_checks("training_overview", "fiscal_year", ("courses", "trainees"), "target_group")
    if "headcount" in present:
        queries += _headcount_checks()
    if totals_only:
        return _run(con, queries)
    if {"training_target", "training_result"} <= present:
        queries += _target_plan_checks()
    if "training_result" in present:
        queries += _repeat_checks()
    if {"training_result", "training_overview"} <= present:
        queries += _line_total_checks()
    return _run(con, queries, formula_differences(con) if "indicator" in present else None)


def differences_for_frame(table_name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Differences within one table's rows alone (used to vet a file being ingested)."""
    con = duckdb.connect()
    try:
        con.register(f"{table_name}_frame", frame)
        con.execute(f"CREATE TABLE {table_name} AS SELECT * FROM {table_name}_frame")
        return differences(con, totals_only=True)
    finally:
        con.close()


def format_report(df: pd.DataFrame) -> str:
    if df.empty:
        return "데이터 품질 점검: 모든 인쇄 합계와 비율이 부분의 합과 일치합니다."
    lines = [f"데이터 품질 점검: 보고서 안의 불일치 {len(df)}건 (인쇄값은 그대로 보존)", ""]
    for r in df.itertuples(index=False):
        page = f" p.{int(r.page)}" if pd.notna(r.page) else ""
        lines.append(
            f"- [{r.doc_id}{page}] {r.source_section} · {r.name} ({r.item_id if isinstance(r.item_id, str) else '-'}) · {r.check_name} · "
            f"{r.measure}: 인쇄 {_fmt(r.printed_value)} / 재계산 {_fmt(r.computed_value)} "
            f"(차이 {_fmt(r.difference)} {r.unit}) — {r.explanation}"
        )
    return "\n".join(lines)


def _fmt(v) -> str:
    if v is None or pd.isna(v):
        return "-"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"
