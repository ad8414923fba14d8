"""Arithmetic stated in the reports' text is recomputed, within the printed precision, without running code."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from core.pipeline import formulas

VALUES = {
    ("총 학습시간", None): 688_844.0,
    ("학습시간 산정 인원", None): 9_935.0,
    ("인원", 2012): 14.0,
    ("인원", 2016): 25.0,
}


def lookup(name, year):
    return VALUES[(name, year)]


def test_a_ratio_and_a_growth_rate_are_recomputed():
    assert formulas.evaluate("{총 학습시간} / {학습시간 산정 인원}", lookup) == pytest.approx(69.335, abs=1e-3)
    assert formulas.evaluate("({인원@2016} - {인원@2012}) / {인원@2012} * 100", lookup) == pytest.approx(
        78.571, abs=1e-3
    )


@pytest.mark.parametrize(
    "formula", ["__import__('os').system('true')", "{총 학습시간}.real", "abs({총 학습시간})", "2 ** 10", "[1][0]"]
)
def test_anything_but_arithmetic_on_values_is_refused(formula):
    with pytest.raises(formulas.FormulaError, match="산식"):
        formulas.evaluate(formula, lookup)


@pytest.mark.parametrize("printed, tolerance", [(87.8, 0.05), (56.0, 0.5), (2.4, 0.05), (121.0, 0.5), (60.94, 0.005)])
def test_tolerance_is_half_the_last_printed_digit(printed, tolerance):
    assert formulas.printed_tolerance(printed) == pytest.approx(tolerance)


def _indicator(rows):
    con = duckdb.connect()
    df = pd.DataFrame(
        rows,
        columns=["doc_id", "source_section", "page", "indicator", "fiscal_year", "kind", "value", "unit", "formula"],
    )
    con.register("indicator", df)
    return con


def test_a_rounded_figure_agrees_and_a_wrong_one_is_reported_with_both_values():
    con = _indicator(
        [
            ("X", "절", 3, "합", 2020, "실적", 3.0, "명", None),
            ("X", "절", 3, "부분", 2020, "실적", 1.0, "명", None),
            ("X", "절", 3, "비율", 2020, "실적", 33.3, "%", "{부분} / {합} * 100"),
            ("X", "절", 3, "틀린 비율", 2020, "실적", 40.0, "%", "{부분} / {합} * 100"),
        ]
    )
    found = formulas.formula_differences(con)
    assert found[["name", "printed_value", "computed_value"]].values.tolist() == [["틀린 비율", 40.0, 33.33]]
    assert found["page"].tolist() == [3] and "{부분} / {합} * 100" in found["explanation"].iat[0]


def test_a_formula_naming_a_missing_value_is_reported_not_skipped():
    con = _indicator([("X", "절", 3, "비율", 2020, "실적", 33.3, "%", "{없는 지표} / 3")])
    found = formulas.formula_differences(con)
    assert len(found) == 1 and "'2020년 없는 지표'" in found["explanation"].iat[0]
