"""nginx in front of the replicas: what it serves (ports, Host names, upload limit) and its configuration.

Streamlit alone cannot send a frame-ancestors header, limit the Host names it answers for on every request,
refuse a WebSocket from a foreign page on localhost, or spread sessions over processes. nginx does that, with a
configuration generated into a run folder (never /etc):

- one upstream of the replicas, sticky by a routing cookie the proxy sets on the first response
  (``hash $cookie consistent``). Not ``ip_hash``: an education office reaches the server from one NAT address,
  so every user would land on the same replica. A Streamlit session lives in one process; its WebSocket
  (``/_stcore/stream``) and the page's requests must reach that process. When a replica is down,
  ``proxy_next_upstream`` sends new connections to a live one (the session starts again there).
- security headers on every response, a Host allow-list (others are closed by a default server), an Origin
  allow-list for WebSocket upgrades (403 before Streamlit sees them) and the upload limit of
  ``.streamlit/config.toml``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sys
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import PROJECT_DIR

STREAMLIT_CONFIG = PROJECT_DIR / ".streamlit" / "config.toml"
ROUTE_COOKIE = "dash_route"
STREAM_PATH = "/_stcore/stream"
PUBLIC_HOST_ENV = "DASHBOARD_PUBLIC_HOST"  # e.g. dash.example.go.kr, served over https by a TLS proxy in front
# After a failed connection nginx sends no new connection to that replica for this long (then tries it again).
REPLICA_FAIL_TIMEOUT_S = 10
# A multipart body is a little larger than the file it carries; Streamlit's own check (in the browser, before
# sending) names the limit in its message, so the proxy's limit sits just above it.
UPLOAD_MARGIN_MB = 1
NGINX_PATHS = ("/usr/sbin/nginx", "/usr/bin/nginx")
# Requests to the replicas and the proxy on loopback never go through an http_proxy set in the environment.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


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
    return f"""# Generated by core/nginx.py for core/serve.py; edits are lost on the next start.
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


def public_host() -> str | None:
    """The public name (and port) of DASHBOARD_PUBLIC_HOST, lower-cased; a URL or anything else is refused."""
    public = os.environ.get(PUBLIC_HOST_ENV, "").strip().lower() or None
    if public and ("/" in public or " " in public or '"' in public):
        sys.exit(f"{PUBLIC_HOST_ENV}에는 'dash.example.go.kr'처럼 이름(과 포트)만 적습니다: {public!r}")
    return public


def make_plan(port: int, replicas: int, backend_port: int, run_dir: Path) -> Plan:
    settings = streamlit_settings().get("server", {})
    public = public_host()
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
