"""The frame every page is drawn in, written once: page config, navigation, the data file, the
filter sidebar, the context line, and the URL that reproduces the view.

A page script is ``frame.run_page("<name>", render)``: ``render(f)`` draws the page's own
widgets for the filter ``f``, returns early when there is nothing to show, and returns the filter
with the page's own choices added (unit, table, …) so that the URL carries them.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core import navigation
from core.dashboard.db import DataUnavailable, connection
from core.dashboard.filters import Filters, describe
from core.dashboard.queries import sources as sources_queries
from core.widgets import ui

Render = Callable[[Filters], Filters | None]

# Printing a page (the browser's 인쇄 or 'PDF로 저장') keeps the title, the context line and the content: the
# sidebar, the app's header and the buttons do not go on paper.
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDownloadButton"], [data-testid="stButton"],
  [data-testid="stElementToolbar"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  @page { size: A4 landscape; margin: 12mm; }
}
</style>"""


def run_page(name: str, render: Render) -> None:
    page = navigation.page(name)
    st.set_page_config(
        page_title=f"{page.title} · {navigation.APP_TITLE}" if page.name != "overview" else navigation.APP_TITLE,
        page_icon=page.icon,
        layout="wide",
    )
    _draw_navigation(page)
    try:
        connection()  # builds the data file from the extracts on first start, or after an upgrade
    except DataUnavailable as e:
        st.error(
            "데이터 파일을 만들 수 없습니다. 관리자는 아래 문제를 고친 뒤 `python -m core build`를 실행하세요.\n\n"
            + str(e)
        )
        return
    st.html(PRINT_CSS)
    st.title(page.heading)
    with ui.shared_by_every_page():
        f = ui.sidebar_filters()
    built = sources_queries.build_time()[:16]
    st.caption(
        "필터: " + ui.escape_markdown(describe(f)) + (f" · 데이터 {built} 빌드" if built else ""),
        help="사이드바에서 기관·부서·연도를 바꿀 수 있습니다. 빌드 시각은 화면의 데이터 파일을 만든 때입니다.",
    )
    shown = render(f)
    ui.sync_url(shown if shown is not None else f)


def _draw_navigation(current: navigation.Page) -> None:
    with st.sidebar:
        for p in navigation.PAGES:
            st.page_link(p.script, label=p.label, icon=p.icon)
        st.divider()


def page_link(name: str, label: str | None = None) -> None:
    """A link to another page of the dashboard (the filter goes along in the session)."""
    p = navigation.page(name)
    st.page_link(p.script, label=label or p.label, icon=p.icon)
