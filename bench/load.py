"""Load test: many browser sessions at once against the dashboard behind nginx, with 1 and with N replicas.

    python3 run.py bench load [--sessions 60] [--seconds 120] [--replicas 1 3] [--kill-after 45] [--json F]

For each replica count, ``core.serve`` starts the replicas and nginx on loopback over a copy of the shipped
data, then one Debian Chromium (driven by Playwright) opens ``--sessions`` browser contexts at once. Each
context is a person: it opens the overview (the default landing view), then until the time is up it
alternates the sidebar 연도 filter between the two latest years and moves to another page through the
sidebar, waiting after every action until the page has settled (no running indicator, no skeleton, text
unchanged for 0.75 s). Timed: first visit and every interaction, in milliseconds, until the page first showed
the state it settled in (the quiet 0.75 s is not counted).
An error is an interaction that does not settle within ``--interaction-timeout`` or shows an exception.

With more than one replica, ``--kill-after`` seconds into the run one replica is killed (SIGKILL). The
sessions that were not on it must see no error; those that were reconnect (nginx sends their next
connection to a live replica, Streamlit's client reconnects and reruns) and must settle again.
Everything is bounded: a fixed number of sessions, a fixed duration, loopback addresses only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from core.settings import PROJECT_DIR

# Debian's chromium, launched as every browser test launches it (tests/conftest.py imports these), plus a flag
# for many pages at once in a container's small /dev/shm.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOAD_CHROMIUM_ARGS = [*CHROMIUM_ARGS, "--disable-dev-shm-usage"]
YEARS = ("2024년", "2023년")  # the two latest years of the shipped data: the filter a session switches between
PAGES = ("budget", "training", "callcenter", "overview")  # visited in turn between filter changes
SETTLE_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return [main ? main.innerText.length : 0,
            document.querySelectorAll('[data-testid="stSkeleton"]').length,
            document.querySelectorAll('[data-testid="stStatusWidget"] button, [data-testid="stAppRunningIcon"]').length,
            document.querySelectorAll('[data-testid="stException"]').length];
}"""


class Unsettled(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(base: str, proc: subprocess.Popen, log_path: Path, ready=lambda: True, seconds=120) -> None:
    """Until the server behind ``base`` answers its health check (and ``ready()``); a server that exits or does
    not answer in time ends the benchmark with the tail of its log."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200 and ready():
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit(f"서버가 시작되지 않았습니다: {log_path.read_text()[-2000:]}")
        time.sleep(0.3)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def settle(page, timeout: float) -> float:
    """Until the script run is over: no skeletons, no running indicator, text length unchanged for ~0.75 s.
    Returns when (time.monotonic) the page first showed the state it settled in: the quiet period that proves
    the page is done is not part of the wait a reader has."""
    deadline = time.monotonic() + timeout
    last, stable, since = None, 0, time.monotonic()
    while time.monotonic() < deadline:
        seen = time.monotonic()
        state = await page.evaluate(SETTLE_JS)
        if state[3]:
            raise Unsettled("exception shown")
        if state == last and state[0] and not state[1] and not state[2]:
            stable += 1
        else:
            stable, since = 0, seen
        if stable >= 3:
            return since
        last = state
        await asyncio.sleep(0.25)
    raise Unsettled(f"not settled in {timeout:.0f} s")


async def person(browser, base: str, index: int, until: float, timeout: float, log: list[dict]) -> None:
    """One session: the first visit, then filter changes and page moves until ``until``."""
    from core.navigation import page as nav_page

    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    step = 0

    async def timed(kind: str, action) -> None:
        started = time.monotonic()
        entry = {"session": index, "kind": kind, "at": started}
        try:
            await action()
            entry["ms"] = (await settle(page, timeout) - started) * 1000
        except Exception as e:  # any failure of the action or the page is this interaction's error
            entry["error"] = f"{type(e).__name__}: {str(e)[:120]}"
        log.append(entry)

    try:
        await timed("first_visit", lambda: page.goto(base + "/", timeout=timeout * 1000))
        while time.monotonic() < until:
            step += 1
            if step % 2:
                year = YEARS[(step // 2) % 2]

                async def change_year(year=year):
                    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="연도")
                    await box.click(timeout=timeout * 1000)
                    await page.get_by_role("option", name=year, exact=True).click(timeout=timeout * 1000)

                await timed("filter_change", change_year)
            else:
                target = nav_page(PAGES[(step // 2) % len(PAGES)]).label

                async def move(target=target):
                    await (
                        page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
                        .filter(has_text=target)
                        .first.click(timeout=timeout * 1000)
                    )

                await timed("page_change", move)
    finally:
        await context.close()


def replica_pids(ports: list[int]) -> dict[int, int]:
    """The process of each replica port (the Streamlit server started with ``--server.port PORT``)."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" not in b" ".join(args) or b"--server.port" not in args:
            continue
        port = int(args[args.index(b"--server.port") + 1] or 0)
        if port in ports:
            found[port] = int(proc.name)
    return found


async def run_load(base: str, sessions: int, seconds: float, timeout: float, kill: tuple[float, int] | None):
    from playwright.async_api import async_playwright

    log: list[dict] = []
    killed: dict = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=LOAD_CHROMIUM_ARGS)
        until = time.monotonic() + seconds
        tasks = [asyncio.create_task(person(browser, base, i, until, timeout, log)) for i in range(sessions)]
        if kill:
            after, port = kill
            await asyncio.sleep(after)
            pid = replica_pids([port]).get(port)
            if pid:
                os.kill(pid, signal.SIGKILL)
                killed = {"port": port, "pid": pid, "at": time.monotonic()}
        await asyncio.gather(*tasks)
        await browser.close()
    return log, killed


def summarise(log: list[dict], killed: dict) -> dict:
    ok = [e for e in log if "ms" in e]
    errors = [e for e in log if "error" in e]
    out = {
        "interactions": len(log),
        "errors": len(errors),
        "error_examples": sorted({e["error"] for e in errors})[:5],
    }
    for kind in ("first_visit", "filter_change", "page_change"):
        ms = [e["ms"] for e in ok if e["kind"] == kind]
        out[kind] = {"n": len(ms), "median_ms": percentile(ms, 0.5), "p95_ms": percentile(ms, 0.95)}
    every = [e["ms"] for e in ok if e["kind"] != "first_visit"]
    out["interaction_p95_ms"] = percentile(every, 0.95)
    out["interaction_median_ms"] = statistics.median(every) if every else None
    if killed:
        at = killed["at"]
        hit = {e["session"] for e in errors if e["at"] >= at - 1}
        after = [e for e in log if e["at"] >= at]
        recovered = {e["session"] for e in after if "ms" in e and e["session"] in hit}
        out["kill"] = {
            "replica_port": killed["port"],
            "sessions_with_an_error_after_the_kill": len(hit),
            "of_those_settled_again_later": len(recovered),
            "sessions_without_error_after_the_kill": len({e["session"] for e in after} - hit),
        }
    return out


def one_configuration(data_dir: Path, replicas: int, args) -> dict:
    port, backend = free_port(), free_port()  # replicas take backend, backend + 1, …
    run_dir = Path(tempfile.mkdtemp(prefix="load-run-"))
    os.chmod(run_dir, 0o755)  # nginx's unprivileged workers read its temp paths
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    env.pop("DASHBOARD_DB", None)
    cmd = [sys.executable, "-m", "core.serve", "--replicas", str(replicas), "--port", str(port)]
    cmd += ["--backend-port", str(backend), "--run-dir", str(run_dir)]
    serve_log = run_dir / "serve.log"
    with serve_log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(
            base, proc, serve_log, ready=lambda: len(replica_pids([backend + i for i in range(replicas)])) == replicas
        )
        kill = (args.kill_after, backend + replicas - 1) if replicas > 1 and args.kill_after else None
        started = time.monotonic()
        load_before = os.getloadavg()
        log, killed = asyncio.run(run_load(base, args.sessions, args.seconds, args.interaction_timeout, kill))
        result = summarise(log, killed)
        result.update(
            replicas=replicas,
            sessions=args.sessions,
            seconds=round(time.monotonic() - started, 1),
            load_avg_before=[round(x, 2) for x in load_before],
            load_avg_after=[round(x, 2) for x in os.getloadavg()],
        )
        return result
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(run_dir, ignore_errors=True)


def cool_down(limit_s: float = 180) -> None:
    """Start each configuration on a quiet machine: wait (bounded) until the 1-minute load average is below the
    number of CPUs, so the previous configuration's wind-down is not counted against the next."""
    deadline = time.monotonic() + limit_s
    while os.getloadavg()[0] >= (os.cpu_count() or 1) and time.monotonic() < deadline:
        time.sleep(5)


def markdown(results: list[dict], machine: str) -> str:
    lines = [
        "| 복제본 | 세션 | 상호작용 | 오류 | 첫 방문 중앙값 / p95 | 필터 변경 중앙값 / p95 | 페이지 이동 중앙값 / p95 | 상호작용 p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def f(v):
        return "-" if v is None else f"{v / 1000:.1f} s"

    for r in results:
        lines.append(
            f"| {r['replicas']} | {r['sessions']} | {r['interactions']} | {r['errors']} | "
            f"{f(r['first_visit']['median_ms'])} / {f(r['first_visit']['p95_ms'])} | "
            f"{f(r['filter_change']['median_ms'])} / {f(r['filter_change']['p95_ms'])} | "
            f"{f(r['page_change']['median_ms'])} / {f(r['page_change']['p95_ms'])} | {f(r['interaction_p95_ms'])} |"
        )
    for r in results:
        if "kill" in r:
            k = r["kill"]
            lines.append(
                f"\n복제본 {r['replicas']}개 중 하나(포트 {k['replica_port']})를 {r.get('kill_after', '')}초에 강제 종료: "
                f"종료 뒤 오류가 한 번도 없던 세션 {k['sessions_without_error_after_the_kill']}개, 오류를 본 세션 "
                f"{k['sessions_with_an_error_after_the_kill']}개 중 다시 정상으로 돌아온 세션 {k['of_those_settled_again_later']}개."
            )
    lines.append(f"\n기계: {machine}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 run.py bench load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=120, help="how long the sessions act, per configuration")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--kill-after", type=float, default=45, help="seconds into a multi-replica run (0: none)")
    parser.add_argument("--interaction-timeout", type=float, default=60)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 200 or not 5 <= args.seconds <= 900:
        parser.error("--sessions 1~200, --seconds 5~900 (the test is bounded)")
    data_dir = Path(tempfile.mkdtemp(prefix="load-data-"))
    try:
        shutil.copytree(PROJECT_DIR / "datasets" / "extracts", data_dir / "extracts")
        from core.pipeline.build import build

        build(root=data_dir / "extracts", target=data_dir / "dashboard.duckdb")
        results = []
        for replicas in args.replicas:
            cool_down()
            r = one_configuration(data_dir, replicas, args)
            r["kill_after"] = args.kill_after if replicas > 1 else None
            results.append(r)
            print(json.dumps(r, ensure_ascii=False), flush=True)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    machine = f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    report = {"machine": machine, "results": results}
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(markdown(results, machine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
