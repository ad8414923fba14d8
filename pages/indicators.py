"""성과지표 목표 대비 실적: every printed target other than trainee counts, with the actual set against it."""

import streamlit as st

from core import labels
from core.dashboard.filters import Filters
from core.dashboard.queries import indicators as indicator_queries
from core.widgets import controls, frame, ui


def render(f: Filters) -> Filters:
    view = indicator_queries.indicator_view(f)
    targets = view.targets
    if targets.empty:
        controls.empty_state(f, "성과지표 목표", "indicators")
        return f
    ui.note_context(as_of=targets["기준일"].max())
    only_with_actual = st.toggle("실적이 인쇄된 목표만", value=False, key="indicators_with_actual")
    shown = targets[targets["비교"] != indicator_queries.NO_ACTUAL] if only_with_actual else targets
    st.caption(
        f"목표 {len(targets)}개 중 {view.with_actual}개에 그 해 실적이 인쇄되어 있습니다. 실적은 보고서가 그 목표의 실적으로 "
        "적은 줄만 잇고(이름이 달라도 같은 것을 센 줄), 달성률은 목표와 같은 것을 같은 단위로 센 실적에만 냅니다. "
        "당해 실적은 기준일까지의 중간 실적이며, 전년 실적은 연간 실적이라 증감을 내지 않습니다. 연수 인원 목표는 "
        "'연수 목표 대비 실적'에 있습니다."
    )
    event = ui.table(shown, "", on_select="rerun", selection_mode="single-row", key="indicator_rows")
    if shown[labels.TASK_ID].notna().any():
        st.caption("과제가 있는 행을 고르면 그 과제의 '과제 한눈에'가 열립니다.")
    rows = event.selection.rows if event and event.selection else []
    if rows and isinstance(shown[labels.TASK_ID].iat[rows[0]], str):
        frame.open_selected_task(f, shown, event)
    ui.downloads(
        shown,
        "성과지표_목표대비실적",
        f,
        None,
        str(shown["기준일"].max()) if not shown.empty else None,
        key="indicator_targets",
    )
    return f


frame.run_page("indicators", render)
