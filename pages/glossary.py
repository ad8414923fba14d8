"""용어 설명: what every figure on the dashboard means, from the definitions the README and the tooltips use."""

import pandas as pd
import streamlit as st

from core.dashboard import measures
from core.dashboard.filters import Filters
from core.widgets import frame, ui


def render(f: Filters) -> Filters:
    st.caption("표 머리글과 카드의 도움말(?)도 같은 정의에서 나옵니다.")
    terms = pd.DataFrame({"용어": [t.term for t in measures.TERMS], "뜻": [t.meaning for t in measures.TERMS]})
    ui.table(terms, column_config={"뜻": st.column_config.TextColumn(width="large")})
    st.subheader("측정값과 올바른 계산")
    st.caption(f"한 수치는 {measures.SUM_SCOPE}. 전년 대비는 같은 측정값 짝끼리만 냅니다.")
    ui.table(
        pd.DataFrame(
            {
                "측정값": [m.label for m in measures.MEASURES],
                "뜻": [m.definition for m in measures.MEASURES],
                "범위": [m.scope for m in measures.MEASURES],
                "올바른 계산": [m.valid for m in measures.MEASURES],
            }
        )
    )
    ui.downloads(terms, "용어_설명", f, None, None, key="glossary", sources="core/dashboard/measures.py")
    return f


frame.run_page("glossary", render)
