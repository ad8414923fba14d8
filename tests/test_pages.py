"""Every page of the dashboard, run headless with Streamlit's AppTest against a copy of the data.

The expected figures are the ones printed in the source reports 000 and 002 (test_seed_figures.py
says where the reports' text is read from):

* 000 "2018년 본예산 사업별 내역" (단위: 천원): 지방공무원인사관리 본예산 435,445, 예산현액 435,445,
  2017 최종예산 473,263, 집행액 73,837, 집행률 17.0
* 002 "주요업무별 예산 내역" (단위: 천원, '24.6.30.기준): 교원 자격단계별 핵심역량 강화 자격연수
  예산액 2,893,463, 1분기 214,623, 2분기 1,990,547, 3분기 688,293, 4분기 -
* 000 prints 민원 행정 2017 최종예산 701,647 in the 과제별 table but 681,647 for 민원관리 in the
  사업별 table: the sources page must list that difference.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import APP_PATH, app_pages
from streamlit.testing.v1 import AppTest

from core.dashboard.filters import Filters

PAGES = app_pages()
BUDGET_TABLE = "000 · 2018년 본예산 사업별 내역"
QUARTER_TASK = "교원 자격단계별 핵심역량 강화 자격연수"
NO_DATA_DIVISION = "교통방송"  # listed in 004's org chart, owns no budget, training or call rows
LATEST_YEAR = "2024"  # the latest year any 기관 has data for: the year a page opens on

pytestmark = pytest.mark.usefixtures("use_dashboard_data")


def test_app_declares_the_expected_pages():
    assert {"overview", "budget", "quarterly", "training", "callcenter", "sources"} <= set(PAGES)


# ---------------------------------------------------------------- helpers


def open_page(url_path: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP_PATH), default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if url_path != "overview":
        at.switch_page(PAGES[url_path])
    at.run()
    assert_ran(at)
    return at


def assert_ran(at: AppTest) -> None:
    """The run ended without an exception or an st.error (app.py shows build errors that way)."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert_ran(at)
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def row_where(at: AppTest, column: str, value) -> pd.Series:
    """The one row (over all tables on screen) whose ``column`` equals ``value``."""
    hits = []
    for frame in at.dataframe:
        df = frame.value
        if column in df.columns:
            hits += [r for _, r in df[df[column] == value].iterrows()]
    assert len(hits) == 1, f"{len(hits)} rows with {column} == {value!r}"
    return hits[0]


def set_year(at: AppTest, year: str) -> AppTest:
    at.selectbox(key="f_year").set_value(year)
    return rerun(at)


# ---------------------------------------------------------------- every page runs


@pytest.mark.parametrize("url_path", list(PAGES))
def test_page_runs_with_default_filter(url_path):
    at = open_page(url_path)
    assert at.title, "page has no title"
    assert at.selectbox(key="f_year").value == LATEST_YEAR  # the latest year, not every year at once
    assert "전체 연도" in at.selectbox(key="f_year").options  # every year stays one pick away
    assert at.multiselect(key="f_agency").value == []
    assert at.multiselect(key="f_division").value == []
    assert not any("URL" in t for t in texts(at.warning)), texts(at.warning)  # no notice without URL values


@pytest.mark.parametrize("url_path", list(PAGES))
def test_page_runs_for_every_year_and_unknown_year(url_path):
    """Each option of the 연도 box, including 'unknown' (연도 미상), renders without an exception."""
    at = open_page(url_path)
    years = at.selectbox(key="f_year").options
    assert years[0] == "전체 연도" and years[-1] == "연도 미상"
    for value in ["unknown", "2024", "2023", "2022", "2021", "2020", "2019", "2018", "2017", "all"]:
        set_year(at, value)
        assert at.selectbox(key="f_year").value == value
        assert at.query_params.get("year") == (None if value == "all" else value)


@pytest.mark.parametrize("url_path", list(PAGES))
def test_page_with_a_division_that_has_no_data(url_path):
    at = open_page(url_path)
    division = at.multiselect(key="f_division")
    assert f"{NO_DATA_DIVISION} · 서울특별시 (데이터 없음)" in division.options  # marked, not hidden
    division.set_value([NO_DATA_DIVISION])
    rerun(at)
    assert at.query_params.get("division") in (NO_DATA_DIVISION, [NO_DATA_DIVISION])
    if url_path in ("budget", "quarterly", "training", "callcenter"):
        assert any("해당하는" in t and "데이터가 없습니다" in t for t in texts(at.info)), texts(at.info)
        assert any(NO_DATA_DIVISION in t for t in texts(at.info))
    if url_path in ("budget", "quarterly", "training"):
        assert not at.dataframe, "an empty state should replace the tables"


@pytest.mark.parametrize(
    "url_path,year,what",
    [
        ("budget", "2017", "예산"),  # 000's tables are 2018; 004 starts in 2018
        ("quarterly", "2018", "분기별 집행"),  # only 002 (2024) has quarters
        ("training", "2019", "연수 목표"),  # targets exist for 2018 (004) and 2024 (002)
        ("callcenter", "2024", "콜센터"),  # the call-center sample covers 2017-2018
        ("callcenter", "unknown", "콜센터"),
        ("quarterly", "unknown", "분기별 집행"),
        ("training", "unknown", "연수 목표"),
    ],
)
def test_year_without_data_shows_empty_state(url_path, year, what):
    at = open_page(url_path)
    set_year(at, year)
    assert any(f"{what} 데이터가 없습니다" in t for t in texts(at.info)), texts(at.info)


def test_overview_without_budget_data_shows_dashes():
    at = open_page("overview")
    set_year(at, "2019")
    cards = {m.label: m.value for m in at.metric}
    assert cards["콜센터 응답률"] == "-"
    assert cards["연수 목표 진도"] == "-"


def test_budget_unknown_year_shows_the_undated_report():
    """Report 001 prints no year: it appears under 연도 미상 and nowhere under a year."""
    at = open_page("budget")
    set_year(at, "unknown")
    tables = at.selectbox(key="p_table").options
    assert tables and all(t.startswith("001 · ") for t in tables)
    assert at.dataframe and not at.dataframe[0].value.empty
    set_year(at, "2018")
    assert not any(t.startswith("001 · ") for t in at.selectbox(key="p_table").options)


# ---------------------------------------------------------------- figures follow the filter


def test_budget_2018_shows_printed_figures_and_unit_switch():
    at = open_page("budget")
    set_year(at, "2018")
    tables = at.selectbox(key="p_table")
    assert BUDGET_TABLE in tables.options
    tables.set_value(BUDGET_TABLE)
    rerun(at)

    row = row_where(at, "사업명", "지방공무원인사관리")
    assert row["본예산"] == 435_445
    assert row["예산현액·추경"] == 435_445
    assert row["전년 최종예산"] == 473_263
    assert row["집행액"] == 73_837
    assert row["집행률(%)"] == pytest.approx(17.0)
    assert row["출처"] == BUDGET_TABLE
    # the printed 총계 row of the same table
    total = row_where(at, "사업명", "총계")
    assert total["본예산"] == 47_510_305 and total["집행률(%)"] == pytest.approx(68.5)
    assert at.query_params["year"] == "2018" and at.query_params["table"] == BUDGET_TABLE
    assert at.query_params["unit"] == "천원"

    unit = at.segmented_control(key="p_unit")
    assert unit.options == ["원", "천원", "백만원", "억원"] and unit.value == "천원"
    unit.set_value("백만원")
    rerun(at)
    row = row_where(at, "사업명", "지방공무원인사관리")
    assert row["본예산"] == 435  # 435,445천원 shown in whole 백만원, as the reports print 백만원 tables
    assert row["집행률(%)"] == pytest.approx(17.0)  # a rate does not change with the unit
    assert at.query_params["unit"] == "백만원"
    assert any("금액 단위 백만원" in c for c in texts(at.caption))

    at.segmented_control(key="p_unit").set_value("원")
    rerun(at)
    assert row_where(at, "사업명", "지방공무원인사관리")["본예산"] == 435_445_000


def test_budget_second_table_of_the_same_report():
    at = open_page("budget", {"year": "2018", "table": "000 · 2018년 과제별 예산 내역"})
    assert at.selectbox(key="p_table").value == "000 · 2018년 과제별 예산 내역"
    row = row_where(at, "사업명", "교육수요자가 행복한 민원 행정 구현")
    assert row["본예산"] == 734_895 and row["전년 최종예산"] == 701_647 and row["집행률(%)"] == pytest.approx(95.9)


def test_budget_drill_down_into_sub_items_and_back():
    """Selecting a 과제 with sub-items opens them (000 p.47: 과제 2 = 435,445 + 950,718 = 1,386,163)."""
    at = open_page("budget", {"year": "2018", "table": "000 · 2018년 과제별 예산 내역"})
    tasks = at.dataframe[0].value
    index = tasks.index[tasks["사업명"] == "투명하고 공정한 지방 공무원 인사 관리"][0]
    assert tasks.loc[index, "본예산"] == 1_386_163
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [int(index)], "columns": [], "cells": []}}
    rerun(at)
    assert any("투명하고 공정한 지방 공무원 인사 관리" in c for c in texts(at.caption))
    assert at.query_params["item"] == "000-T2"
    assert row_where(at, "사업명", "인사관리 및 인사정책 수립")["본예산"] == 435_445
    assert row_where(at, "사업명", "지방공무원 연수지원 (위탁교육, 국외연수 등)")["본예산"] == 950_718
    assert row_where(at, "사업명", "계")["본예산"] == 1_386_163  # the printed 계 of the sub-table
    at.button(key="budget_up").click()
    rerun(at)
    assert "item" not in at.query_params
    assert "투명하고 공정한 지방 공무원 인사 관리" in at.dataframe[0].value["사업명"].tolist()


def test_budget_drill_down_restored_from_url():
    at = open_page("budget", {"year": "2018", "table": "000 · 2018년 과제별 예산 내역", "item": "000-T2"})
    assert row_where(at, "사업명", "인사관리 및 인사정책 수립")["집행률(%)"] == pytest.approx(17.0)


def test_budget_view_restored_from_url():
    """A copied link (?year=2018&unit=백만원&table=…) opens the same view in a new session."""
    at = open_page("budget", {"year": "2018", "unit": "백만원", "table": BUDGET_TABLE})
    assert not at.warning, texts(at.warning)
    assert at.selectbox(key="f_year").value == "2018"
    assert at.selectbox(key="p_table").value == BUDGET_TABLE
    assert at.segmented_control(key="p_unit").value == "백만원"
    assert row_where(at, "사업명", "지방공무원인사관리")["본예산"] == 435


def test_quarterly_2024_shows_actual_and_planned_quarters():
    at = open_page("quarterly")
    set_year(at, "2024")
    row = row_where(at, "사업명", QUARTER_TASK)
    assert row["예산액"] == 2_893_463
    assert row["1분기"] == 214_623
    assert row["2분기"] == 1_990_547
    assert row["3분기"] == 688_293
    assert pd.isna(row["4분기"])
    assert row["분기 합"] == 2_893_463 and row["차이"] == 0
    assert row["집행액(기준일)"] == 214_623 + 1_990_547
    # 1·2분기 hold actuals (as of 2024-06-30) and 1-2-1's plan, which its own table heads 집행예정액 for the
    # whole year; 3·4분기 are planned
    totals = next(d.value for d in at.dataframe if "누적 비율(%)" in d.value.columns)
    assert totals["구분"].tolist() == ["실적·계획 혼합", "실적·계획 혼합", "계획(집행예정액)", "계획(집행예정액)"]
    assert any("2024-06-30" in c for c in texts(at.caption))

    at.segmented_control(key="p_unit").set_value("백만원")
    rerun(at)
    row = row_where(at, "사업명", QUARTER_TASK)
    assert row["1분기"] == 215 and row["2분기"] == 1_991  # 214,623 and 1,990,547천원 in whole 백만원


def test_quarterly_task_selection_shows_its_plan():
    at = open_page("quarterly", {"year": "2024"})
    tasks = next(d for d in at.dataframe if d.key == "quarter_tasks")
    index = tasks.value.index[tasks.value["사업명"] == QUARTER_TASK][0]
    at.session_state["quarter_tasks"] = {"selection": {"rows": [int(index)], "columns": [], "cells": []}}
    rerun(at)
    assert any(QUARTER_TASK in s.value and "세부 집행계획" in s.value for s in at.subheader)
    sub = at.dataframe[-1].value
    total = sub[sub["사업명"] == "계"].iloc[0]
    assert total["1분기"] == 214_623 and total["2분기"] == 1_990_547 and total["예산액"] == 2_893_463


def test_training_category_filter_runs():
    at = open_page("training")
    box = at.selectbox(key="p_category")
    assert box.options[0] == "전체" and len(box.options) > 1
    for option in box.options[1:] + ["전체"]:
        box = at.selectbox(key="p_category")
        box.set_value(option)
        rerun(at)
        assert at.query_params["category"] == option


def test_training_2018_tasks_carry_their_printed_names_and_targets():
    # 000's 추진 목표 belong to the 과제 of its 과제별 예산 내역 table (2018); their names come from there.
    at = set_year(open_page("training"), "2018")
    tasks = next(f.value for f in at.dataframe if "과제명" in f.value.columns).set_index("과제 ID")
    assert (
        tasks.loc["000-T2", "과제명"] == "투명하고 공정한 지방 공무원 인사 관리" and tasks.loc["000-T2", "번호"] == "2"
    )
    assert tasks.loc["000-T2", "목표 인원"] == 16082  # sum of the 인원 printed in 000's 추진 목표 rows of 과제 2
    assert tasks.loc["000-T4", "과제명"] == "학교 공문서 감축 추진"
    assert tasks["과제명"].notna().all()


def test_callcenter_sample_notice_and_kpis():
    at = open_page("callcenter", {"year": "all"})
    assert any("예시 데이터" in w for w in texts(at.warning)), texts(at.warning)
    labels = [m.label for m in at.metric]
    assert labels == ["인입", "응답률", "포기율", "20초 내 응답률", "평균 상담시간", "직접처리율", "상담만족도"]
    values = {m.label: m.value for m in at.metric}
    assert values["인입"].endswith("건") and values["응답률"].endswith("%") and values["상담만족도"].endswith("점")
    # 2018 compared with the same span of 2017: every card carries a delta
    set_year(at, "2018")
    assert len(at.metric) == 7 and all(m.delta for m in at.metric)
    assert any("예시 데이터" in w for w in texts(at.warning))
    # the budget lines printed in 000 about 민원 (real figures, not sample)
    row = row_where(at, "사업명", "민원관리")
    assert row["본예산"] == 734_895 and row["집행률(%)"] == pytest.approx(99.4)


def test_sources_lists_reconciliation_differences():
    at = open_page("sources")
    assert any("서로 맞지 않는 값" in w for w in texts(at.warning)), texts(at.warning)
    quality = next(d.value for d in at.dataframe if "재계산값" in d.value.columns)
    hit = quality[(quality["문서"] == "000") & (quality["인쇄값"] == 701_647) & (quality["재계산값"] == 681_647)]
    assert len(hit) == 1
    assert hit.iloc[0]["차이"] == 20_000
    assert "민원" in hit.iloc[0]["사업명"]
    docs = next(d.value for d in at.dataframe if "제목" in d.value.columns and "문서일자" in d.value.columns)
    assert {"000", "001", "002", "003", "004"} <= set(docs["문서"])


# ---------------------------------------------------------------- hostile URLs

HOSTILE = {
    "year": "2018; DROP TABLE budget_line",
    "agency": "<script>alert(1)</script>",
    "division": "' OR 1=1 --",
    "unit": '=HYPERLINK("http://x")',
    "table": "000 · x'); DROP TABLE budget_line; --",
    "category": "../../etc/passwd",
    "item": "000-S10' OR '1'='1",
}


@pytest.mark.parametrize("url_path", list(PAGES))
def test_hostile_url_values_warn_and_data_still_shows(url_path):
    at = open_page(url_path, HOSTILE)
    warnings = " ".join(texts(at.warning))
    assert "무시" in warnings, warnings
    assert "연도" in warnings and "기관" in warnings
    # the filter fell back to its defaults and the URL no longer carries the hostile values
    assert at.selectbox(key="f_year").value == LATEST_YEAR
    assert at.multiselect(key="f_agency").value == []
    assert at.query_params.get("year") == LATEST_YEAR
    for key in ("agency", "division"):
        assert key not in at.query_params, at.query_params
    if "unit" in at.query_params:
        assert at.query_params["unit"] == "천원"
    if url_path != "overview":
        assert at.dataframe and any(not d.value.empty for d in at.dataframe)
    else:
        assert {m.label: m.value for m in at.metric}["예산"] != "-"


def test_hostile_url_leaves_the_data_intact():
    open_page("budget", HOSTILE)
    at = open_page("budget", {"year": "2018", "table": BUDGET_TABLE})
    assert row_where(at, "사업명", "지방공무원인사관리")["본예산"] == 435_445


def test_mixed_url_keeps_valid_values():
    at = open_page("budget", {"year": "2018", "agency": ["서울특별시교육청", "<b>x</b>"], "unit": "백만원"})
    assert at.multiselect(key="f_agency").value == ["서울특별시교육청"]
    assert at.selectbox(key="f_year").value == "2018"
    assert any("<b>x</b>" in w.replace("\\", "") for w in texts(at.warning))  # shown as typed, not as markup
    assert row_where(at, "사업명", "지방공무원인사관리")["본예산"] == 435


# ---------------------------------------------------------------- moving between pages


def test_moving_between_pages_does_not_crash():
    """Pages share the 금액 단위 control (key p_unit); moving from one to another must keep working."""
    at = open_page("overview")
    for url_path in ["budget", "quarterly", "callcenter", "training", "sources", "overview", "budget"]:
        at.switch_page(PAGES[url_path])
        rerun(at)
        assert at.title


def test_unit_survives_moving_to_another_page():
    at = open_page("budget", {"year": "2018", "table": BUDGET_TABLE})
    at.segmented_control(key="p_unit").set_value("백만원")
    rerun(at)
    at.switch_page(PAGES["quarterly"])
    rerun(at)
    assert at.segmented_control(key="p_unit").value == "백만원"


def test_sidebar_filter_survives_moving_to_another_page():
    at = open_page("overview")
    at.multiselect(key="f_agency").set_value(["서울특별시교육청"])
    rerun(at)
    set_year(at, "2018")
    at.switch_page(PAGES["budget"])
    rerun(at)
    assert at.selectbox(key="f_year").value == "2018"
    assert at.multiselect(key="f_agency").value == ["서울특별시교육청"]


def test_division_list_is_grouped_by_agency_and_marks_units_without_data():
    at = open_page("overview")
    labels_shown = at.multiselect(key="f_division").options
    # 004's org chart names 교통방송 under 서울특별시, but no row of any report is its own
    assert f"{NO_DATA_DIVISION} · 서울특별시 (데이터 없음)" in labels_shown
    owners = [label.split(" · ")[1].split(" (")[0].split(" 외 ")[0] for label in labels_shown]
    assert owners == sorted(owners)  # grouped: every 기관's 부서 together, 기관 in order
    at.multiselect(key="f_agency").set_value(["서울특별시교육청교육연수원"])
    rerun(at)
    assert at.multiselect(key="f_division").options == [
        "교육행정연수부",
        "기획평가부",
        "중등교원연수부",
        "초등교원연수부",
    ]


def test_year_list_narrows_to_the_years_the_chosen_agency_has():
    at = open_page("overview", {"year": "2018"})
    assert "2018년" in at.selectbox(key="f_year").options
    at.multiselect(key="f_agency").set_value(["서울특별시교육청교육연수원"])
    rerun(at)
    years = at.selectbox(key="f_year").options
    assert "2018년" not in years and {"2024년", "2023년"} <= set(years)
    assert at.selectbox(key="f_year").value == "2024"  # the year it had is not one of 교육연수원's: its latest


def latest_year_of(agency: str) -> str:
    from core.dashboard.db import query

    return str(int(query("SELECT max(year) AS y FROM agency_year WHERE agency = $a", {"a": agency})["y"].iat[0]))


def test_the_year_defaults_to_the_latest_of_the_chosen_agency_until_the_reader_picks_one():
    city, office = "서울특별시", "서울특별시교육청"
    assert latest_year_of(city) != latest_year_of(office)
    at = open_page("overview", {"agency": city})
    assert at.selectbox(key="f_year").value == latest_year_of(city)
    at.multiselect(key="f_agency").set_value([office])
    rerun(at)
    assert at.selectbox(key="f_year").value == latest_year_of(office)  # the default follows the 기관
    set_year(at, "all")  # a year the reader picks holds
    at.multiselect(key="f_agency").set_value([city])
    rerun(at)
    assert at.selectbox(key="f_year").value == "all"
    assert open_page("overview", {"agency": city, "year": "all"}).selectbox(key="f_year").value == "all"  # URL wins


def test_an_empty_page_offers_where_its_data_is_and_goes_there():
    """서울특별시 (004) prints no 연수 추진 목표; the training page says so and offers the 기관 and years that
    have them, latest first; a click shows that view."""
    at = open_page("training", {"year": "2018", "agency": "서울특별시"})
    assert any("연수 목표 데이터가 없습니다" in i for i in texts(at.info))
    offers = [b.label for b in at.button if b.key and b.key.startswith("suggest_")]
    assert offers[:2] == ["서울특별시교육청교육연수원 · 2024년 보기", "서울특별시교육청 · 2018년 보기"], offers
    at.button(key="suggest_0").click().run()
    assert at.multiselect(key="f_agency").value == ["서울특별시교육청교육연수원"]
    assert at.selectbox(key="f_year").value == "2024"
    assert at.dataframe, "the offered view shows its table"


def test_a_quarterly_link_with_a_task_opens_the_page_with_that_task_selected():
    """분기별 집행 reads task=<항목 ID> with the 기관 filter and the unit (the task page links there too)."""
    from urllib.parse import parse_qs, urlsplit

    from core import navigation

    link = navigation.page("quarterly").link(
        {"agency": "서울특별시교육청교육연수원", "unit": "백만원", "year": 2024, "task": "002-T05"}
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert query == {"agency": "서울특별시교육청교육연수원", "unit": "백만원", "year": "2024", "task": "002-T05"}
    at = open_page("quarterly", query)
    assert any("세부 집행계획" in h and "미래교육 대비 수업·평가 혁신 역량 제고 연수" in h for h in texts(at.subheader))
    assert at.query_params["task"] == "002-T05" and at.query_params["unit"] == "백만원"
    assert at.multiselect(key="f_agency").value == ["서울특별시교육청교육연수원"]


# ---------------------------------------------------------------- drawing only what is read


def bars_drawn(at: AppTest, index: int = 0) -> int:
    import json

    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    return len(spec["data"][0]["y"])


def test_a_long_chart_draws_its_first_bars_and_says_how_many_there_are(monkeypatch):
    """The shipped data has fewer tasks than the cap, so the cap is lowered to see it work."""
    from core.dashboard.queries import training as training_queries
    from core.widgets import charts

    monkeypatch.setattr(charts, "CHART_BARS", 5)
    rated = training_queries.training_view(Filters(), None).tasks.dropna(subset=["달성률(%)"])
    assert len(rated) > 5
    at = open_page("training", {"year": "all"})
    assert bars_drawn(at) == 5
    assert any(f"달성률 낮은 순 상위 5개 / 전체 {len(rated)}개" in c for c in texts(at.caption)), texts(at.caption)
    tasks = next(d.value for d in at.dataframe if "달성률(%)" in d.value.columns)
    assert len(tasks) == len(training_queries.training_view(Filters(), None).tasks)  # the table below has them all
    at.toggle(key="training_rates_all").set_value(True)
    rerun(at)
    assert bars_drawn(at) == len(rated)


def test_a_long_table_shows_its_first_rows_with_the_count_and_downloads_every_row(monkeypatch):
    """The shipped data's tables are short, so the row limit is lowered to see it work."""
    from core.dashboard.queries import quarterly as quarterly_queries
    from core.widgets import ui

    monkeypatch.setattr(ui, "TABLE_ROWS", 10)
    downloaded: dict[str, int] = {}
    real = ui.downloads

    def record(df, *args, **kwargs):
        downloaded[kwargs["key"]] = len(df)
        return real(df, *args, **kwargs)

    monkeypatch.setattr(ui, "downloads", record)
    everything = quarterly_queries.quarterly_view(Filters(), "천원").tasks
    assert len(everything) > 10
    at = open_page("quarterly", {"year": "all"})
    grid = next(d.value for d in at.dataframe if "사업명" in d.value.columns)
    assert len(grid) == 10
    assert any(f"전체 {len(everything)}행 중 10행" in c for c in texts(at.caption)), texts(at.caption)
    assert downloaded["quarterly"] == len(everything)  # the file is the whole filtered table


def test_the_overview_alert_count_is_the_count_of_every_alert():
    from core.dashboard.queries import insights as insights_queries

    for year in ("all", LATEST_YEAR, "2018"):
        at = open_page("overview", {"year": year})
        watch = insights_queries.execution_watch(Filters(year=year))
        tasks = insights_queries.alerts_by_task(watch)
        heads = [m for m in texts(at.markdown) if "점검이 필요한 과제" in m]
        if watch.empty:
            assert heads == []
        else:
            assert heads == [f"#### 🚨 점검이 필요한 과제 {len(tasks):,}개 (경보 {len(watch):,}건)"]


def test_the_overview_budget_chart_says_how_many_agencies_it_leaves_out(monkeypatch):
    from core.dashboard.queries import overview as overview_queries

    monkeypatch.setattr(overview_queries, "TREND_AGENCIES", 2)
    at = open_page("overview", {"year": "all"})
    every = {c.agency for c in overview_queries.budget_cards(Filters(), every_year=True) if c.amount is not None}
    assert len(every) > 2
    assert any(f"예산 큰 순 상위 2개 기관 / 전체 {len(every)}개 기관" in c for c in texts(at.caption)), texts(
        at.caption
    )
