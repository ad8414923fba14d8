"""과제 한눈에: one task from each report, its figures against the printed report, the search, and the links
that open it (from 점검·경보, 개요, 분기별 집행, 과제별 예산 and 연수) in the same session with the filter kept."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from test_pages import open_page, rerun, texts

from core.dashboard.filters import Filters
from core.dashboard.queries import insights as insights_queries
from core.dashboard.queries import task as task_queries
from core.dashboard.queries.task import TaskKey

pytestmark = pytest.mark.usefixtures("dashboard_data")

ACADEMY = "서울특별시교육청교육연수원"
OFFICE = "서울특별시교육청"


def shown(elements) -> list[str]:
    """Texts as the reader sees them: markdown escapes of data-borne text removed."""
    return [t.replace("\\", "") for t in texts(elements)]


def frame_named(at, column: str, value: str):
    """The first table on the page with a row whose ``column`` is ``value``, and that row."""
    for d in at.dataframe:
        df = d.value
        if column in df and (df[column] == value).any():
            return df, df[df[column] == value].iloc[0]
    raise AssertionError(f"no table has {column} = {value}")


def test_a_task_of_002_shows_its_budget_quarters_training_and_alerts_as_printed():
    at = open_page("task", {"doc": "002", "task": "002-T05", "agency": ACADEMY})
    assert any("2-1-1" in s and "미래교육 대비 수업·평가 혁신 역량 제고 연수" in s for s in shown(at.subheader))
    header = " ".join(shown(at.markdown))
    assert ACADEMY in header and "(공동)" in header
    # 주요업무별 예산 내역: '24 941,703천원, '23 127,650천원
    _, own = frame_named(at, "관계", "이 과제")
    assert own["본예산"] == 941_703 and own["전년 본예산"] == 127_650
    # 2-1-1 예산 집행 계획: 2분기 60,199 executed by 2024-06-30, the rest planned; 6.4% of the budget
    _, quarters = frame_named(at, "번호", "2-1-1")
    assert quarters["2분기"] == 60_199 and quarters["3분기"] == 326_790 and quarters["4분기"] == 554_714
    assert quarters["집행률(%)"] == pytest.approx(6.4)
    # 추진 목표 22,070명 (8,030 + 8,930 + 5,110); 추진 실적 9,549명 at 2024-06-30
    _, training = frame_named(at, "과제명", "미래교육 대비 수업·평가 혁신 역량 제고 연수")
    assert training["목표 인원"] == 22_070 and training["실적 인원"] == 9_549
    alerts, _ = frame_named(at, "점검", "집행 부진")
    assert {"집행 부진", "연말 집중", "목표 미달 우려(추정)"} <= set(alerts["점검"])
    assert any("추정" in c for c in shown(at.caption))
    assert at.query_params["task"] == "002-T05" and at.query_params["doc"] == "002"
    assert at.multiselect(key="f_agency").value == [ACADEMY]


def test_a_task_of_000_joins_its_summary_row_its_own_table_and_the_same_project_elsewhere():
    at = open_page("task", {"doc": "000", "task": "000-T3"})
    budget, own = frame_named(at, "관계", "이 과제")
    assert own["본예산"] == 734_895 and own["집행액"] == 704_628  # 과제별 예산 내역, 원인행위 기준
    assert (budget["관계"] == "하위 항목").sum() == 5
    assert budget.loc[budget["관계"] == "인쇄된 계", "본예산"].tolist() == [734_895]
    assert budget.loc[budget["관계"] == "같은 사업(다른 표)", "사업명"].tolist() == ["민원관리"]
    alerts, alert = frame_named(at, "점검", "집행 없음")
    assert alert["사업명"] == "민원제도 개선"  # an alert on a sub-item is shown on its task
    indicators, _ = frame_named(at, "목표", "서울교육콜센터 상담 만족도 조사")
    assert len(indicators) == 4


def test_a_multi_year_task_of_004_lists_each_printed_year_and_001_says_its_year_is_unknown():
    view = task_queries.task_view(TaskKey("004", "004-1-1"), "백만원")
    own = view.budget[view.budget["관계"] == "이 과제"]
    assert dict(zip(own["연도"], own["본예산"])) == {2018: 1_325, 2019: 1_440, 2020: 1_510, 2021: 1_510, 2022: 1_510}
    at = open_page("task", {"doc": "001", "task": "001-4-1"})
    assert any("연도 미상" in m for m in shown(at.markdown))
    _, own = frame_named(at, "관계", "이 과제")
    assert own["본예산"] == 9_596_000  # 9,596백만원 printed, shown in 천원


def test_an_unknown_task_says_so_and_lists_the_tasks():
    at = open_page("task", {"doc": "002", "task": "[x](http://evil.example)", "year": "all"})
    assert any("찾지 못했습니다" in w for w in texts(at.warning))
    assert any("\\[x\\]" in w for w in texts(at.warning))  # shown as typed, not as a link
    tasks, _ = frame_named(at, "사업명", "직원 사회공헌활동 추진")
    assert len(tasks) > 20


def test_search_finds_by_partial_name_by_number_and_by_division_and_says_when_nothing_matches():
    f = Filters()
    by_name, n = task_queries.find_tasks("콜센터", f)
    assert "민원콜센터 운영" in by_name["name"].tolist() and n == len(by_name)
    by_number, _ = task_queries.find_tasks("2-1-1", f)
    assert by_number["item_id"].tolist() == ["002-T05"]
    by_division, _ = task_queries.find_tasks("교육행정연수부", f)
    assert "002-T15" in by_division["item_id"].tolist()
    outside, _ = task_queries.find_tasks("민원", Filters(agencies=(ACADEMY,)))
    assert not outside.empty and not outside["in_filter"].any()

    at = open_page("budget", {"agency": ACADEMY})
    at.text_input(key="task_search").input("민원").run()  # typed on another page: the task page opens
    assert any("과제 한눈에" in t for t in texts(at.title))
    assert any("필터 밖" in c for c in shown(at.caption))
    at.text_input(key="task_search").input("없는과제이름").run()
    assert any("맞는 과제가 없습니다" in w for w in texts(at.warning))


def test_alerts_are_one_row_per_task_with_every_flag():
    watch = insights_queries.execution_watch(Filters())
    tasks = insights_queries.alerts_by_task(watch)
    assert tasks["경보"].sum() == len(watch)
    assert tasks["과제 ID"].is_unique  # every task once (their ids are unique across the shipped reports)
    row = tasks[tasks["과제 ID"] == "002-T05"].iloc[0]
    assert row["점검"] == "집행 부진·연말 집중" and row["경보"] == 2


def test_picking_an_alert_opens_its_task_with_the_filter_kept():
    at = open_page("insights", {"agency": ACADEMY, "year": "2024", "unit": "백만원"})
    grid = next(d for d in at.dataframe if d.key == "watch_tasks")
    index = grid.value.index[grid.value["과제 ID"] == "002-T05"][0]
    at.session_state["watch_tasks"] = {"selection": {"rows": [int(index)], "columns": [], "cells": []}}
    rerun(at)
    assert any("과제 한눈에" in t for t in texts(at.title))
    assert any("2-1-1" in s for s in shown(at.subheader))
    assert at.query_params["task"] == "002-T05" and at.query_params["unit"] == "백만원"
    assert at.multiselect(key="f_agency").value == [ACADEMY] and at.selectbox(key="f_year").value == "2024"
    _, own = frame_named(at, "관계", "이 과제")
    assert own["본예산"] == 942  # 941,703천원 in whole 백만원: the unit went along


def test_the_alert_link_in_files_and_the_overview_names_the_task_page_with_the_context():
    f = Filters(agencies=(ACADEMY,), year="2024").with_extra("unit", "백만원")
    link = insights_queries.alerts_by_task(insights_queries.execution_watch(f))["바로가기"].iat[0]
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert urlsplit(link).path == "task"
    assert (
        query["agency"] == ACADEMY and query["unit"] == "백만원" and query["year"] == "2024" and query["doc"] == "002"
    )
    at = open_page("overview", {"agency": ACADEMY, "year": "2024"})
    links = [p.proto for p in at.get("page_link") if "task=" in p.proto.query_string]
    assert links, "the overview's alerts are links to the task page"
    first = {k: v[0] for k, v in parse_qs(links[0].query_string).items()}
    assert first["agency"] == ACADEMY and first["year"] == "2024" and first["doc"] == "002"
    assert links[0].label.replace("\\", "").startswith("[집행")


def test_a_training_row_and_a_budget_leaf_open_their_task():
    at = open_page("training", {"agency": ACADEMY, "year": "2024"})
    grid = next(d for d in at.dataframe if d.key == "training_tasks")
    index = grid.value.index[grid.value["과제 ID"] == "002-T05"][0]
    at.session_state["training_tasks"] = {"selection": {"rows": [int(index)], "columns": [], "cells": []}}
    rerun(at)
    assert any("2-1-1" in s for s in shown(at.subheader)) and at.query_params["task"] == "002-T05"

    at = open_page("budget", {"year": "2018", "agency": OFFICE, "table": "000 · 2018년 본예산 사업별 내역"})
    grid = next(d for d in at.dataframe if d.key and d.key.startswith("budget_"))
    index = grid.value.index[grid.value["사업명"] == "민원관리"][0]
    at.session_state[grid.key] = {"selection": {"rows": [int(index)], "columns": [], "cells": []}}
    rerun(at)
    assert any("민원관리" in s for s in shown(at.subheader)) and at.query_params["task"] == "000-S05"


def test_the_task_download_holds_every_table_shown():
    view = task_queries.task_view(TaskKey("002", "002-T05"), "천원")
    names = [n for n, _ in task_queries.task_sheets(view)]
    assert names[:3] == ["과제", "출처", "예산"] and "분기별 집행" in names and "경보" in names


def test_an_indicator_row_and_a_projection_row_open_their_task():
    at = open_page("indicators", {"agency": OFFICE, "year": "2018"})
    grid = next(d for d in at.dataframe if d.key == "indicator_rows")
    index = grid.value.index[grid.value["목표"] == "서울교육콜센터 상담 만족도 조사"][0]
    at.session_state["indicator_rows"] = {"selection": {"rows": [int(index)], "columns": [], "cells": []}}
    rerun(at)
    assert any("교육수요자가 행복한 민원 행정 구현" in s for s in shown(at.subheader))
    assert at.query_params["task"] == "000-T3" and at.multiselect(key="f_agency").value == [OFFICE]

    at = open_page("insights", {"agency": ACADEMY, "year": "2024"})
    grid = next(d for d in at.dataframe if d.key == "projection_rows")
    index = grid.value.index[grid.value["세부사업"] == "교실 수업·평가 개선 지원 연수"][0]
    at.session_state["projection_rows"] = {"selection": {"rows": [int(index)], "columns": [], "cells": []}}
    rerun(at)
    assert at.query_params["task"] == "002-T05"


def test_the_glossary_page_and_the_column_tooltips_come_from_the_same_terms():
    from core.dashboard import measures
    from core.widgets import ui

    at = open_page("glossary")
    terms = at.dataframe[0].value
    assert terms["용어"].tolist() == [t.term for t in measures.TERMS]
    assert "20초 내 응답률" in terms["용어"].tolist() and "직접처리율" in terms["용어"].tolist()
    config = ui.money_config(pd.DataFrame(columns=["본예산", "집행률(%)", "직접처리율(%)"]), "천원")
    assert config["본예산"]["help"].startswith("본예산:")
    assert config["집행률(%)"]["help"].startswith("집행률:")
    assert config["직접처리율(%)"]["help"].startswith("직접처리율:")


def test_two_years_of_a_multi_year_table_side_by_side_with_the_change():
    at = open_page(
        "budget", {"table": "004 · 과제별 예산 투자계획", "unit": "백만원", "years": "2018-2022", "year": "all"}
    )
    side = at.dataframe[-1].value
    row = side[side["항목 ID"] == "004-1"].iloc[0]
    assert row["본예산 2018"] == 2_489 and row["본예산 2022"] == 3_278 and row["증감"] == 789
    assert "같은 표·같은 항목" in row["비교 기준"]
    assert at.query_params["years"] == "2018-2022"
    single = open_page("budget", {"table": "000 · 2018년 본예산 사업별 내역", "year": "all"})
    assert any("한 해만 인쇄" in c for c in shown(single.caption))


def test_training_years_side_by_side_give_no_change_between_a_partial_and_a_whole_year():
    from core.dashboard.queries import training as training_queries

    side, basis = training_queries.categories_side_by_side(Filters(agencies=(ACADEMY,)), 2023, 2024)
    assert "실적 인원 2023" in side and "실적 인원 2024" in side and "증감 인원" not in side
    assert "2024-06-30까지의 중간 실적" in basis
