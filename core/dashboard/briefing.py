"""부서 브리핑: every view's table for the current filter in one workbook, ready for a meeting."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core.dashboard import export, rules
from core.dashboard.queries import budget as budget_queries
from core.dashboard.queries import callcenter as callcenter_queries
from core.dashboard.queries import common as common_queries
from core.dashboard.queries import insights as insights_queries
from core.dashboard.queries import quarterly as quarterly_queries
from core.dashboard.queries import sources as sources_queries
from core.dashboard.queries import training as training_queries

from .filters import Filters, describe


def briefing_sheets(f: Filters, unit: str = "천원") -> list[tuple[str, pd.DataFrame, dict[str, str]]]:
    filt = describe(f)
    sheets: list[tuple[str, pd.DataFrame, dict[str, str]]] = []

    watch = insights_queries.execution_watch(f)
    lines = training_queries.training_by_line(f)
    projection = insights_queries.target_projection(lines)
    months = insights_queries.call_months(f)
    warning = insights_queries.complaint_early_warning(f, months[-1]) if months else pd.DataFrame()
    up, down = insights_queries.year_on_year(f)

    # One sheet per budget table, as the budget page shows it (its rows, then its printed 합계 rows).
    budget_sheets = []
    for t in budget_queries.budget_tables(f).itertuples(index=False):
        rows = budget_queries.budget_items(f, t.doc_id, t.source_section, None, unit)
        totals = budget_queries.budget_printed_total(f, t.doc_id, t.source_section, None, unit)
        budget_sheets.append((t.doc_id, t.source_section, budget_queries.with_printed_totals(rows, totals)))
    budget = pd.concat([b for _, _, b in budget_sheets], ignore_index=True) if budget_sheets else pd.DataFrame()
    quarterly = quarterly_queries.quarterly_tasks(f, unit).drop(columns=["구분"], errors="ignore")
    training = training_queries.training_by_task(f)
    monthly = callcenter_queries.call_table(callcenter_queries.call_monthly(f))

    cover_rows = [("필터", filt), ("금액 단위", unit), ("만든 시각", dt.datetime.now().strftime("%Y-%m-%d %H:%M"))]
    for label, df, col in (
        ("예산 기준일", budget, "기준일"),
        ("분기 집행 기준일", quarterly, "기준일"),
        ("연수 실적 기준일", training, "기준일"),
    ):
        if not df.empty and col in df and df[col].notna().any():
            cover_rows.append((label, str(pd.Timestamp(df[col].dropna().max()).date())))
    docs = sources_queries.source_documents()
    used = _documents_of(budget, quarterly, training, watch)
    for d in docs.itertuples(index=False):
        if d.문서 not in used:
            continue
        cover_rows.append(
            (f"출처 {d.문서}", f"{d.제목} (기준일 {pd.Timestamp(d.기준일).date() if pd.notna(d.기준일) else '미상'})")
        )
    cover_rows.append(("", ""))
    cover_rows.append(
        (
            "경보 요약",
            f"집행 점검 {len(watch)}건, 목표 미달 우려 "
            f"{int((projection['판정'] == '미달 우려').sum()) if not projection.empty else 0}건, "
            f"민원 급증 예상 {int((warning['경보'] == '급증 예상').sum()) if not warning.empty else 0}건",
        )
    )
    for r in watch.head(15).itertuples(index=False):
        cover_rows.append((f"[{r.점검}] {r.사업명}", r.이유))
    if not warning.empty:
        for r in warning[warning["경보"] == "급증 예상"].to_dict("records"):
            cover_rows.append(
                (
                    f"[민원 급증 예상·예시 데이터] {r['상담주제']}",
                    f"{r['예상 달']} 예상 {r['다음 달 예상 인입']:,}건 (전년 같은 달 {r['전년 같은 달 인입']:,}건 "
                    f"× 추세 {r['최근 3개월 추세(배)']})",
                )
            )
    for rule, text in rules.RULES.items():
        cover_rows.append((f"규칙: {rule}", text))
    cover = pd.DataFrame(cover_rows, columns=["항목", "내용"])
    sheets.append(("표지", cover, {"부서 브리핑": filt}))

    meta = export.meta_block(filt, unit, None, "표지 시트 참고")
    for doc_id, section, table in budget_sheets or [("", "", budget)]:
        label = budget_queries.table_label(doc_id, section) if section else "과제별 예산"
        sheets.append(
            (f"예산 {section}" if section else "과제별 예산", table, export.meta_block(filt, unit, None, label))
        )
    sheets.append(("분기별 집행", quarterly, meta))
    sheets.append(("연수 목표 대비 실적", training, export.meta_block(filt, None, None, "표지 시트 참고")))
    sheets.append(("집행 점검", watch, export.meta_block(filt, None, None, "규칙은 표지 시트")))
    sheets.append(("목표 달성 전망", projection, export.meta_block(filt, None, None, "추정치이며 실적이 아님")))
    sheets.append(
        ("민원 조기경보", warning, export.meta_block(filt, None, None, "예시 데이터(생성기) — 실제 실적 아님"))
    )
    sheets.append(("콜센터 월별", monthly, export.meta_block(filt, None, None, "예시 데이터(생성기) — 실제 실적 아님")))
    yoy = pd.concat([up.assign(방향="증가"), down.assign(방향="감소")], ignore_index=True)
    sheets.append(("전년 대비", common_queries.to_unit(yoy, ["전년", "당해", "증감"], unit), meta))
    sheets.append(
        ("데이터 품질", sources_queries.quality_report(), export.meta_block(filt, None, None, "보고서 안의 불일치"))
    )
    return sheets


def _documents_of(*frames: pd.DataFrame) -> set[str]:
    """The documents the briefing's tables come from (the part of 출처 before ' · ')."""
    used: set[str] = set()
    for df in frames:
        if not df.empty and "출처" in df:
            used |= {s.split(" · ")[0] for s in df["출처"].dropna().astype(str)}
    return used


def briefing_xlsx(f: Filters, unit: str = "천원") -> bytes:
    return export.to_xlsx_bytes(briefing_sheets(f, unit), unit)
