"""The reader's choices: the sidebar filter, page choices, and how they live in the session and the URL.

The filter lives in ``st.session_state`` (so it holds when the user moves to
another page) and is mirrored into ``st.query_params`` on every run (so a
copied link reproduces the view). URL values are only read when a session
starts, and only values the data has are accepted.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from core.dashboard.filters import (
    UNIT_FACTORS,
    YEAR_ALL,
    YEAR_UNKNOWN,
    Filters,
    describe,
    from_query_params,
    to_query_params,
    year_label,
)
from core.dashboard.queries import options as options_queries
from core.settings import DEFAULT_UNIT
from core.widgets.home import home_controls, saved_home
from core.widgets.text import escape_markdown
from core.widgets.ui import file_or_notice, note_context

PAGE_EXTRAS: dict[str, list[str]] = {"unit": list(UNIT_FACTORS)}


@contextlib.contextmanager
def shared_by_every_page() -> Iterator[None]:
    """Widgets drawn in here are one widget on every page, so their values hold across pages.

    Streamlit gives a widget an id per page script; widgets that an entry script draws before
    ``st.navigation`` runs a page share the entry script's id instead. Drawing the frame's widgets
    under the entry script's id gives folder-based pages the same behaviour, with no copies of
    widget values kept between pages. Outside a running app (bare imports, tests of helpers) there
    is no page and nothing to share.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        yield
        return
    with ctx.run_with_active_hash(ctx.pages_manager.main_script_hash):
        yield


def _options():
    return options_queries.filter_options()


def _initial_query_params() -> dict[str, list[str]]:
    if "_qp0" not in st.session_state:
        st.session_state["_qp0"] = {k: st.query_params.get_all(k) for k in st.query_params}
    return st.session_state["_qp0"]


def sidebar_filters(default_agency: str | None = None) -> Filters:
    """Render 기관 → 부서 and 연도 in the sidebar and return the current filter.

    Drawn inside the frame, these widgets are the same widgets on every page, so the filter holds
    while the user moves between pages; the URL is read once, when the session starts. ``default_agency``
    (the signed-in reader's 기관) is the first 기관 when neither the URL nor 내 부서 names one.
    """
    agencies, years, has_unknown = _options()
    year_options = [YEAR_ALL, *reversed(years)] + ([YEAR_UNKNOWN] if has_unknown else [])
    if "_filters_ready" not in st.session_state:
        qp = _initial_query_params()
        home = {} if ("agency" in qp or "division" in qp) else saved_home()  # a link's filter outranks 내 부서
        if not home and "agency" not in qp and "division" not in qp and default_agency in agencies:
            qp = {**qp, "agency": [default_agency]}
        initial, notices = from_query_params(
            {**qp, **home},
            agencies,
            years + ([YEAR_UNKNOWN] if has_unknown else []),
            PAGE_EXTRAS,
        )
        if home:
            st.session_state["_home_shown"] = True
        st.session_state["f_agency"] = list(initial.agencies)
        st.session_state["f_division"] = list(initial.divisions)
        st.session_state["f_year"] = initial.year
        # Without a year in the link the page opens on the latest year of the chosen 기관, and keeps following
        # the 기관 until the reader picks a year (전체 연도 stays one of the choices).
        st.session_state[_YEAR_FOLLOWS] = initial.year == YEAR_ALL and YEAR_ALL not in qp.get("year", [])
        st.session_state["_notices"] = notices
        st.session_state["_filters_ready"] = True
    for n in st.session_state.get("_notices", []):
        st.warning(escape_markdown(n), icon="⚠️")  # the notice quotes the URL's value
    _hold_over_page_switch(FILTER_KEYS)
    with st.sidebar:
        st.markdown("### 필터")
        chosen = st.multiselect("기관", list(agencies), key="f_agency", placeholder="전체 기관")
        details = options_queries.filter_details()
        scope = chosen or list(agencies)
        division_options, division_label = _divisions_by_agency(agencies, scope, details.without_data)
        st.session_state["f_division"] = [d for d in st.session_state.get("f_division", []) if d in division_options]
        st.multiselect("부서", division_options, key="f_division", placeholder="전체 부서", format_func=division_label)
        if chosen:  # only the years the chosen 기관 have data for (연도 미상 stays: its rows have no year)
            chosen_years = {y for a in chosen for y in details.years_by_agency.get(a, [])}
            year_options = [y for y in year_options if y in (YEAR_ALL, YEAR_UNKNOWN) or y in chosen_years]
        latest = latest_year(year_options)
        if st.session_state.get(_YEAR_FOLLOWS, True):
            st.session_state["f_year"] = latest
        elif st.session_state.get("f_year") not in year_options:
            if chosen and st.session_state.get("f_year") not in (None, YEAR_ALL):
                st.caption(
                    f"{year_label(st.session_state['f_year'])}에는 고른 기관의 데이터가 없어 "
                    f"{year_label(latest)}(으)로 바꿨습니다."
                )
            st.session_state["f_year"] = latest
        st.selectbox("연도", year_options, key="f_year", format_func=year_label, on_change=_year_chosen)
        current = Filters(
            tuple(st.session_state["f_agency"]), tuple(st.session_state["f_division"]), st.session_state["f_year"]
        )
        home_controls(current)
        st.divider()
        file_name = "부서브리핑_" + re.sub(r"[^\w가-힣.-]+", "_", describe(current))[:80] + ".xlsx"
        st.download_button(
            "📦 부서 브리핑 (Excel)",
            data=file_or_notice(lambda: _briefing(current)),
            key="briefing",
            file_name=file_name,
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            help="현재 필터의 모든 표와 경보를 시트별로 담은 통합 문서",
        )
    return current


FILTER_KEYS = ("f_agency", "f_division", "f_year")


_YEAR_FOLLOWS = "_year_follows_agency"  # the year is the default one, not one the reader picked


def latest_year(year_options: list[str]) -> str:
    """The default year: the latest one the options offer (the chosen 기관's), else 전체 연도."""
    years = [y for y in year_options if y.isdigit()]
    return max(years) if years else YEAR_ALL


def _year_chosen() -> None:
    st.session_state[_YEAR_FOLLOWS] = False


NO_DATA_MARK = "데이터 없음"


def _divisions_by_agency(agencies: dict[str, list[str]], scope: list[str], without_data: frozenset):
    """The 부서 of the 기관 in scope, grouped by 기관 (in the 기관 list's order), each once, and a label that
    names its 기관 when several are in scope and marks a 부서 that owns no data row there."""
    owners: dict[str, list[str]] = {}
    for a in scope:
        for d in agencies.get(a, []):
            owners.setdefault(d, []).append(a)

    def label(division: str) -> str:
        where = owners.get(division, [])
        text = division
        if len(scope) > 1 and where:
            text += f" · {where[0]}" + (f" 외 {len(where) - 1}" if len(where) > 1 else "")
        if where and all((a, division) in without_data for a in where):
            text += f" ({NO_DATA_MARK})"
        return text

    return list(owners), label


def _hold_over_page_switch(keys) -> None:
    """Write each value back before its widget is drawn.

    When the user opens another page while the previous one is still drawing, the browser can send the
    shared widgets' default values with the page switch; a value set in this run outranks those, so
    the filter the session holds is the one the new page shows (seen in a real browser, not in AppTest).
    """
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _briefing(f: Filters) -> bytes:
    from core.dashboard.briefing import briefing_xlsx

    return briefing_xlsx(f, st.session_state.get("p_unit") or DEFAULT_UNIT)


def page_choice(
    f: Filters,
    name: str,
    label: str,
    options: list[str],
    default: str | None = None,
    widget: str = "selectbox",
    format_func=str,
    sidebar: bool = False,
    every_page: bool = False,
) -> Filters:
    """A page filter that also lives in the URL and holds for the session; returns the filter with it set.

    ``every_page``: the same choice wherever it is drawn (the unit), rather than one per page.
    """
    key = f"p_{name}"
    if not options:
        return f
    fallback = default if default in options else options[0]
    if key not in st.session_state:
        wanted = _initial_query_params().get(name, [])
        if wanted and wanted[0] in options:
            st.session_state[key] = wanted[0]
        else:
            if wanted and name not in PAGE_EXTRAS:  # those the sidebar read from the URL are reported there
                st.warning(
                    f"URL의 {label} 값 '{escape_markdown(wanted[0][:40])}'은(는) 없는 값이라 무시했습니다.", icon="⚠️"
                )
            st.session_state[key] = fallback
    if st.session_state[key] not in options:
        st.session_state[key] = fallback
    _hold_over_page_switch((key,))
    host = st.sidebar if sidebar else st
    # persist_state: the value returns when the user comes back to a page that draws the widget.
    common = dict(key=key, format_func=format_func, persist_state="session")
    with shared_by_every_page() if every_page else contextlib.nullcontext():
        if widget == "radio":
            host.radio(label, options, horizontal=True, **common)
        elif widget == "segmented":
            host.segmented_control(label, options, **common)
        else:
            host.selectbox(label, options, **common)
    # A segmented control can be clicked off (None); the fallback holds until the next run resets it.
    return f.with_extra(name, st.session_state[key] or fallback)


def remembered(name: str) -> str | None:
    """A page value kept across reruns, first taken from the URL (checked by the page before use)."""
    key = f"p_{name}"
    if key not in st.session_state:
        wanted = _initial_query_params().get(name, [])
        st.session_state[key] = wanted[0][:200] if wanted else None
    return st.session_state[key]


def remember(name: str, value: str | None) -> None:
    st.session_state[f"p_{name}"] = value


SEARCH_KEY = "task_search"


def task_search_text() -> str:
    """What the reader typed into the sidebar's 과제 찾기 box (bounded, as a URL value would be)."""
    return str(st.session_state.get(SEARCH_KEY) or "").strip()[:100]


def hold_search_over_page_switch() -> None:
    """The search box keeps its text across pages like the filter widgets do."""
    _hold_over_page_switch((SEARCH_KEY,))


def chosen_task():
    """The task the task page shows: from a link that opened the page (its ``doc`` and ``task`` in the URL),
    else the one this session last showed; None when none was chosen.

    The page writes its task into the URL on every run, so a URL that differs from what it last wrote can only
    come from a link to the page."""
    from core.dashboard.queries.task import TaskKey

    doc, task = st.query_params.get("doc"), st.query_params.get("task")
    if doc and task and (doc, task) != st.session_state.get("_task_url"):
        remember("doc", doc[:40])
        remember("task", task[:200])
    doc, task = remembered("doc"), remembered("task")
    return TaskKey(doc, task) if doc and task else None


def remember_task_url(key) -> None:
    st.session_state["_task_url"] = (key.doc_id, key.item_id)


def context_params(f: Filters) -> dict[str, list[str]]:
    """The reader's context a link carries: 기관, 부서, 연도 and the unit, not another page's own choices."""
    unit = f.get("unit") or st.session_state.get("p_unit")
    return to_query_params(Filters(f.agencies, f.divisions, f.year, (("unit", unit),) if unit else ()))


def filter_excludes(f: Filters, agency: str, years: list[int]) -> bool:
    """Whether the filter's 기관 or 연도 leave out a task of ``agency`` printed for ``years``."""
    return bool(f.agencies and agency not in f.agencies) or (f.year_int is not None and f.year_int not in years)


_YEAR_PAIR = re.compile(r"(\d{4})-(\d{4})")


def year_pair_choice(f: Filters, years: list[int]) -> tuple[Filters, int, int]:
    """Two of ``years`` to set side by side (earlier, later), kept in the URL as years=2021-2022; the latest two
    by default."""
    pairs = [f"{a}-{b}" for i, a in enumerate(years) for b in years[i + 1 :]]
    f = page_choice(
        f, "years", "비교할 두 해", pairs, pairs[-1], format_func=lambda p: _YEAR_PAIR.sub(r"\1년 → \2년", p)
    )
    first, second = (int(y) for y in _YEAR_PAIR.fullmatch(f.get("years")).groups())
    return f, first, second


def unit_choice(f: Filters) -> tuple[Filters, str]:
    f = page_choice(f, "unit", "금액 단위", list(UNIT_FACTORS), DEFAULT_UNIT, widget="segmented", every_page=True)
    note_context(unit=f.get("unit", DEFAULT_UNIT))
    return f, f.get("unit", DEFAULT_UNIT)


def sync_url(f: Filters) -> None:
    """Write the filter into the URL on every run.

    Not only when the server's copy differs: a page switch clears the browser's query string, and a run
    that began before the browser's copy was cleared would otherwise leave a link without the filter.
    """
    st.query_params.from_dict(to_query_params(f))


SUGGESTIONS_SHOWN = 4  # where-data-exists buttons under an empty state


def empty_state(f: Filters, what: str, source: str | None = None) -> None:
    """Say that the filter has no data, and where this page's data does exist (``source``: a key of
    options.data_years), as buttons that switch the filter to that 기관 and year."""
    st.info(f"현재 필터({escape_markdown(describe(f))})에 해당하는 {what} 데이터가 없습니다.", icon="ℹ️")
    if source is None:
        return
    pairs = options_queries.data_years(source)
    mine = [p for p in pairs if p[0] in f.agencies] if f.agencies else []
    suggestions = [p for p in (mine or pairs) if not (str(p[1]) == f.year and (not f.agencies or p[0] in f.agencies))]
    if not suggestions:
        st.caption("이 페이지의 데이터는 아직 적재되지 않았습니다.")
        return
    st.caption("이 페이지의 데이터가 있는 곳:")
    for i, (agency, year) in enumerate(suggestions[:SUGGESTIONS_SHOWN]):
        st.button(
            f"{escape_markdown(agency)} · {year}년 보기",
            key=f"suggest_{i}",
            on_click=_show_filter,
            args=(agency, str(year)),
        )


def _show_filter(agency: str, year: str) -> None:
    st.session_state["f_agency"] = [agency]
    st.session_state["f_division"] = []
    st.session_state["f_year"] = year
    st.session_state[_YEAR_FOLLOWS] = False
