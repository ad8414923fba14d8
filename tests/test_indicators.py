"""성과지표 목표 대비 실적: printed targets with the actual the report gives for them.

Expected values are from 002 (서울특별시교육청교육연수원 2024 주요업무보고; actuals to 2024-06-30):
* 4-3-1 추진 목표 "원어민 영어강사 활용 학교 영어교육 활동 지원 60교, 60회"; 추진 실적 "[중등] ... 30교, 30회";
  2023년 추진 실적 60교, 60회.
* 4-2-2 추진 목표 "표준교재 14종"; 추진 실적 "공립학교 직무분야 표준교재 9종 발간·배포".
* 5-2-1 추진 목표 "산업안전교육 연4회", "직장교육 연5회"; 추진 실적 산업안전교육 등 7회, 직장교육 5회.
* 5-2-2 추진 목표 "중증장애인생산품 구매 0.5% 확대"; 추진 실적 인쇄계약 중 우선 구매 비율 60%: another measure.
* 4-3-2 추진 목표 "25교"; 2023년 추진 실적 초등 12교, 중등 13교.
"""

from __future__ import annotations

import pandas as pd
import pytest

from core.dashboard.filters import Filters
from core.dashboard.queries import indicators as indicator_queries
from tests.test_pages import open_page

pytestmark = pytest.mark.usefixtures("use_dashboard_data")


def targets(f: Filters = Filters(year="2024")):
    df = indicator_queries.indicator_targets(f)
    return {r["목표"]: r for r in df.to_dict("records")}


@pytest.mark.parametrize(
    "target, expected",
    [
        ("원어민 영어강사 활용 학교 영어교육 활동 지원", (60, "교", 30, 50.0)),
        ("원어민 영어강사 활용 학교 영어교육 활동 지원 횟수", (60, "회", 30, 50.0)),
        ("공·사립 교육행정직원 직무상설 표준교재 등 발간", (14, "종", 9, 64.3)),
        ("수요자 중심의 연수·근무 환경 지원", (4, "회", 7, 175.0)),
        ("소통·배려, 협력적 가치를 중시하는 조직문화 조성", (5, "회", 5, 100.0)),
    ],
)
def test_target_and_actual_of_the_same_measure_give_an_attainment(target, expected):
    r = targets()[target]
    assert (r["목표 값"], r["단위"], r["실적"], r["달성률(%)"]) == expected
    assert r["비교"] == "같은 척도"
    assert str(r["실적 기준일"].date()) == "2024-06-30"


def test_an_actual_of_another_measure_is_shown_without_an_attainment():
    r = targets()["공공구매비율 확대"]
    assert (r["목표 값"], r["실적"], r["전년 실적"]) == (0.5, 60.0, 10.1)
    assert pd.isna(r["달성률(%)"])
    assert r["비교"] == indicator_queries.OTHER_MEASURE_NOTE


def test_last_years_actuals_of_one_target_add_up_only_in_its_unit():
    r = targets()["초·중등 연수협력학교 운영"]
    assert (r["목표 값"], r["전년 실적"], r["전년 실적 지표"]) == (
        25,
        25,
        "초등 연수협력학교 수 + 중등 연수협력학교 수",
    )
    assert r["비교"] == indicator_queries.NO_ACTUAL  # nothing printed for 2024 yet


def test_a_goal_printed_both_as_target_row_and_as_indicator_is_listed_once():
    rows = indicator_queries.indicator_targets(Filters(year="2018"))
    assert (rows["목표"].str.startswith("서울교육콜센터 상담 만족도 조사")).sum() == 1


def test_filters_narrow_the_targets_to_one_agency():
    f = Filters(year="2024", agencies=("서울특별시교육청",))
    assert indicator_queries.indicator_targets(f).empty


def test_page_shows_the_targets_and_can_keep_only_those_with_actuals():
    at = open_page("indicators", {"year": "2024"})
    (table,) = at.dataframe
    shown = table.value
    assert "원어민 영어강사 활용 학교 영어교육 활동 지원" in set(shown["목표"])
    at.toggle(key="indicators_with_actual").set_value(True).run()
    (table,) = at.dataframe
    assert set(table.value["비교"]) <= {"같은 척도", indicator_queries.OTHER_MEASURE_NOTE}
    assert len(table.value) == indicator_queries.indicator_view(Filters(year="2024")).with_actual
