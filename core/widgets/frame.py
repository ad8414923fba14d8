"""The frame every page is drawn in, written once: page config, navigation, the data file, the
filter sidebar, the context line, and the URL that reproduces the view.

A page script is ``frame.run_page("<name>", render)``: ``render(f)`` draws the page's own
widgets for the filter ``f``, returns early when there is nothing to show, and returns the filter
with the page's own choices added (unit, table, …) so that the URL carries them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import streamlit as st

from core import auth, labels, navigation
from core.dashboard.db import DataUnavailable, connection
from core.dashboard.filters import Filters, describe
from core.dashboard.queries import sources as sources_queries
from core.dashboard.queries.common import source_doc
from core.widgets import charts, controls, ui
from core.widgets.text import escape_markdown

Render = Callable[[Filters], Filters | None]
log = logging.getLogger(__name__)

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


# Streamlit cannot send a frame-ancestors header, so the page refuses to show inside another site's frame itself:
# a frame whose parent is of another origin (reading its location throws) hides the document. A frame that
# disallows scripts never runs the dashboard at all, so there is nothing to click in it either.
FRAME_GUARD = """<script>
(function () {
  if (window.top === window.self) return;
  var foreign = false;
  try { foreign = window.top.location.origin !== window.location.origin; } catch (e) { foreign = true; }
  if (foreign) { document.documentElement.style.display = "none"; }
})();
</script>"""


def run_page(name: str, render: Render, filters: bool = True) -> None:
    """Draw page ``name`` for a signed-in reader. ``filters=False`` (an admin page) leaves out the filter sidebar,
    the context line and the URL's filter; ``render`` then gets the default filter."""
    page = navigation.page(name)
    st.set_page_config(
        page_title=f"{page.title} · {navigation.APP_TITLE}" if page.name != "overview" else navigation.APP_TITLE,
        page_icon=page.icon,
        layout="wide",
    )
    st.html(FRAME_GUARD, unsafe_allow_javascript=True)
    who = _signed_in()
    if who is None:
        return
    searched = _draw_navigation(page, who)
    if page in navigation.ADMIN_PAGES and not who.is_admin:
        st.title(page.heading)
        st.error(
            f"{escape_markdown(who.name)} 님은 열람자라 '{page.title}' 화면을 쓸 수 없습니다. 데이터 적재는 관리자만 "
            "할 수 있습니다. 권한이 필요하면 대시보드 관리자에게 요청하세요.",
            icon="🚫",
        )
        return
    try:
        connection()  # builds the data file from the extracts on first start, or after an upgrade
        from core.dashboard import warm

        warm.start_once()  # the default views' results, once per process, while this reader's page is drawn
    except DataUnavailable as e:
        st.error(
            "데이터 파일을 만들 수 없습니다. 관리자는 아래 문제를 고친 뒤 `python -m core build`를 실행하세요.\n\n"
            + str(e)
        )
        return
    st.html(PRINT_CSS)
    st.title(page.heading)
    if not filters:
        _remember_search()
        if searched:  # the search box works from here too: the task page lists the matches
            controls.remember("task", None)
            st.switch_page(navigation.page("task").script)
        try:
            render(Filters())
        except Exception:
            log.exception("page %s failed", name)
            st.error(f"이 화면을 그리는 중 문제가 생겼습니다 ({dt.datetime.now():%Y-%m-%d %H:%M:%S}).", icon="⚠️")
        with st.sidebar:
            _draw_user(who)
        return
    with controls.shared_by_every_page():
        f = controls.sidebar_filters(default_agency=who.agency)
    _remember_search()
    if searched:  # after the filter's widgets were drawn, so that the switch keeps their values
        controls.remember("task", None)  # the search lists its matches; the reader picks one
        st.switch_page(navigation.page("task").script)
    # The line is drawn first (it stays the first thing under the title) and filled once the page has said
    # what its figures are as of and in which unit.
    line = st.empty()
    ui.start_context()
    try:
        shown = render(f)
    except Exception:  # a page that fails says so in Korean and keeps the frame; the cause goes to the log
        log.exception("page %s failed for filter %s", name, describe(f))
        st.error(
            f"이 화면을 그리는 중 문제가 생겼습니다 ({dt.datetime.now():%Y-%m-%d %H:%M:%S}). 필터를 바꾸거나 잠시 뒤 다시 "
            "열어 보세요. 계속되면 이 시각을 관리자에게 알려 주세요(서버 기록에 원인이 남습니다).",
            icon="⚠️",
        )
        shown = f
    built = sources_queries.build_time()[:16]
    line.caption(
        "필터: " + escape_markdown(ui.context_line(f, built, sources_queries.document_as_of(f.agencies))),
        help="사이드바에서 기관·부서·연도를 바꿀 수 있습니다. 기준일은 화면의 값이 가리키는 날(표마다 다르면 범위, 표가 "
        "밝히지 않으면 보고서의 기준일), 빌드 시각은 화면의 데이터 파일을 만든 때입니다.",
    )
    controls.sync_url(shown if shown is not None else f)
    with st.sidebar:  # last, below the filters: who is reading and how to sign out
        _draw_user(who)


def _signed_in() -> auth.Identity | None:
    """The reader, or None after drawing the sign-in screen or the refusal to serve without sign-in."""
    who = auth.current()
    if isinstance(who, str):
        st.error(who, icon="🔒")
        log.error("%s", who)
        return None
    if who is None:
        st.title(f"🔐 {navigation.APP_TITLE}")
        st.markdown("이 대시보드는 로그인한 사용자만 볼 수 있습니다. 기관 계정으로 로그인하세요.")
        if st.button("로그인", type="primary", key="login"):
            st.login()
        return None
    return who


def _draw_user(who: auth.Identity) -> None:
    """At the foot of the sidebar (the filters keep their place above): the admin's pages, who is reading."""
    if who.is_admin:
        st.divider()
        for p in navigation.ADMIN_PAGES:
            st.page_link(p.script, label=p.label, icon=p.icon)
    if who.open_mode:
        st.caption(
            "🔓 로그인 설정 없이 이 컴퓨터(127.0.0.1)에서만 열린 모드입니다. 누구나 관리자로 봅니다. "
            "다른 컴퓨터에서 보게 하려면 로그인을 설정하세요(README '로그인과 권한')."
        )
        return
    st.markdown(f"👤 **{escape_markdown(who.name)}** · {auth.ROLE_LABELS[who.role]}")
    if st.button("로그아웃", key="logout"):
        st.logout()


def _draw_navigation(current: navigation.Page, who: auth.Identity) -> bool:
    """The sidebar's page list and 과제 찾기 box; True when a new search asks for the task page."""
    with st.sidebar:
        for p in navigation.PAGES:
            st.page_link(p.script, label=p.label, icon=p.icon)
        st.divider()
        controls.hold_search_over_page_switch()
        with controls.shared_by_every_page():
            text = st.text_input(
                "🔎 과제 찾기",
                key=controls.SEARCH_KEY,
                placeholder="이름 일부, 번호(2-1-1), 부서",
                help="과제 이름의 일부, 인쇄된 번호 또는 부서로 찾아 '과제 한눈에'에서 엽니다.",
                max_chars=100,
            )
    return bool(text) and text != st.session_state.get("_search_opened") and current.name != "task"


def _remember_search() -> None:
    text = st.session_state.get(controls.SEARCH_KEY) or ""
    st.session_state["_search_opened"] = text


def task_link(f: Filters, doc_id: str, item_id: str, label: str) -> None:
    """A link, in the same tab, to the task page showing one task, keeping the reader's 기관·부서·연도·단위."""
    p = navigation.page("task")
    st.page_link(
        p.script,
        label=escape_markdown(label),  # a link's label renders markdown; names come from data
        icon=p.icon,
        query_params={**controls.context_params(f), "doc": doc_id, "task": item_id},
    )


def open_task(f: Filters, doc_id: str, item_id: str) -> None:
    """Switch to the task page for one task (a row or bar the reader picked), keeping the context."""
    controls.remember("doc", doc_id)
    controls.remember("task", item_id)
    st.switch_page(
        navigation.page("task").script, query_params={**controls.context_params(f), "doc": doc_id, "task": item_id}
    )


def open_selected_task(f: Filters, df, event, id_column: str = labels.TASK_ID) -> None:
    """Open the task of the table row the reader picked (a table with 출처 and the task's id)."""
    rows = event.selection.rows if event and event.selection else []
    if rows:
        open_task(f, source_doc(df[labels.SOURCE]).iat[rows[0]], df[id_column].iat[rows[0]])


def open_charted_task(
    f: Filters, df, event, name_column: str, axis: str = "y", id_column: str = labels.TASK_ID
) -> None:
    """Open the task of the chart bar the reader clicked (bars named by ``name_column`` on ``axis``)."""
    points = event.selection.points if event and event.selection else []
    if points:
        at = [i for i, v in enumerate(df[name_column]) if charts.chart_text(v) == points[0].get(axis)]
        if at:
            open_task(f, source_doc(df[labels.SOURCE]).iat[at[0]], df[id_column].iat[at[0]])


def page_link_with(name: str, label: str, f: Filters, **choices: str) -> None:
    """A link to another page with the reader's context and that page's own choices (``task=…``)."""
    p = navigation.page(name)
    st.page_link(p.script, label=label, icon=p.icon, query_params={**controls.context_params(f), **choices})


def page_link(name: str, label: str | None = None) -> None:
    """A link to another page of the dashboard (the filter goes along in the session)."""
    p = navigation.page(name)
    st.page_link(p.script, label=label or p.label, icon=p.icon)
