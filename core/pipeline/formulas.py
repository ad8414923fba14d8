"""Arithmetic the reports state in their text: a printed total, ratio or growth rate and the printed values
it is formed from (indicator.formula), recomputed so that a figure the report gets wrong is reported.

A formula names other indicators of the same document in braces, ``{총 학습시간} / {학습시간 산정 인원}``,
with ``{이름@2012}`` for another year than the row's; numbers and + - * / ( ) complete it. Only that
grammar is evaluated (no names, calls or attributes), so a formula in an export cannot run code.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

_REF = re.compile(r"\{([^{}@]+)(?:@(\d{4}))?\}")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class FormulaError(ValueError):
    pass


@dataclass(frozen=True)
class Result:
    value: float  # what the formula gives
    tolerance: float  # half a unit of the printed value's last digit


def evaluate(formula: str, lookup) -> float:
    """The formula's value; ``lookup(name, year_or_None)`` returns an operand's printed value."""
    names: list[float] = []

    def substitute(m: re.Match) -> str:
        names.append(lookup(m.group(1).strip(), int(m.group(2)) if m.group(2) else None))
        return f"__v{len(names) - 1}"

    expr = _REF.sub(substitute, formula)
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as e:
        raise FormulaError(f"산식을 읽을 수 없습니다: {formula}") from e
    return _eval(tree.body, names, formula)


def _eval(node, values: list[float], formula: str) -> float:
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        right = _eval(node.right, values, formula)
        if isinstance(node.op, ast.Div) and right == 0:
            raise FormulaError(f"0으로 나눕니다: {formula}")
        return _OPS[type(node.op)](_eval(node.left, values, formula), right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, values, formula)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name) and re.fullmatch(r"__v\d+", node.id):
        return values[int(node.id[3:])]
    raise FormulaError(f"산식에는 {{지표}}, 숫자, + - * / ( )만 쓸 수 있습니다: {formula}")


def printed_tolerance(value: float) -> float:
    """Half a unit of the last printed digit (87.8 → 0.05, 56 → 0.5), so a rounded figure still agrees."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10**-decimals + 1e-9


def formula_differences(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per formula whose recomputed value differs from the printed one beyond its printed precision,
    or that cannot be evaluated (an operand missing or named twice), in reconcile's result columns."""
    cols = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'indicator'"
        ).fetchall()
    }
    if "formula" not in cols:
        return pd.DataFrame()
    rows = con.execute(
        "SELECT doc_id, source_section, page, indicator, fiscal_year, kind, value, unit, formula "
        "FROM indicator WHERE formula IS NOT NULL"
    ).df()
    if rows.empty:
        return pd.DataFrame()
    values = con.execute(
        "SELECT doc_id, indicator, fiscal_year, value FROM indicator WHERE doc_id IN (SELECT unnest($docs::VARCHAR[]))",
        {"docs": sorted(rows["doc_id"].unique().tolist())},
    ).fetchall()
    index: dict[tuple, list[float]] = {}
    for doc, name, year, value in values:
        index.setdefault((doc, name, None if year is None or pd.isna(year) else int(year)), []).append(value)
    out = []
    for r in rows.itertuples(index=False):
        row_year = None if pd.isna(r.fiscal_year) else int(r.fiscal_year)

        def lookup(name: str, year: int | None, doc=r.doc_id, row_year=row_year) -> float:
            found = index.get((doc, name, year if year is not None else row_year), [])
            if len(found) != 1:
                when = f"{year or row_year}년 " if (year or row_year) else ""
                raise FormulaError(f"산식의 지표 '{when}{name}'이 문서 {doc}에 {len(found)}개 있습니다 (1개여야 함)")
            return float(found[0])

        try:
            computed = evaluate(r.formula, lookup)
        except FormulaError as e:
            out.append((r, math.nan, str(e)))
            continue
        if abs(float(r.value) - computed) > printed_tolerance(float(r.value)):
            out.append((r, round(computed, 2), f"산식: {r.formula}"))
    return pd.DataFrame(
        [
            {
                "table_name": "indicator",
                "doc_id": r.doc_id,
                "source_section": r.source_section,
                "page": r.page,
                "item_id": None,
                "name": r.indicator,
                "check_name": "본문 산술 불일치",
                "measure": "값",
                "printed_value": float(r.value),
                "computed_value": computed,
                "difference": None,
                "unit": r.unit,
                "explanation": why + " (대시보드: 인쇄값 그대로)",
            }
            for r, computed, why in out
        ]
    )
