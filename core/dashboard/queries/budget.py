"""과제별 예산: budget tables, their rows and printed totals, drill-down paths, the per-document summary."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from core import labels
from core.dashboard.db import query
from core.dashboard.filters import Filters, year_sql
from core.dashboard.queries.common import division_label, ids_last, rate, to_unit, where


def budget_tables(f: Filters) -> pd.DataFrame:
    """Top-level budget tables (a report's 사업별 or 과제별 table) that have rows for the filter."""
    cond, params = where(f)
    return query(
        f"""
        SELECT doc_id, source_section, any_value(unit) AS unit, max(as_of) AS as_of, min(rowid) AS first_row,
               count(DISTINCT item_id) AS items
        FROM budget_line
        WHERE parent_item_id IS NULL AND NOT is_total AND {cond}
        GROUP BY doc_id, source_section ORDER BY doc_id, first_row""",
        params,
    )


def _budget_select(cond: str) -> str:
    return f"""
        SELECT b.item_id, any_value(b.task_no) AS task_no, any_value(b.name) AS name, any_value(b.level) AS level,
               any_value(b.division) AS division, sum(b.budget_original) AS bo, sum(b.budget_special) AS bs,
               sum(b.budget_current) AS bc, sum(b.prior_original) AS po, sum(b.prior_final) AS pf,
               sum(b.committed) AS cm, sum(b.spent) AS sp, bool_or(b.non_budget) AS nb,
               count(DISTINCT b.fiscal_year) AS years,
               -- A printed rate or change describes one year's row; summed over years it would mean nothing.
               CASE WHEN count(DISTINCT b.fiscal_year) <= 1 THEN any_value(b.rate_committed_printed) END AS rate_printed,
               CASE WHEN count(DISTINCT b.fiscal_year) <= 1 THEN any_value(b.change_printed) END AS change_printed,
               CASE WHEN count(DISTINCT b.fiscal_year) <= 1 THEN any_value(b.change_rate_printed) END
                   AS change_rate_printed,
               any_value(b.doc_id) AS doc_id, any_value(b.source_section) AS section, any_value(b.page) AS page,
               any_value(b.unit) AS unit, max(b.as_of) AS as_of, min(b.rowid) AS ord,
               bool_or(b.is_total) AS is_total,
               -- The document is bound, not taken from the row: budget_parent is in document order, so
               -- only that document's rows are read.
               EXISTS (SELECT 1 FROM budget_parent c WHERE c.doc_id = $doc_id AND c.item_id = b.item_id)
                   AS has_children
        FROM budget_line b WHERE {cond}
        GROUP BY b.item_id ORDER BY ord"""


BUDGET_COLUMN_ORDER = [
    "번호",
    "사업명",
    "본예산",
    "예산현액·추경",
    "집행액",
    "집행률(%)",
    "지출액",
    "특교 등",
    "전년 본예산",
    "전년 최종예산",
    "증감",
    "증감율(%)",
    "증감율 재계산(%)",
    "증감 기준",
    "부서",
    "구분",
    "비예산",
    "하위 항목",
    "항목 ID",
    "출처",
    "쪽수",
    "기준일",
]


# Year-on-year pairs a row may be compared on (measures.YEAR_ON_YEAR), as the budget table names them.
CHANGE_PRINTED = "보고서 인쇄값"
CHANGE_ORIGINAL = "본예산 vs 전년 본예산"
CHANGE_CURRENT = "예산현액 vs 전년 최종예산"
RATE_TOLERANCE = 0.1  # a printed rate this close to the recomputed one is the same figure, rounded


def _changes(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Per row: 증감, 증감율 as the report prints them where it does, else computed on one like-for-like pair
    (본예산 with 전년 본예산, else 예산현액 with 전년 최종예산); the rate recomputed from the printed amounts
    (÷ 전년) where it differs from the printed one, so a reader sees both; and which basis the row has."""
    bo, po, bc, pf = (pd.to_numeric(raw[c], errors="coerce").astype("Float64") for c in ("bo", "po", "bc", "pf"))
    original = bo.notna() & po.notna()
    current = ~original & bc.notna() & pf.notna()
    computed = (bo - po).where(original, (bc - pf).where(current))
    base = po.where(original, pf.where(current))
    computed_rate = rate(computed, base)
    printed = pd.to_numeric(raw["change_printed"], errors="coerce").astype("Float64")
    printed_rate = pd.to_numeric(raw["change_rate_printed"], errors="coerce").astype("Float64")
    has_printed = printed.notna() | printed_rate.notna()
    change = printed.where(printed.notna(), computed)
    change_rate = printed_rate.where(printed_rate.notna(), computed_rate)
    # A printed change is 본예산 against 전년 본예산 ('-' printed for a year without 본예산 is 0).
    rechecked = rate(bo.fillna(0) - po, po)
    differs = printed_rate.notna() & rechecked.notna() & ((printed_rate - rechecked).abs() > RATE_TOLERANCE)
    recomputed = rechecked.where(differs)
    basis = pd.Series(
        [
            CHANGE_PRINTED if p else (CHANGE_ORIGINAL if o else (CHANGE_CURRENT if c else None))
            for p, o, c in zip(has_printed.fillna(False), original.fillna(False), current.fillna(False))
        ],
        index=raw.index,
        dtype=object,
    )
    return change, change_rate, recomputed, basis


def _budget_frame(raw: pd.DataFrame, unit: str) -> pd.DataFrame:
    change, change_rate, recomputed_rate, basis = _changes(raw)
    execution_rate = rate(raw["cm"], raw["bc"].where(raw["bc"].notna(), raw["bo"]))
    printed_execution_rate = pd.to_numeric(raw["rate_printed"], errors="coerce").astype("Float64")
    df = pd.DataFrame(
        {
            "항목 ID": raw["item_id"],
            "번호": raw["task_no"],
            "사업명": raw["name"],
            "구분": raw["level"],
            "부서": division_label(raw["division"]),
            "본예산": raw["bo"],
            "특교 등": raw["bs"],
            "예산현액·추경": raw["bc"],
            "전년 본예산": raw["po"],
            "전년 최종예산": raw["pf"],
            "증감": change,
            "증감율(%)": change_rate,
            "증감율 재계산(%)": recomputed_rate,
            "증감 기준": basis,
            "집행액": raw["cm"],
            # The printed rate where the report prints one (the figure a reader checks against the print).
            "집행률(%)": printed_execution_rate.where(printed_execution_rate.notna(), execution_rate),
            "지출액": raw["sp"],
            "비예산": raw["nb"].astype(bool),
            "하위 항목": raw["has_children"].astype(bool),
            "출처": raw["doc_id"] + " · " + raw["section"],
            "쪽수": raw["page"].astype("Int64"),
            "기준일": raw["as_of"],
        }
    )
    df = to_unit(df, labels.BUDGET_MONEY, unit)
    # What a 부서장 reads first (budget, execution, rate) comes first; identifiers and provenance last.
    df = df[BUDGET_COLUMN_ORDER]
    # Columns no row fills (e.g. 특교 in 002) only add noise to the table.
    return df[[c for c in df.columns if c in ("사업명", "본예산", "출처") or df[c].notna().any()]]


def _budget_rows(
    f: Filters, doc_id: str, section: str | None, parent_item_id: str | None, unit: str, totals: bool
) -> pd.DataFrame:
    """The non-total rows (filtered by 기관·부서·연도) or the printed total rows (by 연도 only: a total
    belongs to the whole table) of one table or of one item's children."""
    cond, params = year_sql(f, "b") if totals else where(f, "b")
    if parent_item_id is None:
        place = "b.source_section = $section AND b.parent_item_id IS NULL"
    else:
        place = "b.parent_item_id = $parent_item_id"
    total = "b.is_total" if totals else "NOT b.is_total"
    raw = query(
        _budget_select(f"b.doc_id = $doc_id AND {place} AND {total} AND {cond}"),
        {**params, "doc_id": doc_id, "section": section, "parent_item_id": parent_item_id},
    )
    return _budget_frame(raw, unit)


def budget_items(
    f: Filters, doc_id: str, section: str | None, parent_item_id: str | None, unit: str = "천원"
) -> pd.DataFrame:
    """Rows of one budget table (parent None) or the children of one item, with derived 증감·집행률."""
    return _budget_rows(f, doc_id, section, parent_item_id, unit, totals=False)


def budget_printed_total(
    f: Filters, doc_id: str, section: str | None, parent_item_id: str | None, unit: str = "천원"
) -> pd.DataFrame:
    """The table's printed 계/총계 row(s), summed over the chosen years."""
    return _budget_rows(f, doc_id, section, parent_item_id, unit, totals=True)


PRINTED_TOTAL = "합계(인쇄)"  # the 구분 of a table's printed 계/총계 row in a download


def with_printed_totals(rows: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """A table's rows and, below them, its printed 계/총계 rows marked 합계(인쇄) in 구분: what a download holds."""
    parts = [rows]
    if not totals.empty:
        parts.append(totals.assign(구분=PRINTED_TOTAL))
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else rows.copy()
    return out.drop(columns=[labels.HAS_CHILDREN], errors="ignore")


def table_years(doc_id: str, section: str) -> list[int]:
    """The years one budget table prints (a 5-year plan prints five; a report's table one)."""
    df = query(
        """SELECT DISTINCT fiscal_year FROM budget_line WHERE doc_id = $doc_id AND source_section = $section
           AND fiscal_year IS NOT NULL ORDER BY fiscal_year""",
        {"doc_id": doc_id, "section": section},
    )
    return [int(y) for y in df["fiscal_year"]]


YEARS_BASIS = "같은 표·같은 항목의 두 해 (같은 측정값)"
COMPARED = ("본예산", "예산현액·추경")  # the measures a table prints for each of its years


def years_side_by_side(
    f: Filters, doc_id: str, section: str, parent_item_id: str | None, first: int, second: int, unit: str
) -> pd.DataFrame:
    """Each item of one table in two of its years, in adjacent columns, with the change. Only the same measure of
    the same item in the same table is compared (measures.YEAR_ON_YEAR's rule: never across tables or
    measures); an item printed in one of the years only has the other year blank and no change."""
    frames = {y: budget_items(replace(f, year=str(y)), doc_id, section, parent_item_id, unit) for y in (first, second)}
    keys = ["항목 ID", "번호", "사업명"]
    merged = None
    for y, df in frames.items():
        cols = [c for c in COMPARED if c in df and df[c].notna().any()]
        part = df[[k for k in keys if k in df] + cols].rename(columns={c: f"{c} {y}" for c in cols})
        merged = part if merged is None else merged.merge(part, on=[k for k in keys if k in part], how="outer")
    measure = next((c for c in COMPARED if f"{c} {first}" in merged and f"{c} {second}" in merged), None)
    if measure is not None:
        a, b = merged[f"{measure} {first}"], merged[f"{measure} {second}"]
        merged["증감"] = b - a
        merged["증감율(%)"] = rate(b - a, a)
        merged["비교 기준"] = f"{measure}: {YEARS_BASIS}"
    return ids_last(merged.reset_index(drop=True))


def budget_item(doc_id: str, item_id: str) -> dict | None:
    df = query(
        """SELECT item_id, name, parent_item_id, source_section, level FROM budget_line
                  WHERE doc_id = $doc_id AND item_id = $item_id LIMIT 1""",
        {"doc_id": doc_id, "item_id": item_id},
    )
    return None if df.empty else df.iloc[0].to_dict()


def budget_path(doc_id: str, item_id: str) -> list[dict]:
    """From the top-level item down to item_id (breadcrumb for drill-down)."""
    path = []
    current = budget_item(doc_id, item_id)
    while current is not None and len(path) < 10:
        path.append(current)
        parent = current["parent_item_id"]
        current = budget_item(doc_id, parent) if isinstance(parent, str) else None
    return list(reversed(path))


def table_label(doc_id: str, section: str) -> str:
    """How a budget table is named in the table picker and the URL (``table=``)."""
    return f"{doc_id} · {section}"


@dataclass(frozen=True)
class BudgetView:
    """One budget table (or one item's children) as the budget page shows it."""

    doc_id: str
    section: str
    path: list[dict]  # from the table's top-level item down to the item drilled into; [] at the top
    rows: pd.DataFrame  # budget_items
    totals: pd.DataFrame  # budget_printed_total

    @property
    def parent(self) -> str | None:
        return self.path[-1]["item_id"] if self.path else None


def budget_view(f: Filters, doc_id: str, section: str, item: str | None, unit: str) -> BudgetView:
    """The rows of table (doc_id, section), drilled down to ``item`` when it belongs to that table."""
    path = budget_path(doc_id, item) if item else []
    if path and path[0]["source_section"] != section:
        path = []  # the item belongs to another table
    parent = path[-1]["item_id"] if path else None
    return BudgetView(
        doc_id=doc_id,
        section=section,
        path=path,
        rows=budget_items(f, doc_id, section, parent, unit),
        totals=budget_printed_total(f, doc_id, section, parent, unit),
    )
