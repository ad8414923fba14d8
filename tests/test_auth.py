"""Sign-in, roles and the admin page (데이터 적재), as a reader sees them: pages run headless with AppTest and a
seeded ``st.user``; the real OIDC redirect is in test_auth_browser.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import APP_PATH, NO_SECRETS, PROJECT_DIR, extracts_for_ingest, tree_digest
from streamlit.testing.v1 import AppTest

from core import auth

ADMIN_PAGE = "pages/admin.py"
FIXTURES_DIR = PROJECT_DIR / "tests" / "fixtures"
SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret-not-used",
        "client_id": "dashboard",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    },
    "dashboard": {"roles": {"claim": "groups", "admin": ["budget-admin"]}, "scope": {"agency_claim": "agency"}},
}
VIEWER = {"is_logged_in": True, "sub": "v1", "name": "김열람", "email": "viewer@example.kr", "groups": ["staff"]}
ADMIN = {"is_logged_in": True, "sub": "a1", "name": "이관리", "email": "admin@example.kr", "groups": ["budget-admin"]}
NEW_AGENCY = "테스트교육청"  # the 기관 of budget_line_valid.csv, in no shipped report


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A writable data folder (shipped extracts + the test documents, built) the app in this process reads."""
    from core.dashboard import db
    from core.pipeline.build import build

    root = tmp_path / "data"
    extracts_for_ingest(root / "extracts")
    build(root=root / "extracts", target=root / "dashboard.duckdb")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(root))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    db.reset()
    yield root
    db.reset()


def session(script: str = str(APP_PATH), user: dict | None = None, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP_PATH), default_timeout=120)
    if secrets is not None:
        at.secrets = json.loads(json.dumps(secrets))
    if user is not None:
        at.user = dict(user)
    if script != str(APP_PATH):
        at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def sidebar_links(at: AppTest) -> list[str]:
    return [e.proto.page for e in at.sidebar.get("page_link")]


# ---------------------------------------------------------------- roles from claims


def test_roles_and_agency_come_from_the_configured_claims():
    admin = auth.identity_from_claims(ADMIN | {"agency": "서울특별시교육청"}, SECRETS)
    viewer = auth.identity_from_claims(VIEWER, SECRETS)
    assert (admin.role, admin.name, admin.agency, admin.audit_name()) == (
        auth.ADMIN,
        "이관리",
        "서울특별시교육청",
        "admin@example.kr",
    )
    assert viewer.role == auth.VIEWER and viewer.agency is None
    assert auth.role_of({"groups": "budget-admin"}, SECRETS) == auth.ADMIN  # a single value, not a list
    assert auth.role_of({"roles": ["budget-admin"]}, SECRETS) == auth.VIEWER  # another claim than configured
    assert auth.role_of(ADMIN, {"auth": SECRETS["auth"]}) == auth.VIEWER  # no mapping: everyone reads only


def test_loopback_and_local_requests():
    assert all(auth.is_loopback(a) for a in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(auth.is_loopback(a) for a in ("0.0.0.0", "", None, "::", "192.168.0.10", "dash.example.kr"))
    assert auth.request_is_local({"Host": "127.0.0.1:8501"})
    assert not auth.request_is_local({"Host": "dash.example.kr"})
    assert not auth.request_is_local({"Host": "127.0.0.1:8501", "X-Forwarded-For": "203.0.113.9"})
    # through the loopback nginx of run.py serve, from a browser on this machine
    assert auth.request_is_local({"Host": "127.0.0.1:8080", "X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"})
    # a client cannot hide its address: proxies append to the chain
    assert not auth.request_is_local({"Host": "127.0.0.1:8080", "X-Forwarded-For": "127.0.0.1, 203.0.113.9, 127.0.0.1"})
    assert not auth.request_is_local({"Host": "127.0.0.1:8080", "Forwarded": 'for="203.0.113.9";proto=https'})
    assert not auth.request_is_local({"Host": "127.0.0.1:8080", "X-Forwarded-Host": "dash.example.kr"})


# ---------------------------------------------------------------- startup refusal


def _startup_check(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core.auth", "--secrets.files", str(NO_SECRETS), *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env=env,
    )


def test_startup_is_refused_beyond_loopback_without_auth(tmp_path):
    import os

    refused = _startup_check("--server.address", "0.0.0.0")
    assert refused.returncode != 0
    assert "로그인 설정이 없어" in refused.stderr and "[auth]" in refused.stderr and "127.0.0.1" in refused.stderr
    env_refused = _startup_check(env=dict(os.environ, STREAMLIT_SERVER_ADDRESS="192.0.2.1"))
    assert env_refused.returncode != 0 and "192.0.2.1" in env_refused.stderr
    assert _startup_check("--server.address", "127.0.0.1").returncode == 0
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "https://dash.example.kr/oauth2callback"\ncookie_secret = "x"\n')
    assert _startup_check("--server.address", "0.0.0.0", "--secrets.files", str(secrets)).returncode == 0


def test_run_py_app_checks_the_address_before_starting_streamlit():
    text = (PROJECT_DIR / "run.py").read_text(encoding="utf-8")
    assert '"-m", "core.auth"' in text


def test_a_server_bound_beyond_loopback_without_auth_serves_no_page(use_dashboard_data):
    """`streamlit run app.py --server.address 0.0.0.0` starts, but every page shows only the refusal."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        for script in (str(APP_PATH), "pages/budget.py", ADMIN_PAGE):
            at = session(script)
            assert any("로그인 설정이 없어" in t and "0.0.0.0" in t for t in texts(at.error)), script
            assert not at.title and not at.dataframe and not at.metric, script
    finally:
        config.set_option("server.address", before)


# ---------------------------------------------------------------- sign-in screen and roles


def test_open_mode_on_loopback_says_so_and_offers_the_admin_page(use_dashboard_data):
    at = session()
    assert at.title[0].value.endswith("교육청 예산·성과 대시보드")
    assert any("로그인 설정 없이" in t and "127.0.0.1" in t for t in texts(at.sidebar.caption))
    assert "admin" in sidebar_links(at)


def test_without_sign_in_every_page_shows_only_the_sign_in_screen(use_dashboard_data):
    for script in (str(APP_PATH), "pages/budget.py", ADMIN_PAGE):
        at = session(script, user={"is_logged_in": False}, secrets=SECRETS)
        assert [b.label for b in at.button] == ["로그인"], script
        assert any("로그인한 사용자만" in t for t in texts(at.markdown)), script
        assert not at.dataframe and not at.metric and not at.get("file_uploader"), script
        assert not sidebar_links(at), script


def test_a_signed_in_viewer_reads_with_name_and_sign_out_but_no_admin_page(use_dashboard_data):
    at = session(user=VIEWER, secrets=SECRETS)
    assert at.title[0].value.endswith("교육청 예산·성과 대시보드") and at.metric
    assert any("김열람" in t and "열람자" in t for t in texts(at.sidebar.markdown))
    assert "로그아웃" in [b.label for b in at.sidebar.button]
    assert "admin" not in sidebar_links(at) and "budget" in sidebar_links(at)  # not offered in the navigation


def test_a_viewer_who_types_the_admin_url_is_refused_and_nothing_runs(use_dashboard_data):
    at = session(ADMIN_PAGE, user=VIEWER, secrets=SECRETS)
    assert any("열람자라" in t and "데이터 적재" in t for t in texts(at.error))
    assert not at.get("file_uploader") and not any(b.label == "적재 확정" for b in at.button)
    assert not any("적재 기록" in t for t in texts(at.subheader))


def test_the_agency_claim_starts_the_filter_on_that_agency(use_dashboard_data):
    at = session(user=VIEWER | {"agency": "서울특별시교육청교육연수원"}, secrets=SECRETS)
    assert at.multiselect(key="f_agency").value == ["서울특별시교육청교육연수원"]


def test_an_admin_sees_the_admin_page_with_the_upload_limit(use_dashboard_data):
    at = session(ADMIN_PAGE, user=ADMIN, secrets=SECRETS)
    assert "admin" in sidebar_links(at)
    uploader = at.get("file_uploader")[0]
    assert "최대 20MB" in uploader.label


# ---------------------------------------------------------------- loading data from the page


def _upload(at: AppTest, name: str) -> AppTest:
    at.get("file_uploader")[0].set_value((name, (FIXTURES_DIR / name).read_bytes(), "text/csv"))
    at.run()
    at.button(key="admin_preview").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_admin_upload_is_previewed_then_loaded_and_new_sessions_see_it(data):
    before = session(user=VIEWER, secrets=SECRETS)
    assert NEW_AGENCY not in before.multiselect(key="f_agency").options
    extracts_before = tree_digest(data / "extracts")

    at = _upload(session(ADMIN_PAGE, user=ADMIN, secrets=SECRETS), "budget_line_valid.csv")
    preview = at.dataframe[0].value
    row = preview[preview["묶음"] == "budget_line_valid"].iloc[0]
    assert (row["추가 행"], row["교체 행"], row["삭제 행"]) == (4, 0, 0)
    assert row["표 전체 행(후)"] == row["표 전체 행(전)"] + 4
    assert any("아직 아무것도 바뀌지 않았습니다" in t for t in texts(at.info))
    assert tree_digest(data / "extracts") == extracts_before  # the preview changed nothing real

    at.button(key="admin_load").click()
    at.run()
    assert not at.exception and not at.error, texts(at.error)
    assert any("적재했습니다" in t for t in texts(at.success))
    assert (data / "extracts" / "budget_line" / "budget_line_valid.parquet").exists()

    after = session(user=VIEWER, secrets=SECRETS)  # a new session of another reader
    assert NEW_AGENCY in after.multiselect(key="f_agency").options

    log = [json.loads(line) for line in (data / "audit" / "ingest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["result"], e["user"]) for e in log] == [
        ("validate", "ok", "admin@example.kr"),
        ("load", "ok", "admin@example.kr"),
    ]
    assert log[1]["files"][0]["name"] == "budget_line_valid.csv"
    assert len(log[1]["files"][0]["sha256"]) == 64
    assert log[1]["rows"][0]["added"] == 4


def test_a_bad_file_changes_nothing_and_says_which_row_and_column(data):
    digest = tree_digest(data)
    at = _upload(session(ADMIN_PAGE, user=ADMIN, secrets=SECRETS), "budget_line_bad_total.csv")
    shown = " ".join(texts(at.error) + texts(at.markdown))
    assert "적재 실패" in shown and "budget\\_line\\_bad\\_total\\.csv" in shown and "기대" in shown
    assert "5행, '본예산'열" in shown and "합계 불일치" in shown  # the row and column of the wrong total
    assert not any(b.label == "적재 확정" for b in at.button)
    assert {k: v for k, v in tree_digest(data).items() if not k.startswith("audit/")} == digest
    (entry,) = [json.loads(line) for line in (data / "audit" / "ingest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (entry["action"], entry["result"], entry["files"][0]["name"]) == (
        "validate",
        "refused",
        "budget_line_bad_total.csv",
    )
    assert entry["problems"] and "기대" in " ".join(entry["problems"])
    # the page shows the attempt in its log
    log_table = at.dataframe[-1].value
    assert list(log_table["결과"]) == ["거부"] and "budget_line_bad_total.csv" in log_table["파일"].iat[0]


def _workbook_with_a_cover(path, table_sheet: str) -> bytes:
    """An export as offices save them: a cover sheet (the active one) and the table on another sheet."""
    import csv

    import openpyxl

    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "표지"
    cover["A1"] = "2024 예산 현황"
    table = wb.create_sheet(table_sheet)
    with open(FIXTURES_DIR / "budget_line_valid.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            table.append(row)
    wb.active = 0
    wb.save(path)
    return path.read_bytes()


def test_an_admin_names_the_sheet_and_fills_a_missing_column_as_the_cli_does(data, tmp_path):
    """The CLI's --sheet and --value on the page: the cover sheet is refused with the sheets it could read, the
    named sheet is read; a column the file lacks is filled on every row."""
    xlsx = _workbook_with_a_cover(tmp_path / "budget_sheets.xlsx", "예산")
    at = session(ADMIN_PAGE, user=ADMIN, secrets=SECRETS)
    at.get("file_uploader")[0].set_value(("budget_sheets.xlsx", xlsx, "application/octet-stream"))
    at.run()
    at.button(key="admin_preview").click()
    at.run()
    shown = " ".join(texts(at.error) + texts(at.markdown))
    assert "적재 실패" in shown and "'예산'" in shown  # the cover has no table: the visible sheets are named

    at.text_input(key="admin_sheet").input("예산")
    at.run()
    at.button(key="admin_preview").click()
    at.run()
    assert not at.error, texts(at.error)
    row = at.dataframe[0].value.iloc[0]
    assert (row["묶음"], row["추가 행"]) == ("budget_sheets", 4)

    # the same rows as a CSV without the 부서 column, filled from the page
    lines = (FIXTURES_DIR / "budget_line_valid.csv").read_text(encoding="utf-8-sig").splitlines()
    head = lines[0].split(",")
    col = head.index("부서")
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    for cells in csv.reader(lines):
        writer.writerow(cells[:col] + cells[col + 1 :])
    at = session(ADMIN_PAGE, user=ADMIN, secrets=SECRETS)
    at.get("file_uploader")[0].set_value(("budget_no_division.csv", out.getvalue().encode("utf-8"), "text/csv"))
    at.text_area(key="admin_values").input("부서=총무과")
    at.run()
    at.button(key="admin_preview").click()
    at.run()
    assert not at.error, texts(at.error)
    assert at.dataframe[0].value.iloc[0]["추가 행"] == 4
    at.button(key="admin_load").click()
    at.run()
    assert any("적재했습니다" in t for t in texts(at.success))
    log = [json.loads(line) for line in (data / "audit" / "ingest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert log[-1]["action"] == "load" and log[-1]["options"] == {"values": ["부서=총무과"]}
    assert log[1]["options"] == {"sheet": "예산"}
    from core.pipeline import upload

    shown = upload.audit_table(log[::-1])  # newest first, as the page lists them
    assert list(shown["옵션"][:2]) == ["--value 부서=총무과", "--value 부서=총무과"]  # its validation, then its load
    assert "--sheet 예산" in list(shown["옵션"])


def test_the_audit_log_holds_both_attempts_and_is_downloadable(data):
    at = _upload(session(ADMIN_PAGE, user=ADMIN, secrets=SECRETS), "budget_line_bad_total.csv")
    at = _upload(session(ADMIN_PAGE, user=ADMIN, secrets=SECRETS), "budget_line_valid.csv")
    at.button(key="admin_load").click()
    at.run()
    at = session(ADMIN_PAGE, user=ADMIN, secrets=SECRETS)
    table = at.dataframe[-1].value
    assert list(table["결과"]) == ["성공", "성공", "거부"]  # newest first
    assert list(table["작업"]) == ["적재", "검증", "검증"]
    assert at.get("download_button")[0].proto.label == "적재 기록 내려받기 (JSON Lines)"


def test_the_secrets_template_is_commented_and_the_real_file_is_ignored():
    template = (PROJECT_DIR / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in template.splitlines() if line.strip())
    for key in ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url", "oauth2callback"):
        assert key in template
    ignored = (PROJECT_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored and "datasets/audit/" in ignored
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert "/oauth2callback" in readme and "audit/ingest.jsonl" in readme and "[dashboard.roles]" in readme


def test_a_working_copy_left_by_a_killed_server_is_removed_by_the_next_preview(data):
    """A server killed mid-preview leaves its copy of the extracts in the data folder; the next preview removes
    it (its process is gone), and leaves one whose process still runs (another replica's work) alone."""
    import os

    from core.pipeline import upload

    gone = subprocess.Popen([sys.executable, "-c", "pass"])  # a process that has ended: a killed server's pid
    gone.wait()
    stale = data / f"{upload.SCRATCH_PREFIX}{gone.pid}-killed"
    recent = data / f"{upload.SCRATCH_PREFIX}{os.getpid()}-running"  # a live process: work still under way
    for folder in (stale, recent):
        (folder / "extracts").mkdir(parents=True)
    csv = (FIXTURES_DIR / "budget_line_valid.csv").read_bytes()
    assert upload.preview([upload.Upload("budget_line_valid.csv", csv)], upload.Options()).ok
    assert not stale.exists() and recent.exists()
    assert [p.name for p in data.glob(f"{upload.SCRATCH_PREFIX}*")] == [recent.name]  # its own folder went too
