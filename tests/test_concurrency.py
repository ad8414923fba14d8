"""Many sessions at once, and rebuilds of the data file under them.

(a) The real server (``streamlit run app.py`` on a free port, DASHBOARD_DATA_DIR at a tmp copy) is
    driven by one Chromium with BROWSER_SESSIONS browser contexts (DASHBOARD_BROWSER_SESSIONS, default
    8; 20 was measured to work but needs ~5 CPU-minutes of Chromium on a 2-core machine). All open a
    page with different URL filters at once; once every one has finished, all must be connected at
    the same moment. Then a few sessions keep opening pages and the rest keep rerunning theirs in
    place. No page may ever show a Streamlit exception or 'Page not found', every title renders, and
    the server log holds no traceback.
(b) The sessions keep going while this process rebuilds the DuckDB file three times, swapping an
    extra budget_line batch (doc 'ZZ', one known 2018 task of 123,456 천원) in and out. Every page
    keeps answering without an exception; every overview shows the 2018 budget cards of one version or
    the other, the one on disk when it was opened; after the last rebuild a new session shows the new cards.
(c) Server side, no browser: during the same rebuilds (or on their own when Chromium is missing),
    SESSIONS (20) threads in this process call core.dashboard.queries / core.dashboard.queries.insights with different filters.
    No exception; every result equals that function's result on one of the two versions, and calls
    made between two rebuilds return the version then on disk.

First page loads are CPU-bound in Chromium (~5 CPU-seconds per new context here), so the phases are
time-boxed rather than counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pandas as pd
import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, PROJECT_DIR, SHIPPED_EXTRACTS, app_pages, dashboard_env

from bench.load import free_port
from core.dashboard import db
from core.dashboard.filters import Filters
from core.dashboard.queries import budget as budget_queries
from core.dashboard.queries import callcenter as callcenter_queries
from core.dashboard.queries import insights as insights_queries
from core.dashboard.queries import options as options_queries
from core.dashboard.queries import overview as overview_queries
from core.dashboard.queries import quarterly as quarterly_queries
from core.dashboard.queries import training as training_queries
from core.pipeline.build import build
from core.pipeline.extracts import write_batches
from core.pipeline.schema import BUDGET_LINE

SESSIONS = 20
# Real browser contexts against the real server: fewer than the 20 server-side sessions, because 20
# Chromium tabs plus the server saturate a 2-core machine and the test would time browsers, not the app.
BROWSER_SESSIONS = int(os.environ.get("DASHBOARD_BROWSER_SESSIONS", "8"))
FIRST_LOAD_CAP_SECONDS = 120  # every session must have a finished first page by then
LOADERS = 3  # sessions 0..2 keep opening pages; the others rerun theirs in place
RERUN_PAUSE_SECONDS = 3.0
RERUN_ATTEMPTS, RERUN_WAIT_MS = 6, 15_000
PHASE_A_SECONDS = 5  # phase (a) after all sessions are up, on a stable file
REBUILDS = 3  # V1, V0, V1: alternating, ending on V1
REBUILD_GAP_SECONDS = 2
OVERVIEW_WAIT_SECONDS = 40  # after a rebuild, wait (at most) this long for session 0 to open the overview
ALL_ACTIVE_WAIT_SECONDS = 90  # after the last rebuild, at most this long for every session to act in (b)
TAIL_SECONDS = 10  # after the last rebuild, visits under way get this long to finish
SERVER_SIDE_SECONDS = 10
VISIT_TIMEOUT_MS = 120_000
EXTRA_BATCH = "zz-concurrency"
EXTRA_BUDGET = 123_456_000  # 원 = 123,456 천원: the 2018 budget card of an extra 기관
EXTRA_AGENCY = "동시성시험교육청"
PAGES = app_pages()

# First pages: light ones (no 4.7 MB Plotly chunk to compile in every new context), with different filters.
FIRST_VISITS = [
    ("insights", {"year": "2018"}),
    ("sources", {}),
    ("insights", {"year": "2024", "unit": "백만원"}),
    ("sources", {"year": "2017"}),
    ("insights", {"year": "2017", "division": "총무과"}),
]
VISITS = [  # (page, URL filter); each session starts at a different offset in this list
    ("overview", {"year": "2018"}),
    ("budget", {"year": "2018"}),
    ("quarterly", {"year": "2024"}),
    ("training", {"year": "2024", "category": "초등"}),
    ("callcenter", {"year": "2017"}),
    ("overview", {"year": "2018", "unit": "천원"}),
    ("insights", {"year": "2018"}),
    ("budget", {"year": "2024", "unit": "백만원"}),
    ("sources", {}),
    ("training", {"year": "2018"}),
]


def page_title(url_path: str) -> str:
    """The heading the frame draws for a page, without its leading emoji."""
    from core.navigation import page

    return page(url_path).title


def url_for(base: str, url_path: str, query: dict[str, str]) -> str:
    path = "" if url_path == "overview" else url_path  # the default page is served at /
    return f"{base}/{path}" + (("?" + urlencode(query, quote_via=quote)) if query else "")


# ---------------------------------------------------------------- two versions of the data


class Versions:
    """A tmp data folder that is switched between V0 (the shipped extracts) and V1 (+ one batch)."""

    def __init__(self, root: Path, extra: Path):
        self.root, self.extra = root, extra
        self.target = root / "extracts" / "budget_line" / f"{EXTRA_BATCH}.parquet"
        self.lock = threading.Lock()
        self.current = 0
        self.known: dict[int, dict[str, str]] = {}
        self.figures: dict[int, str] = {}

    def switch(self, version: int) -> None:
        with self.lock:
            if version:
                shutil.copyfile(self.extra, self.target)
            else:
                self.target.unlink(missing_ok=True)
            # V0 drops document ZZ on purpose, as an operator removing a batch would (--allow-shrink)
            build(root=self.root / "extracts", target=self.root / "dashboard.duckdb", allow_shrink=True)
            self.current = version


def _extra_batch(folder: Path) -> Path:
    row = {c.name: (False if c.kind == "bool" else None) for c in BUDGET_LINE.columns}
    row.update(
        doc_id="ZZ",
        source_section="동시성 시험표",
        page=1,
        unit="천원",
        as_of=pd.Timestamp("2018-07-09").date(),
        agency=EXTRA_AGENCY,
        division="총무과",
        fiscal_year=2018,
        item_id="ZZ-1",
        level="세부사업",
        name="동시성 시험 과제",
        budget_original=EXTRA_BUDGET,
        budget_current=EXTRA_BUDGET,
    )
    return write_batches(
        [(BUDGET_LINE, pd.DataFrame([row], columns=BUDGET_LINE.names, dtype=object), EXTRA_BATCH)], folder
    )[0]


def _fresh_reads() -> None:
    db.reset()
    gc.collect()


def _canon(value) -> str:
    if isinstance(value, pd.DataFrame):
        return value.to_csv(index=False)
    if isinstance(value, tuple):
        return "|".join(_canon(v) for v in value)
    return repr(value)


SERVER_SIDE_CALLS = {
    "budget_cards 2018": lambda: overview_queries.budget_cards(Filters(year="2018")),
    "headline 2018": lambda: overview_queries.headline(Filters(year="2018")),
    "budget_tables 2018": lambda: budget_queries.budget_tables(Filters(year="2018")),
    "budget_items 000": lambda: budget_queries.budget_items(
        Filters(year="2018"), "000", "2018년 본예산 사업별 내역", None
    ),
    "quarterly_tasks 2024": lambda: quarterly_queries.quarterly_tasks(Filters(year="2024")),
    "quarterly_totals 2024": lambda: quarterly_queries.quarterly_totals(Filters(year="2024"), "백만원"),
    "training_by_task 2024 초등": lambda: training_queries.training_by_task(Filters(year="2024"), "초등"),
    "training_by_line 2018": lambda: training_queries.training_by_line(Filters(year="2018")),
    "call_monthly 2017": lambda: callcenter_queries.call_monthly(Filters(year="2017")),
    "call_kpis 2018": lambda: callcenter_queries.call_kpis(Filters(year="2018")),
    "execution_watch 2018": lambda: insights_queries.execution_watch(Filters(year="2018")),
    "year_on_year all": lambda: insights_queries.year_on_year(Filters()),
    "filter_options": lambda: options_queries.filter_options(),
    "division 총무과": lambda: overview_queries.budget_cards(Filters(divisions=("총무과",))),
}


def cards_figure(cards) -> str:
    """The overview's budget cards as one line: '<기관> <예산> 천원' per card, in page order."""
    return " | ".join(f"{c.agency} {c.amount // 1000:,} 천원" for c in cards)


# The same line read off the page: each card's first line names the 기관, its 예산 metric the amount;
# null while a card is still being drawn.
CARDS_FIGURE_JS = """() => {
    const cards = [...document.querySelectorAll('[class*="st-key-budget_card_"]')].map(card => {
        const agency = card.innerText.trim().split('\\n')[0].split(' · ')[0];
        const metric = [...card.querySelectorAll('[data-testid="stMetric"]')]
            .find(m => (m.querySelector('[data-testid="stMetricLabel"]') || {}).innerText?.trim() === '예산');
        const value = metric && metric.querySelector('[data-testid="stMetricValue"]');
        return value ? agency + ' ' + value.innerText.trim() : null;
    });
    return cards.length && !cards.includes(null) ? cards.join(' | ') : null;
}"""
CARDS_FIGURE_TRIES = 50  # × 200 ms: the cards are drawn by the run that just ended


class ServerSide:
    """SESSIONS threads calling SERVER_SIDE_CALLS in turn until stopped; results and errors are kept."""

    def __init__(self):
        self.results: list[tuple[str, str, float, float]] = []  # (call, result, began, ended)
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._work, args=(i,), daemon=True) for i in range(SESSIONS)]
        self.started = 0.0

    def _work(self, i: int) -> None:
        names = list(SERVER_SIDE_CALLS)
        k = i
        while not self.stopping.is_set():
            name = names[k % len(names)]
            k += 1
            began = time.monotonic()
            try:
                got = _canon(SERVER_SIDE_CALLS[name]())
            except Exception as e:
                with self.lock:
                    self.errors.append(f"{name}: {type(e).__name__}: {e}")
                continue
            with self.lock:
                self.results.append((name, got, began, time.monotonic()))
            time.sleep(0.2)

    def start(self) -> None:
        self.started = time.monotonic()
        for t in self.threads:
            t.start()

    def wait_for_calls_after(self, t: float, timeout: float = 30) -> None:
        """Until every call has run at least once entirely after time t (so each version gets observed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                seen = {name for name, _, began, _ in self.results if began > t}
            if seen == set(SERVER_SIDE_CALLS):
                return
            time.sleep(0.2)

    def stop(self) -> None:
        time.sleep(max(0.0, SERVER_SIDE_SECONDS - (time.monotonic() - self.started)))
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in self.threads), "a query thread did not finish"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """The data folder at V0 with this process pointed at it, the server process started on it, and
    the results of every SERVER_SIDE_CALLS entry and the 2018 budget cards on both versions."""
    root = tmp_path_factory.mktemp("concurrency-data")
    shutil.copytree(SHIPPED_EXTRACTS, root / "extracts")
    v = Versions(root, _extra_batch(tmp_path_factory.mktemp("extra-batch")))
    v.switch(0)
    # Start the server now; it opens the file only when the first session runs, after the checks below.
    v.port = free_port()
    v.log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    log = open(v.log_path, "wb")  # noqa: SIM115 - the server writes to it until the fixture ends
    v.proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(v.port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
        ],
        cwd=PROJECT_DIR,
        env=dashboard_env(root),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DASHBOARD_DATA_DIR", str(root))
            mp.delenv("DASHBOARD_DB", raising=False)
            for version in (1, 0):
                v.switch(version)
                _fresh_reads()
                v.known[version] = {name: _canon(fn()) for name, fn in SERVER_SIDE_CALLS.items()}
                v.figures[version] = cards_figure(overview_queries.budget_cards(Filters(year="2018")))
            _fresh_reads()
            yield v
    finally:
        v.proc.terminate()
        try:
            v.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            v.proc.kill()
            v.proc.wait(timeout=10)
        log.close()
        db.reset()


def test_the_two_versions_differ_by_the_known_task(env):
    # One budget card per 기관, never added up: 004's 2018 투자계획 16,033 백만원 and 000's 예산현액 총계.
    assert env.figures[0] == "서울특별시 16,033,000 천원 | 서울특별시교육청 47,744,891 천원"
    assert env.figures[1] == f"{EXTRA_AGENCY} {EXTRA_BUDGET // 1000:,} 천원 | " + env.figures[0]
    differing = {k for k in env.known[0] if env.known[0][k] != env.known[1][k]}
    assert {"budget_cards 2018", "budget_tables 2018"} <= differing
    assert "quarterly_tasks 2024" not in differing


# ---------------------------------------------------------------- the real server in one Chromium


@pytest.fixture(scope="module")
def server(env):
    """The server started by ``env``, once it answers its health check."""
    base = f"http://127.0.0.1:{env.port}"
    deadline = time.monotonic() + 60
    while True:
        if env.proc.poll() is not None:
            raise RuntimeError(f"streamlit exited:\n{env.log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return base, env.log_path
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not answer:\n{env.log_path.read_text(errors='replace')}")
        time.sleep(0.3)


def server_errors(log_path: Path, start: int = 0) -> list[str]:
    text = log_path.read_bytes()[start:].decode("utf-8", errors="replace")
    return [line for line in text.splitlines() if "Traceback" in line or "Uncaught app exception" in line]


DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


async def visit(page, base: str, url_path: str, query: dict[str, str]) -> dict:
    """Open one URL in a new session, wait for the title and for the script run to end; report the page."""
    started = time.monotonic()
    await page.goto(url_for(base, url_path, query), wait_until="domcontentloaded", timeout=VISIT_TIMEOUT_MS)
    await page.get_by_role("heading", name=page_title(url_path)).first.wait_for(timeout=VISIT_TIMEOUT_MS)
    await page.locator(DONE).wait_for(state="attached", timeout=VISIT_TIMEOUT_MS)
    await page.wait_for_timeout(200)  # elements sent with the last delta are on screen
    figure = None
    exceptions = await page.locator('[data-testid="stException"]').count()
    if url_path == "overview" and not exceptions:
        for _ in range(CARDS_FIGURE_TRIES):
            figure = await page.evaluate(CARDS_FIGURE_JS)
            if figure is not None:
                break
            await page.wait_for_timeout(200)
    return {
        "page": url_path,
        "query": query,
        "exceptions": exceptions,
        "not_found": await page.get_by_text("Page not found").count(),
        "figure": figure,
        "seconds": time.monotonic() - started,
        "began": started,
        "ended": time.monotonic(),
    }


WATCH_RUNS_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!window.__runStates) {
        window.__runStates = [];
        // Each record's old value, then the value now: a run that starts and ends between two
        // callbacks still leaves 'running' followed by 'notRunning' in the list.
        new MutationObserver(records => {
            for (const r of records) window.__runStates.push(r.oldValue);
            window.__runStates.push(app.getAttribute('data-test-script-state'));
        }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
    }
    window.__runStates.length = 0;
}"""
# The press took ('rerunRequested', then usually 'running') and the run ended ('notRunning' after it). A fast
# run's 'running' and 'notRunning' reach the front end together and React draws only the last, so
# 'rerunRequested' straight to 'notRunning' is a finished run too.
RUN_ENDED_JS = """() => { const s = window.__runStates, i = s.findIndex(x => x !== 'notRunning');
                       return i >= 0 && s.slice(i).includes('notRunning'); }"""
CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'


async def page_state(page) -> str:
    """The page's connection and script state as its front end shows them, for a failure message."""
    try:
        return await asyncio.wait_for(
            page.evaluate(
                """() => { const a = document.querySelector('[data-testid="stApp"]');
                           return a ? `${a.getAttribute('data-test-connection-state')}, `
                                    + `${a.getAttribute('data-test-script-state')}` : 'no app'; }"""
            ),
            5,
        )
    except Exception as e:  # a hung or crashed renderer is itself the answer
        return f"unreadable ({type(e).__name__})"


async def rerun(page, url_path: str, step=lambda what: None) -> dict:
    """Rerun the page's script in its live session (the 'r' shortcut): new queries, no page reload.

    ``step`` is told what the rerun is waiting for, so a session that finishes nothing can be explained."""
    started = time.monotonic()
    step("waiting for the connection")
    await page.locator(CONNECTED).wait_for(state="attached", timeout=VISIT_TIMEOUT_MS)
    # A key press can be lost while the page is busy: press again, a bounded number of times.
    for attempt in range(RERUN_ATTEMPTS):
        step(f"press {attempt + 1}: watching the script state")
        await asyncio.wait_for(page.evaluate(WATCH_RUNS_JS), RERUN_WAIT_MS / 1000)
        step(f"press {attempt + 1}: pressing 'r'")
        await asyncio.wait_for(page.keyboard.press("r"), RERUN_WAIT_MS / 1000)
        step(f"press {attempt + 1}: waiting for the run to end")
        try:
            await page.wait_for_function(RUN_ENDED_JS, timeout=RERUN_WAIT_MS)
            break
        except Exception as e:
            if attempt == RERUN_ATTEMPTS - 1:
                seen = await page.evaluate("() => window.__runStates")
                raise AssertionError(
                    f"no run ended after {RERUN_ATTEMPTS} presses of 'r'; page {await page_state(page)}; "
                    f"states after the last press {seen}"
                ) from e
    await page.wait_for_timeout(200)
    titles = await page.get_by_role("heading", name=page_title(url_path)).count()
    return {
        "page": url_path,
        "query": "rerun",
        "presses": attempt + 1,
        "exceptions": await page.locator('[data-testid="stException"]').count(),
        "not_found": 0 if titles else 1,
        "figure": None,
        "seconds": time.monotonic() - started,
        "began": started,
        "ended": time.monotonic(),
    }


async def drive(base: str, versions: Versions, log_path: Path) -> dict:
    """One Chromium, BROWSER_SESSIONS contexts, one Streamlit session each.

    All sessions open a first page at once; when every one has finished, the number connected at that
    moment is taken. Then, for phase (a) and through phase (b): session 0 keeps opening the 2018
    overview (its budget cards show which file version served it), sessions 1..LOADERS-1 keep opening pages
    with different URL filters, and the other sessions keep rerunning their page in place. Phase (b) is
    the same while this process rebuilds the file REBUILDS times and runs the server-side threads, and
    it goes on after the last rebuild until every session has finished a page or rerun begun in it.
    Opening pages is CPU-bound in Chromium, so only a few sessions reload at a time."""
    from playwright.async_api import async_playwright

    run: dict = {
        "visits": [],
        "failures": [],
        "rebuilds": [],
        "rebuild_errors": [],
        "connected": 0,
        "b_start": None,
        "last": None,
        "server_side": ServerSide(),
        "doing": {},  # session -> (what it is waiting for, since when)
        "idle": {},  # session -> what it was waiting for when phase (b) ended without a finished visit
    }
    t0 = time.monotonic()
    all_loaded, checked = asyncio.Event(), asyncio.Event()
    loaded: set[int] = set()
    stop = {"at": None}

    def overview_after(t: float) -> bool:
        return any(v["page"] == "overview" and v["session"] == 0 and v["began"] > t for v in list(run["visits"]))

    def rebuild_loop() -> None:
        side = run["server_side"]
        side.start()
        for n in range(REBUILDS):
            if n:
                time.sleep(REBUILD_GAP_SECONDS)
            target = 1 if n % 2 == 0 else 0
            started = time.monotonic()
            try:
                versions.switch(target)
            except Exception as e:
                run["rebuild_errors"].append(f"{type(e).__name__}: {e}")
            done = time.monotonic()
            run["rebuilds"].append((target, started, done))
            side.wait_for_calls_after(done)
            if n < REBUILDS - 1:  # the last version is checked by a fresh session at the end
                deadline = time.monotonic() + OVERVIEW_WAIT_SECONDS
                while not overview_after(done) and time.monotonic() < deadline:
                    time.sleep(0.3)
        # Phase (b) lasts until every session has finished a page or rerun begun in it (bounded), so a
        # session that happened to be mid-page when the rebuilds started is still observed under them.
        deadline = time.monotonic() + ALL_ACTIVE_WAIT_SECONDS
        while time.monotonic() < deadline and set(range(BROWSER_SESSIONS)) - {
            v["session"] for v in list(run["visits"]) if v["began"] >= run["b_start"]
        }:
            time.sleep(0.3)
        side.stop()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            contexts = [
                await browser.new_context(viewport={"width": 1000, "height": 700}, locale="ko-KR")
                for _ in range(BROWSER_SESSIONS)
            ]
            pages = [await c.new_page() for c in contexts]

            def mark(i: int, what: str) -> None:
                run["doing"][i] = (what, time.monotonic())

            def record(i: int, v: dict) -> None:
                v.update(session=i, phase="b" if run["b_start"] and v["began"] >= run["b_start"] else "a")
                run["visits"].append(v)

            async def session(i: int) -> None:
                first_page, first_query = FIRST_VISITS[i % len(FIRST_VISITS)]
                try:
                    record(i, await visit(pages[i], base, first_page, first_query))
                except Exception as e:
                    run["failures"].append(f"session {i} {first_page} {first_query}: {type(e).__name__}: {e}"[:600])
                loaded.add(i)
                if len(loaded) == BROWSER_SESSIONS:
                    all_loaded.set()
                await checked.wait()  # hold the page (and its session) until the count is taken
                k = i
                while stop["at"] is None or time.monotonic() < stop["at"]:
                    if i == 0:
                        url_path, query = "overview", {"year": "2018"}
                    elif i < LOADERS:
                        url_path, query = VISITS[k % len(VISITS)]
                        k += 1
                    else:
                        url_path, query = first_page, "rerun"
                    try:
                        if query == "rerun":
                            record(i, await rerun(pages[i], url_path, lambda what, i=i: mark(i, what)))
                            await asyncio.sleep(RERUN_PAUSE_SECONDS)
                        else:
                            mark(i, f"opening {url_path} {query}")
                            record(i, await visit(pages[i], base, url_path, query))
                    except Exception as e:
                        run["failures"].append(f"session {i} {url_path} {query}: {type(e).__name__}: {e}"[:600])

            async def conductor() -> None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(all_loaded.wait(), timeout=FIRST_LOAD_CAP_SECONDS)
                run["loaded"] = len(loaded)
                run["loaded_after"] = time.monotonic() - t0
                # Every page holds a finished run: all of them must be connected at this moment.
                deadline = time.monotonic() + 15
                while True:
                    states = []
                    for pg in pages:
                        try:
                            states.append(
                                await pg.locator('[data-testid="stApp"]').get_attribute(
                                    "data-test-connection-state", timeout=1_000
                                )
                            )
                        except Exception:
                            states.append(None)
                    run["states"] = states
                    run["connected"] = sum(1 for st in states if st == "CONNECTED")
                    if run["connected"] == BROWSER_SESSIONS or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(1)
                checked.set()
                await asyncio.sleep(PHASE_A_SECONDS)
                run["a_log"] = server_errors(log_path)
                run["b_log_start"] = log_path.stat().st_size
                run["b_start"] = time.monotonic()
                await asyncio.to_thread(rebuild_loop)
                stop["at"] = time.monotonic()
                active = {v["session"] for v in run["visits"] if v["began"] >= run["b_start"]}
                for i in set(range(BROWSER_SESSIONS)) - active:
                    what, since = run["doing"].get(i, ("nothing recorded", stop["at"]))
                    run["idle"][i] = f"{what} for {stop['at'] - since:.0f} s; page {await page_state(pages[i])}"

            tasks = [asyncio.create_task(session(i)) for i in range(BROWSER_SESSIONS)]
            await conductor()
            _, pending = await asyncio.wait(tasks, timeout=TAIL_SECONDS)
            for t in pending:  # visits still under way at the end are dropped, not counted as failures
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            run["cut_short"] = len(pending)
            if versions.current != 1:
                await asyncio.to_thread(versions.switch, 1)
            # After the last rebuild (V1) is in place: one more overview, in a session started now.
            try:
                run["last"] = await visit(pages[0], base, "overview", {"year": "2018"})
            except Exception as e:
                run["failures"].append(f"last visit: {type(e).__name__}: {e}"[:600])
            run["b_log"] = server_errors(log_path, run["b_log_start"])
            run["seconds"] = time.monotonic() - t0
            for c in contexts:
                await c.close()
        finally:
            await browser.close()
    return run


def _have_browser() -> bool:
    if not Path(CHROMIUM).exists():
        return False
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def browser_run(env, server):
    if not _have_browser():
        pytest.skip(f"{CHROMIUM} or playwright is not installed")
    base, log_path = server
    return asyncio.run(drive(base, env, log_path))


def _summary(visits: list[dict]) -> str:
    per_page: dict[str, int] = {}
    for v in visits:
        if v["query"] != "rerun":
            per_page[v["page"]] = per_page.get(v["page"], 0) + 1
    reruns = [v for v in visits if v["query"] == "rerun"]
    repressed = sum(v["presses"] - 1 for v in reruns)
    slow = max((v["seconds"] for v in visits if v["query"] != "rerun"), default=0)
    return (
        f"{sum(per_page.values())} page loads {per_page} (slowest {slow:.1f} s) and {len(reruns)} reruns in place "
        f"({repressed} presses of 'r' repeated)"
    )


def test_a_browser_sessions_at_once_never_show_an_exception(browser_run):
    run = browser_run
    a = [v for v in run["visits"] if v["phase"] == "a"]
    assert not [f for f in run["failures"] if "last visit" not in f], run["failures"][:5]
    missing = set(range(BROWSER_SESSIONS)) - {v["session"] for v in a}
    assert not missing, (
        f"{len(missing)} of {BROWSER_SESSIONS} sessions had no finished page after "
        f"{run['loaded_after']:.0f} s: {sorted(missing)}"
    )
    # All first pages were being served at once: the last one began before the first one ended.
    first = {}
    for v in sorted(run["visits"], key=lambda v: v["began"]):
        first.setdefault(v["session"], v)
    assert max(v["began"] for v in first.values()) < min(v["ended"] for v in first.values())
    # ... and once all had finished, all of them were connected at the same moment.
    assert run["connected"] == BROWSER_SESSIONS, f"{run['connected']} connected: {run['states']}"
    assert not run["a_log"], run["a_log"][:5]
    assert not [v for v in a if v["exceptions"] or v["not_found"]]
    print(f"\nphase a: {_summary(a)}; all {BROWSER_SESSIONS} sessions up after {run['loaded_after']:.0f} s")


def test_b_rebuilds_under_load_show_old_or_new_figure_never_an_error(browser_run, env):
    run = browser_run
    b = [v for v in run["visits"] if v["phase"] == "b"]
    assert not run["rebuild_errors"], run["rebuild_errors"]
    assert [t for t, _, _ in run["rebuilds"]] == [1, 0, 1]
    assert not run["failures"], run["failures"][:5]
    assert not run["b_log"], run["b_log"][:5]
    assert not [v for v in b if v["exceptions"] or v["not_found"]]
    for _, _, done in run["rebuilds"][:-1]:
        assert [v for v in b if v["page"] == "overview" and v["began"] > done], "no overview after a rebuild"
    # Phase (b) runs until every session has finished something begun in it (or a bound passes).
    idle = set(range(BROWSER_SESSIONS)) - {v["session"] for v in b}
    assert not idle, (
        f"sessions {sorted(idle)} finished nothing begun during the rebuilds: {_summary(b)}; "
        f"when it ended they were {run['idle']}"
    )
    figures = [v["figure"] for v in run["visits"] if v["page"] == "overview"]
    allowed = {env.figures[0], env.figures[1]}
    assert set(figures) <= allowed, set(figures) - allowed
    assert run["last"] and not run["last"]["exceptions"] and run["last"]["figure"] in allowed
    print(
        f"\nphase b: {_summary(b)}; figures seen {sorted(set(f for f in figures if f))}; rebuilds took "
        f"{[round(e - s, 1) for _, s, e in run['rebuilds']]} s; {run['cut_short']} visits cut at the end; "
        f"browser part {run['seconds']:.0f} s"
    )


def test_b_server_shows_the_new_figure_after_the_rebuild(browser_run, env):
    """Regression: core/db.py opened the file with duckdb.connect(path); DuckDB's per-process instance cache
    then handed the running server the OLD database after a rebuild, until it was restarted."""
    assert browser_run["last"]["figure"] == env.figures[1]
    # Every overview opened after a rebuild finished (and done before the next began) shows that version.
    rebuilds = browser_run["rebuilds"]
    for (version, _, done), nxt in zip(rebuilds, rebuilds[1:] + [(None, float("inf"), None)]):
        for v in browser_run["visits"]:
            if v["page"] == "overview" and v["began"] > done and v["ended"] < nxt[1]:
                assert v["figure"] == env.figures[version], (version, v)


# ---------------------------------------------------------------- server side, no browser


def _standalone_server_side(versions: Versions) -> dict:
    if versions.current != 0:
        versions.switch(0)
    _fresh_reads()
    side = ServerSide()
    rebuilds: list[tuple[int, float, float]] = []
    errors: list[str] = []

    def rebuilder() -> None:
        for target in (1, 0):
            side.wait_for_calls_after(rebuilds[-1][2] if rebuilds else side.started)
            started = time.monotonic()
            try:
                versions.switch(target)
            except Exception as e:
                errors.append(f"rebuild: {type(e).__name__}: {e}")
            rebuilds.append((target, started, time.monotonic()))

    side.start()
    t = threading.Thread(target=rebuilder)
    t.start()
    t.join(timeout=120)
    side.wait_for_calls_after(rebuilds[-1][2])
    side.stop()
    return {"side": side, "rebuilds": rebuilds, "rebuild_errors": errors}


@pytest.fixture(scope="module")
def server_side_run(env, request):
    """The threads of phase (b) when the browser ran; otherwise the same threads with two rebuilds alone."""
    if _have_browser():
        run = request.getfixturevalue("browser_run")
        out = {"side": run["server_side"], "rebuilds": run["rebuilds"], "rebuild_errors": run["rebuild_errors"]}
    else:
        out = _standalone_server_side(env)
    # Once more after the last rebuild, in this same process and without a reset.
    out["after"] = _canon(SERVER_SIDE_CALLS["headline 2018"]())
    out["after_version"] = env.current
    return out


def test_c_threads_during_rebuilds_see_one_version_or_the_other(server_side_run, env):
    run, side = server_side_run, server_side_run["side"]
    assert not run["rebuild_errors"], run["rebuild_errors"]
    assert len(run["rebuilds"]) >= 2
    assert not side.errors, side.errors[:5]
    assert {name for name, *_ in side.results} == set(SERVER_SIDE_CALLS)
    wrong = [name for name, got, *_ in side.results if got not in (env.known[0][name], env.known[1][name])]
    assert not wrong, f"{len(wrong)} results match neither version, e.g. {wrong[:5]}"
    assert run["after"] == env.known[run["after_version"]]["headline 2018"]
    print(f"\nserver side: {len(side.results)} calls by {SESSIONS} threads during {len(run['rebuilds'])} rebuilds")


def test_c_calls_between_rebuilds_see_the_version_on_disk(server_side_run, env):
    """A call that starts after a rebuild has finished (and ends before the next one starts) must return
    that version's result. Regression for the DuckDB instance-cache bug in core/db.py, which kept the
    process on the pre-rebuild file."""
    rebuilds = server_side_run["rebuilds"]
    windows = [(0, float("-inf"), rebuilds[0][1])]
    windows += [(v, end, nxt[1]) for (v, _, end), nxt in zip(rebuilds, rebuilds[1:] + [(None, float("inf"), None)])]
    checked = 0
    for version, lo, hi in windows:
        inside = [
            (name, got) for name, got, began, ended in server_side_run["side"].results if lo < began and ended < hi
        ]
        stale = sorted({name for name, got in inside if got != env.known[version][name]})
        assert not stale, f"V{version} on disk, but these calls returned the other version: {stale}"
        checked += len(inside)
    assert {v for v, _, _ in windows} == {0, 1}
    assert checked, "no call ran entirely between two rebuilds"
