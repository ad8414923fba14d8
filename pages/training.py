"""연수 목표 대비 실적: per 과제 and 세부사업, target vs actual, with last year's actual beside."""

import streamlit as st

from core.dashboard.filters import Filters
from core.dashboard.queries import training as training_queries
from core.widgets import charts, controls, frame, ui

MID_YEAR_MARK = 50  # % of the target: where a task that keeps pace stands at mid-year


def render(f: Filters) -> Filters:
    categories = training_queries.training_categories(f)
    f = controls.page_choice(f, "category", "연수 구분", ["전체", *categories], "전체", widget="selectbox")
    category = None if f.get("category") == "전체" else f.get("category")

    view = training_queries.training_view(f, category)
    tasks = view.tasks
    if tasks.empty:
        controls.empty_state(f, "연수 목표", "training")
        return f
    as_of = tasks["기준일"].dropna().max()
    ui.as_of_caption(
        as_of,
        "실적은 기준일까지의 중간 실적입니다 · 달성률 = 실적 인원 ÷ 목표 인원"
        + (f" · 연수 구분 [{category}]의 계획·실적만 집계 (목표는 구분 없이 인쇄됨)" if category else ""),
    )

    behind = tasks.dropna(subset=["달성률(%)"]).sort_values("달성률(%)", kind="stable")
    if not behind.empty:
        behind = ui.chart_rows(behind, "training_rates", "달성률 낮은 순")
        event = st.plotly_chart(
            charts.rate_bar(
                behind,
                "달성률(%)",
                "과제명",
                height=charts.RATE_BARS.height(len(behind)),
                marker_at=MID_YEAR_MARK,
                marker_text=f"연중 {MID_YEAR_MARK}%",
            ),
            width="stretch",
            config=charts.CHART_CONFIG,
            on_select="rerun",
            selection_mode="points",
            key="training_rates",
        )
        frame.open_charted_task(f, behind, event, "과제명")

    st.subheader("과제별 목표·실적")
    st.caption("막대나 행을 고르면 그 과제의 '과제 한눈에'가 열립니다.")
    event = ui.table(tasks, "", on_select="rerun", selection_mode="single-row", key="training_tasks")
    frame.open_selected_task(f, tasks, event)
    ui.downloads(tasks, "연수_과제별_목표대비실적", f, None, str(as_of), key="training_task")

    st.subheader("세부사업별 목표·실적")
    lines = view.lines
    event = ui.table(lines, "", on_select="rerun", selection_mode="single-row", key="training_lines")
    frame.open_selected_task(f, lines, event)
    st.caption(
        "계획·실적 줄은 같은 과제 안에서 세부사업 이름이 같은 것끼리 묶었습니다. 이름이 인쇄되지 않은 실적 줄은 과제별 합계에만 들어갑니다."
    )
    ui.downloads(lines, "연수_세부사업별_목표대비실적", f, None, str(as_of), key="training_line")

    st.subheader("연수 구분별 계획 대비 실적")
    by_cat = view.by_category
    ui.table(by_cat, "")
    st.caption(
        "과제를 넘어 더하는 표라서 과정마다 한 번만 셉니다: 다른 과제에 먼저 인쇄된 줄, 같은 과제의 줄을 다시 적은 줄, "
        "다른 과제의 [원격] 줄을 묶은 줄은 빼고 '제외한 줄'에 셉니다. 구분 사이는 더하지 않습니다."
    )
    ui.downloads(
        by_cat, "연수_구분별_계획대비실적", f, None, str(as_of), key="training_cat", sources="추진 계획·실적 줄의 합"
    )

    years = training_queries.category_years(f)
    if len(years) >= 2:
        st.subheader("두 해 나란히 (연수 구분별 실적)")
        f, first, second = controls.year_pair_choice(f, years)
        side, basis = training_queries.categories_side_by_side(f, first, second)
        st.caption(f"과정마다 한 번만 센 실적 줄의 합 · {basis}")
        ui.table(side, "")
        ui.downloads(
            side, f"연수_두해_{first}_{second}", f, None, None, key="training_years", sources="추진 실적 줄의 합"
        )

    repeats = view.repeats
    if not repeats.empty:
        with st.expander(f"두 번 인쇄된 계획·실적 줄 {len(repeats)}개 (한 번만 셈)"):
            ui.table(repeats, "")
            st.caption(
                "과제 안 재기재: 어느 합계에도 넣지 않음 · 다른 과제와 중복: 이 과제의 합계에는 넣고 과제를 넘는 합계에서 뺌 · "
                "다른 과제 줄의 묶음: 과제를 넘는 합계에서 뺌"
            )
            ui.downloads(repeats, "연수_중복기재_줄", f, None, str(as_of), key="training_repeats")

    overview = view.overview
    if not overview.empty:
        st.subheader("연수·교육훈련 현황 (보고서 표)")
        ui.table(overview)
        ui.downloads(
            overview,
            "연수_교육훈련_현황",
            f,
            None,
            str(overview["기준일"].max()),
            key="training_overview",
        )
    return f


frame.run_page("training", render)
