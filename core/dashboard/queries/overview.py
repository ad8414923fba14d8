"""개요: the headline figures of the overview cards and the small chart of each view."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.dashboard.filters import Filters
from core.dashboard.queries.budget import budget_by_year, budget_summary
from core.dashboard.queries.callcenter import call_kpis, call_monthly
from core.dashboard.queries.insights import execution_watch
from core.dashboard.queries.quarterly import quarterly_totals
from core.dashboard.queries.training import training_by_task


@dataclass(frozen=True)
class OverviewView:
    """Everything the overview shows for one filter and unit."""

    headline: dict
    training: pd.DataFrame  # per 과제 (training_by_task)
    alerts: pd.DataFrame  # execution_watch
    quarterly: pd.DataFrame  # quarterly_totals
    budget_by_year: pd.DataFrame
    call_monthly: pd.DataFrame


def overview_view(f: Filters, unit: str) -> OverviewView:
    training = training_by_task(f)
    return OverviewView(
        headline=headline(f, training),
        training=training,
        alerts=execution_watch(f),
        quarterly=quarterly_totals(f, unit),
        budget_by_year=budget_by_year(f, unit),
        call_monthly=call_monthly(f),
    )


def headline(f: Filters, training: pd.DataFrame | None = None) -> dict:
    """Headline figures for the overview cards, for the latest year the filter has budget data in.

    ``training`` is training_by_task(f) when the caller already has it (the overview charts it too)."""
    summary = budget_summary(f)
    out: dict = {"year": None}
    if not summary.empty:
        known = summary.dropna(subset=["fiscal_year"])
        year = int(known["fiscal_year"].max()) if not known.empty else None
        rows = summary[summary["fiscal_year"] == year] if year is not None else summary
        budget = rows["budget_current"].sum(min_count=1)
        with_exec = rows["budget_with_execution"].sum(min_count=1)
        committed = rows["committed"].sum(min_count=1)
        prior = rows["prior"].sum(min_count=1)
        out.update(
            year=year,
            budget=budget,
            committed=committed,
            prior=prior,
            execution_rate=round(committed * 100 / with_exec, 1) if pd.notna(with_exec) and with_exec else None,
            budget_as_of=rows["as_of"].max(),
            budget_docs=", ".join(sorted(rows["doc_id"].unique())),
        )
    tasks = training_by_task(f) if training is None else training
    if not tasks.empty:
        t = tasks.dropna(subset=["목표 인원", "실적 인원"])
        if not t.empty:
            out["training_rate"] = round(float(t["실적 인원"].sum()) * 100 / float(t["목표 인원"].sum()), 1)
            out["training_as_of"] = t["기준일"].max()
            prev = t.dropna(subset=["전년 실적 인원"])
            out["training_prev_trainees"] = int(prev["전년 실적 인원"].sum()) if not prev.empty else None
            out["training_trainees"] = int(t["실적 인원"].sum())
    current, previous = call_kpis(f)
    if current is not None:
        out["answer_rate"] = current["answer_rate"]
        out["answer_rate_prev"] = None if previous is None else previous["answer_rate"]
        out["call_as_of"] = current["last_day"]
        out["call_sample"] = bool(current["is_sample"])
    return out
