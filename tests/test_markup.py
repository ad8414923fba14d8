"""No text from a URL or from data becomes markup: crafted link values and crafted names (markdown links and
images, raw <img>/<a>, bare URLs) show as text on every page, and the browser never fetches or links to them.

Runs the real server on a copy of the shipped data with one crafted budget row (its 기관, 부서 and 사업명 are
markup, and it raises a 집행 없음 alert, so the name reaches the overview, 점검·경보, the search and the task page).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, app_pages, extracts_for_ingest, streamlit_server

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

TRAP = "127.0.0.1:9"  # nothing listens there; any request or link to it came from crafted text
AGENCY = f"![a](http://{TRAP}/agency.png)"
DIVISION = f"[부서](http://{TRAP}/division)"
NAME = (
    f"[관리자 재로그인 필요](http://{TRAP}/login) ![t](http://{TRAP}/t.png) <img src=http://{TRAP}/i.png> "
    f'http://{TRAP}/auto <a href="http://{TRAP}/a">x</a>'
)
URL_VALUES = {
    "agency": f"![](http://{TRAP}/u.png)",
    "division": f"[관리자 재로그인 필요](http://{TRAP}/relogin)",
    "unit": f"<img src=http://{TRAP}/unit.png>",
    "table": f"[t](http://{TRAP}/table)",
    "task": f"![x](http://{TRAP}/task.png)",
}


@pytest.fixture(scope="module")
def crafted_server(tmp_path_factory):
    from core.pipeline.build import build
    from core.pipeline.ingest import ingest_files

    root = tmp_path_factory.mktemp("crafted")
    extracts_for_ingest(root / "extracts")
    row = tmp_path_factory.mktemp("crafted-input") / "budget_line_crafted.csv"
    header = "문서,출처 표·절,쪽수,인쇄 단위,기준일,기관,부서,회계연도,항목 ID,구분,사업명,합계 행,본예산,예산현액·추경,집행액(원인행위)"
    name = NAME.replace('"', '""')
    row.write_text(
        f'{header}\nH01,악성 표,1,천원,2024-06-30,{AGENCY},{DIVISION},2024,H01-1,세부사업,"{name}",0,"1,000","1,000",0\n',
        encoding="utf-8",
    )
    ingest_files([row], table_name="budget_line", root=root / "extracts")
    build(root=root / "extracts", target=root / "dashboard.duckdb")
    with streamlit_server(root, tmp_path_factory.mktemp("log") / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def watched(crafted_server):
    """A page whose every request is recorded."""
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        ctx = b.new_context(viewport={"width": 1440, "height": 900}, locale="ko-KR")
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        requests: list[str] = []
        pg.on("request", lambda r: requests.append(r.url))
        yield pg, requests
        b.close()


def visit(pg, base: str, path: str, query: dict[str, str]) -> None:
    pg.goto(f"{base}/{path}" + ("?" + urlencode(query, quote_via=quote) if query else ""))
    pg.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && !document.querySelector('[data-testid=\"stAppRunningIcon\"]')",
        timeout=60_000,
    )
    pg.wait_for_timeout(1500)


def assert_no_markup_from_text(pg, requests: list[str]) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0
    assert pg.locator(f'img[src*="{TRAP}"]').count() == 0
    assert pg.locator(f'a[href*="{TRAP}"]').count() == 0
    assert pg.locator(f'image[href*="{TRAP}"]').count() == 0  # svg images in charts
    assert not [u for u in requests if TRAP in u]


@pytest.mark.parametrize("url_path", list(app_pages()))
def test_crafted_url_values_show_as_text_on_every_page(crafted_server, watched, url_path):
    pg, requests = watched
    path = "" if url_path == "overview" else url_path
    visit(pg, crafted_server, path, URL_VALUES)
    assert_no_markup_from_text(pg, requests)
    notices = " ".join(pg.locator('[data-testid="stAlert"]').all_inner_texts()).replace("\u200b", "")
    assert f"http://{TRAP}/u.png" in notices  # the value is quoted, as text


@pytest.mark.parametrize(
    "url_path, query",
    [
        ("", {"year": "2024"}),  # the overview's alert list names the crafted row
        ("insights", {"year": "2024"}),
        ("budget", {"agency": AGENCY}),
        ("task", {"doc": "H01", "task": "H01-1"}),
    ],
)
def test_crafted_names_show_as_text(crafted_server, watched, url_path, query):
    pg, requests = watched
    visit(pg, crafted_server, url_path, query)
    assert_no_markup_from_text(pg, requests)
    main = pg.locator('[data-testid="stMain"]').inner_text()
    if url_path in ("", "task"):
        assert "[관리자 재로그인 필요]" in main  # drawn literally


def _handshake(base: str, host: str, origin: str) -> int:
    """The status a WebSocket upgrade to the app's stream gets for this Host and Origin, asked from outside."""
    import base64
    import os
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(base)
    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(request.encode())
        status = s.recv(1024).decode(errors="replace").split("\r\n", 1)[0]
    return int(status.split()[1]) if status.startswith("HTTP/") else 0


def test_the_stream_refuses_foreign_hosts_and_origins(crafted_server):
    port = crafted_server.rsplit(":", 1)[1]
    assert _handshake(crafted_server, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101
    assert _handshake(crafted_server, f"evil.example:{port}", f"http://evil.example:{port}") != 101  # DNS rebinding
    assert _handshake(crafted_server, f"127.0.0.1:{port}", "http://evil.example") != 101  # another site's page


def test_the_dashboard_does_not_show_inside_another_sites_frame(crafted_server, watched, tmp_path):
    import functools
    import http.server
    import threading

    pg, _ = watched
    visit(pg, crafted_server, "", {})
    assert pg.evaluate("() => getComputedStyle(document.documentElement).display") != "none"  # shown on its own
    # another site (another origin: localhost on another port) that frames the dashboard
    (tmp_path / "index.html").write_text(f'<iframe src="{crafted_server}/" width="1200" height="800"></iframe>')
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        pg.goto(f"http://localhost:{site.server_address[1]}/index.html")
        for _ in range(300):
            frame = next((f for f in pg.frames if f.url.startswith(crafted_server)), None)
            if frame is not None:
                break
            pg.wait_for_timeout(100)
        assert frame is not None, [f.url for f in pg.frames]
        frame.wait_for_function("() => getComputedStyle(document.documentElement).display === 'none'", timeout=60_000)
    finally:
        site.shutdown()
