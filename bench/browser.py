"""Browser-timed benchmark: what a reader waits for, in Debian's Chromium against the real Streamlit server.

    python3 run.py bench --rows 100000 --browser --json F [--samples 20] [--pages overview,budget]

Synthetic extracts of ``--rows`` rows (``bench.scale``) are built into a temporary data folder and served by
one ``streamlit run app.py`` on loopback, as the README's first command serves the shipped data. Per page:

- first visit: a new browser context (a fresh session, no cookies, nothing cached) opens the page's plain URL,
  the default landing view, and the time runs until the page last changed before it settled (no running
  indicator, no skeleton, the main text then unchanged for 0.75 s, which is not counted; the moment of the last
  change is recorded in the page by a MutationObserver); ``--samples`` times, the very first visit of the
  server included;
- returning visit: the same in a new tab of a browser that has opened the page before (Streamlit's front end
  from the browser cache, a new session on the server); half of ``--samples`` times (an extra figure beside the
  issue's, halved to keep a 10M run within the hour);
- changes: in one session on that page, the sidebar 연도 switched between the two latest years, the 기관
  set to one agency and cleared again, and the 금액 단위 switched between 천원 and 백만원 where the page has it,
  in turn, each until settled; ``--samples`` changes in all.

Also recorded: the server's CPU time per interaction (utime + stime of the server process, /proc) and its peak
resident memory (VmHWM), the machine and the load average before and after. Medians and p95 (nearest rank).
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core import navigation
from core.settings import PROJECT_DIR

from .load import (
    CHROMIUM,
    CHROMIUM_ARGS,
    chromium_version,
    cpu_ms,
    free_port,
    new_context,
    peak_rss_mb,
    percentile,
    settle,
    wait_until_healthy,
)


def _filter_choices(db_file: Path) -> tuple[list[str], list[str]]:
    """The options a session switches between, as the sidebar names them: the two latest budget years and two
    agencies that have both of them (the 기관 switch uses the first)."""
    import duckdb

    con = duckdb.connect(str(db_file), read_only=True)
    try:
        years = [
            y
            for (y,) in con.execute(
                "SELECT DISTINCT fiscal_year FROM budget_line WHERE fiscal_year IS NOT NULL ORDER BY 1 DESC LIMIT 2"
            ).fetchall()
        ]
        agencies = [
            a
            for (a,) in con.execute(
                "SELECT agency FROM budget_line WHERE fiscal_year IN $years GROUP BY agency "
                "HAVING count(DISTINCT fiscal_year) = 2 ORDER BY agency LIMIT 2",
                {"years": years},
            ).fetchall()
        ]
    finally:
        con.close()
    return [f"{y}년" for y in years], agencies


async def _choose(page, label: str, option: str, timeout: float) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label)
    await box.first.click(timeout=timeout * 1000)
    await page.get_by_role("option", name=option, exact=True).click(timeout=timeout * 1000)


def return_samples(samples: int) -> int:
    return max(1, samples // 2)


async def _measure_page(
    browser, base: str, name: str, samples: int, pid: int, timeout: float, choices: tuple[list[str], list[str]]
) -> dict:
    page_def = navigation.page(name)
    url = f"{base}/{page_def.url_path}" if page_def.url_path else f"{base}/"
    first, first_cpu = [], []
    for _ in range(samples):
        context = await new_context(browser, viewport={"width": 1280, "height": 1000})
        tab = await context.new_page()
        cpu, started = cpu_ms(pid), time.time()
        await tab.goto(url, timeout=timeout * 1000)
        first.append(await settle(tab, timeout, started) * 1000)
        first_cpu.append(cpu_ms(pid) - cpu)
        await context.close()

    # A returning reader: the browser has opened the dashboard before, so Streamlit's front end comes from its
    # cache (served immutable for a year); each visit is still a new tab and a new session on the server.
    context = await new_context(browser, viewport={"width": 1280, "height": 1000})
    tab = await context.new_page()
    await tab.goto(url, timeout=timeout * 1000)
    await settle(tab, timeout, time.time())
    returning = []
    for _ in range(return_samples(samples)):
        visit = await context.new_page()
        started = time.time()
        await visit.goto(url, timeout=timeout * 1000)
        returning.append(await settle(visit, timeout, started) * 1000)
        await visit.close()
    years, agencies = choices
    unit = tab.get_by_role("radiogroup", name="금액 단위")
    has_unit = await unit.count() > 0
    kinds = [k for k, ok in (("year", len(years) == 2), ("agency", len(agencies) == 2), ("unit", has_unit)) if ok]
    changes: dict[str, list[float]] = {k: [] for k in kinds}
    change_cpu: list[float] = []
    for i in range(samples if kinds else 0):
        kind = kinds[i % len(kinds)]
        turn = (i // len(kinds)) % 2
        cpu, started = cpu_ms(pid), time.time()
        if kind == "year":
            await _choose(tab, "연도", years[turn], timeout)
        elif kind == "agency":  # 기관 is a multiselect: one agency chosen, then cleared back to 전체 기관
            box = tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="기관").first
            await box.click(timeout=timeout * 1000)
            if turn == 0:
                await tab.get_by_role("option", name=agencies[0], exact=True).click(timeout=timeout * 1000)
            else:
                await tab.keyboard.press("Backspace")
            await tab.keyboard.press("Escape")
        else:
            await unit.get_by_role("radio", name="백만원" if turn == 0 else "천원").click(timeout=timeout * 1000)
        changes[kind].append(await settle(tab, timeout, started) * 1000)
        change_cpu.append(cpu_ms(pid) - cpu)
    await context.close()
    every = [ms for values in changes.values() for ms in values]
    return {
        "first_load_ms_median": round(statistics.median(first), 1),
        "first_load_ms_p95": round(percentile(first, 0.95), 1),
        "first_load_ms_first": round(first[0], 1),
        "first_load_server_cpu_ms_median": round(statistics.median(first_cpu), 1),
        "return_visit_ms_median": round(statistics.median(returning), 1),
        "return_visit_ms_p95": round(percentile(returning, 0.95), 1),
        "change_ms_median": round(statistics.median(every), 1) if every else None,
        "change_ms_p95": round(percentile(every, 0.95), 1) if every else None,
        "change_server_cpu_ms_median": round(statistics.median(change_cpu), 1) if change_cpu else None,
        "changes": {
            k: {"n": len(v), "median_ms": round(statistics.median(v), 1), "p95_ms": round(percentile(v, 0.95), 1)}
            for k, v in changes.items()
            if v
        },
    }


async def _measure(
    base: str, pages: list[str], samples: int, pid: int, timeout: float, choices: tuple[list[str], list[str]], log
) -> dict:
    from playwright.async_api import async_playwright

    out = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name in pages:
                out[name] = await _measure_page(browser, base, name, samples, pid, timeout, choices)
                r = out[name]
                log(
                    f"{name:<11} 첫 방문 {r['first_load_ms_median']:>7.0f} / {r['first_load_ms_p95']:>7.0f} ms · "
                    f"변경 {r['change_ms_median'] or 0:>6.0f} / {r['change_ms_p95'] or 0:>6.0f} ms"
                )
        finally:
            await browser.close()
    return out


def run(rows: int, samples: int, seed: int, pages: list[str], log=print, timeout: float = 120) -> dict:
    from core.pipeline.build import build

    from . import scale

    work = Path(tempfile.mkdtemp(prefix="dashboard-browser-bench-"))
    result: dict = {
        "method": "browser",
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {chromium_version()}",
        "cores": os.cpu_count(),
        "samples": samples,
        "return_samples": return_samples(samples),
        "load_avg": {"start": [round(x, 2) for x in os.getloadavg()]},
    }
    server = None
    try:
        counts = scale.generate(rows, work, seed)
        result["rows"] = sum(counts.values())
        started = time.perf_counter()
        build(root=work / "extracts", target=work / "dashboard.duckdb")
        result["build_s"] = round(time.perf_counter() - started, 2)
        log(f"생성·빌드 {result['rows']:,}행, 빌드 {result['build_s']}초")
        port = free_port()
        env = dict(os.environ, DASHBOARD_DATA_DIR=str(work))
        env.pop("DASHBOARD_DB", None)
        with (work / "server.log").open("w") as server_log:
            server = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                cwd=PROJECT_DIR,
                env=env,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, server, work / "server.log")
        choices = _filter_choices(work / "dashboard.duckdb")
        result["filter_choices"] = {"years": choices[0], "agencies": choices[1]}
        result["pages"] = asyncio.run(_measure(base, pages, samples, server.pid, timeout, choices, log))
        result["peak_rss_mb"] = {"app": peak_rss_mb(server.pid)}
        result["load_avg"]["end"] = [round(x, 2) for x in os.getloadavg()]
        return result
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)
