"""교육청 예산·성과 대시보드: entry point with navigation and the shared filter."""
import streamlit as st

from core.dashboard.db import DataUnavailable, connection

st.set_page_config(page_title="교육청 예산·성과 대시보드", page_icon="📊", layout="wide")

try:
    connection()  # builds datasets/dashboard.duckdb from the extracts on first start
except DataUnavailable as e:
    st.error(f"데이터 파일을 만들 수 없습니다. 관리자는 아래 문제를 고친 뒤 `python -m core build`를 실행하세요.\n\n{e}")
    st.stop()

pages = [
    st.Page("views/overview.py", title="개요", icon="📊", url_path="overview", default=True),
    st.Page("views/budget.py", title="과제별 예산", icon="💰", url_path="budget"),
    st.Page("views/quarterly.py", title="분기별 집행", icon="📅", url_path="quarterly"),
    st.Page("views/training.py", title="연수 목표 대비 실적", icon="🎓", url_path="training"),
    st.Page("views/callcenter.py", title="콜센터·민원 지표", icon="☎️", url_path="callcenter"),
    st.Page("views/insights.py", title="점검·경보", icon="🚨", url_path="insights"),
    st.Page("views/sources.py", title="데이터 출처·품질", icon="🔎", url_path="sources"),
]
st.navigation(pages).run()
