"""Sign-in through the real OIDC redirect: a local OpenID provider (oidc-provider-mock) on a loopback port, the
dashboard configured for it, and Chromium clicking through sign-in, the pages and sign-out."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import stop_process, streamlit_server

from bench.load import free_port

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("oidc_provider_mock")

USERS = [
    {"sub": "viewer", "name": "김열람", "email": "viewer@example.kr", "groups": ["staff"]},
    {"sub": "admin", "name": "이관리", "email": "admin@example.kr", "groups": ["budget-admin"]},
]
APP_HEADING = "교육청 예산·성과 대시보드"


@contextlib.contextmanager
def oidc_provider(log_path: Path):
    """oidc-provider-mock on a free loopback port with the two users above; yields its issuer URL."""
    port = free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in USERS:
        args += ["--user-claims", json.dumps(user, ensure_ascii=False)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        issuer = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"oidc provider exited:\n{log_path.read_text(errors='replace')}")
                try:
                    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            yield issuer
        finally:
            stop_process(proc)


@pytest.fixture(scope="module")
def signed_in_server(dashboard_data, tmp_path_factory):
    """The dashboard with sign-in configured against the local provider; yields its base URL."""
    folder = tmp_path_factory.mktemp("auth")
    with oidc_provider(folder / "oidc.log") as issuer:
        port = free_port()
        secrets = folder / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-secret-that-is-long-enough-1234567890"\n'
            'client_id = "dashboard"\n'
            'client_secret = "dashboard-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
            "[dashboard.roles]\n"
            'claim = "groups"\n'
            'admin = ["budget-admin"]\n',
            encoding="utf-8",
        )
        with streamlit_server(
            dashboard_data, folder / "streamlit.log", ("--secrets.files", str(secrets)), port=port
        ) as base:
            yield base


def _sign_in(browser, base: str, who: str):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(base + "/")
    pg.get_by_text("로그인한 사용자만 볼 수 있습니다").wait_for()
    assert pg.locator('[data-testid="stMetric"]').count() == 0  # nothing of the data before sign-in
    pg.get_by_role("button", name="로그인").click()
    pg.get_by_role("heading", name="Authorize Client").wait_for()  # the provider's page, through the redirect
    pg.get_by_role("button", name=who, exact=True).click()
    pg.get_by_role("heading", name=APP_HEADING).wait_for()
    return ctx, pg


SIDEBAR = '[data-testid="stSidebar"]'


def test_sign_in_read_and_sign_out(browser, signed_in_server):
    ctx, pg = _sign_in(browser, signed_in_server, "viewer")
    try:
        sidebar = pg.locator(SIDEBAR)
        sidebar.get_by_text("김열람").wait_for()
        assert "열람자" in sidebar.inner_text()
        pg.locator('[data-testid="stMetric"]').first.wait_for()  # the dashboard's figures
        assert sidebar.get_by_text("데이터 적재").count() == 0  # not offered to a viewer
        pg.get_by_role("button", name="로그아웃").click()
        # The provider's end-session page (when it has one), then back to the dashboard's sign-in screen.
        end = pg.get_by_role("button", name="End session")
        with contextlib.suppress(playwright_api.TimeoutError):
            end.wait_for(timeout=15_000)
            end.click()
        pg.goto(signed_in_server + "/")
        pg.get_by_text("로그인한 사용자만 볼 수 있습니다").wait_for()
        assert pg.locator('[data-testid="stMetric"]').count() == 0
    finally:
        ctx.close()


def test_a_viewer_is_refused_the_admin_page_by_its_url(browser, signed_in_server):
    ctx, pg = _sign_in(browser, signed_in_server, "viewer")
    try:
        pg.goto(signed_in_server + "/admin")
        pg.get_by_text("열람자라 '데이터 적재' 화면을 쓸 수 없습니다").wait_for()
        assert pg.locator('[data-testid="stFileUploader"]').count() == 0
    finally:
        ctx.close()


def test_an_admin_is_offered_the_admin_page(browser, signed_in_server):
    ctx, pg = _sign_in(browser, signed_in_server, "admin")
    try:
        pg.locator(SIDEBAR).get_by_text("데이터 적재").click()
        pg.get_by_role("heading", name="데이터 적재").wait_for()
        pg.locator('[data-testid="stFileUploader"]').wait_for()
        assert "이관리" in pg.locator(SIDEBAR).inner_text()
    finally:
        ctx.close()
