"""``python -m core.serve``: Streamlit replicas behind nginx, seen from outside as a browser or an attacker sees it.

The module starts ``serve --replicas 2`` once on free loopback ports against the test copy of the data, then
checks the security headers, the Host and Origin allow-lists, sticky routing, and that a dashboard still loads
in Chromium after one replica is killed. The config tests at the top need no server.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, dashboard_env

from core import nginx, serve

NGINX = nginx.find_nginx()
START_SECONDS = 150
HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (python3 run.py test installs it)")


def _plan(tmp: Path, public: str | None = None) -> nginx.Plan:
    return nginx.Plan(port=18080, replica_ports=[18601, 18602], run_dir=tmp, public_host=public, max_upload_mb=20)


# ---------------------------------------------------------------- the generated configuration


def test_the_config_is_sticky_by_cookie_and_upgrades_websockets():
    conf = nginx.nginx_config(_plan(Path("/run/x")))
    assert "hash $route_key consistent;" in conf and f"map $cookie_{nginx.ROUTE_COOKIE} $route_key" in conf
    assert "server 127.0.0.1:18601" in conf and "server 127.0.0.1:18602" in conf
    assert "proxy_http_version 1.1;" in conf and "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_read_timeout 1d;" in conf and "proxy_next_upstream error timeout" in conf
    assert "listen 127.0.0.1:18080 default_server;" in conf and "return 444;" in conf
    assert "daemon off;" in conf and "/etc/" not in conf
    assert "client_max_body_size 21m;" in conf  # maxUploadSize 20 plus the multipart margin


def test_the_public_host_is_allowed_over_https_only():
    plan = _plan(Path("/run/x"), public="dash.example.go.kr")
    assert plan.allowed_hosts == ["127.0.0.1:18080", "localhost:18080", "dash.example.go.kr"]
    assert plan.allowed_origins == ["http://127.0.0.1:18080", "http://localhost:18080", "https://dash.example.go.kr"]
    conf = nginx.nginx_config(plan)
    assert '"https://dash.example.go.kr" 1;' in conf and '"http://dash.example.go.kr"' not in conf
    assert 'server_name "127.0.0.1" "localhost" "dash.example.go.kr";' in conf


def test_the_upload_limit_follows_the_streamlit_config(tmp_path):
    import tomllib

    limit = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    plan = nginx.make_plan(18080, 2, 18601, tmp_path)
    assert plan.max_upload_mb == limit
    assert f"client_max_body_size {limit + nginx.UPLOAD_MARGIN_MB}m;" in nginx.nginx_config(plan)


def test_replicas_accept_the_public_name_the_proxy_passes_on(tmp_path, monkeypatch):
    monkeypatch.setenv(nginx.PUBLIC_HOST_ENV, "Dash.Example.go.kr")
    plan = nginx.make_plan(18080, 2, 18601, tmp_path)
    assert plan.public_host == "dash.example.go.kr"
    cmd = serve.Replica(18601, plan, {}).command()
    allowed = [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--server.allowedHosts"]
    assert allowed == ["localhost", "127.0.0.1", "dash.example.go.kr"]
    monkeypatch.setenv(nginx.PUBLIC_HOST_ENV, "https://dash.example.go.kr/")
    with pytest.raises(SystemExit, match=nginx.PUBLIC_HOST_ENV):
        nginx.make_plan(18080, 2, 18601, tmp_path)


def test_run_py_serves_and_installs_nginx_for_the_tests():
    import run

    assert "serve" in run.COMMANDS and "nginx" in run.SERVER_PACKAGES and "nginx" in run.REQUIRED_PACKAGES
    assert (
        "SERVER_PACKAGES" in (PROJECT_DIR / "run.py").read_text().split("def ensure_chromium", 1)[1].split("def ", 1)[0]
    )


@needs_nginx
def test_a_public_name_without_sign_in_is_refused_before_anything_starts(tmp_path):
    """Behind a front proxy the dashboard is reachable from other machines: serve refuses without [auth]."""
    env = dict(os.environ, DASHBOARD_PUBLIC_HOST="dash.example.go.kr", DASHBOARD_DATA_DIR=str(tmp_path))
    env["STREAMLIT_SECRETS_FILES"] = str(tmp_path / "no-secrets.toml")
    result = subprocess.run(
        [sys.executable, "-m", "core.serve", "--replicas", "1", "--run-dir", str(tmp_path / "run")],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "로그인 설정이 없어 대시보드를 열지 않습니다: 서버 주소 dash.example.go.kr" in result.stdout + result.stderr
    assert not (tmp_path / "dashboard.duckdb").exists()  # refused before building or starting anything


def test_nginx_accepts_the_config_in_a_run_folder(tmp_path):
    plan = nginx.make_plan(18080, 2, 18601, tmp_path)
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx.nginx_config(plan))
    out = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-e", "stderr", "-c", str(conf)], capture_output=True)
    assert out.returncode == 0, out.stderr.decode()


@pytest.mark.skipif(os.geteuid() != 0, reason="nginx drops to an unprivileged worker only when started as root")
def test_a_run_folder_the_worker_cannot_reach_is_named(tmp_path):
    closed = tmp_path / "closed"
    (closed / "run").mkdir(parents=True)
    closed.chmod(0o700)
    assert nginx.unreachable_folder(closed / "run", nginx._worker_user()) == closed
    assert nginx.unreachable_folder(Path(tempfile.gettempdir()), nginx._worker_user()) is None


# ---------------------------------------------------------------- the running proxy


def _free_ports(n: int) -> list[int]:
    """n free ports in a row (the replicas take consecutive ports)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            first = s.getsockname()[1]
        if first + n < 65535 and all(serve._port_free(p) for p in range(first, first + n)):
            return list(range(first, first + n))
    raise RuntimeError("no free ports")


def _reachable_temp() -> str:
    """A temp folder nginx's worker can pass through (TMPDIR may sit in a private folder)."""
    user = nginx._worker_user()
    for folder in (tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"):
        if Path(folder).is_dir() and (user is None or nginx.unreachable_folder(Path(folder), user) is None):
            return folder
    return tempfile.gettempdir()


class Proxy:
    def __init__(self, proc: subprocess.Popen, port: int, replica_ports: list[int], run_dir: Path, log: Path):
        self.proc, self.port, self.replica_ports, self.run_dir, self.log = proc, port, replica_ports, run_dir, log
        self.host = f"127.0.0.1:{port}"

    def request(self, path: str = "/", headers: dict[str, str] | None = None, timeout: float = 10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Host": self.host, **(headers or {})})
            resp = conn.getresponse()
            body = b"" if resp.status == 101 else resp.read()
            return resp.status, resp.headers, body
        finally:
            conn.close()

    def websocket(self, origin: str | None, host: str | None = None):
        key = base64.b64encode(os.urandom(16)).decode()
        headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key}
        headers["Sec-WebSocket-Version"] = "13"
        if origin is not None:
            headers["Origin"] = origin
        if host is not None:
            headers["Host"] = host
        return self.request("/_stcore/stream", headers)

    def access_log(self) -> str:
        return (self.run_dir / "access.log").read_text(errors="replace")

    def replica_pid(self, port: int) -> int:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if (
                ppid == self.proc.pid
                and b"--server.port" in cmd
                and cmd[cmd.index(b"--server.port") + 1] == b"%d" % port
            ):
                return int(entry.name)
        raise LookupError(f"no replica on port {port}")


def _wait_for(predicate, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} within {seconds:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def proxy_server(dashboard_data, tmp_path_factory):
    if NGINX is None:
        pytest.skip("nginx is not installed (python3 run.py test installs it)")
    folder = tmp_path_factory.mktemp("serve")
    # nginx's workers drop to www-data when started as root: the run folder must be reachable, which a pytest
    # temp folder (mode 700 above it) is not
    run_dir, log = Path(tempfile.mkdtemp(prefix="serve-test-", dir=_reachable_temp())), folder / "serve.log"
    port, *replica_ports = _free_ports(3)
    env = dashboard_env(dashboard_data)
    env.pop(nginx.PUBLIC_HOST_ENV, None)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "core.serve", "--replicas", "2", "--port", str(port)]
            + ["--backend-port", str(replica_ports[0]), "--run-dir", str(run_dir)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    proxy = Proxy(proc, port, replica_ports, run_dir, log)

    def up() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            return proxy.request("/_stcore/health", timeout=3)[0] == 200
        except OSError:
            return False

    try:
        _wait_for(up, START_SECONDS, "the proxy did not answer", log)
        yield proxy
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(run_dir, ignore_errors=True)
    # SIGTERM stops nginx and every replica with it
    assert not any(_listening(p) for p in [port, *replica_ports]), log.read_text(errors="replace")[-3000:]


def test_every_response_carries_the_security_headers(proxy_server):
    status, headers, body = proxy_server.request("/")
    assert status == 200 and b"<html" in body.lower()
    for name, value in HEADERS.items():
        assert headers[name] == value, name
    assert re.match(rf"{nginx.ROUTE_COOKIE}=\w+; Path=/; HttpOnly; SameSite=Lax", headers["Set-Cookie"])
    # also on a refusal, and the cookie only until the browser has one
    status, headers, _ = proxy_server.websocket("http://evil.example")
    assert status == 403 and all(headers[n] == v for n, v in HEADERS.items())
    _, headers, _ = proxy_server.request("/", {"Cookie": f"{nginx.ROUTE_COOKIE}=abc"})
    assert headers["Set-Cookie"] is None


def test_a_foreign_host_gets_no_page(proxy_server):
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):  # 444: closed without an answer
        proxy_server.request("/", {"Host": "evil.example"})
    status, _, body = proxy_server.request("/", {"Host": f"localhost:{proxy_server.port + 1}"})
    assert status == 421 and b"streamlit" not in body.lower()
    assert proxy_server.request("/", {"Host": f"localhost:{proxy_server.port}"})[0] == 200


def test_an_upload_over_the_limit_is_refused_at_the_proxy(proxy_server):
    limit = nginx.streamlit_settings()["server"]["maxUploadSize"] + nginx.UPLOAD_MARGIN_MB
    conn = http.client.HTTPConnection("127.0.0.1", proxy_server.port, timeout=10)
    try:  # the declared length is enough: nginx answers before any of the body is sent
        conn.putrequest("PUT", "/_stcore/upload_file/session/file", skip_host=True)
        conn.putheader("Host", proxy_server.host)
        conn.putheader("Content-Length", str(limit * 1024 * 1024 + 1))
        conn.endheaders()
        assert conn.getresponse().status == 413
    finally:
        conn.close()


def test_a_websocket_from_a_foreign_origin_is_refused_before_streamlit(proxy_server):
    for origin in ("http://evil.example", "http://localhost:9999", f"https://127.0.0.1:{proxy_server.port}", None):
        assert proxy_server.websocket(origin)[0] == 403, origin
    assert proxy_server.websocket(f"http://127.0.0.1:{proxy_server.port}")[0] == 101
    host = f"localhost:{proxy_server.port}"
    assert proxy_server.websocket(f"http://{host}", host=host)[0] == 101
    refused = [line for line in proxy_server.access_log().splitlines() if '" 403 ' in line]
    assert refused and all("upstream=-" in line for line in refused)  # Streamlit never saw them


def test_a_browser_stays_on_one_replica(proxy_server):
    def upstreams(marker: str) -> set[str]:
        return {
            line.rsplit("upstream=", 1)[1]
            for line in proxy_server.access_log().splitlines()
            if f"/_stcore/health?{marker} " in line
        }

    for _ in range(5):
        proxy_server.request("/_stcore/health?same", {"Cookie": f"{nginx.ROUTE_COOKIE}=one-browser"})
    assert len(upstreams("same")) == 1
    for _ in range(24):  # fresh browsers spread over the replicas
        proxy_server.request("/_stcore/health?fresh", {"Cookie": f"{nginx.ROUTE_COOKIE}={uuid.uuid4().hex}"})
    assert upstreams("fresh") == {f"127.0.0.1:{p}" for p in proxy_server.replica_ports}


def _open_overview(browser, base: str) -> None:
    from core.navigation import page

    ctx = browser.new_context(locale="ko-KR")  # a new browser: no routing cookie, a new Streamlit session
    try:
        pg = ctx.new_page()
        pg.goto(base, timeout=60_000)
        pg.get_by_role("heading", name=page("overview").title).wait_for(timeout=60_000)
        assert pg.locator('[data-testid="stException"]').count() == 0
        assert any(c["name"] == nginx.ROUTE_COOKIE for c in ctx.cookies())
    finally:
        ctx.close()


def test_the_dashboard_loads_through_the_proxy_and_survives_a_dead_replica(proxy_server, browser):
    base = f"http://{proxy_server.host}/"
    _open_overview(browser, base)

    victim = proxy_server.replica_ports[0]
    os.kill(proxy_server.replica_pid(victim), signal.SIGKILL)
    _wait_for(lambda: not _listening(victim), 10, "the killed replica still listens", proxy_server.log)
    # new browsers whose cookie hashes to the dead replica are sent to the live one
    for _ in range(12):
        status, _, _ = proxy_server.request("/", {"Cookie": f"{nginx.ROUTE_COOKIE}={uuid.uuid4().hex}"})
        assert status == 200
    _open_overview(browser, base)
    # and the supervisor starts the dead one again
    _wait_for(lambda: _listening(victim), 90, "the killed replica was not started again", proxy_server.log)


def _replica_for(proxy: Proxy, route: str) -> int:
    """The replica port nginx sends a browser with this routing cookie to (read back from the access log)."""
    probe = uuid.uuid4().hex
    status, _, _ = proxy.request(f"/_stcore/health?probe={probe}", {"Cookie": f"{nginx.ROUTE_COOKIE}={route}"})
    assert status == 200
    lines: list[str] = []

    def logged() -> bool:  # nginx writes the line when it finishes the request, just after the answer left
        lines[:] = [line for line in proxy.access_log().splitlines() if probe in line]
        return bool(lines)

    _wait_for(logged, 5, "the probe was not logged", proxy.log)
    line = lines[-1]
    return int(line.rsplit("upstream=", 1)[1].split(",")[-1].strip().rsplit(":", 1)[1])


def test_a_reader_on_a_killed_replica_reconnects_to_a_live_one_with_its_filters(proxy_server):
    """The load test's wire reader (bench.sessions) fails over as a browser does: the session on the killed replica
    carries on from the live one with the year it chose, and the session on the live replica is not disturbed."""
    from bench.sessions import WireSession

    base = f"http://{proxy_server.host}"
    for port in proxy_server.replica_ports:  # an earlier test may have killed one: the supervisor restarts it
        _wait_for(lambda port=port: _listening(port), 90, f"replica {port} is not up", proxy_server.log)
    # A routing cookie per replica. Right after a replica failed, nginx sends its cookies to the other one for a
    # while: keep probing until each chosen cookie, asked again, still lands on its replica.
    routes: dict[int, str] = {}
    deadline = time.monotonic() + 3 * nginx.REPLICA_FAIL_TIMEOUT_S
    while not (
        len(routes) == len(proxy_server.replica_ports)
        and all(_replica_for(proxy_server, r) == port for port, r in routes.items())
    ):
        assert time.monotonic() < deadline, f"no stable routing cookie for each replica: {routes}"
        route = uuid.uuid4().hex
        routes[_replica_for(proxy_server, route)] = route
        time.sleep(0.05)
    victim, survivor = proxy_server.replica_ports

    async def scenario() -> tuple[WireSession, WireSession, str]:
        readers = {}
        for port in (victim, survivor):
            reader = WireSession(base, timeout=60)
            reader.cookies[nginx.ROUTE_COOKIE] = routes[port]
            await reader.open()
            older_year = reader.widgets["연도"][2][2]  # 전체 연도, the latest year, then the one before it
            await reader.choose("연도", older_year)
            readers[port] = reader
        os.kill(proxy_server.replica_pid(victim), signal.SIGKILL)
        await asyncio.to_thread(
            _wait_for, lambda: not _listening(victim), 10, "the killed replica still listens", proxy_server.log
        )
        for reader in readers.values():
            await reader.go("budget")
            await reader.close()
        return readers[victim], readers[survivor], older_year

    with ThreadPoolExecutor(1) as worker:  # its own event loop: the module's Playwright browser holds this thread's
        moved, stayed, year = worker.submit(asyncio.run, scenario()).result()
    assert moved.reconnects == 1 and stayed.reconnects == 0
    for reader in (moved, stayed):
        assert f"year={year.removesuffix('년')}" in reader.query  # the budget page ran with the year it had chosen
    assert _replica_for(proxy_server, routes[victim]) == survivor
