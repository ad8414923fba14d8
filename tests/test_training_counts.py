"""Each course is counted once (002, 서울특별시교육청교육연수원 2024 주요업무보고).

The report prints some 계획·실적 lines twice: a "2024년 주요 개선 사항" or "[신설]" line restating a plan line
of the same 과제, a line printed under a second 과제, and 4-1-1/4-1-2's 상시과정 lines bundling the [원격] and
[교행 원격] lines of other 과제. Expected figures below are added up by hand from the printed lines.
"""

from __future__ import annotations

import pytest

from core import labels
from core.dashboard.filters import Filters
from core.dashboard.queries import training as training_queries

pytestmark = pytest.mark.usefixtures("use_dashboard_data")

Y2024, Y2023 = Filters(year="2024"), Filters(year="2023")


def task(number: str) -> dict:
    tasks = training_queries.training_by_task(Y2024)
    return tasks[tasks["번호"] == number].iloc[0].to_dict()


def test_a_task_plan_leaves_out_the_improvement_lines_that_restate_it():
    # 2-1-2 추진 계획: 2+7+11 + 15+4+34 + 4+10+23 = 110과정; 40+110+11,000 + 1,245+100+7,400 + 60+220+4,600 = 24,775명.
    # The 개선 사항 lines above them (12과정 1,200명; [신설] 2과정 50명; [신설 (원격)] 4과정 800명) are inside these.
    t = task("2-1-2")
    assert (t["계획 과정"], t["계획 인원"]) == (110, 24_775)
    assert (t["목표 과정"], t["목표 인원"]) == (110, 24_775)  # 추진 목표: 20+53+37, 11,150+8,745+4,880


def test_a_new_line_printed_again_in_the_plan_is_counted_once():
    # 3-1-2: "[신설] 초등 교육현안과 함께하는 직무연수 6과정, 760명" is printed again under 공존의 혁신미래교육
    # 확산 및 공유 연수. Plan: 1+6+15+2+13+12+1 + 7+2+10+11 = 80과정; 25+760+810+120+2,600+2,300+25
    # + 494+400+20,000+7,800 = 35,334명, which is also the 추진 목표 (50+30과정, 6,640+28,694명).
    t = task("3-1-2")
    assert (t["계획 과정"], t["계획 인원"]) == (80, 35_334)
    assert (t["목표 과정"], t["목표 인원"]) == (80, 35_334)


def test_a_line_printed_under_two_tasks_stays_in_each_task_and_is_marked():
    # 2-1-2 추진 실적 prints 2-1-1's [원격] lines again (41과정 2,664명; 41과정 1,251명): the task's own figure is
    # what the report prints for it, 30+205+2,118+1,749+127+2,664+21+1,251 = 8,165명.
    t = task("2-1-2")
    assert t["실적 인원"] == 8_165
    assert t["다른 과제와 겹친 줄"] == 2


def test_totals_across_tasks_count_each_course_once():
    """2023 추진 실적 lines across every 과제, each course once, come within 0.4% of the report's own printed
    total (433,183명, 2023년 연수·교육훈련 현황); adding every printed line gives 818,199명."""
    by_category = training_queries.training_by_category(Y2023)
    assert int(by_category["실적 인원"].sum()) == 431_543
    printed = training_queries.training_overview_table(Y2023)
    assert int(printed.loc[printed["합계행"].astype(bool), "이수인원"].iloc[0]) == 433_183
    # 원격 2023: the tagged [원격] lines, less 4-3-1's copy of 4-1-1's 학교로 찾아가는 맞춤형 원격연수 (8,134명)
    remote = by_category[by_category["연수 구분"] == "원격"].iloc[0]
    assert (remote["실적 인원"], remote["제외한 줄"]) == (258_403 - 8_134, 1)


def test_every_repeated_line_is_listed_with_what_it_repeats():
    repeats = training_queries.training_repeats(Filters())
    assert set(repeats["중복 기재"]) == set(labels.REPEAT_KINDS)
    assert repeats["중복 대상"].notna().all()
    restated = repeats[repeats["중복 기재"] == labels.REPEAT_IN_TASK]
    assert sorted(restated["과정"].tolist()) == [2, 4, 6, 12]  # 2-1-2's three 개선 사항 lines and 3-1-2's [신설]
    # a line repeated under another 과제 has the same numbers as the line(s) it repeats (4-2-1's 2과정 50명 =
    # 3-1-2's 1과정 25명 + 1과정 25명)
    thel = repeats[(repeats["절"] == "4-2-1 추진 계획")].iloc[0]
    assert (thel["과정"], thel["인원"], thel["중복 기재"]) == (2, 50, labels.REPEAT_OF_OTHER_TASK)


def check_rows(con, check_name: str) -> list[tuple]:
    df = con.execute(
        "SELECT item_id, measure, printed_value, computed_value FROM data_quality WHERE doc_id = '002' AND check_name = $c",
        {"c": check_name},
    ).fetchall()
    return sorted(df)


@pytest.fixture
def con(dashboard_data):
    import duckdb

    c = duckdb.connect(str(dashboard_data / "dashboard.duckdb"), read_only=True)
    yield c
    c.close()


def test_check_lists_every_task_whose_target_disagrees_with_its_own_plan(con):
    # 추진 목표 table vs the task's 추진 계획 lines (each counted once), e.g. 1-2-1: 목표 96과정 11,609명,
    # 계획 줄 100과정 11,875명; 2-1-1: 목표 160과정 22,070명, 계획 152과정 21,730명.
    assert check_rows(con, "목표 ≠ 계획") == [
        ("002-T03", "목표 과정 수", 96, 100),
        ("002-T03", "목표 인원", 11_609, 11_875),
        ("002-T04", "목표 과정 수", 46, 45),
        ("002-T04", "목표 인원", 1_954, 1_794),
        ("002-T05", "목표 과정 수", 160, 152),
        ("002-T05", "목표 인원", 22_070, 21_730),
        ("002-T09", "목표 과정 수", 25, 26),
        ("002-T09", "목표 인원", 3_740, 4_040),
        ("002-T14", "목표 과정 수", 982, 975),
        ("002-T14", "목표 인원", 222_900, 219_100),
        ("002-T15", "목표 과정 수", 606, 604),
    ]


def test_check_names_each_line_printed_twice_and_what_the_dashboard_does_with_it(con):
    rows = con.execute(
        "SELECT source_section, printed_value, explanation FROM data_quality WHERE check_name = '중복 기재'"
    ).fetchall()
    assert len(rows) == len(training_queries.training_repeats(Filters()))
    section, printed, why = next(r for r in rows if r[0] == "2-1-2 추진 실적" and r[1] == 2_664)
    assert "2-1-1 추진 실적" in why and "과제를 넘는 합계에서 뺌" in why
    assert check_rows(con, "중복 의심") == []  # every repeat the data shows is marked


def test_check_finds_an_unmarked_repeat(tmp_path):
    """A line copied under another 과제 without a mark is reported as a suspected repeat."""
    import duckdb
    import pandas as pd

    from core.pipeline import reconcile
    from core.settings import PROJECT_DIR

    lines = pd.read_parquet(PROJECT_DIR / "datasets" / "extracts" / "training_result")
    lines["repeat"] = None
    c = duckdb.connect()
    c.register("training_result", lines)
    found = reconcile.differences(c)
    suspects = found[found["check_name"] == "중복 의심"]
    assert ("2-1-2 추진 실적", 2_664) in set(zip(suspects["source_section"], suspects["printed_value"]))


def test_check_sets_the_lines_against_the_printed_annual_total(con):
    assert check_rows(con, "실적 줄 합 ≠ 인쇄 총계") == [
        (None, "운영과정", 2_225, 2_605),
        (None, "이수인원", 433_183, 431_543),
    ]
