"""데이터 출처·품질: documents, per-table coverage, and the reconciliation report."""

import streamlit as st

from core.dashboard.filters import Filters
from core.dashboard.queries import sources as sources_queries
from core.widgets import frame, ui


def render(f: Filters) -> Filters:
    view = sources_queries.sources_view()
    st.caption(f"데이터 파일 빌드 시각: {view.build_time} · 모든 수치는 아래 보고서에 인쇄된 값 그대로입니다.")

    st.subheader("출처 문서")
    ui.table(view.documents)

    st.subheader("표별 행 수·기준일·단위")
    counts = view.row_counts
    ui.table(counts)
    ui.downloads(counts, "표별_행수", f, None, None, key="counts", sources="모든 표")

    st.subheader("보고서 점검 결과 (합계·비율 재계산, 목표와 계획, 두 번 인쇄된 줄)")
    quality = view.quality
    if quality.empty:
        st.success("인쇄된 모든 합계와 비율이 부분의 합과 일치합니다.")
    else:
        st.warning(
            f"보고서 안에서 서로 맞지 않는 값과 두 번 인쇄된 줄 {len(quality)}건. 대시보드는 인쇄값을 그대로 보여 주고, "
            "차이와 각 경우에 대시보드가 쓰는 값은 여기에 기록합니다."
        )
        ui.table(
            quality,
            column_config={
                "인쇄값": st.column_config.NumberColumn(format="localized"),
                "재계산값": st.column_config.NumberColumn(format="localized"),
                "차이": st.column_config.NumberColumn(format="localized"),
            },
        )
        ui.downloads(quality, "데이터_품질_보고서", f, None, None, key="quality", sources="모든 문서")
    return f


frame.run_page("sources", render)
