"""Where a table says '보고서 그대로', the printed values are what the user sees; a recomputed value appears
only beside a printed one it disagrees with, and every year-on-year figure names its like-for-like basis.

Printed values (천원):
* 002 예산현황 (002 lines 106 and 126): 교원연수운영 본예산 3,448,515 vs 2023 본예산 4,096,334, 증감 △647,819,
  증감율 △18.8; 계 7,535,018 vs 10,680,197, 증감 △3,145,179, 증감율 △41.7 (the report divides by the 2024 figure).
* 000 "2018년 본예산 사업별 내역" (000 line 44): 지방공무원인사관리 예산현액 435,445, 2017 최종예산 473,263,
  집행액 73,837, 집행률 17.0.
"""

from __future__ import annotations

import pandas as pd
import pytest

from core.dashboard.filters import Filters
from core.dashboard.queries import budget as budget_queries
from core.dashboard.queries import insights as insights_queries

pytestmark = pytest.mark.usefixtures("use_dashboard_data")


def one(df, name):
    rows = df[df["사업명"] == name]
    assert len(rows) == 1, name
    return rows.iloc[0]


def test_printed_total_row_shows_the_printed_rate_and_the_recomputed_one_beside_it():
    totals = budget_queries.budget_printed_total(Filters(year="2024"), "002", "예산현황", None, "천원")
    row = one(totals, "계")
    assert row["증감"] == -3_145_179 and row["증감율(%)"] == -41.7
    assert row["증감율 재계산(%)"] == round(-3_145_179 * 100 / 10_680_197, 1) == -29.4
    assert row["증감 기준"] == budget_queries.CHANGE_PRINTED


def test_item_rows_show_printed_changes_and_flag_the_recomputation():
    rows = budget_queries.budget_items(Filters(year="2024"), "002", "예산현황", None, "천원")
    row = one(rows, "교원연수운영")
    assert (row["증감"], row["증감율(%)"]) == (-647_819, -18.8)
    assert row["증감율 재계산(%)"] == round(-647_819 * 100 / 4_096_334, 1) == -15.8


def test_a_printed_rate_that_agrees_is_not_repeated():
    rows = budget_queries.budget_items(Filters(year="2024"), "002", "예산현황", None, "천원")
    # 기관시설유지관리: '-' in 2024, 2,460,326 in 2023, printed △100.0%: the same figure recomputed.
    row = one(rows, "기관시설유지관리")
    assert row["증감율(%)"] == -100.0 and pd.isna(row["증감율 재계산(%)"])


def test_unprinted_changes_use_one_like_for_like_pair_and_say_which():
    rows = budget_queries.budget_items(Filters(year="2018"), "000", "2018년 본예산 사업별 내역", None, "천원")
    row = one(rows, "지방공무원인사관리")
    assert row["집행률(%)"] == 17.0  # as printed
    assert row["증감"] == 435_445 - 473_263 and row["증감 기준"] == budget_queries.CHANGE_CURRENT


def test_year_on_year_never_sets_a_budget_against_a_different_measure():
    up, down = insights_queries.year_on_year(Filters())
    both = [*up.to_dict("records"), *down.to_dict("records")]
    assert both
    assert {r["비교 기준"] for r in both} <= {"본예산 vs 전년 본예산", "예산현액 vs 전년 최종예산", "같은 표의 전년 행"}
    up24, down24 = insights_queries.year_on_year(Filters(year="2024"))
    teacher = [r for r in down24.to_dict("records") if r["사업명"] == "교원연수운영"]
    assert teacher and teacher[0]["증감"] == -647_819_000 and teacher[0]["비교 기준"] == "본예산 vs 전년 본예산"
