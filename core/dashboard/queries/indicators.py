"""성과지표 목표 대비 실적: every printed target outside the trainee counts, with the actuals set against it.

A target is a 추진 목표 row with a quantity other than courses or trainees (training_target.target_quantity)
or an indicator printed as 목표. An actual is set against a target only where the data says so
(indicator.target_ref): the report names them differently ('원어민 영어강사 활용 학교 영어교육 활동
지원' 60교 against '[중등] 원어민 학교 영어교육활동 지원 학교 수'), so names are never matched by
guess. Several actuals of one target are added only when they share its unit; 달성률 is formed only
when every actual counts the same thing as the target (indicator.target_basis = 같은 척도).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core import labels
from core.dashboard.db import query
from core.dashboard.filters import Filters
from core.dashboard.queries.common import ids_last, rate, where

NO_ACTUAL = "실적 인쇄 없음"
OTHER_MEASURE_NOTE = "목표와 세는 대상·기준이 달라 달성률 없음"
UNIT_MISMATCH = "단위가 달라 더하지 않음"


def indicator_targets(f: Filters) -> pd.DataFrame:
    """One row per printed target of the filter, with its actual of the same year and of the year before."""
    t_cond, t_params = where(f, "t")
    i_cond, i_params = where(f, "i")
    df = query(
        f"""
        WITH targets AS (
            SELECT t.doc_id, t.agency, t.division, t.fiscal_year, t.task_item_id, t.source_section, t.page,
                   t.target_name AS name, t.target_quantity AS target, t.quantity_unit AS unit,
                   t.quantity_text AS printed, t.as_of, t.rowid AS ord, 0 AS origin
            FROM training_target t WHERE t.target_quantity IS NOT NULL AND {t_cond}
            UNION ALL
            -- a 목표 indicator whose target_ref names a 추진 목표 row restates that row and is not listed twice
            SELECT i.doc_id, i.agency, i.division, i.fiscal_year, NULL, i.source_section, i.page, i.indicator,
                   i.value, i.unit, NULL, i.as_of, i.rowid, 1
            FROM indicator i WHERE i.kind = '목표' AND i.target_ref IS NULL AND {i_cond}),
        actuals AS (
            SELECT doc_id, target_ref, fiscal_year, sum(value) AS value, any_value(unit) AS unit,
                   count(DISTINCT unit) AS units, bool_and(target_basis = $same) AS same_measure,
                   string_agg(indicator, ' + ' ORDER BY rowid) AS names, max(as_of) AS as_of,
                   min(page) AS page, any_value(source_section) AS section
            FROM indicator WHERE kind = '실적' AND target_ref IS NOT NULL GROUP BY ALL)
        SELECT t.agency AS 기관, t.division AS 부서, t.fiscal_year AS 연도,
               coalesce(n.task_no || ' ' || n.name, t.source_section) AS 과제,
               t.name AS 목표, t.target AS "목표 값", t.unit AS 단위, t.printed AS "목표(인쇄)",
               CASE WHEN a.units = 1 THEN a.value END AS 실적, a.unit AS "실적 단위", a.names AS "실적 지표(인쇄 이름)",
               a.as_of AS "실적 기준일", a.same_measure AND a.units = 1 AND a.unit = t.unit AS comparable,
               a.units AS units,
               CASE WHEN p.units = 1 THEN p.value END AS "전년 실적", p.names AS "전년 실적 지표",
               t.doc_id || ' · ' || t.source_section AS 출처, t.page AS 쪽수,
               coalesce(a.section, '') AS "실적 절", t.as_of AS 기준일,
               t.task_item_id AS "과제 ID"
        FROM targets t
        LEFT JOIN actuals a ON a.doc_id = t.doc_id AND a.target_ref = t.name AND a.fiscal_year = t.fiscal_year
        LEFT JOIN actuals p ON p.doc_id = t.doc_id AND p.target_ref = t.name AND p.fiscal_year = t.fiscal_year - 1
        LEFT JOIN training_task_name n ON n.doc_id = t.doc_id AND n.item_id = t.task_item_id
        ORDER BY t.doc_id, t.origin, t.ord""",
        {**t_params, **i_params, "same": labels.SAME_MEASURE},
    )
    comparable = df["comparable"].fillna(False).astype(bool)
    df.insert(
        df.columns.get_loc("실적 기준일") + 1,
        "달성률(%)",
        rate(df["실적"], df["목표 값"]).where(comparable),
    )
    df.insert(
        df.columns.get_loc("달성률(%)") + 1,
        "비교",
        [
            "같은 척도" if c else NO_ACTUAL if pd.isna(u) else UNIT_MISMATCH if u > 1 else OTHER_MEASURE_NOTE
            for c, u in zip(comparable, df["units"])
        ],
    )
    df = df.drop(columns=["comparable", "units", "실적 절"])
    for c in ("연도", "쪽수"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    return ids_last(df)


@dataclass(frozen=True)
class IndicatorView:
    targets: pd.DataFrame  # indicator_targets
    with_actual: int  # targets that have an actual of their year


def indicator_view(f: Filters) -> IndicatorView:
    targets = indicator_targets(f)
    return IndicatorView(targets=targets, with_actual=int(targets["비교"].ne(NO_ACTUAL).sum()))
