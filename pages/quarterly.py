"""분기별 집행: per task four quarters, actual vs planned, cumulative curve against the budget."""

import plotly.graph_objects as go
import streamlit as st

from core import labels
from core.dashboard.filters import Filters
from core.dashboard.queries import quarterly as quarterly_queries
from core.widgets import charts, controls, frame, ui
from core.widgets.text import escape_markdown


def render(f: Filters) -> Filters:
    f, unit = controls.unit_choice(f)
    view = quarterly_queries.quarterly_view(f, unit)
    tasks, totals = view.tasks, view.totals
    if tasks.empty:
        controls.empty_state(f, "분기별 집행", "quarterly")
        return f

    as_of = tasks["기준일"].dropna().max()
    ui.as_of_caption(
        as_of, f"기준일까지의 분기는 **집행액(실적)**, 이후 분기는 **집행예정액(계획)** · 금액 단위 {unit}"
    )

    c1, c2 = st.columns([3, 2])
    with c1:
        fig = go.Figure()
        fig.add_bar(x=totals["분기"], y=totals["집행액(실적)"], name="집행액(실적)", marker_color="#1f5fa8")
        fig.add_bar(
            x=totals["분기"],
            y=totals["집행예정액(계획)"],
            name="집행예정액(계획)",
            marker_color="rgba(31,95,168,0.25)",
            marker_line={"color": "#1f5fa8", "width": 1.5},
            marker_pattern_shape="/",  # a plan reads as a plan without telling colours apart
        )
        fig.add_scatter(
            x=totals["분기"],
            y=totals["누적 비율(%)"],
            name="누적 비율(%)",
            yaxis="y2",
            mode="lines+markers",
            line={"color": "#d9480f"},
        )
        fig.update_layout(
            yaxis={"title": f"금액({unit})", "tickformat": ",~f"},
            yaxis2={
                "title": "누적(%)",
                "overlaying": "y",
                "side": "right",
                "range": [0, 105],
                "tickvals": [0, 25, 50, 75, 100],
            },
            barmode="stack",
            legend={"orientation": "h"},
            height=360,
            margin={"t": 30},
        )
        st.plotly_chart(fig, width="stretch", config=charts.CHART_CONFIG)
    with c2:
        ui.table(totals, unit)

    st.subheader("과제별 분기 금액")
    shown = tasks.drop(columns=["구분"])
    event = ui.table(shown, unit, on_select="rerun", selection_mode="single-row", key="quarter_tasks")
    ui.shared_divisions_note(shown)
    gap = tasks["차이"].fillna(0) != 0
    if gap.any():
        names = tasks.loc[gap, "사업명"]
        more = len(names) - charts.CHART_BARS
        st.warning(
            f"분기 합이 예산액과 다른 과제 {int(gap.sum()):,}건: "
            + ", ".join(escape_markdown(n) for n in names.head(charts.CHART_BARS))
            + (f" 외 {more:,}건 ('차이' 열)" if more > 0 else "")
            + " (데이터 출처·품질 페이지 참고)"
        )
    else:
        st.caption("모든 과제의 1~4분기 합이 예산액과 일치합니다.")
    ui.downloads(shown, "분기별_집행계획", f, unit, str(as_of), key="quarterly", sources=view.sources)

    selected = event.selection.rows if event and event.selection else []
    if selected:  # a row picked in the grid becomes the task in the URL
        controls.remember("task", tasks[labels.ITEM_ID].iat[selected[0]])
    wanted = controls.remembered("task")
    at = [i for i, v in enumerate(tasks[labels.ITEM_ID]) if v == wanted]
    if at:
        f = f.with_extra("task", wanted)
        task = tasks.iloc[at[0]]
        doc_id = view.doc_ids[at[0]]
        st.subheader(f"세부 집행계획: {escape_markdown(task['사업명'])}")
        frame.task_link(f, doc_id, task["항목 ID"], f"과제 한눈에: {task['사업명']} (예산·연수·경보 모두)")
        subs = quarterly_queries.quarterly_subitems(doc_id, task["항목 ID"], unit)
        if subs.empty:
            st.info("이 과제는 세부 집행계획 표가 없습니다.")
        else:
            subs = subs.drop(columns=["구분"])
            ui.table(subs, unit)
            ui.downloads(
                subs,
                f"분기별_세부_{task['항목 ID']}",
                f,
                unit,
                str(as_of),
                key="quarterly_sub",
                sources=f"{doc_id} · {task['사업명']} 세부 집행계획",
            )
    else:
        st.caption("과제 행을 선택하면 세부 집행계획(하위 사업)을 볼 수 있습니다.")
    return f


frame.run_page("quarterly", render)
