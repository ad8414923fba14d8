"""과제 한눈에: one task's budget, quarters, training, indicators and alerts on one screen, found by search."""

import streamlit as st

from core import labels
from core.dashboard import export
from core.dashboard.filters import Filters, describe
from core.dashboard.queries import task as task_queries
from core.widgets import controls, frame, ui
from core.widgets.text import escape_markdown


def search_results(f: Filters) -> None:
    text = controls.task_search_text()
    if not text:
        task_list(f)
        return
    found, matches = task_queries.find_tasks(text, f)
    if found.empty:
        st.warning(f"'{escape_markdown(text[:40])}'에 맞는 과제가 없습니다. 이름의 일부나 번호로 찾아 보세요.")
        return
    outside = int((~found["in_filter"]).sum())
    shown = f"{matches}건 가운데 {len(found)}건" if matches > len(found) else f"{matches}건"
    st.caption(
        f"'{escape_markdown(text[:40])}' 검색 결과 {shown}"
        + (f" · {outside}건은 현재 기관 필터 밖에 있습니다 (필터 밖 표시)" if f.agencies and outside else "")
    )
    for r in found.to_dict("records"):
        years = (
            "연도 미상"
            if r["first_year"] is None or r["first_year"] != r["first_year"]
            else f"{int(r['first_year'])}" + (f"~{int(r['last_year'])}" if r["last_year"] != r["first_year"] else "")
        )
        where = "" if r["in_filter"] or not f.agencies else " · 필터 밖"
        label = f"{task_queries.task_label(r)} · {r['agency']} · {r['level']} · {years}{where}"
        frame.task_link(f, r["doc_id"], r["item_id"], label)


def task_list(f: Filters) -> None:
    """Before a search: the filter's tasks, a row to pick."""
    tasks, total = task_queries.task_list(f)
    st.caption(
        "사이드바의 '🔎 과제 찾기'에 이름의 일부, 인쇄된 번호(예: 2-1-1) 또는 부서를 넣어 찾거나, 아래 목록에서 행을 고르세요."
    )
    if tasks.empty:
        controls.empty_state(f, "과제", "budget")
        return
    more = f" (앞의 {len(tasks)}개)" if total > len(tasks) else ""
    st.markdown(f"**현재 필터의 과제 {total:,}개{more}** · 예산표의 맨 윗단 항목, 보고서 순서")
    event = ui.table(tasks, on_select="rerun", selection_mode="single-row", key="task_list")
    frame.open_selected_task(f, tasks, event, labels.ITEM_ID)


def render(f: Filters) -> Filters:
    f, unit = controls.unit_choice(f)
    key = controls.chosen_task()
    view = task_queries.task_view(key, unit) if key else None
    if key and view is None:
        st.warning(f"과제 '{escape_markdown(key.item_id[:40])}'을(를) 데이터에서 찾지 못했습니다.", icon="⚠️")
    if view is None:
        search_results(f)
        return f
    f = f.with_extra("doc", key.doc_id).with_extra("task", key.item_id)
    h = view.header
    for as_of in h.sources["기준일"].dropna().unique():
        ui.note_context(as_of=as_of)
    if controls.task_search_text():
        with st.expander("검색 결과", expanded=False):
            search_results(f)

    st.subheader(escape_markdown(task_queries.task_label({"task_no": h.number, "name": h.name})))
    years = ", ".join(f"{y}년" for y in h.years) or "연도 미상"
    st.markdown(
        f"**{escape_markdown(h.agency)}** · {escape_markdown(h.division or '부서 미기재')} · "
        f"{escape_markdown(h.level)} · {years}"
    )
    if h.parent:
        frame.task_link(f, key.doc_id, h.parent["item_id"], f"상위: {h.parent['name']}")
    if h.division and labels.SHARED_MARK in h.division:
        st.caption(f"{labels.SHARED_MARK}: 여러 부서가 함께 운영하는 과제입니다. 금액은 부서끼리 나누지 않습니다.")
    with st.expander(f"출처 표 {len(h.sources)}개", expanded=False):
        ui.table(h.sources)
    if controls.filter_excludes(f, h.agency, h.years):
        st.caption(
            f"이 과제는 현재 필터({escape_markdown(describe(f))}) 밖에 있습니다. 과제의 모든 연도를 보여 줍니다."
        )

    st.markdown("#### 🚨 경보")
    if view.alerts.empty:
        st.success("이 과제에 걸린 경보가 없습니다.")
    else:
        ui.table(view.alerts)
        st.caption("'목표 미달 우려(추정)'은 추진시기 경과로 연말을 추정한 값입니다. 실적이 아닙니다.")

    st.markdown("#### 💰 예산")
    st.caption(
        f"금액 단위 {unit} · 보고서마다 인쇄된 행 그대로이며 행끼리 더하지 않습니다 · 관계: 이 과제 / 인쇄된 계 / "
        "하위 항목 / 같은 사업을 다른 표에 인쇄한 행"
    )
    ui.table(view.budget, unit)

    st.markdown("#### 📅 분기별 집행")
    q = view.quarters
    if q.row.empty:
        st.caption("이 과제는 분기별 집행계획이 없습니다.")
    else:
        rate = q.row["집행률(%)"].iat[0]
        pace = "" if q.elapsed is None else f" · 기준일까지 연중 경과 {q.elapsed:.1f}%"
        st.caption(
            f"기준일 {ui.fmt_date(q.row[labels.AS_OF].iat[0])}까지 집행률 "
            + ("-" if rate is None or rate != rate else f"{rate:.1f}%")
            + pace
            + " · 기준일 이후 분기는 집행예정액(계획)"
        )
        ui.table(q.row, unit)
        frame.page_link_with("quarterly", "분기별 집행에서 이 과제 보기", f, task=key.item_id)
        if not q.subitems.empty:
            st.markdown("세부 집행계획")
            ui.table(q.subitems, unit)

    st.markdown("#### 🎓 연수 목표·실적")
    t = view.training
    if t.by_year.empty and t.by_category.empty:
        st.caption("이 과제에는 연수 목표·실적이 없습니다.")
    else:
        if not t.by_year.empty:
            ui.table(t.by_year)
        if not t.lines.empty:
            st.markdown("세부사업별 목표 대비")
            ui.table(t.lines)
        if not t.by_category.empty:
            st.markdown("연수 구분별 계획·실적 (과제 안에서 한 번씩 센 줄)")
            ui.table(t.by_category)
        if not t.projection.empty:
            st.markdown("연말 달성 전망 — **추정치**")
            ui.table(t.projection)

    st.markdown("#### 🎯 성과지표")
    if view.indicators.empty:
        st.caption("이 과제에 연결된 성과지표 목표가 없습니다.")
    else:
        ui.table(view.indicators)

    name = f"과제_{h.number or key.item_id}"
    sheets = [
        (title, df, export.meta_block(describe(f), unit, None, title)) for title, df in task_queries.task_sheets(view)
    ]
    st.download_button(
        "⬇️ 이 과제 전체 (Excel)",
        data=ui.file_or_notice(lambda: export.to_xlsx_bytes(sheets, unit)),
        file_name=ui.safe_file_name(name) + ".xlsx",
        key="task_xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    controls.remember_task_url(key)
    return f


frame.run_page("task", render)
