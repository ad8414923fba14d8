"""개요: the headline figures of the overview cards and the small chart of each view."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core import labels
from core.dashboard import measures
from core.dashboard.db import query
from core.dashboard.filters import UNIT_FACTORS, Filters
from core.dashboard.queries.callcenter import call_kpis, call_monthly
from core.dashboard.queries.common import to_unit, where
from core.dashboard.queries.insights import AlertSummary, alert_summary
from core.dashboard.queries.quarterly import planned_tasks, quarterly_totals
from core.dashboard.queries.training import training_by_task
from core.dashboard.rules import as_date, elapsed_share
from core.settings import SUMMARY_SECTION

ALERTS_SHOWN = 5  # the overview lists the most severe alerts; the 점검·경보 page has them all


@dataclass(frozen=True)
class OverviewView:
    """Everything the overview shows for one filter and unit."""

    budget_cards: list  # BudgetCard per 기관
    headline: dict  # training and call-center cards
    training: pd.DataFrame  # per 과제 (training_by_task)
    alerts: AlertSummary  # execution_watch counted, and its ALERTS_SHOWN most severe tasks
    quarterly: pd.DataFrame  # quarterly_totals
    budget_by_year: pd.DataFrame  # budget_trend
    call_monthly: pd.DataFrame
    budget_agencies: int = 0  # 기관 with a budget amount in some year; the chart draws TREND_AGENCIES of them


def overview_view(f: Filters, unit: str) -> OverviewView:
    training = training_by_task(f)
    yearly = budget_cards(f, every_year=True)  # one query serves the cards (latest year) and the chart (every year)
    return OverviewView(
        budget_cards=latest_per_agency(yearly),
        headline=headline(f, training),
        training=training,
        alerts=alert_summary(f, ALERTS_SHOWN),
        quarterly=quarterly_totals(f, unit),
        budget_by_year=budget_trend(yearly, unit),
        call_monthly=call_monthly(f),
        budget_agencies=len({c.agency for c in yearly if c.amount is not None}),
    )


@dataclass(frozen=True)
class TrainingCard:
    """One 기관's training progress in its latest year with targets and actuals: how many 과제 keep pace.

    Each 과제 is counted once and set against its own target; trainees are not added up across 과제,
    because the report prints some courses under several 과제 and its targets overlap the same way."""

    agency: str
    year: int
    tasks: int  # 과제 with a trainee target and an actual
    on_pace: int  # of those, 과제 whose attainment is at least the share of the year gone by at their as-of date
    median_rate: float  # median attainment (%) over those 과제
    as_of: object
    elapsed: float | None  # share of the year gone by at as_of (%)


def training_cards(tasks: pd.DataFrame) -> list[TrainingCard]:
    """training_by_task rows → one TrainingCard per 기관 (its latest year that has both targets and actuals).

    Whole-column work per 기관 (a nationwide filter has about 200), not a Python loop over their rows."""
    t = tasks.dropna(subset=["목표 인원", "실적 인원", "달성률(%)"])
    if t.empty:
        return []
    t = t[t["연도"] == t.groupby("기관")["연도"].transform("max")]
    by_agency = t.groupby("기관", sort=True)
    as_of = by_agency["기준일"].max()
    elapsed = as_of.map(lambda d: None if as_date(d) is None else round(elapsed_share(as_date(d)) * 100, 1))
    threshold = t["기관"].map(elapsed).astype("float64").fillna(100.0)
    on_pace = (t["달성률(%)"].astype("float64") >= threshold).groupby(t["기관"]).sum()
    median = by_agency["달성률(%)"].median()
    size, year = by_agency.size(), by_agency["연도"].first()
    return [
        TrainingCard(
            agency=str(agency),
            year=int(year[agency]),
            tasks=int(size[agency]),
            on_pace=int(on_pace[agency]),
            median_rate=round(float(median[agency]), 1),
            as_of=as_of[agency],
            elapsed=elapsed[agency],
        )
        for agency in size.index
    ]


def headline(f: Filters, training: pd.DataFrame | None = None) -> dict:
    """The training and call-center cards (the budget cards are ``budget_cards``).

    ``training`` is training_by_task(f) when the caller already has it (the overview charts it too).
    Mid-year trainees are set against each 과제's own target and the share of the year gone by at
    their as-of date; they are not compared with the whole previous year nor added up across 과제."""
    out: dict = {}
    tasks = training_by_task(f) if training is None else training
    out["training_cards"] = training_cards(tasks) if not tasks.empty else []
    current, previous = call_kpis(f)
    if current is not None:
        out["answer_rate"] = current["answer_rate"]
        out["answer_rate_prev"] = None if previous is None else previous["answer_rate"]
        out["call_as_of"] = current["last_day"]
        out["call_sample"] = bool(current["is_sample"])
    return out


# ---------------------------------------------------------------- budget cards, one per 기관

CARDS_PER_AGENCY_LIMIT = 4  # beyond this many 기관 the overview lists them in a table instead of cards


@dataclass(frozen=True)
class BudgetCard:
    """One 기관's budget, execution and year-on-year change for the filter, each from one table and measure.

    A card never adds up two organisations, two tables or two measures; where a figure cannot be formed
    that way its ``*_reason`` says why in one Korean line.
    """

    agency: str
    year: int | None
    doc_id: str
    section: str
    unit: str  # as printed
    as_of: object
    measure: str  # measures.BY_KEY key of ``amount``
    amount: int | None  # 원
    from_printed_total: bool  # the table's printed 계 row, rather than the sum of the filtered rows
    label: str  # what the amount is called on this card (measures.card_label)
    prior: int | None = None
    delta_basis: str | None = None  # e.g. '예산현액 vs 전년 최종예산'
    delta_pct: float | None = None
    delta_reason: str | None = None
    execution: int | None = None  # 원
    execution_rate: float | None = None
    execution_basis: str | None = None
    execution_as_of: object = None
    execution_reason: str | None = None


def budget_cards(f: Filters, every_year: bool = False) -> list[BudgetCard]:
    """Per 기관 in the filter: its latest year (every year with ``every_year``), and in that year the first
    of its report tables that has rows for the filter (the table the budget page lists first for it).

    Without a 부서 filter a card shows the table's printed 계 row where the table prints one (the official
    figure); with one, the sum of that 부서's rows."""
    cond, params = where(f, "b")
    groups = query(
        f"""
        WITH rows AS MATERIALIZED (
            SELECT b.agency, b.doc_id, b.source_section, b.fiscal_year, b.rowid AS rid, b.unit, b.as_of,
                   b.budget_original AS bo, b.budget_current AS bc, b.prior_original AS po, b.prior_final AS pf,
                   b.committed AS cm
            FROM budget_line b WHERE b.parent_item_id IS NULL AND NOT b.is_total AND {cond}),
        groups AS (
            SELECT agency, doc_id, source_section, fiscal_year, min(rid) AS first_row,
                   any_value(unit) AS unit, max(as_of) AS as_of,
                   count(*) FILTER (WHERE bo IS NOT NULL OR bc IS NOT NULL) AS n_money,
                   count(bc) AS n_bc, sum(bc) AS bc, count(bo) AS n_bo, sum(bo) AS bo,
                   count(*) FILTER (WHERE bc IS NOT NULL AND pf IS NOT NULL) AS n_bc_pf,
                   sum(pf) FILTER (WHERE bc IS NOT NULL) AS pf,
                   count(*) FILTER (WHERE bo IS NOT NULL AND po IS NOT NULL) AS n_bo_po,
                   sum(po) FILTER (WHERE bo IS NOT NULL) AS po,
                   count(cm) AS n_cm, sum(cm) AS cm,
                   sum(bc) FILTER (WHERE cm IS NOT NULL) AS bc_with_cm, sum(bo) FILTER (WHERE cm IS NOT NULL) AS bo_with_cm
            FROM rows GROUP BY ALL),
        chosen AS (
            SELECT * FROM groups
            QUALIFY row_number() OVER (PARTITION BY agency, fiscal_year ORDER BY doc_id, first_row) = 1)
        SELECT c.*, d.kind AS doc_kind,
               t.budget_original AS t_bo, t.budget_current AS t_bc, t.prior_original AS t_po, t.prior_final AS t_pf,
               t.committed AS t_cm, t.rate_committed_printed AS t_rate,
               p.budget_original AS p_bo, p.budget_current AS p_bc
        FROM chosen c
        LEFT JOIN source_document d ON d.doc_id = c.doc_id
        LEFT JOIN budget_line t ON t.doc_id = c.doc_id AND t.source_section = c.source_section AND t.is_total
             AND t.parent_item_id IS NULL AND t.fiscal_year IS NOT DISTINCT FROM c.fiscal_year
        LEFT JOIN budget_line p ON p.doc_id = c.doc_id AND p.source_section = c.source_section AND p.is_total
             AND p.parent_item_id IS NULL AND p.fiscal_year = c.fiscal_year - 1
        ORDER BY c.agency, c.fiscal_year""",
        params,
    )
    quarters = _quarterly_execution(f)
    whole_tables = not f.divisions  # a table belongs to one 기관, so only a 부서 filter leaves out some of its rows
    cards = [
        _card(r, quarters.get((r["agency"], _year(r["fiscal_year"]))), whole_tables) for r in groups.to_dict("records")
    ]
    return cards if every_year else latest_per_agency(cards)


def _year(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _num(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _card(r: dict, quarter: dict | None, whole_table: bool) -> BudgetCard:
    has_total = any(_num(r[k]) is not None for k in ("t_bo", "t_bc"))
    use_total = whole_table and has_total
    # One measure for the whole card: 예산현액 where every row with money prints it, else 본예산.
    if r["n_money"] and r["n_bc"] == r["n_money"]:
        key, prior_key, basis = measures.YEAR_ON_YEAR[0]
        amount, prior = (
            (r["t_bc"], r["t_pf"]) if use_total else (r["bc"], r["pf"] if r["n_bc_pf"] == r["n_bc"] else None)
        )
        with_exec = r["bc_with_cm"]
    elif r["n_money"] and r["n_bo"] == r["n_money"]:
        key, prior_key, basis = measures.YEAR_ON_YEAR[1]
        amount, prior = (
            (r["t_bo"], r["t_po"]) if use_total else (r["bo"], r["po"] if r["n_bo_po"] == r["n_bo"] else None)
        )
        with_exec = r["bo_with_cm"]
    else:
        return BudgetCard(
            r["agency"],
            _year(r["fiscal_year"]),
            r["doc_id"],
            r["source_section"],
            r["unit"],
            r["as_of"],
            "budget_original",
            None,
            False,
            label="예산",
            delta_reason="행마다 인쇄된 측정값(본예산·예산현액)이 달라 합하지 않습니다.",
        )
    amount, prior = _num(amount), _num(prior)
    card = dict(
        agency=r["agency"],
        year=_year(r["fiscal_year"]),
        doc_id=r["doc_id"],
        section=r["source_section"],
        unit=r["unit"],
        as_of=r["as_of"],
        measure=key,
        amount=amount,
        from_printed_total=use_total,
        label=measures.card_label(key, r["doc_kind"]),
    )
    if r["fiscal_year"] is None or pd.isna(r["fiscal_year"]):
        card["delta_reason"] = "연도가 인쇄되지 않은 표라 전년과 비교할 수 없습니다."
    elif prior:
        card.update(prior=prior, delta_basis=basis, delta_pct=round((amount - prior) * 100 / prior, 1))
    elif use_total and _num(r["p_bc" if key == "budget_current" else "p_bo"]):
        # The same table prints the year before as its own rows (a multi-year plan): the same measure, same scope.
        prior = _num(r["p_bc" if key == "budget_current" else "p_bo"])
        card.update(
            prior=prior,
            delta_basis=f"같은 표의 전년 {measures.card_label(key, r['doc_kind'])}",
            delta_pct=round((amount - prior) * 100 / prior, 1),
        )
    else:
        card["delta_reason"] = (
            f"이 표에는 같은 행의 {measures.BY_KEY[prior_key].label}도, 전년의 같은 표도 없어 비교하지 않습니다."
        )
    if r["n_cm"]:
        committed = _num(r["t_cm"]) if use_total else _num(r["cm"])
        rate_printed = r["t_rate"] if use_total and r["t_rate"] is not None and not pd.isna(r["t_rate"]) else None
        base = amount if use_total else _num(with_exec)
        card.update(
            execution=committed,
            execution_rate=rate_printed
            if rate_printed is not None
            else (round(committed * 100 / base, 1) if committed is not None and base else None),
            execution_basis="원인행위 기준 · 보고서 인쇄값"
            + (" (집행률도 인쇄값)" if rate_printed is not None else ""),
            execution_as_of=r["as_of"],
        )
    elif quarter and quarter["actual"] is not None:
        card.update(
            execution=quarter["actual"],
            execution_rate=round(quarter["actual"] * 100 / quarter["budget"], 1) if quarter["budget"] else None,
            execution_basis="분기별 집행계획의 집행액(실적) ÷ 과제 예산액",
            execution_as_of=quarter["as_of"],
        )
    else:
        card["execution_reason"] = "이 기관·연도에는 집행 실적이 인쇄되지 않았습니다."
    return BudgetCard(**card)


def _quarterly_execution(f: Filters) -> dict[tuple[str, int | None], dict]:
    """Per 기관 and year: executed quarters and the budgets of the same tasks (as on the quarterly page)."""
    tasks, params = planned_tasks(f)
    df = query(
        f"""
        WITH {tasks},
        planned AS (
            SELECT t.agency, t.fiscal_year, t.doc_id, t.item_id, any_value(t.budget) AS budget,
                   sum(q.amount) FILTER (WHERE q.status = '집행') AS actual,
                   count(*) FILTER (WHERE q.status = '집행') AS n_actual,
                   max(q.as_of) FILTER (WHERE q.status = '집행') AS as_of
            FROM tasks t JOIN quarterly_execution q ON q.doc_id = t.doc_id AND q.item_id = t.item_id
                 AND q.source_section = $summary_section AND q.fiscal_year = t.fiscal_year
            GROUP BY ALL)
        SELECT agency, fiscal_year, sum(budget) AS budget, coalesce(sum(actual), 0) AS actual,
               sum(n_actual) AS n_actual, max(as_of) AS as_of
        FROM planned GROUP BY ALL""",
        {**params, "summary_section": SUMMARY_SECTION},
    )
    return {
        (r["agency"], _year(r["fiscal_year"])): {
            "budget": _num(r["budget"]),
            "actual": _num(r["actual"]) if r["n_actual"] else None,
            "as_of": r["as_of"],
        }
        for r in df.to_dict("records")
    }


TREND_AGENCIES = 6  # the overview's budget chart draws this many 기관 at most (the largest), never a summed '기타'


def latest_per_agency(cards: list[BudgetCard]) -> list[BudgetCard]:
    """Each 기관's card of its latest year (a year-less card only where the 기관 has no dated one)."""
    latest: dict[str, BudgetCard] = {}
    for c in cards:
        seen = latest.get(c.agency)
        if seen is None or (c.year is not None and (seen.year is None or c.year > seen.year)):
            latest[c.agency] = c
    return [latest[a] for a in sorted(latest)]


def budget_trend(yearly: list[BudgetCard], unit: str) -> pd.DataFrame:
    """Per year and 기관: the amount of that year's budget card, for the overview chart (one bar per 기관)."""
    cards = [c for c in yearly if c.amount is not None]
    df = pd.DataFrame(
        {
            "연도": ["연도 미상" if c.year is None else str(c.year) for c in cards],
            "기관": [c.agency for c in cards],
            "측정값": [c.label for c in cards],
            "금액": [c.amount / UNIT_FACTORS[unit] for c in cards],
        },
        columns=["연도", "기관", "측정값", "금액"],
    )
    largest = df.groupby("기관")["금액"].max().sort_values(ascending=False, kind="stable").index[:TREND_AGENCIES]
    return df[df["기관"].isin(largest)].reset_index(drop=True)


def cards_table(cards: list[BudgetCard], unit: str) -> pd.DataFrame:
    """The budget cards as one row per 기관 (for a filter that spans many 기관)."""
    df = pd.DataFrame(
        {
            "기관": [c.agency for c in cards],
            "연도": pd.array([c.year for c in cards], dtype="Int64"),
            "예산 측정값": [c.label for c in cards],
            "예산": pd.array([c.amount for c in cards], dtype="Int64"),
            "전년 대비(%)": [c.delta_pct for c in cards],
            "비교 기준": [c.delta_basis or c.delta_reason for c in cards],
            "집행액": pd.array([c.execution for c in cards], dtype="Int64"),
            "집행률(%)": [c.execution_rate for c in cards],
            "집행 기준": [c.execution_basis or c.execution_reason for c in cards],
            labels.SOURCE: [f"{c.doc_id} · {c.section}" for c in cards],
            labels.AS_OF: [c.as_of for c in cards],
        }
    )
    return to_unit(df, ["예산", "집행액"], unit)


def training_cards_table(cards: list[TrainingCard]) -> pd.DataFrame:
    """The training cards as a table, one row per 기관, when there are too many for cards."""
    return pd.DataFrame(
        {
            "기관": [c.agency for c in cards],
            "연도": [c.year for c in cards],
            "진도에 맞는 과제": [c.on_pace for c in cards],
            "과제 수": [c.tasks for c in cards],
            "달성률 중앙값(%)": [c.median_rate for c in cards],
            "연중 경과(%)": [c.elapsed for c in cards],
            labels.AS_OF: [c.as_of for c in cards],
        }
    )
