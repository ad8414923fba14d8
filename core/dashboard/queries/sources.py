"""데이터 출처·품질: documents, per-table coverage, and the reconciliation report."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.dashboard.db import query


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
    return query("SELECT * FROM table_row_count ORDER BY 표, 문서")


def source_documents() -> pd.DataFrame:
    return query("""SELECT doc_id AS 문서, title AS 제목, agency AS 기관, doc_date AS 문서일자, as_of AS 기준일,
                           period AS 대상기간, kind AS 종류, file_name AS 파일, note AS 비고
                    FROM source_document ORDER BY doc_id""")


def quality_report(doc_ids: list[str] | None = None) -> pd.DataFrame:
    cond, params = ("doc_id IN (SELECT unnest($doc_ids::VARCHAR[]))", {"doc_ids": doc_ids}) if doc_ids else ("TRUE", {})
    return query(
        f"""
        SELECT doc_id AS 문서, table_name AS 표, source_section AS 출처, page AS 쪽수, item_id AS 항목, name AS 사업명,
               check_name AS 점검, measure AS 열, printed_value AS 인쇄값, computed_value AS 재계산값,
               difference AS 차이, unit AS 단위, explanation AS 설명
        FROM data_quality WHERE {cond}
        ORDER BY 문서, 표, 출처, 항목""",
        params,
    )


def document_as_of(agencies: tuple[str, ...]) -> tuple[object, object]:
    """Earliest and latest 기준일 of the reports of these 기관 (all reports when none is chosen)."""
    cond = "agency IN (SELECT unnest($agencies::VARCHAR[]))" if agencies else "TRUE"
    df = query(
        f"SELECT min(as_of) AS lo, max(as_of) AS hi FROM source_document WHERE {cond}",
        {"agencies": list(agencies)} if agencies else {},
    )
    return (df["lo"].iat[0], df["hi"].iat[0]) if len(df) else (None, None)


def build_time() -> str:
    df = query("SELECT built_at FROM build_info")
    return "" if df.empty else str(df["built_at"].iat[0])


@dataclass(frozen=True)
class SourcesView:
    build_time: str
    documents: pd.DataFrame
    row_counts: pd.DataFrame
    quality: pd.DataFrame


def sources_view() -> SourcesView:
    return SourcesView(build_time(), source_documents(), table_row_counts(), quality_report())
