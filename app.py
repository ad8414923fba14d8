"""개요: headline cards for the current filter and one small chart per view."""

import streamlit as st

from core.dashboard.filters import Filters
from core.dashboard.queries import overview as overview_queries
from core.widgets import charts, frame, ui

ALERTS_SHOWN = 5  # the overview lists the most severe alerts; the 점검·경보 page has them all
TASKS_CHARTED = 8  # tasks furthest behind their training target


def render(f: Filters) -> Filters:
    f, unit = ui.unit_choice(f)
    view = overview_queries.overview_view(f, unit)
    h = view.headline

    year_text = f"{h['year']}년" if h.get("year") else "연도 미상"
    st.caption(
        f"예산 카드는 필터 안에서 가장 최근 연도({year_text})의 각 보고서 주 예산표 기준입니다 · 금액 단위 {unit}"
    )
    c = st.columns(3) + st.columns(2)
    if h.get("budget") is not None:
        delta = None
        if h.get("prior"):
            delta = f"{(h['budget'] - h['prior']) * 100 / h['prior']:+.1f}% (전년 대비)"
        c[0].metric("총 예산", ui.fmt_money(h["budget"], unit), delta, help=f"출처 문서 {h['budget_docs']}")
        c[0].caption(f"기준일 {ui.fmt_date(h['budget_as_of'])}")
        c[1].metric("집행액", ui.fmt_money(h.get("committed"), unit))
        c[1].caption(f"원인행위 기준 · 기준일 {ui.fmt_date(h['budget_as_of'])}")
        c[2].metric("집행률", "-" if h.get("execution_rate") is None else f"{h['execution_rate']:.1f}%")
        c[2].caption("집행 실적이 인쇄된 표만 · 집행액 ÷ 예산현액")
    else:
        c[0].metric("총 예산", "-")
        c[0].caption("필터에 예산 데이터 없음")
    if h.get("training_rate") is not None:
        delta = None
        if h.get("training_prev_trainees"):
            delta = f"{h['training_trainees'] - h['training_prev_trainees']:+,}명 (전년 실적 대비)"
        c[3].metric("연수 목표 달성률", f"{h['training_rate']:.1f}%", delta)
        c[3].caption(f"인원 기준 중간 실적 · 기준일 {ui.fmt_date(h['training_as_of'])}")
    else:
        c[3].metric("연수 목표 달성률", "-")
        c[3].caption("필터에 목표·실적 데이터 없음")
    if h.get("answer_rate") is not None:
        delta = (
            None
            if h.get("answer_rate_prev") is None
            else f"{h['answer_rate'] - h['answer_rate_prev']:+.1f}%p (전년 동기)"
        )
        c[4].metric("콜센터 응답률", f"{h['answer_rate']:.1f}%", delta)
        c[4].caption(("⚠️ 예시 데이터 · " if h.get("call_sample") else "") + f"기준일 {ui.fmt_date(h['call_as_of'])}")
    else:
        c[4].metric("콜센터 응답률", "-")
        c[4].caption("필터에 콜센터 데이터 없음")

    alerts = view.alerts
    if not alerts.empty:
        with st.container(border=True):
            st.markdown(f"#### 🚨 점검이 필요한 과제 {len(alerts)}건")
            for r in alerts.head(ALERTS_SHOWN).to_dict("records"):
                name, reason = ui.escape_markdown(r["사업명"]), ui.escape_markdown(r["이유"])
                st.markdown(f"- **[{r['점검']}] {name}** — {reason}")
            frame.page_link("insights", "점검·경보 전체 보기 (판정 규칙 포함)")

    left, right = st.columns(2)
    with left:
        st.markdown("#### 분기별 집행")
        totals = view.quarterly
        if totals.empty:
            st.caption("필터에 분기별 집행 데이터가 없습니다.")
        else:
            st.plotly_chart(
                charts.bar(totals, "분기", "금액", color="구분", height=240, y_title=f"금액({unit})"), width="stretch"
            )
        frame.page_link("quarterly", "분기별 집행 보기")
        st.markdown("#### 연수 목표 대비 실적")
        tasks = view.training.dropna(subset=["달성률(%)"])
        if tasks.empty:
            st.caption("필터에 연수 목표·실적 데이터가 없습니다.")
        else:
            st.plotly_chart(
                charts.bar(
                    tasks.sort_values("달성률(%)").head(TASKS_CHARTED),
                    "달성률(%)",
                    "과제명",
                    horizontal=True,
                    height=260,
                    y_title="",
                ),
                width="stretch",
            )
        frame.page_link("training", "연수 목표 대비 실적 보기")
    with right:
        st.markdown("#### 예산 (보고서별 주 예산표)")
        by_year = view.budget_by_year
        if by_year.empty:
            st.caption("필터에 예산 데이터가 없습니다.")
        else:
            st.plotly_chart(
                charts.bar(by_year, "연도", "금액", color="문서", height=240, y_title=f"예산({unit})"), width="stretch"
            )
        frame.page_link("budget", "과제별 예산 보기")
        st.markdown("#### 콜센터 월별 인입")
        monthly = view.call_monthly
        if monthly.empty:
            st.caption("필터에 콜센터 데이터가 없습니다.")
        else:
            st.caption("⚠️ 예시 데이터")
            st.plotly_chart(
                charts.line(monthly, "월", {"inbound": "인입"}, height=240, y_title="인입(건)"), width="stretch"
            )
        frame.page_link("callcenter", "콜센터·민원 지표 보기")
    frame.page_link("sources", "데이터 출처·품질 (보고서 안의 불일치 목록)")
    return f


frame.run_page("overview", render)
