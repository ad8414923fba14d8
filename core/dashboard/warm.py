"""The default views' results, worked out once per server process before the first reader asks for them.

A reader who opens a page without choosing anything sees the default filter (the latest year, every 기관, the
report's unit). The queries of those views are run on a background thread the first time a page is drawn, so
their results are in the shared result cache (db.RESULTS) by the time the reader moves on to the next page.
``DASHBOARD_WARM_UP=0`` turns it off (the tests do, so that no thread reads a data folder a test is swapping).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from core.dashboard.filters import YEAR_ALL, Filters
from core.settings import DEFAULT_UNIT

log = logging.getLogger(__name__)

_lock = threading.Lock()
_started = False


def enabled() -> bool:
    return os.environ.get("DASHBOARD_WARM_UP", "1") != "0"


def default_filter() -> Filters:
    """The filter a first visit shows: no 기관 or 부서, the latest year with data, the report's unit."""
    from core.dashboard.queries.options import filter_options

    _, years, _ = filter_options()
    return Filters(year=max(years) if years else YEAR_ALL).with_extra("unit", DEFAULT_UNIT)


def _steps() -> list[tuple[str, Callable[[Filters], object]]]:
    """What each page and the frame ask for under the default filter, overview first (most visits start there)."""
    from core.dashboard.queries import (
        budget,
        callcenter,
        indicators,
        insights,
        options,
        overview,
        quarterly,
        sources,
        training,
    )

    def budget_page(f: Filters) -> None:
        tables = budget.budget_tables(f)
        if not tables.empty:
            first = tables.iloc[0]
            budget.budget_view(f, first["doc_id"], first["source_section"], None, DEFAULT_UNIT)

    def training_page(f: Filters) -> None:
        training.training_categories(f)
        training.training_view(f, None)
        training.category_years(f)

    def insights_page(f: Filters) -> None:
        view = insights.insights_view(f)
        if view.months:
            insights.complaint_early_warning(f, view.months[-1])

    return [
        ("frame", lambda f: (options.filter_details(), sources.build_time(), sources.document_as_of(f.agencies))),
        ("overview", lambda f: overview.overview_view(f, DEFAULT_UNIT)),
        ("budget", budget_page),
        ("quarterly", lambda f: quarterly.quarterly_view(f, DEFAULT_UNIT)),
        ("training", training_page),
        ("indicators", indicators.indicator_view),
        ("callcenter", lambda f: callcenter.callcenter_view(f, DEFAULT_UNIT)),
        ("insights", insights_page),
        ("sources", lambda f: sources.sources_view()),
    ]


def warm_default_views() -> list[str]:
    """Run the default views' queries (their results stay in the cache); the names of those that failed."""
    failed = []
    try:
        f = default_filter()
    except Exception:
        log.exception("warm-up could not read the filter's options")
        return ["options"]
    for name, step in _steps():
        try:
            step(f)
        except Exception:  # a page that fails here fails for its reader too, who is told; the log keeps the cause
            log.exception("warm-up of %s failed", name)
            failed.append(name)
    return failed


def start_once() -> bool:
    """Start the warm-up on a background thread the first time this is called in the process; True if it started."""
    global _started
    if not enabled():
        return False
    with _lock:
        if _started:
            return False
        _started = True
    threading.Thread(target=warm_default_views, name="warm-default-views", daemon=True).start()
    return True
