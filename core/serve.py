"""Serve the dashboard as N Streamlit replicas behind nginx: ``python -m core.serve [--replicas N] [--port P]``.

This module runs the processes: the replicas, then nginx in the foreground with the configuration of
``core.nginx``. The replicas read the same DuckDB file (read-only attach); it is built first when missing or
outdated. Ctrl-C or SIGTERM stops nginx and every replica; a replica that dies is started again.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from core.nginx import DIRECT, Plan, find_nginx, make_plan, nginx_config, public_host, unreachable_folder
from core.settings import PROJECT_DIR

DEFAULT_PORT = 8080
DEFAULT_REPLICAS = 2
DEFAULT_BACKEND_PORT = 8601  # replica i listens on this + i
MAX_REPLICAS = 16
HEALTH_SECONDS = 120.0
STOP_SECONDS = 10.0


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

    public = public_host()  # refused now, before a build, if it is not a bare name
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
