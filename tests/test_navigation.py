"""One navigation mechanism, one frame: every page is reachable as a deep link on a fresh server with the
whole frame drawn, and the filter (기관·부서·연도·단위) holds while the user moves through every page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from conftest import PROJECT_DIR, streamlit_server

from core.navigation import ADMIN_PAGES, ALL_PAGES, PAGES, page

playwright_api = pytest.importorskip("playwright.sync_api")
AGENCY = "서울특별시교육청교육연수원"
DIVISION = "기획평가부"


def test_pages_folder_holds_every_page_script_and_only_them():
    scripts = {p.script for p in ALL_PAGES}
    on_disk = {"app.py"} | {f"pages/{f.name}" for f in (PROJECT_DIR / "pages").glob("*.py")}
    assert scripts == on_disk


def test_one_navigation_mechanism():
    """Folder-based pages only: st.navigation beside a pages/ folder makes a fresh server's first deep link
    skip the entry script; a views/ folder would hide pages from the folder mode."""
    assert not (PROJECT_DIR / "views").exists()
    for f in [PROJECT_DIR / "app.py", *(PROJECT_DIR / "pages").glob("*.py"), *(PROJECT_DIR / "core").rglob("*.py")]:
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"\bst\.(navigation|Page)\(", text), f


def test_every_page_script_is_drawn_by_the_frame():
    for p in ALL_PAGES:
        text = (PROJECT_DIR / p.script).read_text(encoding="utf-8")
        assert f'frame.run_page("{p.name}", render' in text, p.script
        assert "st.stop(" not in text and "sync_url(f)\n" not in text.split("def render")[0], p.script


def _open(browser, url: str):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(url)
    return ctx, pg


NAV_LINKS = '[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]'


def _sidebar_labels(pg, expected: int = len(PAGES)) -> list[str]:
    pg.wait_for_function(f"() => document.querySelectorAll('{NAV_LINKS}').length >= {expected}")
    return [t.strip() for t in pg.locator(NAV_LINKS).all_inner_texts()]


@pytest.mark.parametrize("name", [p.name for p in PAGES if p.url_path])
def test_a_deep_link_as_the_first_request_on_a_fresh_server_draws_the_whole_frame(
    name, browser, dashboard_data, tmp_path
):
    with streamlit_server(dashboard_data, tmp_path / "streamlit.log") as base:
        ctx, pg = _open(browser, f"{base}/{page(name).url_path}?{urlencode({'year': '2018'})}")
        try:
            pg.get_by_role("heading", name=page(name).title).wait_for()
            # A loopback server without sign-in is in local open mode, where the admin page is offered too (at the
            # foot of the sidebar, drawn after the page).
            labels = _sidebar_labels(pg, len(PAGES) + len(ADMIN_PAGES))
            assert [p.label for p in (*PAGES, *ADMIN_PAGES)] == [re.sub(r"^\W+\s*", "", label) for label in labels]
            sidebar = pg.locator('[data-testid="stSidebar"]')
            for label in ("기관", "부서", "연도"):
                sidebar.locator('[data-testid="stWidgetLabel"]').filter(has_text=label).first.wait_for()
            context = pg.locator('[data-testid="stCaptionContainer"]').filter(has_text="필터:")
            assert context.count() == 1 and "2018년" in context.inner_text()  # the URL's year was applied
            assert pg.locator('[data-testid="stException"]').count() == 0
        finally:
            ctx.close()


def test_filter_and_unit_hold_on_every_page(browser, dashboard_data, tmp_path):
    query = {"agency": AGENCY, "division": DIVISION, "year": "2024", "unit": "백만원"}
    with streamlit_server(dashboard_data, tmp_path / "streamlit.log") as base:
        ctx, pg = _open(browser, f"{base}/?{urlencode(query)}")
        try:
            pg.get_by_role("heading", name=page("overview").title).wait_for()
            # Through every page, pages without a unit choice included, and back to one that has it.
            for p in [*PAGES[1:], PAGES[1]]:
                pg.locator(NAV_LINKS).filter(has_text=p.label).first.click()
                pg.get_by_role("heading", name=p.title).wait_for()
                pg.wait_for_function(f"() => window.location.pathname.endsWith('/{p.url_path}')")
                pg.wait_for_function("() => new URLSearchParams(window.location.search).get('year') === '2024'")
                got = parse_qs(urlparse(pg.url).query)
                assert got["agency"] == [AGENCY] and got["division"] == [DIVISION], (p.name, pg.url)
                caption = pg.locator('[data-testid="stCaptionContainer"]').filter(has_text="필터:").inner_text()
                assert AGENCY in caption and DIVISION in caption and "2024년" in caption, (p.name, caption)
            assert parse_qs(urlparse(pg.url).query).get("unit") == ["백만원"]
        finally:
            ctx.close()
