"""연수 목표 대비 실적: per 과제 and 세부사업, target, plan and actual; per 연수 구분; the printed overview."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from core.dashboard.db import query
from core.dashboard.filters import YEAR_ALL, Filters, Params, year_sql
from core.dashboard.queries.common import decisions_first, division_label, ids_last, org_condition, rate, where


def training_categories(f: Filters) -> list[str]:
    cond, params = where(f)
    df = query(
        f"SELECT DISTINCT category FROM training_result WHERE category IS NOT NULL AND {cond} ORDER BY 1", params
    )
    return df["category"].tolist()


def _training_lines_cte(f: Filters, category: str | None) -> tuple[str, Params]:
    cond, params = org_condition(f, "r")
    cat_sql = "TRUE"
    if category:
        cat_sql = "r.category = $category"
        params = {**params, "category": category}
    if f.year_int is not None:
        # Only the chosen year's lines and the year before (전년 실적) are ever summed.
        cat_sql += " AND r.fiscal_year IN ($year, $year - 1)"
        params = {**params, "year": f.year_int}
    # training_result_key: the lines with a 과제 and their name key (the name_key macro) computed at build time.
    # A line restating another line of the same 과제 (in_task_total false) is never summed.
    return (
        f"""
        lines AS (
            SELECT r.doc_id, r.task_item_id, r.gk, r.kind, r.fiscal_year, r.courses, r.trainees, r.as_of,
                   r.in_cross_task_total
            FROM training_result_key r WHERE r.in_task_total AND ({cond}) AND {cat_sql})""",
        params,
    )


def training_by_task(f: Filters, category: str | None = None) -> pd.DataFrame:
    """Per 과제: target (sum of its 추진 목표), plan, actual at the as-of date, achievement, and last year's actual."""
    t_cond, t_params = where(f, "t")
    lines, l_params = _training_lines_cte(f, category)
    return query(
        f"""
        WITH targets AS (
            SELECT t.doc_id, t.task_item_id, t.fiscal_year, sum(t.target_courses) AS target_courses,
                   sum(t.target_trainees) AS target_trainees, any_value(t.agency) AS agency,
                   any_value(t.division) AS division,
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
               count(*) FILTER (WHERE NOT l.in_cross_task_total AND l.fiscal_year = tg.fiscal_year)
                   AS "다른 과제와 겹친 줄",
               any_value(tg.agency) AS 기관, any_value(tg.division) AS 부서,
               tg.doc_id || ' · ' || any_value(tg.task_item_id) AS 출처, any_value(tg.page) AS 쪽수, tg.fiscal_year AS 연도
        FROM targets tg
        LEFT JOIN lines l ON l.doc_id = tg.doc_id AND l.task_item_id = tg.task_item_id
        LEFT JOIN training_task_name b ON b.doc_id = tg.doc_id AND b.item_id = tg.task_item_id
        GROUP BY tg.doc_id, tg.task_item_id, tg.fiscal_year
        ORDER BY tg.doc_id, tg.task_item_id""",
        {**t_params, **l_params},
    ).pipe(_with_achievement)


def training_by_line(f: Filters, category: str | None = None) -> pd.DataFrame:
    """Per 세부사업 (추진 목표 row): target, plan and actual lines matched by name within the 과제."""
    t_cond, t_params = where(f, "t")
    lines, l_params = _training_lines_cte(f, category)
    return query(
        f"""
        WITH targets AS (
            SELECT t.* FROM training_target_key t WHERE {t_cond}),
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
        GROUP BY ALL ORDER BY min(t.ord)""",
        {**t_params, **l_params},
    ).pipe(_with_achievement)


def _with_achievement(df: pd.DataFrame) -> pd.DataFrame:
    if "부서" in df:
        df["부서"] = division_label(df["부서"])
    for c in (
        "목표 과정",
        "목표 인원",
        "계획 과정",
        "계획 인원",
        "실적 과정",
        "실적 인원",
        "전년 실적 과정",
        "전년 실적 인원",
        "쪽수",
        "연도",
    ):
        if c in df:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    df.insert(df.columns.get_loc("실적 인원") + 1, "달성률(%)", rate(df["실적 인원"], df["목표 인원"]))
    df.insert(df.columns.get_loc("달성률(%)") + 1, "과정 달성률(%)", rate(df["실적 과정"], df["목표 과정"]))
    name = "과제명" if "과제명" in df else "세부사업"
    return ids_last(decisions_first(df, name, ["달성률(%)", "과정 달성률(%)"]))


def training_by_category(f: Filters) -> pd.DataFrame:
    """Plan vs actual per 연수 구분 ([초등], [중등], [원격] …) for the filtered year, counting each course once.

    The sum runs across 과제, so only lines printed once enter it: a line repeated under a second 과제,
    a restatement inside one 과제 and a line bundling other 과제' [원격] lines are left out and counted
    in "제외한 줄"."""
    cond, params = where(f)
    df = query(
        f"""
        SELECT coalesce(category, '(구분 없음)') AS "연수 구분", fiscal_year AS 연도,
               sum(courses) FILTER (WHERE kind = '계획' AND in_cross_task_total) AS "계획 과정",
               sum(trainees) FILTER (WHERE kind = '계획' AND in_cross_task_total) AS "계획 인원",
               sum(courses) FILTER (WHERE kind = '실적' AND in_cross_task_total) AS "실적 과정",
               sum(trainees) FILTER (WHERE kind = '실적' AND in_cross_task_total) AS "실적 인원",
               max(as_of) FILTER (WHERE kind = '실적') AS 기준일,
               count(*) FILTER (WHERE NOT in_cross_task_total) AS "제외한 줄"
        FROM training_result_key WHERE {cond}
        GROUP BY ALL ORDER BY 연도 DESC, "실적 인원" DESC NULLS LAST, "연수 구분"
        """,
        params,
    )
    for c in ("계획 과정", "계획 인원", "실적 과정", "실적 인원", "연도"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    df["계획 대비(%)"] = rate(df["실적 인원"], df["계획 인원"])
    return df


def category_years(f: Filters) -> list[int]:
    """Years with 계획·실적 lines for the filter's 기관·부서 (whatever year the filter picks)."""
    cond, params = where(replace(f, year=YEAR_ALL))
    df = query(f"SELECT DISTINCT fiscal_year FROM training_result_key WHERE {cond} ORDER BY 1", params)
    return [int(y) for y in df["fiscal_year"].dropna()]


def categories_side_by_side(f: Filters, first: int, second: int) -> tuple[pd.DataFrame, str]:
    """실적 per 연수 구분 in two years, adjacent, counting each course once; the change only when both years are
    whole years (an actual as of 12-31). Returns the table and the basis of its change column."""
    by_year = {y: training_by_category(replace(f, year=str(y))) for y in (first, second)}
    parts = []
    for y, df in by_year.items():
        parts.append(
            df[["연수 구분", "실적 과정", "실적 인원"]].rename(
                columns={"실적 과정": f"실적 과정 {y}", "실적 인원": f"실적 인원 {y}"}
            )
        )
    merged = parts[0].merge(parts[1], on="연수 구분", how="outer")
    as_of = {y: df["기준일"].dropna().max() for y, df in by_year.items()}
    partial = [
        f"{y}년은 {pd.Timestamp(d).date()}까지의 중간 실적"
        for y, d in as_of.items()
        if d is not None and not pd.isna(d) and (pd.Timestamp(d).month, pd.Timestamp(d).day) != (12, 31)
    ]
    if partial:
        return merged, "증감 없음: " + ", ".join(partial) + "이라 연간 실적과 기간이 다릅니다"
    merged["증감 인원"] = merged[f"실적 인원 {second}"] - merged[f"실적 인원 {first}"]
    return merged, f"증감 = {second}년 − {first}년 (두 해 모두 연간 실적)"


def training_repeats(f: Filters) -> pd.DataFrame:
    """계획·실적 lines the report prints more than once, with what they repeat: the rule's evidence on screen."""
    cond, params = where(f, "r")
    df = query(
        f"""
        SELECT r.fiscal_year AS 연도, r.kind AS "계획·실적", r.source_section AS 절, r.group_name AS 세부사업,
               r.category AS "연수 구분", r.program AS 과정명, r.courses AS 과정, r.trainees AS 인원,
               r.repeat AS "중복 기재", r.repeat_of AS "중복 대상",
               r.doc_id || ' · ' || r.source_section AS 출처, r.page AS 쪽수, r.as_of AS 기준일
        FROM training_result r
        WHERE r.repeat IS NOT NULL AND r.task_item_id IS NOT NULL AND {cond}
        ORDER BY r.rowid""",
        params,
    )
    for c in ("연도", "과정", "인원", "쪽수"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    return df


def training_overview_table(f: Filters) -> pd.DataFrame:
    y_sql, y_params = year_sql(f)
    return query(
        f"""SELECT fiscal_year AS 연도, target_group AS 연수대상, training_type AS 연수종별, courses AS 운영과정,
                            trainees AS 이수인원, is_total AS 합계행, doc_id || ' · ' || source_section AS 출처, as_of AS 기준일
                     FROM training_overview WHERE {y_sql} ORDER BY rowid""",
        y_params,
    )


@dataclass(frozen=True)
class TrainingView:
    tasks: pd.DataFrame  # training_by_task
    lines: pd.DataFrame  # training_by_line
    by_category: pd.DataFrame  # training_by_category
    overview: pd.DataFrame  # training_overview_table
    repeats: pd.DataFrame  # training_repeats


def training_view(f: Filters, category: str | None) -> TrainingView:
    """The training page for a filter and 연수 구분 (None: every category); nothing past the tasks when they are empty."""
    tasks = training_by_task(f, category)
    if tasks.empty:
        empty = pd.DataFrame()
        return TrainingView(tasks, empty, empty, empty, empty)
    return TrainingView(
        tasks=tasks,
        lines=training_by_line(f, category),
        by_category=training_by_category(f),
        overview=training_overview_table(f),
        repeats=training_repeats(f),
    )
