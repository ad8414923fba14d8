"""콜센터·민원 지표: KPI cards vs the previous year, monthly trend, topics and channels, reported figures."""

import streamlit as st

from core import labels
from core.dashboard.filters import Filters
from core.dashboard.queries import callcenter as callcenter_queries
from core.widgets import charts, controls, frame, ui


def render(f: Filters) -> Filters:
    f, unit = controls.unit_choice(f)
    view = callcenter_queries.callcenter_view(f, unit)
    current, previous = view.current, view.previous

    st.subheader("콜센터 운영 지표")
    if current is None:
        controls.empty_state(f, "콜센터", "callcenter")
    else:
        if current["is_sample"]:
            ui.sample_notice()
        ui.as_of_caption(
            current["last_day"], f"기간 {ui.fmt_date(current['first_day'])} ~ {ui.fmt_date(current['last_day'])}"
        )
        cards = [
            ("인입", "inbound", "{:,.0f}건", "{:+,.0f}건", False),
            ("응답률", "answer_rate", "{:.1f}%", "{:+.1f}%p", False),
            ("포기율", "abandon_rate", "{:.1f}%", "{:+.1f}%p", True),
            ("20초 내 응답률", "service_level", "{:.1f}%", "{:+.1f}%p", False),
            ("평균 상담시간", "aht_seconds", "{:,.0f}초", "{:+,.0f}초", True),
            ("직접처리율", "direct_rate", "{:.1f}%", "{:+.1f}%p", False),
            ("상담만족도", "satisfaction", "{:.2f}점", "{:+.2f}점", False),
        ]
        cols = st.columns(4) + st.columns(3)
        for col, (label, key, fmt, delta_fmt, inverse) in zip(cols, cards):
            delta = None
            if f.year_int and previous is not None and current[key] is not None and previous[key] is not None:
                delta = delta_fmt.format(current[key] - previous[key]) + " (전년 동기)"
            col.metric(
                label,
                fmt.format(current[key]),
                delta,
                delta_color="inverse" if inverse else "normal",
                border=True,
                help=ui.term_help(labels.CALL_KPIS[key]),
            )
        if not f.year_int:
            st.caption("연도를 하나 고르면 전년 같은 기간과 비교한 증감이 함께 보입니다.")
        monthly = view.monthly
        rates = charts.line(
            monthly,
            "월",
            {"answer_rate": "응답률", "direct_rate": "직접처리율", "service_level": "20초 내 응답률"},
            markers=True,
            height=320,
            y_title="%",
            title="월별 응답률·직접처리율",
        )
        c1, c2 = st.columns(2)
        c1.plotly_chart(
            charts.bar(monthly, "월", "inbound", height=320, y_title="인입(건)", title="월별 인입"),
            width="stretch",
            config=charts.CHART_CONFIG,
        )
        c2.plotly_chart(rates, width="stretch", config=charts.CHART_CONFIG)
        tab_topic, tab_channel = st.tabs(["상담주제별", "채널별"])
        for tab, breakdown, by, name in (
            (tab_topic, view.by_topic, "topic", "상담주제별"),
            (tab_channel, view.by_channel, "channel", "채널별"),
        ):
            with tab:
                table = callcenter_queries.call_table(breakdown)
                ui.table(table)
                ui.downloads(
                    table,
                    f"콜센터_{name}_예시데이터",
                    f,
                    None,
                    str(current["last_day"]),
                    key=f"call_{by}",
                    sources=labels.SAMPLE_SOURCE,
                )

    st.subheader("보고서에 인쇄된 민원·콜센터 수치")
    budget, indicators = view.reported_budget, view.reported_indicators
    if budget.empty and indicators.empty:
        controls.empty_state(f, "보고서의 민원·콜센터")
    if not budget.empty:
        st.markdown("**예산·집행** (실제 보고서 값)")
        ui.table(budget, unit)
        ui.downloads(budget, "민원_콜센터_예산", f, unit, str(budget["기준일"].max()), key="call_budget")
    if not indicators.empty:
        st.markdown("**지표·목표** (실제 보고서 값)")
        ui.table(indicators, column_config={"값": st.column_config.NumberColumn(format="localized")})
        ui.downloads(indicators, "민원_지표", f, None, str(indicators["기준일"].max()), key="call_ind")
    return f


frame.run_page("callcenter", render)
