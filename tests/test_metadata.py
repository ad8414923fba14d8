"""Metadata as printed: a quarter's status comes from its table's printed header, a programme belongs to the
부서 that runs it, and an as-of date is the date the value describes.

Printed evidence (002 = 서울시교육청교육연수원 2024 주요업무보고, 004 = 서울시 교육훈련 기본계획):
* 002 line 561: 1-2-1's own table heads all four quarters "집행예정액 / 집행내용" (a plan), where the other
  tasks' tables head 1·2분기 "집행액" (e.g. line 348); its 1·2분기 plan is 112,422 and 323,145 천원.
* 002 lines 400, 403, 406 and 608, 613, 621: 1-1-2 and 1-2-2 are [교행] 일반직공무원 programmes, run by
  교육행정연수부 (작성자 blocks, e.g. line 899).
* 002 "추진 실적" for 2023 are full-year figures; 004 prints each headcount table's 기준 month ('17.11월 …).
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.dashboard import db
from core.dashboard.filters import Filters
from core.dashboard.queries import budget as budget_queries
from core.dashboard.queries import quarterly as quarterly_queries

pytestmark = pytest.mark.usefixtures("use_dashboard_data")

INSTITUTE = "서울특별시교육청교육연수원"
ADMIN, ELEMENTARY = "교육행정연수부", "초등교원연수부"


def test_a_quarter_is_actual_only_where_its_table_heads_it_so():
    rows = db.query(
        """SELECT item_id, quarter, status, amount FROM quarterly_execution
           WHERE doc_id = '002' AND item_id IN ('002-T03', '002-T01') AND quarter <= 2
             AND source_section = '주요업무별 예산 내역' ORDER BY item_id, quarter"""
    )
    status = {(r.item_id, r.quarter): r.status for r in rows.itertuples()}
    assert status[("002-T01", 1)] == status[("002-T01", 2)] == "집행"
    assert status[("002-T03", 1)] == status[("002-T03", 2)] == "집행예정"


def test_quarterly_totals_keep_a_plan_out_of_the_executed_amount():
    f = Filters(agencies=(INSTITUTE,), year="2024")
    totals = quarterly_queries.quarterly_totals(f, "천원").set_index("분기")
    assert totals.loc["1분기", "구분"] == "실적·계획 혼합"
    assert totals.loc["1분기", "집행예정액(계획)"] == 112_422 and totals.loc["2분기", "집행예정액(계획)"] == 323_145
    assert (totals["집행액(실적)"] + totals["집행예정액(계획)"] == totals["금액"]).all()
    tasks = quarterly_queries.quarterly_tasks(f, "천원")
    assert int(tasks["집행액(기준일)"].astype("Int64").sum()) == int(totals["집행액(실적)"].sum())


@pytest.mark.parametrize("task_no", ["1-1-2", "1-2-2", "2-2-2"])
def test_administrative_staff_programmes_belong_to_the_administration_division(task_no):
    rows = budget_queries.budget_items(
        Filters(agencies=(INSTITUTE,), divisions=(ADMIN,), year="2024"), "002", "주요업무별 예산 내역", None, "천원"
    )
    assert task_no in set(rows["번호"])
    teachers = budget_queries.budget_items(
        Filters(agencies=(INSTITUTE,), divisions=(ELEMENTARY,), year="2024"),
        "002",
        "주요업무별 예산 내역",
        None,
        "천원",
    )
    assert task_no not in set(teachers["번호"])


def test_full_year_actuals_are_dated_at_the_end_of_their_year():
    dates = db.query(
        """SELECT DISTINCT as_of FROM training_result WHERE doc_id = '002' AND fiscal_year = 2023 AND kind = '실적'"""
    )["as_of"].tolist()
    assert [d.date() if hasattr(d, "date") else d for d in dates] == [dt.date(2023, 12, 31)]


def test_headcounts_carry_the_month_their_table_prints():
    got = db.query(
        """SELECT source_section, min(as_of) AS first, max(as_of) AS last FROM headcount
           WHERE doc_id = '004' GROUP BY ALL"""
    )
    by_section = {r.source_section: (str(r.first)[:10], str(r.last)[:10]) for r in got.itertuples()}
    assert by_section["Ⅰ-3 교육훈련 대상(소속별)"] == ("2017-11-30", "2017-11-30")
    assert by_section["Ⅴ 서울시 장애인공무원 현황"] == ("2016-12-31", "2016-12-31")
    assert by_section["Ⅴ 서울시 공무직 현황"] == ("2017-05-31", "2017-05-31")


def test_a_task_several_divisions_run_is_marked_shared_and_counted_once_with_its_whole_amount():
    """2-1-1 is run by 기획평가부, 초등교원연수부 and 중등교원연수부 (002 작성자 block); its 2024 예산 is 941,703천원
    in the 주요업무별 예산 내역 table. Filtered on two of its 부서 it is one row with the whole amount."""
    two = Filters(year="2024", agencies=(INSTITUTE,), divisions=("기획평가부", ELEMENTARY))
    rows = budget_queries.budget_items(two, "002", "주요업무별 예산 내역", None, "천원")
    assert rows["항목 ID"].is_unique
    task = rows[rows["번호"] == "2-1-1"].iloc[0]
    assert task["부서"] == "기획평가부 · 초등교원연수부 · 중등교원연수부 (공동)"
    assert task["본예산"] == 941_703
    alone = budget_queries.budget_items(Filters(year="2024"), "002", "주요업무별 예산 내역", None, "천원")
    assert alone.loc[alone["번호"] == "2-1-1", "본예산"].iat[0] == 941_703
    single = rows[~rows["부서"].str.contains("(공동)", regex=False)]
    assert not single["부서"].str.contains("·").any()


def test_a_task_whose_table_prints_only_plans_raises_no_pace_alert():
    """1-2-1 and 5-2-2 head all four quarters 집행예정액: the report gives no actual for them, so no 집행 없음 or
    집행 부진 alert is raised (there is nothing to judge the pace by); their 4분기 share is still a plan fact."""
    from core.dashboard.queries import insights as insights_queries

    watch = insights_queries.execution_watch(Filters(year="2024"))
    planned_only = watch[watch["항목 ID"].isin(["002-T03", "002-T23"])]
    assert not planned_only["점검"].isin(["집행 없음", "집행 부진"]).any()
    assert (watch["점검"] == "집행 없음").any()  # other tasks printed with no executed amount still are
