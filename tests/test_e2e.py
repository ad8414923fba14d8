"""The real server in a real browser: every page renders, filters reach the URL, links reproduce a view,
and the downloads carry what the screen shows.

The server runs ``streamlit run app.py`` on a free port with ``DASHBOARD_DATA_DIR`` pointing at a
copy of the extracts. Screenshots go to ``test-artifacts/screenshots/<page>.png`` (git-ignored).

Streamlit draws tables on a canvas (glide-data-grid); the grid also keeps an accessible
``<table role="grid">`` with the raw cell values of the visible columns, which is what we read.
Expected figures are the printed ones (000: 지방공무원인사관리 본예산 435,445 천원; overview budget cards,
one per 기관: 000 예산현액 총계 47,744,891 천원, 004 2018 투자계획 16,033 백만원, 002 예산현황 계 14,872,545 천원).
"""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import openpyxl
import pytest
from conftest import CHROMIUM, PROJECT_DIR, app_pages, streamlit_server

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = PROJECT_DIR / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DOWNLOADS = ARTIFACTS / "downloads"
VIEWPORT = {"width": 1440, "height": 900}  # a meeting-room laptop; PHONE below for 390 px
BUDGET_TABLE = "000 · 2018년 본예산 사업별 내역"
PAGES = app_pages()

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def server(dashboard_data, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit_server(dashboard_data, log_path) as base:
        yield base
    # an uncaught exception in a page is only visible in the server log (showErrorDetails = "none")
    text = log_path.read_text(errors="replace")
    server_errors = [line for line in text.splitlines() if "Traceback" in line or "Uncaught app" in line]
    print(f"\nstreamlit log: {log_path} ({len(server_errors)} error lines)")


@pytest.fixture(scope="module")
def shared_page(browser):
    """One browser context for the module (cached assets); every page.goto starts a new Streamlit session."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="ko-KR")
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


@pytest.fixture
def page(shared_page):
    shared_page.set_viewport_size(VIEWPORT)
    return shared_page


# ---------------------------------------------------------------- helpers


def url_for(base: str, url_path: str, query: dict[str, str] | None = None) -> str:
    # The default page lives at "/" (st.navigation ignores its url_path; /overview answers "Page not found").
    path = "" if url_path == "overview" else url_path
    return f"{base}/{path}" + (("?" + urlencode(query, quote_via=quote)) if query else "")


def settle(pg, timeout: float = 90) -> None:
    """Wait until the script run is over: no skeletons, no running indicator, main text unchanged for ~0.75 s."""
    deadline = time.monotonic() + timeout
    last, stable = None, 0
    while time.monotonic() < deadline:
        state = pg.evaluate("""() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return [main ? main.innerText : '',
                    document.querySelectorAll('[data-testid="stSkeleton"]').length,
                    document.querySelectorAll('[data-testid="stStatusWidget"] button, [data-testid="stAppRunningIcon"]').length];
        }""")
        stable = stable + 1 if state == last and state[1] == 0 and state[2] == 0 and state[0] else 0
        if stable >= 3:
            return
        last = state
        pg.wait_for_timeout(250)
    raise AssertionError(
        f"{pg.url} did not settle: skeletons={last and last[1]}, running={last and last[2]}, "
        f"text={(last or [''])[0][-300:]!r}"
    )


def assert_no_exception(pg) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0, pg.locator('[data-testid="stMain"]').inner_text()
    assert pg.get_by_text("Page not found").count() == 0


def page_title(url_path: str) -> str:
    """The heading the frame draws for a page, without its leading emoji."""
    from core.navigation import page

    return page(url_path).title


def open_page(pg, base: str, url_path: str, query: dict[str, str] | None = None) -> None:
    pg.goto(url_for(base, url_path, query))
    pg.get_by_role("heading", name=page_title(url_path)).wait_for(timeout=60_000)
    settle(pg)
    assert_no_exception(pg)


def nav_title(url_path: str) -> str:
    """The page's label in the navigation the frame draws."""
    from core.navigation import page

    return page(url_path).label


def go_to(pg, url_path: str) -> None:
    """Move to another page with the sidebar navigation (same session, no reload)."""
    pg.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]').filter(
        has_text=nav_title(url_path)
    ).first.click()
    pg.get_by_role("heading", name=page_title(url_path)).wait_for(timeout=60_000)
    settle(pg)
    assert_no_exception(pg)


def full_screenshot(pg, path: Path) -> None:
    """Streamlit scrolls inside stMain, so Playwright's full_page alone shows one viewport: grow it first."""
    height = pg.evaluate("""() => Math.max(
        document.querySelector('[data-testid="stMain"]')?.scrollHeight || 0,
        document.querySelector('[data-testid="stSidebarContent"]')?.scrollHeight || 0)""")
    pg.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, VIEWPORT["height"]), 15_000)})
    pg.wait_for_timeout(800)  # charts and grids re-layout to the new size
    pg.screenshot(path=str(path), full_page=True)
    pg.set_viewport_size(VIEWPORT)


def grid_rows(pg, nth: int = 0) -> list[dict[str, str]]:
    """Rows of the nth st.dataframe as {column header: cell text}, read from the grid's accessible table."""
    frame = pg.locator('[data-testid="stDataFrame"]').nth(nth)
    frame.locator('table[role="grid"] tbody tr').first.wait_for(state="attached")
    return frame.evaluate("""e => {
        const t = e.querySelector('table[role="grid"]');
        const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
        return [...t.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
            [...tr.querySelectorAll('td')].map((td, i) => [heads[i], td.textContent.trim()])));
    }""")


def grid_row(pg, name: str, nth: int = 0) -> dict[str, str]:
    rows = [r for r in grid_rows(pg, nth) if r.get("사업명") == name]
    assert len(rows) == 1, f"{len(rows)} rows named {name!r}"
    return rows[0]


def cell(row: dict[str, str], column: str) -> str:
    """A cell by column name; headers of amounts carry the unit, e.g. '본예산 (천원)'."""
    for k, v in row.items():
        if k == column or k.startswith(column + " ("):
            return v
    raise KeyError(f"{column} not in {list(row)}")


def metric_value(pg, label: str) -> str:
    m = pg.locator('[data-testid="stMetric"]').filter(has=pg.get_by_text(label, exact=True))
    return m.locator('[data-testid="stMetricValue"]').inner_text()


def sidebar_select(pg, label: str, option: str) -> None:
    box = pg.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    box.click()
    pg.get_by_role("option", name=option, exact=True).click()


def main_select_value(pg, label: str) -> str:
    return pg.locator('[data-testid="stMain"]').get_by_role("combobox", name=label, exact=True).input_value()


def sidebar_select_value(pg, label: str) -> str:
    return pg.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True).input_value()


def checked_unit(pg) -> str:
    return pg.get_by_role("radiogroup", name="금액 단위").get_by_role("radio", checked=True).inner_text().strip()


# ---------------------------------------------------------------- tests


def test_every_page_renders_and_is_screenshotted(server, page):
    """Open the app at / and visit every page through the sidebar navigation, as a user does."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for i, url_path in enumerate(PAGES):
        if i == 0:
            open_page(page, server, url_path)
        else:
            go_to(page, url_path)
        assert page.url.split("?")[0].rstrip("/").endswith("" if url_path == "overview" else "/" + url_path)
        full_screenshot(page, SCREENSHOTS / f"{url_path}.png")
        assert (SCREENSHOTS / f"{url_path}.png").stat().st_size > 10_000
        assert_no_exception(page)


def budget_cards(pg) -> dict[str, str]:
    """{기관: the value of its 예산 card} as the overview shows them."""
    return pg.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[class*="st-key-budget_card_"]')].map(card => {
            const agency = card.innerText.trim().split('\\n')[0].split(' · ')[0];
            const metric = [...card.querySelectorAll('[data-testid="stMetric"]')]
                .find(m => m.querySelector('[data-testid="stMetricLabel"]').innerText.trim() === '예산');
            return [agency, metric.querySelector('[data-testid="stMetricValue"]').innerText.trim()];
        }))"""
    )


def test_sidebar_year_changes_url_and_figures(server, page):
    open_page(page, server, "overview")
    assert sidebar_select_value(page, "연도") == "2024년"  # a first visit opens on the latest year
    open_page(page, server, "overview", {"year": "all"})
    cards = budget_cards(page)
    # One card per 기관, each its latest year: 002 예산현황 계 (1차추경) 14,872,545; 000 예산현액 총계 47,744,891.
    assert cards["서울특별시교육청교육연수원"] == "14,872,545 천원"
    assert cards["서울특별시교육청"] == "47,744,891 천원"
    sidebar_select(page, "연도", "2018년")
    page.wait_for_url(re.compile(r"[?&]year=2018(&|$)"))
    page.wait_for_function("""() => document.querySelectorAll('[class*="st-key-budget_card_"]').length === 2""")
    settle(page)
    # 서울특별시's 2018 investment plan (004, 16,033 백만원) is its own card, never added to the 교육청's budget.
    assert budget_cards(page) == {"서울특별시": "16,033,000 천원", "서울특별시교육청": "47,744,891 천원"}
    assert "63,777,891" not in page.locator("section.main, [data-testid='stMain']").first.inner_text()
    assert sidebar_select_value(page, "연도") == "2018년"

    # the unit control rewrites the figure and the URL
    page.get_by_role("radiogroup", name="금액 단위").get_by_role("radio", name="백만원").click()
    page.wait_for_url(re.compile(r"unit=%EB%B0%B1%EB%A7%8C%EC%9B%90"))
    settle(page)
    assert budget_cards(page)["서울특별시교육청"] == "47,744.9 백만원"
    assert_no_exception(page)


def test_copied_url_reproduces_the_view_and_downloads_match(server, browser, page):
    # 1) the view the user is looking at, and its URL
    open_page(page, server, "budget")
    sidebar_select(page, "연도", "2018년")
    page.wait_for_url(re.compile(r"[?&]year=2018(&|$)"))
    settle(page)
    copied = page.url
    assert "year=2018" in copied and "unit=" in copied and "table=" in copied
    assert main_select_value(page, "예산 표") == BUDGET_TABLE
    row = grid_row(page, "지방공무원인사관리")
    assert cell(row, "본예산") == "435445" and cell(row, "전년 최종예산") == "473263" and cell(row, "집행액") == "73837"

    # 2) the copied link in a fresh browser context (a new session with no state), then a typed link
    #    for the same table in 백만원 in that context
    typed = url_for(server, "budget", {"year": "2018", "unit": "백만원", "table": BUDGET_TABLE})
    ctx = browser.new_context(viewport=VIEWPORT, locale="ko-KR")
    try:
        other = ctx.new_page()
        for link, unit, figure in ((copied, "천원", "435445"), (typed, "백만원", "435")):
            other.goto(link)
            other.get_by_role("heading", name=page_title("budget")).wait_for(timeout=60_000)
            settle(other)
            assert_no_exception(other)
            assert other.locator('[data-testid="stAlert"]').filter(has_text="무시").count() == 0
            assert sidebar_select_value(other, "연도") == "2018년"
            assert main_select_value(other, "예산 표") == BUDGET_TABLE
            assert checked_unit(other) == unit
            assert cell(grid_row(other, "지방공무원인사관리"), "본예산") == figure
    finally:
        ctx.close()

    # 3) downloads of the table on screen, through the page's buttons only: the grid's own toolbar (shown on
    #    hover) offers no CSV that would bypass the units and the formula escaping
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for(state="visible", timeout=10_000)
    assert toolbar.get_by_role("button").count() >= 1
    assert toolbar.get_by_role("button", name=re.compile("Download|다운로드")).count() == 0
    screen = cell(grid_row(page, "지방공무원인사관리"), "본예산")
    # 교직원단체관리 has no amount in the report ('_'): the cell is blank, not 'None' and not 0.
    assert cell(grid_row(page, "교직원단체관리"), "본예산") == ""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    main = page.locator('[data-testid="stMain"]')
    with page.expect_download() as got:
        main.get_by_role("button", name="⬇️ CSV").first.click()
    csv_path = DOWNLOADS / got.value.suggested_filename
    got.value.save_as(csv_path)
    assert csv_path.suffix == ".csv"
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with the UTF-8 BOM (Excel on Korean Windows)"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {"사업명", "본예산 (천원)", "집행률(%)", "출처"} <= set(rows[0])  # every amount header names its unit
    hit = [r for r in rows if r["사업명"] == "지방공무원인사관리"]
    assert len(hit) == 1 and hit[0]["본예산 (천원)"] == "435445" == screen
    assert hit[0]["집행률(%)"] == "17.0"
    # the 11 세부사업 printed in the table, then the printed 총계 row marked as such (000: 47,744,891천원 예산현액)
    assert len(rows) == 12
    assert rows[-1]["구분"] == "합계(인쇄)" and rows[-1]["예산현액·추경 (천원)"] == "47744891"

    with page.expect_download() as got:
        main.get_by_role("button", name="⬇️ Excel").first.click()
    xlsx_path = DOWNLOADS / got.value.suggested_filename
    got.value.save_as(xlsx_path)
    assert xlsx_path.suffix == ".xlsx"
    ws = openpyxl.load_workbook(xlsx_path).worksheets[0]
    # The header is the first row naming the 사업명 column; the meta block above it has two cells a row.
    header_row = next(r for r in range(1, 30) if "사업명" in [ws.cell(r, c).value for c in range(1, 4)])
    meta = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, header_row) if ws.cell(r, 1).value}
    assert {"필터", "금액 단위", "기준일", "출처"} <= set(meta)
    assert meta["금액 단위"] == "천원"
    assert "2018년" in meta["필터"]
    assert meta["기준일"].startswith("2018-07-09")
    assert BUDGET_TABLE in meta["출처"]
    assert ws.freeze_panes == f"A{header_row + 1}"
    header = [c.value for c in ws[header_row]]
    name_col, budget_col = header.index("사업명") + 1, header.index("본예산 (천원)") + 1
    values = {ws.cell(r, name_col).value: ws.cell(r, budget_col).value for r in range(header_row + 1, ws.max_row + 1)}
    assert values["지방공무원인사관리"] == 435_445
    assert all(isinstance(v, (int, float)) for v in values.values() if v is not None), values
    assert values["교직원단체관리"] is None  # printed as "_" (no amount), not 0 and not a string

    # 4) the unit control changes the figure on screen and the URL
    page.get_by_role("radiogroup", name="금액 단위").get_by_role("radio", name="백만원").click()
    page.wait_for_url(re.compile(r"unit=%EB%B0%B1%EB%A7%8C%EC%9B%90"))
    settle(page)
    assert cell(grid_row(page, "지방공무원인사관리"), "본예산") == "435"  # whole 백만원, as printed tables read


def test_moving_between_pages_keeps_unit_and_does_not_crash(server, page):
    open_page(page, server, "budget", {"unit": "백만원"})
    assert checked_unit(page) == "백만원"
    for target in ("quarterly", "callcenter", "overview"):
        go_to(page, target)
        assert checked_unit(page) == "백만원"
        assert "unit=%EB%B0%B1%EB%A7%8C%EC%9B%90" in page.url


def test_sidebar_year_survives_moving_to_another_page(server, page):
    open_page(page, server, "budget", {"year": "2018"})
    go_to(page, "quarterly")
    assert sidebar_select_value(page, "연도") == "2018년"
    assert "year=2018" in page.url


def test_site_root_serves_the_overview(server, page):
    # Streamlit serves the default page at "/" (its url_path is not routed), so links use the root.
    page.goto(f"{server}/?year=2018")
    page.get_by_role("heading", name=page_title("overview")).wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    assert sidebar_select_value(page, "연도") == "2018년"


def test_hostile_url_shows_notice_not_error(server, page):
    open_page(page, server, "budget", {"year": "2018; DROP TABLE budget_line", "agency": "<script>alert(1)</script>"})
    alerts = page.locator('[data-testid="stAlert"]').filter(has_text="무시")
    assert alerts.count() >= 2
    texts = " ".join(alerts.all_inner_texts())
    assert "2018; DROP TABLE budget_line" in texts and "<script>" in texts  # shown as text, not markup
    assert page.locator("script", has_text="alert(1)").count() == 0
    assert sidebar_select_value(page, "연도") == "2024년"  # the default: the latest year
    assert "DROP" not in page.url and "script" not in page.url
    assert len(grid_rows(page)) > 0


def test_overview_prints_without_the_sidebar_and_with_its_context_line(server, page):
    """Printing (or 'PDF로 저장') keeps the title and the context line and drops the sidebar and the buttons."""
    open_page(page, server, "overview", {"year": "2024"})
    sidebar = page.locator('[data-testid="stSidebar"]')
    context = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="필터: 전체 기관 · 2024년").first
    assert sidebar.is_visible() and context.is_visible()
    page.emulate_media(media="print")
    try:
        assert not sidebar.is_visible()
        assert context.is_visible() and "빌드" in context.inner_text()
        assert page.get_by_role("heading", name=page_title("overview")).is_visible()
        assert page.locator('[data-testid="stButton"]').filter(has=page.locator(":visible")).count() == 0
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
        DOWNLOADS.mkdir(parents=True, exist_ok=True)
        (DOWNLOADS / "overview-print.pdf").write_bytes(pdf)
    finally:
        page.emulate_media(media="screen")


PHONE = {"width": 390, "height": 844}


def test_every_page_is_usable_at_390_px(server, browser):
    """On a phone: no page scrolls sideways, and the first screen says which 기관·연도 is shown."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport=PHONE, locale="ko-KR", is_mobile=True, has_touch=True)
    try:
        pg = ctx.new_page()
        for url_path in PAGES:
            open_page(pg, server, url_path, {"year": "2024"})
            assert_no_exception(pg)
            overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (url_path, overflow)
            context = pg.locator('[data-testid="stCaptionContainer"]').filter(has_text="필터:").first
            box = context.bounding_box()
            assert box is not None and box["y"] + box["height"] <= PHONE["height"], (url_path, box)
            pg.screenshot(path=str(SCREENSHOTS / f"{url_path}-390.png"), full_page=True)
    finally:
        ctx.close()


# ---------------------------------------------------------------- drill-down to 과제 한눈에

ACADEMY = "서울특별시교육청교육연수원"
TASK_NAME = "미래교육 대비 수업·평가 혁신 역량 제고 연수"  # 2-1-1 (002-T05): 집행 부진 and 연말 집중


def assert_on_task(pg, name: str, agency: str | None, unit: str | None = None) -> None:
    """The task page in this tab, showing ``name``, with the filter (and unit) the reader had."""
    pg.get_by_role("heading", name=page_title("task")).wait_for(timeout=60_000)
    settle(pg)
    assert_no_exception(pg)
    assert "/task?" in pg.url and "doc=" in pg.url and "task=" in pg.url
    assert pg.locator('[data-testid="stMain"] h3').filter(has_text=name).count() >= 1
    if agency:
        assert agency in pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.inner_text()
        assert "agency=" in pg.url
    if unit:
        assert checked_unit(pg) == unit


def test_an_overview_alert_opens_its_task_in_the_same_tab_with_the_filter(server, page):
    open_page(page, server, "overview", {"agency": ACADEMY, "year": "2024", "unit": "백만원"})
    tabs = len(page.context.pages)
    link = page.locator('[data-testid="stMain"] [data-testid="stPageLink-NavLink"]').filter(has_text="집행").first
    assert "task=" in (link.get_attribute("href") or "")
    link.click()
    assert_on_task(page, "", ACADEMY, "백만원")
    assert len(page.context.pages) == tabs, "the task opens in the same tab"
    assert "year=2024" in page.url


def test_a_row_of_the_alert_table_opens_its_task_with_the_filter(server, page):
    open_page(page, server, "insights", {"agency": ACADEMY, "year": "2024"})
    rows = grid_rows(page)
    at = next(i for i, r in enumerate(rows) if r.get("사업명") == TASK_NAME)
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    # the row marker (the selection box) left of the row: header ~35 px, rows ~35 px high
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 35 * at + 17)
    assert_on_task(page, TASK_NAME, ACADEMY)
    assert "task=002-T05" in page.url
    # the task's figures as the report prints them: 본예산 941,703천원; 2분기 집행 60,199천원 by 2024-06-30
    grids = page.locator('[data-testid="stDataFrame"]')
    tables = [grid_rows(page, i) for i in range(grids.count()) if grids.nth(i).is_visible()]  # not in closed expanders
    own = next(r for t in tables for r in t if r.get("관계") == "이 과제")
    assert cell(own, "본예산") == "941703"  # the grid's accessible text holds the value; the canvas shows 941,703
    quarter = next(r for t in tables for r in t if r.get("번호") == "2-1-1" and "2분기" in " ".join(r))
    assert cell(quarter, "2분기") == "60199"


def test_the_sidebar_search_finds_a_task_by_number_and_opens_it(server, page):
    open_page(page, server, "budget", {"agency": ACADEMY})
    box = page.locator('[data-testid="stSidebar"]').get_by_role("textbox", name="🔎 과제 찾기")
    box.fill("2-1-1")
    box.press("Enter")
    page.get_by_role("heading", name=page_title("task")).wait_for(timeout=60_000)
    settle(page)
    result = page.locator('[data-testid="stMain"] [data-testid="stPageLink-NavLink"]').filter(has_text=TASK_NAME)
    assert result.count() == 1
    result.click()
    assert_on_task(page, TASK_NAME, ACADEMY)


def test_my_division_is_saved_on_this_browser_restored_in_a_new_session_and_cleared(server, browser):
    ctx = browser.new_context(viewport=VIEWPORT, locale="ko-KR")
    try:
        pg = ctx.new_page()
        open_page(pg, server, "budget", {"agency": ACADEMY})
        pg.locator('[data-testid="stSidebar"]').get_by_role("button", name="⭐ 내 부서로 저장").click()
        pg.locator('[data-testid="stSidebar"]').get_by_text("⭐ 내 부서:").wait_for(timeout=30_000)
        pg.wait_for_function("() => document.cookie.includes('dashboard_home=')", timeout=30_000)
        fresh = ctx.new_page()  # a new Streamlit session on the same browser, opened without a filter
        open_page(fresh, server, "overview")
        assert ACADEMY in fresh.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.inner_text()
        assert "agency=" in fresh.url
        # a link's own filter outranks the saved one
        linked = ctx.new_page()
        open_page(linked, server, "budget", {"agency": "서울특별시교육청"})
        assert (
            "서울특별시교육청교육연수원"
            not in linked.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.inner_text()
        )
        fresh.locator('[data-testid="stSidebar"]').get_by_role("button", name="저장 해제").click()
        fresh.wait_for_function("() => !document.cookie.includes('dashboard_home=')", timeout=30_000)
        again = ctx.new_page()
        open_page(again, server, "overview")
        assert "agency=" not in again.url
    finally:
        ctx.close()
