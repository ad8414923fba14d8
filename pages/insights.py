"""점검·경보: execution lag, target projections, complaint early warning, year-on-year moves."""

import streamlit as st

from core import labels
from core.dashboard import rules
from core.dashboard.filters import Filters
from core.dashboard.queries import common as common_queries
from core.dashboard.queries import insights as insights_queries
from core.widgets import controls, frame, ui


def render(f: Filters) -> Filters:
    f, unit = controls.unit_choice(f)
    with st.expander("판정 규칙", expanded=False):
        for name, rule in rules.RULES.items():
            st.markdown(f"- **{name}**: {rule}")

    view = insights_queries.insights_view(f)
    st.subheader("집행 점검")
    watch = view.watch
    if watch.empty:
        st.success("현재 필터에서 집행이 기대 진도에 크게 뒤처진 과제가 없습니다.")
    else:
        ui.note_context(as_of=watch["기준일"].max())
        tasks = insights_queries.alerts_by_task(watch)
        st.caption(
            f"과제 {len(tasks)}개 · 경보 {len(watch)}건 (한 과제의 경보는 한 행에 모읍니다) · 심각한 것부터 · "
            "행을 고르면 그 과제의 '과제 한눈에'가 열립니다"
        )
        event = ui.table(
            tasks.drop(columns=[labels.LINK]), unit, on_select="rerun", selection_mode="single-row", key="watch_tasks"
        )
        picked = event.selection.rows if event and event.selection else []
        if picked:
            at = picked[0]
            frame.open_task(f, common_queries.source_doc(tasks[labels.SOURCE]).iat[at], tasks[labels.TASK_ID].iat[at])
        ui.downloads(tasks, "집행_점검", f, None, watch["기준일"].max(), key="watch")

    st.subheader("목표 달성 전망")
    st.caption("추정치입니다. 실적이 아닙니다. " + rules.RULES["목표 미달 우려"])
    projection = view.projection
    if projection.empty:
        controls.empty_state(f, "목표·중간 실적")
    else:
        event = ui.table(projection, unit, on_select="rerun", selection_mode="single-row", key="projection_rows")
        frame.open_selected_task(f, projection, event)
        ui.downloads(
            projection,
            "목표_달성_전망",
            f,
            None,
            projection["기준일"].max(),
            key="projection",
            sources=ui.sources_of(projection, "추정치"),
        )

    st.subheader("민원 조기경보")
    months = view.months
    if not months:
        controls.empty_state(f, "콜센터")
    else:
        f = controls.page_choice(f, "month", "기준 월", list(reversed(months)), months[-1])
        warning = insights_queries.complaint_early_warning(f, f.get("month"))
        if warning.empty:
            st.info("전년 같은 달 자료가 없어 예상할 수 없습니다. 1년 이상 쌓인 달을 고르세요.")
        else:
            if warning["예시 데이터"].any():
                ui.sample_notice()
            ui.table(warning)
            ui.downloads(
                warning, "민원_조기경보_예시데이터", f, None, None, key="warning", sources=labels.SAMPLE_SOURCE
            )

    st.subheader("전년 대비 증감")
    up, down = view.up, view.down
    if up.empty and down.empty:
        controls.empty_state(f, "전년 비교")
    else:
        c1, c2 = st.columns(2)
        for col, df, title, key in (
            (c1, up, "가장 많이 늘어난 사업", "yoy_up"),
            (c2, down, "가장 많이 줄어든 사업", "yoy_down"),
        ):
            with col:
                st.markdown(f"**{title}**")
                shown = common_queries.to_unit(df, labels.YEAR_ON_YEAR_MONEY, unit)
                ui.table(shown, unit)
                ui.downloads(shown, title, f, unit, None, key=key, sources=ui.sources_of(shown, "보고서의 전년 열"))
    return f


frame.run_page("insights", render)
