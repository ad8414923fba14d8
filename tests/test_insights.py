"""The warning rules of core.dashboard.queries.insights, on data whose answers were worked out by hand.

A tiny extracts folder is written with core.pipeline.extracts.write_batches into a tmp folder and built
into its own DuckDB file (never datasets/). Every number asserted below is derived in the
comment beside it from the rule text in rules.RULES:

* pace on 2018-07-09 = 190 days / 365 = 52.05 %  → 집행 부진 below 26.03 %
* pace on 2024-06-30 = 182 days / 365 = 49.86 %  → 집행 부진 below 24.93 %

The last part checks the same rules on a copy of the shipped data, and the 부서 브리핑 workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import os

import openpyxl
import pandas as pd
import pytest

from core.dashboard import db, export, rules
from core.dashboard.briefing import briefing_xlsx
from core.dashboard.filters import Filters, describe
from core.dashboard.queries import insights as insights_queries
from core.dashboard.queries import quarterly as quarterly_queries
from core.dashboard.queries import training as training_queries
from core.pipeline.build import build
from core.pipeline.extracts import write_batches
from core.pipeline.schema import BUDGET_LINE, CALL_CENTER_DAILY, QUARTERLY_EXECUTION, TRAINING_RESULT, TRAINING_TARGET

AGENCY = "시험교육청"
DIVISION = "점검과"


# ---------------------------------------------------------------- a tiny data set, known by hand


def frame(table, rows: list[dict]) -> pd.DataFrame:
    """Rows for one extract table; unnamed columns are empty, flags false."""
    records = []
    for r in rows:
        rec = {c.name: (False if c.kind == "bool" else None) for c in table.columns}
        rec.update(r)
        records.append(rec)
    return pd.DataFrame(records, columns=table.names, dtype=object)


def budget(item_id: str, name: str, year: int, section: str, as_of: dt.date | None, **money) -> dict:
    return {
        "doc_id": "X",
        "source_section": section,
        "page": 1,
        "unit": "원",
        "as_of": as_of,
        "agency": AGENCY,
        "division": DIVISION,
        "fiscal_year": year,
        "item_id": item_id,
        "level": "세부사업",
        "name": name,
        **money,
    }


D2018 = dt.date(2018, 7, 9)
D2024 = dt.date(2024, 6, 30)
S_EXEC = "시험 사업별 내역"
M = 1_000_000

BUDGET_ROWS = [
    # 집행 점검, 2018-07-09 (half the pace = 26.03 %)
    budget("X-A", "부진 사업", 2018, S_EXEC, D2018, budget_current=M, committed=170_000),  # 17.0 % → 집행 부진
    budget("X-B", "정상 사업", 2018, S_EXEC, D2018, budget_current=M, committed=600_000),  # 60.0 % → fine
    budget("X-C", "미집행 사업", 2018, S_EXEC, D2018, budget_current=M, committed=0),  # 0 → 집행 없음
    budget("X-D", "경계 아래 사업", 2018, S_EXEC, D2018, budget_current=M, committed=255_000),  # 25.5 % → 집행 부진
    budget("X-E", "경계 위 사업", 2018, S_EXEC, D2018, budget_current=M, committed=265_000),  # 26.5 % → fine
    budget("X-F", "본예산만 사업", 2018, S_EXEC, D2018, budget_original=2 * M, committed=200_000),  # 10.0 % of 본예산
    # A parent is judged by its children only: 1 % itself, but its one child is at 50 %.
    budget("X-P", "상위 사업", 2018, S_EXEC, D2018, budget_current=M, committed=10_000),
    {
        **budget("X-P-1", "하위 사업", 2018, S_EXEC, D2018, budget_current=M, committed=500_000),
        "parent_item_id": "X-P",
        "level": "과제세부",
    },
    # 분기별 집행계획 tasks (2024)
    budget("X-Q1", "연말 집중 과제", 2024, "시험 과제별", D2024, budget_original=M),
    budget("X-Q2", "고른 집행 과제", 2024, "시험 과제별", D2024, budget_original=M),
    budget("X-Q3", "하반기 착수 과제", 2024, "시험 과제별", D2024, budget_original=M),
    budget("X-Q4", "상반기 미기재 과제", 2024, "시험 과제별", D2024, budget_original=M),
    # 전년 대비 (2024)
    budget("X-Y1", "증가 사업", 2024, "시험 전년 대비", D2024, budget_original=1_500_000, prior_original=M),
    budget("X-Y2", "소폭 증가 사업", 2024, "시험 전년 대비", D2024, budget_original=1_100_000, prior_original=M),
    budget("X-Y3", "감소 사업", 2024, "시험 전년 대비", D2024, budget_original=800_000, prior_original=M),
    budget("X-Y5", "변동 없음 사업", 2024, "시험 전년 대비", D2024, budget_original=M, prior_original=M),
    budget("X-Y6", "최종예산 비교 사업", 2024, "시험 전년 대비", D2024, budget_original=1_200_000, prior_final=M),
    # a multi-year plan: no printed prior column, the previous year is the same item's 2023 row
    budget("X-Y4", "다년 계획 사업", 2023, "시험 5개년 계획", None, budget_original=2 * M),
    budget("X-Y4", "다년 계획 사업", 2024, "시험 5개년 계획", None, budget_original=3 * M),
]


def quarters(item_id: str, amounts: list[int]) -> list[dict]:
    return [
        {
            "doc_id": "X",
            "source_section": "주요업무별 예산 내역",
            "page": 2,
            "unit": "원",
            "as_of": D2024,
            "item_id": item_id,
            "fiscal_year": 2024,
            "quarter": q,
            "amount": a,
            "status": "집행" if q <= 2 else "집행예정",
        }
        for q, a in zip(range(1, 5), amounts)
    ]


QUARTER_ROWS = (
    quarters("X-Q1", [100_000, 200_000, 250_000, 450_000])  # actual 30 %, Q4 45.0 % → 연말 집중 only
    + quarters("X-Q2", [250_000, 250_000, 110_000, 390_000])  # actual 50 %, Q4 39.0 % → nothing
    + quarters("X-Q3", [0, 0, 500_000, 500_000])  # nothing spent yet, Q4 50 % → 집행 없음 + 연말 집중
    + quarters("X-Q4", [None, None, 700_000, 300_000])  # Q1–Q2 printed '-', Q4 30 % → 집행 없음 only
)

# 추진 목표 (100명 each) and the 실적 at 2024-06-30
TRAINING = [
    # name, 추진시기, 실적 인원, window elapsed, projected, verdict
    ("연중 연수", "1~12월", 40, 50.0, 80.0, "미달 우려"),  # 6 of 12 months → 40 / 0.5
    ("봄 연수", "3~6월", 40, 100.0, 40.0, "미달 우려"),  # window over → 40 / 1.0
    ("가을 연수", "10월", 0, 0.0, None, "추진 시기 전"),  # window not started
    ("달성 연수", "1~12월", 120, 50.0, 120.0, "이미 달성"),  # already over the target
    ("순항 연수", "1~8월", 70, 75.0, 93.3, "달성 예상"),  # 6 of 8 months → 70 / 0.75
]
TARGET_ROWS = [
    {
        "doc_id": "X",
        "source_section": "시험 추진 목표",
        "page": 3,
        "unit": "명",
        "as_of": D2024,
        "agency": AGENCY,
        "division": DIVISION,
        "fiscal_year": 2024,
        "task_item_id": "X-T",
        "target_name": name,
        "period": period,
        "target_trainees": 100,
    }
    for name, period, *_ in TRAINING
]
RESULT_ROWS = [
    {
        "doc_id": "X",
        "source_section": "시험 추진 실적",
        "page": 4,
        "unit": "명",
        "as_of": D2024,
        "agency": AGENCY,
        "division": DIVISION,
        "fiscal_year": 2024,
        "task_item_id": "X-T",
        "kind": "실적",
        "group_name": name,
        "program": f"{name} 과정",
        "courses": 1,
        "trainees": actual,
    }
    for name, _, actual, *_ in TRAINING
]

# 콜센터: monthly inbound per topic; base month 2018-06, forecast for 2018-07.
CALLS = {
    # A: trend (120×3)/(100×3) = 1.2; expected = 200 × 1.2 = 240; 240 / 120 = 2.0 → 급증 예상
    "A 성수기": {
        "2017-04": [100],
        "2017-05": [100],
        "2017-06": [100],
        "2017-07": [200],
        "2018-04": [120],
        "2018-05": [120],
        "2018-06": [60, 60],
        "2018-07": [999],
    },
    # B: trend 1100/1000 = 1.1; expected = 333 × 1.1 = 366.3 → 366; 366.3 / 330 = 1.11 → no warning
    "B 평이": {
        "2017-04": [300],
        "2017-05": [400],
        "2017-06": [300],
        "2017-07": [333],
        "2018-04": [330],
        "2018-05": [440],
        "2018-06": [330],
    },
    # C: trend 1.0; expected 130; 130 / 100 = 1.3 exactly → 급증 예상 (the rule says 1.3배 이상)
    "C 경계": {
        "2017-04": [100],
        "2017-05": [100],
        "2017-06": [100],
        "2017-07": [130],
        "2018-04": [100],
        "2018-05": [100],
        "2018-06": [100],
    },
    # D: 2017-04 missing → no three-month trend → no forecast at all
    "D 자료 부족": {
        "2017-05": [100],
        "2017-06": [100],
        "2017-07": [500],
        "2018-04": [100],
        "2018-05": [100],
        "2018-06": [100],
    },
}


def call_rows() -> list[dict]:
    rows = []
    for topic, months in CALLS.items():
        for month, values in months.items():
            for day, v in enumerate(values, start=1):
                rows.append(
                    {
                        "doc_id": "sample",
                        "agency": AGENCY,
                        "division": DIVISION,
                        "call_date": dt.date(int(month[:4]), int(month[5:]), day),
                        "topic": topic,
                        "channel": "전화",
                        "inbound": v,
                        "answered": v,
                        "is_sample": True,
                    }
                )
    return rows


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("insights-data")
    write_batches(
        [
            (BUDGET_LINE, frame(BUDGET_LINE, BUDGET_ROWS), "x"),
            (QUARTERLY_EXECUTION, frame(QUARTERLY_EXECUTION, QUARTER_ROWS), "x"),
            (TRAINING_TARGET, frame(TRAINING_TARGET, TARGET_ROWS), "x"),
            (TRAINING_RESULT, frame(TRAINING_RESULT, RESULT_ROWS), "x"),
            (CALL_CENTER_DAILY, frame(CALL_CENTER_DAILY, call_rows()), "x"),
        ],
        root / "extracts",
    )
    build(root=root / "extracts", target=root / "dashboard.duckdb")
    return root


@pytest.fixture
def tiny(tiny_data, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tiny_data))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    db.reset()
    yield tiny_data
    db.reset()


def alerts_for(watch: pd.DataFrame, name: str) -> dict[str, dict]:
    return {r["점검"]: r for r in watch[watch["사업명"] == name].to_dict("records")}


# ---------------------------------------------------------------- pace and window arithmetic


def test_elapsed_share_counts_days_through_the_as_of_date():
    assert rules.elapsed_share(dt.date(2018, 1, 1)) == pytest.approx(1 / 365)
    assert rules.elapsed_share(dt.date(2018, 7, 9)) == pytest.approx(190 / 365)
    assert rules.elapsed_share(dt.date(2024, 6, 30)) == pytest.approx(182 / 365)  # leap year
    assert rules.elapsed_share(dt.date(2024, 12, 31)) == 1.0  # day 366 is capped


@pytest.mark.parametrize(
    "period, months",
    [
        ("1~8월", [1, 2, 3, 4, 5, 6, 7, 8]),
        ("4, 5, 7, 9월", [4, 5, 7, 9]),
        ("동계, 하계", [1, 2, 7, 8, 12]),
        ("연중", list(range(1, 13))),
        ("5월, 10월", [5, 10]),
        ("10월", [10]),
        ("3~6월", [3, 4, 5, 6]),
        ("9~10월", [9, 10]),
        ("7월, 12월", [7, 12]),
        ("11~2월", [1, 2, 11, 12]),  # a window over the new year
        ("상반기", [1, 2, 3, 4, 5, 6]),
        ("수시", list(range(1, 13))),
        (None, list(range(1, 13))),
        ("", list(range(1, 13))),
    ],
)
def test_period_months(period, months):
    assert rules.period_months(period) == months


def test_window_elapsed():
    june30 = dt.date(2024, 6, 30)
    assert rules.window_elapsed(list(range(1, 13)), june30) == pytest.approx(0.5)
    assert rules.window_elapsed([3, 4, 5, 6], june30) == pytest.approx(1.0)
    assert rules.window_elapsed([10], june30) == 0.0
    assert rules.window_elapsed(list(range(1, 9)), june30) == pytest.approx(0.75)
    assert rules.window_elapsed([6, 7], dt.date(2024, 6, 15)) == pytest.approx(0.25)  # half of June of 2 months


def test_rules_state_the_thresholds_the_code_uses():
    assert "50%" in rules.RULES["집행 부진"] and rules.PACE_FACTOR == 0.5
    assert "40%" in rules.RULES["연말 집중"] and rules.Q4_SHARE_LIMIT == 40.0
    assert "90%" in rules.RULES["목표 미달 우려"] and rules.PROJECTION_LIMIT == 90.0
    assert "1.3배" in rules.RULES["민원 급증 예상"] and rules.SURGE_RATIO == 1.3


# ---------------------------------------------------------------- 집행 점검


def test_execution_lag_is_flagged_below_half_the_pace(tiny):
    watch = insights_queries.execution_watch(Filters(year="2018"))
    a = alerts_for(watch, "부진 사업")
    assert set(a) == {"집행 부진"}
    assert a["집행 부진"]["집행률(%)"] == 17.0
    assert a["집행 부진"]["경과 비율(%)"] == 52.1
    assert "17.0%" in a["집행 부진"]["이유"] and "2018-07-09" in a["집행 부진"]["이유"]
    assert a["집행 부진"]["기준일"] == D2018
    assert a["집행 부진"]["출처"] == f"X · {S_EXEC}"
    assert alerts_for(watch, "경계 아래 사업")["집행 부진"]["집행률(%)"] == 25.5
    assert alerts_for(watch, "본예산만 사업")["집행 부진"]["집행률(%)"] == 10.0


def test_tasks_on_pace_are_not_flagged(tiny):
    watch = insights_queries.execution_watch(Filters(year="2018"))
    for name in ("정상 사업", "경계 위 사업", "하위 사업"):
        assert not alerts_for(watch, name), name
    # A parent is represented by its children, never judged on its own line.
    assert not alerts_for(watch, "상위 사업")


def test_zero_execution_is_flagged_as_none(tiny):
    watch = insights_queries.execution_watch(Filters(year="2018"))
    a = alerts_for(watch, "미집행 사업")
    assert set(a) == {"집행 없음"}
    assert a["집행 없음"]["집행률(%)"] == 0.0
    assert "집행액이 없습니다" in a["집행 없음"]["이유"] and "1,000천원" in a["집행 없음"]["이유"]


def test_watch_is_sorted_most_behind_first(tiny):
    watch = insights_queries.execution_watch(Filters(year="2018"))
    assert list(watch["사업명"]) == ["미집행 사업", "본예산만 사업", "부진 사업", "경계 아래 사업"]
    assert list(watch["심각도"]) == sorted(watch["심각도"], reverse=True)


def test_year_end_concentration_in_the_quarterly_plan(tiny):
    watch = insights_queries.execution_watch(Filters(year="2024"))
    q1 = alerts_for(watch, "연말 집중 과제")
    assert set(q1) == {"연말 집중"}  # 30 % spent by June is above half the pace (24.9 %)
    assert "45.0%" in q1["연말 집중"]["이유"]
    assert q1["연말 집중"]["집행률(%)"] == 30.0
    assert q1["연말 집중"]["심각도"] == 5.0  # 45 − 40
    assert not alerts_for(watch, "고른 집행 과제")  # Q4 39 %, 50 % spent
    q3 = alerts_for(watch, "하반기 착수 과제")
    assert set(q3) == {"집행 없음", "연말 집중"}
    assert "50.0%" in q3["연말 집중"]["이유"]
    assert "하반기" in q3["집행 없음"]["이유"]


def test_a_plan_with_no_amount_printed_for_the_first_half_counts_as_nothing_spent(tiny):
    """Regression: Q1–Q2 printed '-' (no amount) summed to NULL, the rate became NaN and the task was not
    flagged at all, although nothing of its budget was executed by the as-of date."""
    q4 = alerts_for(insights_queries.execution_watch(Filters(year="2024")), "상반기 미기재 과제")
    assert set(q4) == {"집행 없음"}
    assert q4["집행 없음"]["집행률(%)"] == 0.0
    assert q4["집행 없음"]["심각도"] == q4["집행 없음"]["경과 비율(%)"] == 49.9  # 2024-06-30: 182 / 365


def test_watch_follows_the_filter(tiny):
    assert insights_queries.execution_watch(Filters(year="2019")).empty
    assert insights_queries.execution_watch(Filters(divisions=("다른 부서",))).empty
    both = insights_queries.execution_watch(Filters(agencies=(AGENCY,), divisions=(DIVISION,)))
    assert {"부진 사업", "연말 집중 과제"} <= set(both["사업명"])


# ---------------------------------------------------------------- 목표 달성 전망


def _line(name: str, period: str | None, target, actual, as_of=D2024) -> dict:
    return {
        "세부사업": name,
        "과제 ID": "X-T",
        "추진시기": period,
        "목표 인원": target,
        "실적 인원": actual,
        "목표 과정": None,
        "실적 과정": None,
        "기준일": as_of,
        "출처": "X",
        "쪽수": 1,
    }


def test_projection_on_hand_made_lines():
    lines = pd.DataFrame([_line(n, p, 100, a) for n, p, a, *_ in TRAINING])
    got = insights_queries.target_projection(lines).set_index("세부사업")
    for name, _, actual, elapsed, projected, verdict in TRAINING:
        row = got.loc[name]
        assert row["판정"] == verdict, name
        assert row["추진시기 경과(%)"] == elapsed, name
        assert row["현재 달성률(%)"] == actual, name
        if projected is None:
            assert pd.isna(row["연말 추정 달성률(%)"]), name
        else:
            assert row["연말 추정 달성률(%)"] == pytest.approx(projected, abs=0.05), name
    # 미달 우려 first, lowest projection first within it.
    got = insights_queries.target_projection(lines)
    assert list(got["세부사업"][:2]) == ["봄 연수", "연중 연수"]
    assert got["판정"].iloc[-1] == "이미 달성"


def test_projection_falls_back_to_courses_and_skips_lines_without_numbers():
    lines = pd.DataFrame(
        [
            {**_line("과정 기준", "1~12월", None, None), "목표 과정": 10, "실적 과정": 2},  # 20 % / 0.5 = 40 %
            _line("목표 없음", "1~12월", None, 5),
            _line("실적 없음", "1~12월", 100, None),
            _line("기준일 없음", "1~12월", 100, 40, as_of=None),
        ]
    )
    got = insights_queries.target_projection(lines)
    assert list(got["세부사업"]) == ["과정 기준"]
    assert got["기준"].iat[0] == "과정" and got["연말 추정 달성률(%)"].iat[0] == 40.0


def test_projection_from_the_built_tables(tiny):
    lines = training_queries.training_by_line(Filters(year="2024"))
    got = insights_queries.target_projection(lines).set_index("세부사업")
    assert len(got) == len(TRAINING)
    for name, _, actual, _, _projected, verdict in TRAINING:
        assert got.loc[name, "판정"] == verdict
        assert got.loc[name, "중간 실적"] == actual and got.loc[name, "목표"] == 100
        assert got.loc[name, "기준일"] == D2024
    assert got.loc["연중 연수", "연말 추정 달성률(%)"] == 80.0
    assert got.loc["봄 연수", "연말 추정 달성률(%)"] == 40.0


# ---------------------------------------------------------------- 민원 조기경보


def test_complaint_forecast_exact_numbers(tiny):
    warning = insights_queries.complaint_early_warning(Filters(), "2018-06")
    assert list(warning["상담주제"]) == ["A 성수기", "C 경계", "B 평이"]  # D has no full trend
    rows = warning.set_index("상담주제")
    a, b, c = rows.loc["A 성수기"], rows.loc["B 평이"], rows.loc["C 경계"]
    assert a["이번 달"] == "2018-06" and a["예상 달"] == "2018-07"
    assert a["이번 달 인입"] == 120  # two days, 60 + 60
    assert a["전년 같은 달 인입"] == 200
    assert a["최근 3개월 추세(배)"] == 1.2
    assert a["다음 달 예상 인입"] == 240
    assert a["이번 달 대비(배)"] == 2.0 and a["경보"] == "급증 예상"
    assert b["다음 달 예상 인입"] == 366 and b["최근 3개월 추세(배)"] == 1.1
    assert b["이번 달 대비(배)"] == 1.11 and b["경보"] == ""
    assert c["다음 달 예상 인입"] == 130 and c["이번 달 대비(배)"] == 1.3 and c["경보"] == "급증 예상"
    assert bool(a["예시 데이터"]) is True


def test_complaint_forecast_needs_a_year_of_history(tiny):
    assert insights_queries.call_months(Filters())[:2] == ["2017-04", "2017-05"]
    assert insights_queries.complaint_early_warning(Filters(), "2017-06").empty
    assert insights_queries.complaint_early_warning(Filters(divisions=("다른 부서",)), "2018-06").empty


# ---------------------------------------------------------------- 전년 대비


def test_year_on_year_ranks_the_largest_increase_first(tiny):
    up, down = insights_queries.year_on_year(Filters(year="2024"))
    # 최종예산 비교 사업 prints a 본예산 and only a 전년 최종예산: no like-for-like pair, so it is not ranked.
    assert list(up["사업명"]) == ["다년 계획 사업", "증가 사업", "소폭 증가 사업"]
    assert list(up["증감"]) == [1_000_000, 500_000, 100_000]
    assert list(up["증감율(%)"]) == [50.0, 50.0, 10.0]
    assert list(up["전년"]) == [2_000_000, 1_000_000, 1_000_000]
    assert list(up["당해"]) == [3_000_000, 1_500_000, 1_100_000]
    assert list(up["비교 기준"]) == ["같은 표의 전년 행", "본예산 vs 전년 본예산", "본예산 vs 전년 본예산"]
    assert list(down["사업명"]) == ["감소 사업"]
    assert down["증감"].iat[0] == -200_000 and down["증감율(%)"].iat[0] == -20.0
    assert "변동 없음 사업" not in set(up["사업명"]) | set(down["사업명"])
    top2, _ = insights_queries.year_on_year(Filters(year="2024"), top=2)
    assert list(top2["사업명"]) == ["다년 계획 사업", "증가 사업"]


# ---------------------------------------------------------------- the shipped data


@pytest.mark.usefixtures("use_dashboard_data")
def test_shipped_2018_watch_flags_personnel_and_not_civil_service():
    watch = insights_queries.execution_watch(Filters(year="2018"))
    personnel = alerts_for(watch, "지방공무원인사관리")
    assert "집행 부진" in personnel
    assert personnel["집행 부진"]["집행률(%)"] == 17.0  # 73,837 / 435,445 천원
    assert "17.0%" in personnel["집행 부진"]["이유"]
    assert personnel["집행 부진"]["기준일"] == D2018
    assert not alerts_for(watch, "민원관리")  # 730,242 / 734,895 = 99.4 %


SHEETS = [
    "표지",
    # one sheet per budget table the budget page lists for 2024 (002's 예산현황 and its 주요업무별 예산 내역)
    "예산 예산현황",
    "예산 주요업무별 예산 내역",
    "분기별 집행",
    "연수 목표 대비 실적",
    "집행 점검",
    "목표 달성 전망",
    "민원 조기경보",
    "콜센터 월별",
    "전년 대비",
    "데이터 품질",
]


def _table(ws) -> tuple[list[str], list[list]]:
    """(header, rows) of the table under a sheet's meta block: the header is the first bold filled row."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for i, r in enumerate(rows):
        if ws.cell(row=i + 1, column=1).fill.fgColor.rgb not in (None, "00000000") and r[0] is not None:
            return [c for c in r if c is not None], rows[i + 1 :]
    raise AssertionError(f"no header row in sheet {ws.title}")


@pytest.fixture(scope="module")
def briefing_2024(dashboard_data):
    old = os.environ.get("DASHBOARD_DATA_DIR")
    os.environ["DASHBOARD_DATA_DIR"] = str(dashboard_data)
    db.reset()
    try:
        f = Filters(year="2024")
        data = briefing_xlsx(f)
        quarterly = quarterly_queries.quarterly_tasks(f)
    finally:
        if old is None:
            os.environ.pop("DASHBOARD_DATA_DIR", None)
        else:
            os.environ["DASHBOARD_DATA_DIR"] = old
        db.reset()
    return openpyxl.load_workbook(io.BytesIO(data)), quarterly


def test_briefing_has_every_sheet(briefing_2024):
    wb, _ = briefing_2024
    assert wb.sheetnames == SHEETS


def test_briefing_quarterly_sheet_equals_the_page_table_cell_by_cell(briefing_2024):
    wb, quarterly = briefing_2024
    shown = quarterly.drop(columns=["구분"])  # the page shows the table without 구분 (pages/quarterly.py)
    header, rows = _table(wb["분기별 집행"])
    assert header == list(export.file_table(shown, "천원").frame.columns)
    assert "예산액 (천원)" in header and header[-1] == "항목 ID"  # the identifier last
    assert len(rows) == len(shown) == 23
    for r, (_, expected) in enumerate(shown.iterrows()):
        for c, col in enumerate(shown.columns):
            want, got = expected[col], rows[r][c]
            if want is None or want is pd.NA or (not isinstance(want, str) and pd.isna(want)):
                assert got is None, (r, col, got)
            elif isinstance(want, str):
                assert got == export.neutralise(want), (r, col)
            elif isinstance(want, (dt.date, pd.Timestamp)):
                assert pd.Timestamp(got) == pd.Timestamp(want), (r, col)
            else:
                assert isinstance(got, (int, float)), (r, col, got)
                assert got == pytest.approx(float(want)), (r, col)
    first = dict(zip(header, rows[0]))
    # 교원 자격단계별 핵심역량 강화 자격연수 as printed in 002 (천원)
    assert (
        first["예산액 (천원)"],
        first["1분기 (천원)"],
        first["2분기 (천원)"],
        first["3분기 (천원)"],
        first["4분기 (천원)"],
    ) == (
        2_893_463,
        214_623,
        1_990_547,
        688_293,
        None,
    )


def test_briefing_cover_states_filter_and_as_of_dates(briefing_2024):
    wb, _ = briefing_2024
    cover = {r[0]: r[1] for r in _table(wb["표지"])[1] if r and r[0]}
    assert cover["필터"] == describe(Filters(year="2024")) == "전체 기관 · 2024년"
    assert cover["금액 단위"] == "천원"
    assert cover["예산 기준일"] == "2024-06-30"
    assert cover["분기 집행 기준일"] == "2024-06-30"
    assert cover["연수 실적 기준일"] == "2024-06-30"
    assert "2024-06-30" in cover["출처 002"]
    assert any(k.startswith("규칙: 집행 부진") for k in cover)
    ws = wb["분기별 집행"]
    meta = {ws.cell(row=i, column=1).value: ws.cell(row=i, column=2).value for i in range(1, 6)}
    assert meta["필터"] == "전체 기관 · 2024년" and meta["금액 단위"] == "천원"


def test_briefing_speaks_korean_and_lists_only_the_documents_it_uses(briefing_2024):
    wb, _ = briefing_2024
    header, _rows = _table(wb["콜센터 월별"])
    assert header[:3] == ["월", "인입 (건)", "응답 (건)"] and not any("_" in h for h in header)
    cover = {r[0]: r[1] for r in _table(wb["표지"])[1] if r and r[0]}
    assert [k for k in cover if k.startswith("출처 ")] == ["출처 002"]  # 2024: only 002's tables are used
    budget_header, budget_rows = _table(wb["예산 예산현황"])
    kinds = [dict(zip(budget_header, r)).get("구분") for r in budget_rows]
    assert kinds[-1] == "합계(인쇄)"  # the table's printed 계 row closes the sheet, as on the budget page
