"""The overview's figures are honest: one card per 기관, each from one table and one measure, with the
basis of every comparison named, and the same figures the detail pages show for the same filter.

Expected values are the printed ones:
* 000 "2018년 본예산 사업별 내역" 총계 (000 line 47, 천원): 예산현액 47,744,891; 2017년도 최종예산 16,667,590;
  집행액(원인행위) 32,718,335; 집행률 68.5.
* 002 "예산현황" 계 (002 line 126, 천원): 2024 1차추경예산(본예산 포함) 14,872,545; 2023 최종예산 15,273,812.
* 004 "과제별 예산 투자계획" 합계 (백만원): 2018 16,033; 2021 79,392; 2022 17,254 (연차별 투자계획액, 서울특별시).
"""

from __future__ import annotations

import pytest

from core.dashboard.filters import Filters
from core.dashboard.queries import budget as budget_queries
from core.dashboard.queries import overview as overview_queries
from core.dashboard.queries import quarterly as quarterly_queries
from core.dashboard.queries import training as training_queries

pytestmark = pytest.mark.usefixtures("use_dashboard_data")

CHEONWON, BAEKMANWON = 1_000, 1_000_000
EDU_OFFICE, INSTITUTE, CITY, BUCHEON = "서울특별시교육청", "서울특별시교육청교육연수원", "서울특별시", "부천시"


def cards(f: Filters) -> dict[str, overview_queries.BudgetCard]:
    got = overview_queries.budget_cards(f)
    assert len({c.agency for c in got}) == len(got), "two cards for one 기관"
    return {c.agency: c for c in got}


def test_default_view_shows_one_card_per_agency_in_its_latest_year():
    got = cards(Filters())
    assert set(got) == {EDU_OFFICE, INSTITUTE, CITY, BUCHEON}
    assert (got[EDU_OFFICE].year, got[INSTITUTE].year, got[CITY].year, got[BUCHEON].year) == (2018, 2024, 2022, None)


def test_000_card_is_the_printed_total_with_printed_execution():
    c = cards(Filters(year="2018"))[EDU_OFFICE]
    assert c.from_printed_total and c.label == "예산현액·추경"
    assert c.amount == 47_744_891 * CHEONWON
    assert (c.prior, c.delta_basis) == (16_667_590 * CHEONWON, "예산현액 vs 전년 최종예산")
    assert c.delta_pct == round((47_744_891 - 16_667_590) * 100 / 16_667_590, 1) == 186.5
    assert (c.execution, c.execution_rate) == (32_718_335 * CHEONWON, 68.5)
    assert "원인행위" in c.execution_basis


def test_2018_never_adds_the_city_plan_to_the_education_office_budget():
    got = cards(Filters(year="2018"))
    assert set(got) == {EDU_OFFICE, CITY}
    assert got[CITY].amount == 16_033 * BAEKMANWON and got[CITY].label == "연차별 투자계획액"
    assert (47_744_891 * CHEONWON + 16_033 * BAEKMANWON) not in {c.amount for c in got.values()}
    assert got[CITY].delta_pct is None and got[CITY].delta_reason  # the plan's first year: nothing to compare


def test_002_compares_like_with_like_and_says_so():
    c = cards(Filters(year="2024"))[INSTITUTE]
    assert c.amount == 14_872_545 * CHEONWON and c.from_printed_total
    assert (c.prior, c.delta_basis) == (15_273_812 * CHEONWON, "예산현액 vs 전년 최종예산")
    assert c.delta_pct == round((14_872_545 - 15_273_812) * 100 / 15_273_812, 1) == -2.6


def test_a_multi_year_plan_compares_with_its_own_previous_year():
    c = cards(Filters(year="2022"))[CITY]
    assert c.amount == 17_254 * BAEKMANWON and c.prior == 79_392 * BAEKMANWON
    assert c.delta_basis == "같은 표의 전년 연차별 투자계획액" and c.delta_pct == -78.3


def test_002_execution_comes_from_the_quarterly_actuals_the_quarterly_page_shows():
    f = Filters(agencies=(INSTITUTE,), year="2024")
    c = cards(f)[INSTITUTE]
    totals = quarterly_queries.quarterly_totals(f, "원")
    tasks = quarterly_queries.quarterly_tasks(f, "원")
    assert c.execution == int(totals["집행액(실적)"].sum())
    assert c.execution_rate == round(c.execution * 100 / int(tasks["예산액"].astype("Int64").sum()), 1)
    assert "분기별 집행계획" in c.execution_basis and str(c.execution_as_of)[:10] == "2024-06-30"


def test_a_year_without_budget_says_so_instead_of_a_number():
    assert cards(Filters(year="2017")) == {}


def _walk():
    from core.dashboard.queries.options import filter_options

    agencies, years, unknown = filter_options()
    for agency, divisions in agencies.items():
        for year in [*years, *(["unknown"] if unknown else [])]:
            for division in [None, *divisions]:
                yield Filters(agencies=(agency,), divisions=(division,) if division else (), year=year)


def test_every_agency_division_and_year_agrees_with_the_budget_page():
    """The card shows the first table the budget page lists for the same filter, and its figure is that
    table's printed 계 (no 부서 chosen) or the sum of the rows the budget page lists (a 부서 chosen)."""
    checked = 0
    for f in _walk():
        got = overview_queries.budget_cards(f)
        tables = budget_queries.budget_tables(f)
        if tables.empty:
            assert got == [], f
            continue
        (card,) = got
        first = tables.iloc[0]
        assert (card.doc_id, card.section) == (first["doc_id"], first["source_section"]), f
        column = {"budget_current": "예산현액·추경", "budget_original": "본예산"}[card.measure]
        if card.from_printed_total:
            shown = budget_queries.budget_printed_total(f, card.doc_id, card.section, None, "원")
        else:
            shown = budget_queries.budget_items(f, card.doc_id, card.section, None, "원")
        assert card.amount == int(shown[column].astype("Int64").sum()), f
        checked += 1
    assert checked >= 10


def test_training_card_counts_tasks_on_pace_and_never_adds_trainees_across_tasks():
    """2024-06-30 is day 182 of 365 (49.9% of the year): a 과제 keeps pace when its own actual ÷ its own target
    reaches that share. The card counts 과제; it carries no trainee total (courses printed under two 과제 and
    overlapping targets would make one wrong)."""
    (card,) = overview_queries.headline(Filters(year="2024"))["training_cards"]
    tasks = training_queries.training_by_task(Filters(year="2024")).dropna(subset=["목표 인원", "실적 인원"])
    assert (card.agency, card.year, card.elapsed) == (INSTITUTE, 2024, 49.9)
    assert card.tasks == len(tasks) == 17
    assert card.on_pace == int((tasks["달성률(%)"] >= 49.9).sum())
    assert card.median_rate == round(float(tasks["달성률(%)"].median()), 1)
    # 2-1-2 (002 추진 실적): 30+205+2,118+1,749+127+2,664+21+1,251 = 8,165명 against 11,150+8,745+4,880 = 24,775명
    row = tasks[tasks["번호"] == "2-1-2"].iloc[0]
    assert (row["실적 인원"], row["목표 인원"], row["달성률(%)"]) == (8_165, 24_775, 33.0)
    assert not hasattr(card, "trainees")


def test_training_card_is_absent_with_a_reason_where_no_task_has_targets_and_actuals():
    assert overview_queries.headline(Filters(year="2019"))["training_cards"] == []


def test_every_filter_shows_the_quarterly_pages_executed_amount_and_the_training_pages_tasks():
    """Where no execution is printed, the card's 집행액 is the quarterly page's 집행액(실적) for the same filter;
    the training card counts the training page's 과제 that have a trainee target and an actual."""
    from_quarters = trained = 0
    for f in _walk():
        for card in overview_queries.budget_cards(f):
            if card.execution_basis and card.execution_basis.startswith("분기별"):
                totals = quarterly_queries.quarterly_view(f, "원").totals
                assert card.execution == int(totals["집행액(실적)"].astype("Int64").sum()), f
                from_quarters += 1
        tasks = training_queries.training_by_task(f)
        cards = overview_queries.training_cards(tasks)
        shown = tasks.dropna(subset=["목표 인원", "실적 인원"])
        if shown.empty:
            assert cards == [], f
            continue
        (card,) = cards
        shown = shown[shown["연도"] == card.year]
        assert card.tasks == len(shown), f
        assert card.on_pace == int((shown["달성률(%)"] >= card.elapsed).sum()), f
        trained += 1
    assert from_quarters >= 3 and trained >= 3


@pytest.mark.parametrize(
    "f", [Filters(), Filters(year="2018"), Filters(year="2024"), Filters(agencies=(EDU_OFFICE,)), Filters(year="2019")]
)
def test_alert_counts_and_top_tasks_counted_in_sql_match_the_whole_alert_list(f):
    """The overview counts alerts and picks its few tasks in DuckDB; they are what the full list would give."""
    from core.dashboard.queries import insights as insights_queries

    watch = insights_queries.execution_watch(f)
    tasks = insights_queries.alerts_by_task(watch)
    summary = insights_queries.alert_summary(f, overview_queries.ALERTS_SHOWN)
    assert (summary.alerts, summary.tasks) == (len(watch), len(tasks))
    assert summary.top.equals(tasks.head(overview_queries.ALERTS_SHOWN).reset_index(drop=True))
