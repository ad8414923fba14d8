"""Files a meeting can use: units in every amount and count header, the printed 합계 row, Excel that prints on A4
in 맑은 고딕 with the screen's precision, real dates and plain years, and no link that opens nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from core import labels
from core.dashboard import export

TABLE = pd.DataFrame(
    {
        "번호": ["1-1-1", "1-1-2"],
        "사업명": ["교원 자격연수", "=cmd"],
        "본예산": [941.703, 127.65],
        "목표 인원": pd.array([16_082, None], dtype="Int64"),
        "집행률(%)": [33.04, None],
        "연도": pd.array([2024, 2024], dtype="Int64"),
        "쪽수": pd.array([21, None], dtype="Int64"),
        "기준일": [pd.Timestamp("2024-06-30"), None],
        labels.LINK: ["quarterly?year=2024&task=002-T01", None],
    }
)


def xlsx(df: pd.DataFrame, unit: str | None):
    data = export.to_xlsx_bytes(
        [("표", df, export.meta_block("전체 기관 · 2024년", unit, None, "002 · 예산현황"))], unit
    )
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def header_row(ws) -> int:
    return next(r for r in range(1, 20) if ws.cell(r, 1).value == "번호")


def test_csv_headers_carry_units_and_relative_links_are_left_out(monkeypatch):
    monkeypatch.delenv("DASHBOARD_BASE_URL", raising=False)
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(TABLE, "백만원").decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "번호",
        "사업명",
        "본예산 (백만원)",
        "목표 인원 (명)",
        "집행률(%)",
        "연도",
        "쪽수",
        "기준일",
    ]
    assert rows[0]["본예산 (백만원)"] == "941.703"  # the exact value; only the display is rounded
    assert rows[0]["기준일"] == "2024-06-30" and rows[1]["기준일"] == ""
    assert rows[1]["사업명"] == "'=cmd"


def test_links_become_absolute_where_the_dashboards_address_is_set(monkeypatch):
    monkeypatch.setenv("DASHBOARD_BASE_URL", "https://dash.example.go.kr/")
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(TABLE, "천원").decode("utf-8-sig"))))
    assert rows[0][labels.LINK] == "https://dash.example.go.kr/quarterly?year=2024&task=002-T01"


@pytest.mark.parametrize("unit, money_format", [("천원", "#,##0"), ("백만원", "#,##0"), ("억원", "#,##0.0")])
def test_excel_cells_are_numbers_with_the_screens_precision(unit, money_format):
    ws = xlsx(TABLE, unit)
    h = header_row(ws)
    header = [c.value for c in ws[h]]
    assert header[2] == f"본예산 ({unit})" and header[3] == "목표 인원 (명)"
    money, count, rate, year, page, date = (ws.cell(h + 1, c) for c in (3, 4, 5, 6, 7, 8))
    assert money.value == pytest.approx(941.703) and money.number_format.split(";")[0] == money_format
    assert count.value == 16_082 and count.number_format.startswith("#,##0")
    assert rate.number_format == "0.0"
    assert year.value == 2024 and year.number_format == "0"  # not 2,024
    assert page.value == 21 and page.number_format == "0"
    assert date.value == dt.datetime(2024, 6, 30) and date.number_format == "yyyy-mm-dd"
    assert ws.cell(h + 2, 8).value is None  # a missing 기준일 is blank, not '-'
    assert ws.cell(h + 1, 1).value == "1-1-1" and ws.cell(h + 1, 1).data_type == "s"  # a 번호 stays text


def test_excel_prints_on_a4_landscape_fitted_to_the_width_with_the_header_repeated():
    ws = xlsx(TABLE, "천원")
    h = header_row(ws)
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    # fitToWidth left out of the file means 1 (the OOXML default)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${h}:${h}"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.freeze_panes == f"A{h + 1}" and ws.auto_filter.ref.startswith(f"A{h}")


def test_excel_uses_malgun_gothic_and_says_when_a_sheet_is_empty():
    ws = xlsx(TABLE.iloc[0:0], "천원")
    h = header_row(ws)
    assert ws.cell(h + 1, 1).value == export.NO_DATA
    assert ws.cell(h, 1).font.name == export.FONT and ws.cell(h + 1, 1).font.name == export.FONT
    meta = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, h)}
    assert meta["기준일"] == "미상"  # not a literal '-


def test_yes_no_columns_read_as_words_not_checkboxes_or_true_false():
    df = pd.DataFrame({"연수대상": ["교원", "계"], "합계행": [False, True]})
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(df).decode("utf-8-sig"))))
    assert [r["합계행"] for r in rows] == ["", "예"]
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes([("t", df, {})]))).worksheets[0]
    assert [ws.cell(r, 2).value for r in (3, 4)] == [None, "예"]


def test_a_printed_number_stays_text_when_excel_opens_the_csv():
    """Excel reads '1-1-1' in a CSV as 2001-01-01 and '2-1' as 1 Feb; the CSV writes them as ="1-1-1", which
    Excel shows as the text 1-1-1. Anything else in the column is left as it is, escaped when it is a formula."""
    table = pd.DataFrame({"번호": ["1-1-1", "2-1", "①", "=1+1", "3", None], "사업명": ["a", "b", "c", "d", "e", "f"]})
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(table).decode("utf-8-sig"))))
    assert [r["번호"] for r in rows] == ['="1-1-1"', '="2-1"', "①", "'=1+1", "3", ""]
    # the same numbers in the Excel file are plain text cells
    ws = xlsx(table, None)
    top = header_row(ws)
    assert ws.cell(top + 1, 1).value == "1-1-1" and ws.cell(top + 1, 1).data_type == "s"
