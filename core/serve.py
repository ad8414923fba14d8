"""Serve the dashboard as N Streamlit replicas behind nginx: ``python -m core.serve [--replicas N] [--port P]``.

Streamlit alone cannot send a frame-ancestors header, limit the Host names it answers for on every request,
refuse a WebSocket from a foreign page on localhost, or spread sessions over processes. nginx does that here,
in the foreground, with a configuration generated into a run folder (never /etc):

- one upstream of the replicas, sticky by a routing cookie the proxy sets on the first response
  (``hash $cookie consistent``). Not ``ip_hash``: an education office reaches the server from one NAT address,
  so every user would land on the same replica. A Streamlit session lives in one process; its WebSocket
  (``/_stcore/stream``) and the page's requests must reach that process. When a replica is down,
  ``proxy_next_upstream`` sends new connections to a live one (the session starts again there).
- security headers on every response, a Host allow-list (others are closed by a default server), an Origin
  allow-list for WebSocket upgrades (403 before Streamlit sees them) and the upload limit of
  ``.streamlit/config.toml``.

The replicas read the same DuckDB file (read-only attach); it is built first when missing or outdated.
Ctrl-C or SIGTERM stops nginx and every replica; a replica that dies is started again.
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import PROJECT_DIR

STREAMLIT_CONFIG = PROJECT_DIR / ".streamlit" / "config.toml"
ROUTE_COOKIE = "dash_route"
STREAM_PATH = "/_stcore/stream"
DEFAULT_PORT = 8080
DEFAULT_REPLICAS = 2
DEFAULT_BACKEND_PORT = 8601  # replica i listens on this + i
MAX_REPLICAS = 16
PUBLIC_HOST_ENV = "DASHBOARD_PUBLIC_HOST"  # e.g. dash.example.go.kr, served over https by a TLS proxy in front
HEALTH_SECONDS = 120.0
STOP_SECONDS = 10.0
# After a failed connection nginx sends no new connection to that replica for this long (then tries it again).
REPLICA_FAIL_TIMEOUT_S = 10
# A multipart body is a little larger than the file it carries; Streamlit's own check (in the browser, before
# sending) names the limit in its message, so the proxy's limit sits just above it.
UPLOAD_MARGIN_MB = 1
NGINX_PATHS = ("/usr/sbin/nginx", "/usr/bin/nginx")
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # health checks never go through http_proxy


@dataclass
class Plan:
    port: int
    replica_ports: list[int]
    run_dir: Path
    public_host: str | None = None
    max_upload_mb: int = 200
    worker_user: str | None = None  # set when nginx starts as root
    streamlit_hosts: list[str] = field(default_factory=list)

    @property
    def allowed_hosts(self) -> list[str]:
        """Host header values served: exactly these (host:port), so another port or name gets no page."""
        hosts = [f"127.0.0.1:{self.port}", f"localhost:{self.port}"]
        return hosts + ([self.public_host] if self.public_host else [])

    @property
    def allowed_origins(self) -> list[str]:
        """Origins a WebSocket may come from: the pages this proxy serves, the public name over https."""
        origins = [f"http://{h}" for h in self.allowed_hosts[:2]]
        return origins + ([f"https://{self.public_host}"] if self.public_host else [])


def hostname(host: str) -> str:
    """'dash.example.go.kr:8443' → 'dash.example.go.kr' (nginx server_name and Streamlit allowedHosts take no port)."""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def streamlit_settings() -> dict:
    with open(STREAMLIT_CONFIG, "rb") as f:
        return tomllib.load(f)


def find_nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in NGINX_PATHS if os.access(p, os.X_OK)), None)


def _worker_user() -> str | None:
    """nginx started as root drops its workers to an unprivileged user (Debian's www-data, else nobody)."""
    if os.geteuid() != 0:
        return None
    for name in ("www-data", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def unreachable_folder(path: Path, user: str) -> Path | None:
    """The first folder on the way to ``path`` that ``user`` cannot pass through, if any (the worker writes
    request bodies and large responses to temp folders below the run folder)."""
    account = pwd.getpwnam(user)
    for folder in [path, *path.parents]:
        st = folder.stat()
        bit = 0o100 if st.st_uid == account.pw_uid else 0o010 if st.st_gid == account.pw_gid else 0o001
        if not st.st_mode & bit:
            return folder
    return None


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nginx_config(plan: Plan) -> str:
    run = plan.run_dir
    user = f"user {plan.worker_user};\n" if plan.worker_user else ""
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout={REPLICA_FAIL_TIMEOUT_S}s;" for p in plan.replica_ports
    )
    hosts = "\n".join(f"        {_quote(h)} 1;" for h in plan.allowed_hosts)
    origins = "\n".join(f"        {_quote(o)} 1;" for o in plan.allowed_origins)
    names = " ".join(dict.fromkeys(_quote(hostname(h)) for h in plan.allowed_hosts))
    upload = plan.max_upload_mb + UPLOAD_MARGIN_MB
    return f"""# Generated by core/serve.py; edits are lost on the next start.
{user}worker_processes 1;
daemon off;
pid {run / "nginx.pid"};
error_log stderr warn;

events {{
    worker_connections 1024;
}}

http {{
    client_body_temp_path {run / "client_body"};
    proxy_temp_path {run / "proxy"};
    fastcgi_temp_path {run / "fastcgi"};
    uwsgi_temp_path {run / "uwsgi"};
    scgi_temp_path {run / "scgi"};
    # Which replica answered each request (upstream=), for following a session or a failover.
    log_format proxied '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
                       'host="$http_host" origin="$http_origin" upstream=$upstream_addr';
    access_log {run / "access.log"} proxied;
    server_tokens off;
    types {{ }}
    default_type application/octet-stream;

    # Sticky sessions: a browser keeps the replica its routing cookie hashes to; the first request (no cookie
    # yet) hashes its request id, which becomes the cookie.
    map $cookie_{ROUTE_COOKIE} $route_key {{
        "" $request_id;
        default $cookie_{ROUTE_COOKIE};
    }}
    map $cookie_{ROUTE_COOKIE} $route_cookie {{
        "" "{ROUTE_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}

    map $http_host $host_allowed {{
        default 0;
{hosts}
    }}
    map $http_origin $origin_allowed {{
        default 0;
{origins}
    }}
    # A WebSocket is any request for the stream path or any request asking to upgrade.
    map $uri $stream_path {{
        default 0;
        ~^/+_stcore/+stream 1;
    }}
    map "$stream_path:$http_upgrade" $websocket {{
        default 1;
        "0:" 0;
    }}
    map "$websocket:$origin_allowed" $origin_refused {{
        default 0;
        "1:0" 1;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    upstream streamlit {{
        hash $route_key consistent;
{servers}
    }}

    # Any other Host (a scanner, a DNS rebinding page) gets the connection closed without an answer.
    server {{
        listen 127.0.0.1:{plan.port} default_server;
        server_name _;
        return 444;
    }}

    server {{
        listen 127.0.0.1:{plan.port};
        server_name {names};

        add_header Content-Security-Policy "frame-ancestors 'none'" always;
        add_header X-Frame-Options "DENY" always;
        add_header X-Content-Type-Options "nosniff" always;
        add_header Referrer-Policy "same-origin" always;
        add_header Set-Cookie $route_cookie always;

        # A known name on another port (localhost:9999) is not this site either.
        if ($host_allowed = 0) {{
            return 421;
        }}
        # Streamlit accepts a WebSocket from any localhost page; only this site's pages may open one.
        if ($origin_refused) {{
            return 403;
        }}

        client_max_body_size {upload}m;

        proxy_hide_header Content-Security-Policy;
        proxy_hide_header X-Frame-Options;
        proxy_hide_header X-Content-Type-Options;
        proxy_hide_header Referrer-Policy;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_connect_timeout 3s;
        proxy_next_upstream error timeout http_502 http_503;
        proxy_next_upstream_timeout 10s;

        location / {{
            proxy_pass http://streamlit;
        }}

        location ~ ^/+_stcore/+stream {{
            proxy_pass http://streamlit;
            proxy_buffering off;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
        }}
    }}
}}
"""


def make_plan(port: int, replicas: int, backend_port: int, run_dir: Path) -> Plan:
    settings = streamlit_settings().get("server", {})
    public = os.environ.get(PUBLIC_HOST_ENV, "").strip().lower() or None
    if public and ("/" in public or " " in public or '"' in public):
        sys.exit(f"{PUBLIC_HOST_ENV}에는 'dash.example.go.kr'처럼 이름(과 포트)만 적습니다: {public!r}")
    streamlit_hosts = list(settings.get("allowedHosts", []))
    if public and streamlit_hosts and hostname(public) not in streamlit_hosts:
        streamlit_hosts.append(hostname(public))
    return Plan(
        port=port,
        replica_ports=[backend_port + i for i in range(replicas)],
        run_dir=run_dir,
        public_host=public,
        max_upload_mb=int(settings.get("maxUploadSize", 200)),
        worker_user=_worker_user(),
        streamlit_hosts=streamlit_hosts,
    )


# ---------------------------------------------------------------- processes


def _die_with_parent() -> None:
    """A child whose supervisor is killed outright (SIGKILL) must not keep the port."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Replica:
    def __init__(self, port: int, plan: Plan, env: dict[str, str]):
        self.port, self.plan, self.env = port, plan, env
        self.proc: subprocess.Popen | None = None
        self.restarts = 0
        self.next_start = 0.0

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port)]
        cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
        if self.plan.public_host:  # the proxy passes the public Host on; Streamlit checks it too
            for h in self.plan.streamlit_hosts:
                cmd += ["--server.allowedHosts", h]
        return cmd

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command(), cwd=PROJECT_DIR, env=self.env, preexec_fn=_die_with_parent)

    def healthy(self) -> bool:
        try:
            with DIRECT.open(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False


def _stop(procs: list[subprocess.Popen]) -> None:
    live = [p for p in procs if p.poll() is None]
    for p in live:
        p.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for p in live:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def serve(plan: Plan, nginx: str) -> int:
    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    busy = [p for p in [plan.port, *plan.replica_ports] if not _port_free(p)]
    if busy:
        _say(
            f"포트가 이미 사용 중입니다: {', '.join(map(str, busy))}. --port 또는 --backend-port로 다른 포트를 고르세요."
        )
        return 2

    env = dict(os.environ)
    # One cookie secret for every replica: a cookie signed by one (XSRF, sign-in) is valid on the one a
    # browser moves to when its replica is down.
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32))
    replicas = [Replica(p, plan, env) for p in plan.replica_ports]
    nginx_proc: subprocess.Popen | None = None
    try:
        for r in replicas:
            r.start()
        deadline = time.monotonic() + HEALTH_SECONDS
        waiting = list(replicas)
        while waiting and not stop.is_set():
            for r in list(waiting):
                if r.proc.poll() is not None:
                    _say(f"복제본(포트 {r.port})이 시작하지 못했습니다 (종료 코드 {r.proc.returncode}).")
                    return 1
                if r.healthy():
                    waiting.remove(r)
            if waiting and time.monotonic() > deadline:
                _say(f"복제본이 {HEALTH_SECONDS:.0f}초 안에 응답하지 않았습니다: {[r.port for r in waiting]}")
                return 1
            stop.wait(0.3)
        if stop.is_set():
            return 0

        conf = plan.run_dir / "nginx.conf"
        conf.write_text(nginx_config(plan), encoding="utf-8")
        nginx_cmd = [nginx, "-p", str(plan.run_dir), "-e", "stderr", "-c", str(conf)]
        check = subprocess.run([*nginx_cmd, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            _say(f"nginx 설정 검사에 실패했습니다 ({conf}):\n{check.stderr.strip()}")
            return 1
        nginx_proc = subprocess.Popen(nginx_cmd, preexec_fn=_die_with_parent)
        hosts = ", ".join(f"http://{h}" for h in plan.allowed_hosts[:2])
        _say(
            f"대시보드: http://127.0.0.1:{plan.port} (nginx, 복제본 {len(replicas)}개: "
            f"{', '.join(map(str, plan.replica_ports))}; 허용 주소 {hosts}"
            + (f", https://{plan.public_host}" if plan.public_host else "")
            + f"; 설정 {conf}). 끝내려면 Ctrl-C."
        )

        while not stop.wait(0.5):
            if nginx_proc.poll() is not None:
                _say(f"nginx가 종료되었습니다 (종료 코드 {nginx_proc.returncode}). 복제본도 멈춥니다.")
                return 1
            now = time.monotonic()
            for r in replicas:
                if r.proc.poll() is None:
                    continue
                if r.next_start == 0.0:  # just noticed: nginx already sends its sessions to the others
                    r.restarts += 1
                    r.next_start = now + min(30.0, 2.0**r.restarts)
                    _say(
                        f"복제본(포트 {r.port})이 종료되었습니다 (종료 코드 {r.proc.returncode}); "
                        f"{r.next_start - now:.0f}초 뒤 다시 시작합니다."
                    )
                elif now >= r.next_start:
                    r.next_start = 0.0
                    r.start()
        return 0
    finally:
        _stop([p for p in [nginx_proc, *(r.proc for r in replicas)] if p is not None])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 run.py serve", description="nginx 뒤에서 대시보드 복제본 N개 실행")
    parser.add_argument("--replicas", type=int, default=DEFAULT_REPLICAS, help="Streamlit 프로세스 수 (기본 2)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="nginx가 받는 127.0.0.1 포트 (기본 8080)")
    parser.add_argument(
        "--backend-port", type=int, default=DEFAULT_BACKEND_PORT, help="첫 복제본의 포트 (기본 8601, 다음은 +1씩)"
    )
    parser.add_argument("--run-dir", type=Path, help="nginx 설정·pid·로그 폴더 (기본: 임시 폴더, 끝나면 지움)")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas는 1~{MAX_REPLICAS}입니다.")
    ports = [args.port, *range(args.backend_port, args.backend_port + args.replicas)]
    if any(not 1 <= p <= 65535 for p in ports) or len(set(ports)) != len(ports):
        parser.error("--port와 복제본 포트(--backend-port부터)는 1~65535에서 서로 달라야 합니다.")

    public = os.environ.get("DASHBOARD_PUBLIC_HOST", "").strip()
    if public:  # reachable from other machines through the front proxy: only with sign-in configured
        from core.auth import startup_problem

        problem = startup_problem(["--server.address", public])
        if problem:
            _say(problem)
            return 3

    nginx = find_nginx()
    if nginx is None:
        _say(
            "nginx가 없습니다. 'python3 run.py serve'가 root로 apt-get install nginx를 하거나, sudo apt-get install -y nginx"
        )
        return 2

    from core.pipeline.build import BuildError, ensure_built

    try:
        ensure_built()  # once, before the replicas open it read-only
    except BuildError as e:
        _say(f"데이터 파일을 만들 수 없습니다: {e}")
        return 1

    temp = args.run_dir is None
    run_dir = Path(tempfile.mkdtemp(prefix="dashboard-nginx-")) if temp else args.run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # nginx's workers (www-data when started as root) write their temp files below it
    try:
        plan = make_plan(args.port, args.replicas, args.backend_port, run_dir)
        closed = plan.worker_user and unreachable_folder(run_dir, plan.worker_user)
        if closed:
            _say(
                f"nginx 작업 프로세스({plan.worker_user})가 {closed} 폴더를 지나갈 수 없습니다. 다른 --run-dir을 고르세요."
            )
            return 2
        return serve(plan, nginx)
    finally:
        if temp:
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
