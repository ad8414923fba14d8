"""Load test: many readers at once against the dashboard behind nginx, with 1 and with N replicas.

    python3 run.py bench load [--sessions 60] [--seconds 120] [--replicas 1 3] [--kill-after 45]
                              [--think 5] [--client wire|browser] [--json F]

For each replica count, ``core.serve`` starts the replicas and nginx on loopback over a copy of the shipped
data, and ``--sessions`` readers start at once. Each reader opens the overview (the default landing view), then
until the time is up alternates the sidebar 연도 filter between the two latest years and a move to another page,
pausing ``--think`` seconds on average (uniformly 0.5–1.5 times that) between interactions, as a person reads
before clicking again. Timed: the first visit and every interaction, in milliseconds.

- ``--client wire`` (default): each reader is a ``bench.sessions.WireSession``, a Streamlit session spoken to over
  its WebSocket as the front end speaks to it, timed until the server has sent the whole page and reported the
  script run finished. Drawing is the reader's own PC's work and is not included, so the load generator takes
  little of the 2 cores the servers run on.
- ``--client browser``: each reader is a Chromium context (Playwright), timed until the page first showed the
  state it settled in (its last change before no running indicator, no skeleton and text unchanged for 0.75 s). On a
  2-core machine a few dozen Chromium renderers measure Chromium, not the server; use it for small counts.

An error is an interaction that does not finish within ``--interaction-timeout`` or shows an exception.

With more than one replica, ``--kill-after`` seconds into the run one replica is killed (SIGKILL). The
sessions that were not on it must see no error; those that were reconnect (nginx sends their next
connection to a live replica, the client reconnects and reruns) and must finish again; a wire reader counts its
reconnects, so the sessions that were on the killed replica are known.
Everything is bounded: a fixed number of sessions, a fixed duration, loopback addresses only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.nginx import DIRECT
from core.settings import PROJECT_DIR

# Debian's chromium, launched as every browser test launches it (tests/conftest.py imports these), plus a flag
# for many pages at once in a container's small /dev/shm.
CHROMIUM = "/usr/bin/chromium"


def chromium_version() -> str:
    """What ``chromium --version`` says, for the machine line of a run that drives it; the path when it cannot say."""
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"Chromium {CHROMIUM}"


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
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SETTLE_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return [main ? main.innerText.length : 0,
            document.querySelectorAll('[data-testid="stSkeleton"]').length,
            document.querySelectorAll('[data-testid="stStatusWidget"] button, [data-testid="stAppRunningIcon"]').length,
            document.querySelectorAll('[data-testid="stException"]').length,
            window.__lastChange || 0];
}"""
# Installed in every page before its own scripts: the wall-clock time (ms) of the page's last change (elements
# added or removed, text or attributes changed). A wait then ends at the moment the page last changed, not at the
# poll (every 0.25 s) that first saw the final state, which would add up to a quarter second to every figure.
LAST_CHANGE_JS = """(() => {
    window.__lastChange = 0;
    new MutationObserver(() => { window.__lastChange = performance.timeOrigin + performance.now(); })
        .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"""
POLL_S = 0.25
QUIET_POLLS = 3  # the page's state unchanged over this many polls (0.75 s): it has settled


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
            with DIRECT.open(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200 and ready():
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit(f"서버가 시작되지 않았습니다: {log_path.read_text()[-2000:]}")
        time.sleep(0.3)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest rank: the smallest sample with at least ``q`` of the samples at or below it (p95 of fewer than 20
    samples is the slowest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


async def new_context(browser, **options):
    """A fresh browser context (no cookies, no cache) whose pages record when they last changed."""
    context = await browser.new_context(**options)
    await context.add_init_script(LAST_CHANGE_JS)
    return context


async def settle(page, timeout: float, started: float) -> float:
    """Until the script run is over: no skeletons, no running indicator, text length unchanged for ~0.75 s.
    Returns the seconds from ``started`` (``time.time()``) until the page last changed before it settled: the
    quiet period that proves the page is done is not part of the wait a reader has."""
    deadline = time.time() + timeout
    last, stable, since = None, 0, time.time()
    while time.time() < deadline:
        seen = time.time()
        state = await page.evaluate(SETTLE_JS)
        if state[3]:
            raise Unsettled("exception shown")
        if state[:4] == last and state[0] and not state[1] and not state[2]:
            stable += 1
        else:
            stable, since = 0, seen
        if stable >= QUIET_POLLS:
            # the last change, unless the page kept changing something that is not its content (then the poll)
            changed = state[4] / 1000 if state[4] else since
            return max(0.0, min(since, changed) - started)
        last = state[:4]
        await asyncio.sleep(POLL_S)
    raise Unsettled(f"not settled in {timeout:.0f} s")


def think_pause(mean_s: float, rng: random.Random) -> float:
    """A reader's pause before the next click: uniformly 0.5–1.5 × the mean."""
    return mean_s * rng.uniform(0.5, 1.5)


def next_year(step: int) -> str:
    """The 연도 a reader picks at a filter change: the other of the two latest years, starting with the older one
    (a session opens on the latest)."""
    return YEARS[(step // 2 + 1) % 2]


def next_page(step: int) -> str:
    return PAGES[(step // 2) % len(PAGES)]


class Reader:
    """What every reader does, whatever drives it: arrive, then change the year and move between pages until
    the time is up, pausing to read in between, and log each interaction."""

    def __init__(self, index: int, until: float, think_s: float, log: list[dict]):
        self.index, self.until, self.think_s, self.log = index, until, think_s, log
        self.rng = random.Random(index)

    async def timed(self, kind: str, action) -> bool:
        started = time.monotonic()
        entry = {"session": self.index, "kind": kind, "at": started}
        reconnects = self.reconnects()
        try:
            entry["ms"] = await action() * 1000
        except Exception as e:  # any failure of the action or the page is this interaction's error
            entry["error"] = f"{type(e).__name__}: {str(e)[:120]}"
        entry["end"] = time.monotonic()
        if self.reconnects() > reconnects:
            entry["reconnected"] = True
        self.log.append(entry)
        return "error" not in entry

    def reconnects(self) -> int:
        return 0

    async def act(self) -> None:
        if not await self.timed("first_visit", self.first_visit):
            return  # a reader whose page never came up leaves
        step = 0
        while True:
            await asyncio.sleep(think_pause(self.think_s, self.rng))
            if time.monotonic() >= self.until:
                return
            step += 1
            if step % 2:
                await self.timed("filter_change", lambda year=next_year(step): self.choose_year(year))
            else:
                await self.timed("page_change", lambda name=next_page(step): self.move(name))


class WireReader(Reader):
    def __init__(self, base: str, timeout: float, *args):
        super().__init__(*args)
        from .sessions import WireSession  # websockets and Streamlit's protobufs, only for the wire client

        self.session = WireSession(base, timeout)

    def reconnects(self) -> int:
        return self.session.reconnects

    async def first_visit(self) -> float:
        return await self.session.open()

    async def choose_year(self, year: str) -> float:
        return await self.session.choose("연도", year)

    async def move(self, name: str) -> float:
        from core.navigation import page as nav_page

        return await self.session.go(nav_page(name).url_path)

    async def close(self) -> None:
        await self.session.close()


class BrowserReader(Reader):
    def __init__(self, context, base: str, timeout: float, *args):
        super().__init__(*args)
        self.context, self.base, self.timeout = context, base, timeout
        self.page = None

    async def _settled_since(self, started: float) -> float:
        return await settle(self.page, self.timeout, started)

    async def first_visit(self) -> float:
        self.page = await self.context.new_page()
        started = time.time()
        await self.page.goto(self.base + "/", timeout=self.timeout * 1000)
        return await self._settled_since(started)

    async def choose_year(self, year: str) -> float:
        started = time.time()
        box = self.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="연도")
        await box.click(timeout=self.timeout * 1000)
        await self.page.get_by_role("option", name=year, exact=True).click(timeout=self.timeout * 1000)
        return await self._settled_since(started)

    async def move(self, name: str) -> float:
        from core.navigation import page as nav_page

        started = time.time()
        await (
            self.page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
            .filter(has_text=nav_page(name).label)
            .first.click(timeout=self.timeout * 1000)
        )
        return await self._settled_since(started)

    async def close(self) -> None:
        await self.context.close()


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


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / CLOCK_TICKS  # utime, stime


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """The process's peak resident memory (VmHWM, its own high-water mark) in MB, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def until_idle(pids: list[int], limit_s: float = 90) -> None:
    """Until the servers have finished their start-up work (each replica warms its default views): both
    configurations then start from servers doing nothing. Bounded."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = sum(cpu_ms(p) for p in pids)
        time.sleep(1)
        if sum(cpu_ms(p) for p in pids) - before < 50:  # under 5% of a core for a second
            return


async def run_load(args, base: str, kill: tuple[float, int] | None):
    log: list[dict] = []
    killed: dict = {}
    until = time.monotonic() + args.seconds
    common = (args.interaction_timeout,)

    async def arrive(reader: Reader, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await reader.act()
        finally:
            await reader.close()

    async def killer() -> None:
        after, port = kill
        await asyncio.sleep(after)
        pid = replica_pids([port]).get(port)
        if pid:
            os.kill(pid, signal.SIGKILL)
            killed.update(port=port, pid=pid, at=time.monotonic())

    def spread(i: int) -> float:  # arrivals spread evenly over the ramp
        return args.ramp * i / max(1, args.sessions)

    if args.client == "wire":
        readers = [WireReader(base, *common, i, until, args.think, log) for i in range(args.sessions)]
        await asyncio.gather(*(arrive(r, spread(r.index)) for r in readers), *([killer()] if kill else []))
        return log, killed

    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=LOAD_CHROMIUM_ARGS)
        readers = []
        for i in range(args.sessions):
            context = await new_context(browser, viewport={"width": 1280, "height": 900})
            readers.append(BrowserReader(context, base, *common, i, until, args.think, log))
        await asyncio.gather(*(arrive(r, spread(r.index)) for r in readers), *([killer()] if kill else []))
        await browser.close()
    return log, killed


def summarise(log: list[dict], killed: dict, sees_reconnects: bool = True) -> dict:
    """Counts, medians and p95 per kind of interaction; with a kill, who was affected. ``sees_reconnects``: the
    client can tell a reconnect (the wire client can; a browser reader cannot), else those figures are None."""
    ok = [e for e in log if "ms" in e]
    errors = [e for e in log if "error" in e]
    out = {
        "interactions": len(log),
        "errors": len(errors),
        "error_examples": sorted({e["error"] for e in errors})[:5],
    }
    for kind in ("first_visit", "filter_change", "page_change"):
        ms = [e["ms"] for e in ok if e["kind"] == kind]
        out[kind] = {"n": len(ms), "median_ms": statistics.median(ms) if ms else None, "p95_ms": percentile(ms, 0.95)}
    every = [e["ms"] for e in ok if e["kind"] != "first_visit"]
    out["interaction_p95_ms"] = percentile(every, 0.95)
    out["interaction_median_ms"] = statistics.median(every) if every else None
    if killed:
        at = killed["at"]
        after = [e for e in log if e["end"] >= at]  # running at the kill (an error included) or begun after it
        moved = {e["session"] for e in after if e.get("reconnected")}
        hit = {e["session"] for e in after if "error" in e}
        out["kill"] = {
            "replica_port": killed["port"],
            "sessions_active_after_the_kill": len({e["session"] for e in after}),
            "sessions_with_an_error_after_the_kill": len(hit),
        }
        finished = {e["session"] for e in after if e["session"] in moved and "ms" in e}
        out["kill"].update(
            sessions_reconnected_to_a_live_replica=len(moved) if sees_reconnects else None,
            of_those_finished_again=len(finished) if sees_reconnects else None,
            of_those_not_on_the_killed_replica=len(hit - moved) if sees_reconnects else None,
        )
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
        ports = [backend + i for i in range(replicas)]
        wait_until_healthy(base, proc, serve_log, ready=lambda: len(replica_pids(ports)) == replicas)
        until_idle(list(replica_pids(ports).values()))
        kill = (args.kill_after, backend + replicas - 1) if replicas > 1 and args.kill_after else None
        started = time.monotonic()
        load_before = os.getloadavg()
        log, killed = asyncio.run(run_load(args, base, kill))
        result = summarise(log, killed, sees_reconnects=args.client == "wire")
        result.update(
            replicas=replicas,
            sessions=args.sessions,
            client=args.client,
            think_s=args.think,
            ramp_s=args.ramp,
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
        "| 복제본 | 읽는 방식 | 세션 | 상호작용 | 오류 | 첫 방문 중앙값 / p95 | 필터 변경 중앙값 / p95 | 페이지 이동 중앙값 / p95 "
        "| 상호작용 p95 | 부하 평균 (전 → 후) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def f(v):
        return "-" if v is None else f"{v:,.0f} ms"

    for r in results:
        lines.append(
            f"| {r['replicas']} | {r.get('client', 'browser')} | {r['sessions']} | {r['interactions']} | {r['errors']} | "
            f"{f(r['first_visit']['median_ms'])} / {f(r['first_visit']['p95_ms'])} | "
            f"{f(r['filter_change']['median_ms'])} / {f(r['filter_change']['p95_ms'])} | "
            f"{f(r['page_change']['median_ms'])} / {f(r['page_change']['p95_ms'])} | {f(r['interaction_p95_ms'])} | "
            f"{r['load_avg_before'][0]} → {r['load_avg_after'][0]} |"
        )
    for r in results:
        if "kill" in r:
            k = {key: "?" if v is None else v for key, v in r["kill"].items()}  # a browser reader cannot see reconnects
            lines.append(
                f"\n복제본 {r['replicas']}개 중 하나(포트 {k['replica_port']})를 {r.get('kill_after', '')}초에 강제 종료: "
                f"그 뒤 활동한 세션 {k['sessions_active_after_the_kill']}개 중 살아 있는 복제본으로 다시 연결된 세션 "
                f"{k['sessions_reconnected_to_a_live_replica']}개(그중 다시 끝까지 받은 세션 {k['of_those_finished_again']}개), "
                f"오류를 본 세션 {k['sessions_with_an_error_after_the_kill']}개(종료된 복제본에 있지 않던 세션 "
                f"{k['of_those_not_on_the_killed_replica']}개)."
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
    parser.add_argument("--think", type=float, default=5, help="mean pause between a reader's interactions, s")
    parser.add_argument("--ramp", type=float, default=20, help="arrivals spread evenly over this many seconds")
    parser.add_argument("--client", choices=["wire", "browser"], default="wire", help="how a reader is driven")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 200 or not 5 <= args.seconds <= 900 or not 0 <= args.ramp < args.seconds:
        parser.error("--sessions 1~200, --seconds 5~900, --ramp 0~seconds (the test is bounded)")
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
