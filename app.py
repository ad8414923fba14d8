"""개요: headline cards for the current filter and one small chart per view."""

import streamlit as st

from core import labels
from core.dashboard.filters import Filters
from core.dashboard.queries import common as common_queries
from core.dashboard.queries import overview as overview_queries
from core.widgets import charts, controls, frame, ui
from core.widgets.text import escape_markdown

TASKS_CHARTED = 8  # tasks furthest behind their training target


def budget_cards(cards: list, unit: str) -> None:
    """One row of cards per 기관, or a table when the filter spans many 기관."""
    if not cards:
        c = st.columns(3)
        c[0].metric("예산", "-")
        c[0].caption("필터에 예산 데이터 없음")
        return
    if len(cards) > overview_queries.CARDS_PER_AGENCY_LIMIT:
        ui.table(overview_queries.cards_table(cards, unit), unit)
        st.caption(f"기관 {len(cards)}곳: 기관을 하나 고르면 카드로 봅니다.")
        return
    for i, card in enumerate(cards):
        with st.container(border=True, key=f"budget_card_{i}"):
            year = "연도 미상" if card.year is None else f"{card.year}년"
            st.markdown(
                f"**{escape_markdown(card.agency)}** · {year} · {escape_markdown(card.doc_id)} · "
                f"{escape_markdown(card.section)}"
            )
            ui.note_context(as_of=card.as_of)
            c1, c2, c3 = st.columns(3)
            delta = None if card.delta_pct is None else f"{card.delta_pct:+.1f}% ({card.delta_basis})"
            c1.metric("예산", ui.fmt_money(card.amount, unit), delta, delta_color="off", help=ui.term_help("예산"))
            source = "보고서의 계 행" if card.from_printed_total else "필터에 맞는 행의 합"
            c1.caption(
                f"{card.label} · {source} · 기준일 {ui.fmt_date(card.as_of)}"
                + ("" if delta else f" · {card.delta_reason}")
            )
            c2.metric("집행액", ui.fmt_money(card.execution, unit), help=ui.term_help("집행액"))
            c3.metric(
                "집행률",
                "-" if card.execution_rate is None else f"{card.execution_rate:.1f}%",
                help=ui.term_help("집행률"),
            )
            if card.execution_basis:
                c2.caption(f"{card.execution_basis} · 기준일 {ui.fmt_date(card.execution_as_of)}")
            else:
                c2.caption(card.execution_reason)


def training_cards(cards: list) -> None:
    """Per 기관: how many 과제 keep pace with the year; 과제 are counted, trainees are not added across 과제."""
    if not cards:
        st.metric("연수 목표 진도", "-")
        st.caption("필터에 인원 목표와 실적이 함께 있는 과제가 없습니다")
        return
    if len(cards) > overview_queries.CARDS_PER_AGENCY_LIMIT:
        st.metric("연수 목표 진도", f"{len(cards)}개 기관")
        st.caption("기관이 많아 표로 보여 줍니다 · 과제를 넘어 인원을 더하지 않음")
        ui.table(overview_queries.training_cards_table(cards), "")
        return
    for i, card in enumerate(cards):
        with st.container(key=f"training_card_{i}"):
            ui.note_context(as_of=card.as_of)
            title = "연수 목표 진도" if len(cards) == 1 else f"연수 목표 진도 · {escape_markdown(card.agency)}"
            st.metric(title, f"{card.on_pace} / {card.tasks} 과제", help=ui.term_help("연수 목표 진도"))
            pace = "" if card.elapsed is None else f"연중 경과 {card.elapsed:.1f}% 이상 달성한 과제 수 · "
            st.caption(
                f"{escape_markdown(card.agency)} {card.year}년 · {pace}과제별 달성률(실적 인원 ÷ 목표 인원) "
                f"중앙값 {card.median_rate:.1f}% · 기준일 {ui.fmt_date(card.as_of)} · 과제를 넘어 인원을 더하지 않음"
            )


def render(f: Filters) -> Filters:
    f, unit = controls.unit_choice(f)
    view = overview_queries.overview_view(f, unit)
    h = view.headline

    st.caption(
        f"예산은 기관마다 그 기관의 가장 최근 연도, 필터에 맞는 첫 예산표 하나로 봅니다. 기관·표·측정값이 다른 금액은 "
        f"더하지 않습니다 · 금액 단위 {unit}"
    )
    budget_cards(view.budget_cards, unit)

    c = st.columns(2)
    with c[0]:
        training_cards(h["training_cards"])
    if h.get("answer_rate") is not None:
        delta = (
            None
            if h.get("answer_rate_prev") is None
            else f"{h['answer_rate'] - h['answer_rate_prev']:+.1f}%p (전년 동기)"
        )
        c[1].metric("콜센터 응답률", f"{h['answer_rate']:.1f}%", delta, help=ui.term_help("콜센터 응답률"))
        c[1].caption(("⚠️ 예시 데이터 · " if h.get("call_sample") else "") + f"기준일 {ui.fmt_date(h['call_as_of'])}")
    else:
        c[1].metric("콜센터 응답률", "-")
        c[1].caption("필터에 콜센터 데이터 없음")

    alerts = view.alerts
    if alerts.alerts:
        tasks = alerts.top
        with st.container(border=True):
            st.markdown(f"#### 🚨 점검이 필요한 과제 {alerts.tasks:,}개 (경보 {alerts.alerts:,}건)")
            doc_ids = common_queries.source_doc(tasks[labels.SOURCE])
            for i, r in enumerate(tasks.to_dict("records")):
                frame.task_link(f, doc_ids.iat[i], r[labels.TASK_ID], f"[{r['점검']}] {r['사업명']}")
                st.caption(escape_markdown(r["이유"]))
            frame.page_link("insights", "점검·경보 전체 보기 (판정 규칙 포함)")

    left, right = st.columns(2)
    with left:
        st.markdown("#### 분기별 집행")
        totals = view.quarterly
        if totals.empty:
            st.caption("필터에 분기별 집행 데이터가 없습니다.")
        else:
            st.plotly_chart(
                charts.bar(
                    totals[["분기", "집행액(실적)", "집행예정액(계획)"]].melt(
                        id_vars="분기", var_name="구분", value_name="금액"
                    ),
                    "분기",
                    "금액",
                    color="구분",
                    height=240,
                    y_title=f"금액({unit})",
                ),
                width="stretch",
                config=charts.CHART_CONFIG,
            )
        frame.page_link("quarterly", "분기별 집행 보기")
        st.markdown("#### 연수 목표 대비 실적")
        tasks = view.training.dropna(subset=["달성률(%)"])
        if tasks.empty:
            st.caption("필터에 연수 목표·실적 데이터가 없습니다.")
        else:
            behind = tasks.sort_values("달성률(%)").head(TASKS_CHARTED).reset_index(drop=True)
            event = st.plotly_chart(
                charts.bar(behind, "달성률(%)", "과제명", horizontal=True, height=260, y_title=""),
                width="stretch",
                config=charts.CHART_CONFIG,
                on_select="rerun",
                selection_mode="points",
                key="training_behind",
            )
            shown = (
                f"달성률 낮은 순 상위 {len(behind)}개 / 전체 {len(tasks):,}개 · " if len(tasks) > len(behind) else ""
            )
            st.caption(shown + "막대를 누르면 그 과제의 '과제 한눈에'가 열립니다.")
            frame.open_charted_task(f, behind, event, "과제명")
        frame.page_link("training", "연수 목표 대비 실적 보기")
    with right:
        st.markdown("#### 예산 (기관별, 예산 카드와 같은 표)")
        by_year = view.budget_by_year
        if by_year.empty:
            st.caption("필터에 예산 데이터가 없습니다.")
        else:
            st.plotly_chart(
                charts.bar(by_year, "연도", "금액", color="기관", barmode="group", height=240, y_title=f"예산({unit})"),
                width="stretch",
                config=charts.CHART_CONFIG,
            )
            drawn = by_year["기관"].nunique()
            st.caption(
                (
                    f"예산 큰 순 상위 {drawn}개 기관 / 전체 {view.budget_agencies:,}개 기관 · "
                    if view.budget_agencies > drawn
                    else ""
                )
                + "기관마다 따로 그린 막대입니다(쌓거나 더하지 않음). 측정값: "
                + ", ".join(sorted(set(by_year["측정값"])))
            )
        frame.page_link("budget", "과제별 예산 보기")
        st.markdown("#### 콜센터 월별 인입")
        monthly = view.call_monthly
        if monthly.empty:
            st.caption("필터에 콜센터 데이터가 없습니다.")
        else:
            st.caption("⚠️ 예시 데이터")
            st.plotly_chart(
                charts.line(monthly, "월", {"inbound": "인입"}, height=240, y_title="인입(건)"),
                width="stretch",
                config=charts.CHART_CONFIG,
            )
        frame.page_link("callcenter", "콜센터·민원 지표 보기")
    frame.page_link("sources", "데이터 출처·품질 (보고서 안의 불일치 목록)")
    return f


frame.run_page("overview", render)
