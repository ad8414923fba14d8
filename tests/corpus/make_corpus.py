"""Regenerate the bad-input corpus in this folder: .venv/bin/python tests/corpus/make_corpus.py

Each file is a small export with one planted defect (or, for the ``accept_*`` files, text that
only *looks* dangerous and must be accepted). tests/test_corpus.py holds the expectation for
every file: the row, the column and what was expected. Rows are numbered as a spreadsheet shows
them (header = row 1). The file name starts with the target table so ``python -m core ingest``
knows where it goes; 'C01' is a made-up document that clashes with nothing shipped.

The one very large file (200k rows) is not stored here: test_corpus.py writes it at test time.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- base tables (all valid)

BUDGET_HEADER = ["문서", "출처 표·절", "쪽수", "인쇄 단위", "기준일", "기관", "부서", "회계연도", "항목 ID",
                 "상위 항목 ID", "구분", "번호", "사업명", "합계 행", "본예산", "예산현액·추경", "집행액(원인행위)",
                 "집행률(인쇄)", "비고"]


def budget_row(n: int, **over) -> list[str]:
    row = {"문서": "C01", "출처 표·절": "코퍼스 예산표", "쪽수": "7", "인쇄 단위": "천원", "기준일": "2024-06-30",
           "기관": "코퍼스교육청", "부서": "총무과", "회계연도": "2024", "항목 ID": f"C01-{n}", "상위 항목 ID": "",
           "구분": "세부사업", "번호": str(n), "사업명": f"코퍼스 사업 {n}", "합계 행": "0",
           "본예산": f"{n * 1000:,}", "예산현액·추경": f"{n * 1000:,}", "집행액(원인행위)": f"{n * 400:,}",
           "집행률(인쇄)": "40.0", "비고": ""}
    row.update(over)
    return [row[h] for h in BUDGET_HEADER]


def budget_rows(overrides: dict[int, dict] | None = None, n: int = 3) -> list[list[str]]:
    """n data rows (spreadsheet rows 2..n+1); overrides maps a spreadsheet row to changed cells."""
    overrides = overrides or {}
    return [budget_row(i, **overrides.get(i + 1, {})) for i in range(1, n + 1)]


QUARTER_HEADER = ["문서", "출처 표·절", "쪽수", "인쇄 단위", "기준일", "항목 ID", "회계연도", "분기", "금액", "구분"]


def quarter_rows(over: dict[int, dict] | None = None) -> list[list[str]]:
    over = over or {}
    rows = []
    for q in range(1, 5):
        r = {"문서": "C01", "출처 표·절": "코퍼스 분기표", "쪽수": "9", "인쇄 단위": "천원", "기준일": "2024-06-30",
             "항목 ID": "C01-Q", "회계연도": "2024", "분기": str(q), "금액": f"{q * 100:,}",
             "구분": "집행" if q <= 2 else "집행예정"}
        r.update(over.get(q + 1, {}))
        rows.append([r[h] for h in QUARTER_HEADER])
    return rows


CALL_HEADER = ["문서", "기관", "부서", "일자", "상담주제", "채널", "인입", "응답", "포기", "예시 데이터"]


def call_rows(over: dict[int, dict] | None = None, n: int = 3) -> list[list[str]]:
    over = over or {}
    rows = []
    for i in range(1, n + 1):
        r = {"문서": "C01", "기관": "코퍼스교육청", "부서": "민원과", "일자": f"2030-01-{i:02d}", "상담주제": "제증명",
             "채널": "전화", "인입": "100", "응답": "90", "포기": "10", "예시 데이터": "0"}
        r.update(over.get(i + 1, {}))
        rows.append([r[h] for h in CALL_HEADER])
    return rows


TARGET_HEADER = ["문서", "출처 표·절", "쪽수", "인쇄 단위", "기준일", "기관", "부서", "연도", "과제 ID", "세부사업명",
                 "추진시기", "목표 과정 수", "목표 인원", "연수 구분"]


def target_rows(over: dict[int, dict] | None = None) -> list[list[str]]:
    over = over or {}
    rows = []
    for i in range(1, 4):
        r = {"문서": "C01", "출처 표·절": "코퍼스 목표표", "쪽수": "11", "인쇄 단위": "명", "기준일": "2024-06-30",
             "기관": "코퍼스교육청", "부서": "연수과", "연도": "2024", "과제 ID": "C01-T", "세부사업명": f"연수 {i}",
             "추진시기": "3~6월", "목표 과정 수": "2", "목표 인원": "100", "연수 구분": "초등"}
        r.update(over.get(i + 1, {}))
        rows.append([r[h] for h in TARGET_HEADER])
    return rows


INDICATOR_HEADER = ["문서", "출처 표·절", "쪽수", "인쇄 단위", "기준일", "기관", "부서", "연도", "지표", "구분", "값"]


def indicator_rows(over: dict[int, dict] | None = None) -> list[list[str]]:
    over = over or {}
    rows = []
    for i in range(1, 4):
        r = {"문서": "C01", "출처 표·절": "코퍼스 지표", "쪽수": "2", "인쇄 단위": "건", "기준일": "2024-06-30",
             "기관": "코퍼스교육청", "부서": "민원과", "연도": "2024", "지표": f"지표 {i}", "구분": "실적",
             "값": f"{i * 10}"}
        r.update(over.get(i + 1, {}))
        rows.append([r[h] for h in INDICATOR_HEADER])
    return rows


HEADCOUNT_HEADER = ["문서", "출처 표·절", "쪽수", "인쇄 단위", "기준일", "기관", "부서", "직종", "직급", "정원", "현원",
                    "합계 행"]

OVERVIEW_HEADER = ["문서", "출처 표·절", "쪽수", "인쇄 단위", "기준일", "연도", "연수대상", "연수종별", "운영과정", "이수인원",
                   "합계 행"]

RESULT_HEADER = ["문서", "출처 표·절", "쪽수", "인쇄 단위", "기준일", "기관", "부서", "연도", "과제 ID", "계획·실적",
                 "세부사업", "연수 구분", "과정명", "과정 수", "인원"]


def result_rows(over: dict[int, dict] | None = None) -> list[list[str]]:
    over = over or {}
    rows = []
    for i in range(1, 4):
        r = {"문서": "C01", "출처 표·절": "코퍼스 실적", "쪽수": "12", "인쇄 단위": "명", "기준일": "2024-06-30",
             "기관": "코퍼스교육청", "부서": "연수과", "연도": "2024", "과제 ID": "C01-T", "계획·실적": "실적",
             "세부사업": "연수 1", "연수 구분": "초등", "과정명": f"과정 {i}", "과정 수": "1", "인원": "30"}
        r.update(over.get(i + 1, {}))
        rows.append([r[h] for h in RESULT_HEADER])
    return rows


# ---------------------------------------------------------------- writers

def csv_text(header: list[str], rows: list[list[str]], quoting: int = csv.QUOTE_MINIMAL) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n", quoting=quoting)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def put(name: str, data: bytes | str) -> None:
    (HERE / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


@dataclass
class Formula:
    """A formula cell; ``value`` is what it shows (xlsxwriter saves 0 when it is None)."""

    text: str
    value: object = None


def xlsx_bytes(header: list[str], rows: list[list], hidden_sheet: tuple[str, list[list]] | None = None) -> bytes:
    """An .xlsx written with xlsxwriter; every value is written as given (strings stay strings).

    With ``hidden_sheet`` (name, rows) a hidden sheet of other rows comes first."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False})
    wb.set_properties({"created": dt.datetime(2024, 1, 1)})  # the same bytes every time the corpus is made
    if hidden_sheet:
        write_sheet(wb.add_worksheet(hidden_sheet[0]), header, hidden_sheet[1])
        wb.worksheets()[0].hide()
    ws = wb.add_worksheet("예산" if hidden_sheet else "Sheet1")
    ws.activate()
    write_sheet(ws, header, rows)
    wb.close()
    return buf.getvalue()


def write_sheet(ws, header: list[str], rows: list[list]) -> None:
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, Formula):
                ws.write_formula(r, c, v.text, None, *([] if v.value is None else [v.value]))
            elif isinstance(v, str):
                if v:
                    ws.write_string(r, c, v)
            else:
                ws.write(r, c, v)


def rezip(data: bytes, change=lambda name, member: member, add: dict[str, bytes | str] | None = None) -> bytes:
    """A workbook's members passed through change(name, bytes), then the members in ``add``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        members = [(n, change(n, src.read(n))) for n in src.namelist()] + list((add or {}).items())
        for name, member in members:
            dst.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), member, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def as_excel_saves(name: str, member: bytes) -> bytes:
    """Excel saves the values it computed and does not ask to recalculate on opening, as xlsxwriter does."""
    return member.replace(b' fullCalcOnLoad="1"', b"") if name == "xl/workbook.xml" else member


def typed_budget_rows(overrides: dict[int, dict] | None = None) -> list[list]:
    """Budget rows with numbers as numbers (as Excel would hold them)."""
    rows = []
    for row in budget_rows(overrides):
        typed = []
        for h, v in zip(BUDGET_HEADER, row):
            if not isinstance(v, str):
                typed.append(v)
            elif h in ("쪽수", "회계연도", "합계 행") and v.isdigit():
                typed.append(int(v))
            elif h in ("본예산", "예산현액·추경", "집행액(원인행위)") and v.replace(",", "").isdigit():
                typed.append(int(v.replace(",", "")))
            elif h == "집행률(인쇄)":
                try:
                    typed.append(float(v))
                except ValueError:
                    typed.append(v)
            else:
                typed.append(v)
        rows.append(typed)
    return rows


def without(header: list[str], rows: list[list[str]], label: str) -> tuple[list[str], list[list[str]]]:
    i = header.index(label)
    return header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows]


# ---------------------------------------------------------------- the corpus

def main() -> None:  # noqa: PLR0915 - one file per statement reads best here
    for old in HERE.iterdir():
        if old.suffix in (".csv", ".xlsx", ".xlsm", ".tsv", ".txt", ".json", ".pdf", ".xls"):
            old.unlink()
    good = csv_text(BUDGET_HEADER, budget_rows())
    lines = good.splitlines(keepends=True)

    # --- encodings
    put("budget_line_enc_mixed_utf8_cp949.csv",
        "".join(lines[:3]).encode("utf-8") + lines[3].encode("cp949"))  # row 4 pasted from a CP949 file
    put("budget_line_enc_mixed_cp949_utf8.csv",
        "".join(lines[:2]).encode("cp949") + lines[2].encode("utf-8") + lines[3].encode("cp949"))  # row 3 in UTF-8
    put("budget_line_enc_bom_then_cp949.csv",
        b"\xef\xbb\xbf" + "".join(lines[:2]).encode("utf-8") + lines[2].encode("cp949") + lines[3].encode("utf-8"))
    # UTF-16 without a byte-order mark: the byte order is a guess, so it is refused (with the BOM, as Excel's
    # "Unicode text" saves it, the file is read: tests/test_export_shapes.py)
    put("budget_line_enc_utf16_no_bom.csv", good.encode("utf-16-le"))
    put("budget_line_enc_invalid_bytes.csv",
        "".join(lines[:2]).encode("utf-8") + b"C01,\xff\xfe\xff\xfe\xff," + lines[2].split(",", 2)[2].encode("utf-8"))

    # --- columns
    h, r = without(BUDGET_HEADER, budget_rows(), "사업명")
    put("budget_line_col_missing_name.csv", csv_text(h, r))
    h, r = without(BUDGET_HEADER, budget_rows(), "인쇄 단위")
    put("budget_line_col_missing_unit.csv", csv_text(h, r))
    put("budget_line_col_extra_unknown.csv",
        csv_text(BUDGET_HEADER + ["담당자 메모"], [row + ["메모"] for row in budget_rows()]))
    put("budget_line_col_renamed.csv",
        csv_text([("사업 이름표" if x == "사업명" else x) for x in BUDGET_HEADER], budget_rows()))
    put("budget_line_col_duplicated.csv",
        csv_text(BUDGET_HEADER + ["본예산"], [row + [row[BUDGET_HEADER.index("본예산")]] for row in budget_rows()]))
    put("budget_line_col_duplicated_alias.csv",
        csv_text(BUDGET_HEADER + ["budget_original"],
                 [row + [row[BUDGET_HEADER.index("본예산")]] for row in budget_rows()]))
    put("budget_line_col_no_header.csv", "".join(lines[1:]))  # the header row was lost
    put("export_unknown_table.csv", "가나,다라,마바\n1,2,3\n")  # neither the name nor the columns say which table
    rows = budget_rows()
    rows[1] = rows[1] + ["남는 값"]
    put("budget_line_row_extra_values.csv", csv_text(BUDGET_HEADER, rows))  # row 3 has one value too many
    rows = budget_rows()
    rows[2] = rows[2][:3]
    put("budget_line_row_short.csv", csv_text(BUDGET_HEADER, rows))  # row 4 stops after 쪽수: 인쇄 단위 is required

    # --- wrong types and values
    put("budget_line_text_in_amount.csv", csv_text(BUDGET_HEADER, budget_rows({3: {"본예산": "약 천만원"}})))
    put("budget_line_amount_below_won.csv",
        csv_text(BUDGET_HEADER, budget_rows({2: {"인쇄 단위": "원", "본예산": "1,234.5", "예산현액·추경": "1,234",
                                                  "집행액(원인행위)": "", "집행률(인쇄)": ""}})))
    put("budget_line_amount_in_persons.csv", csv_text(BUDGET_HEADER, budget_rows({4: {"인쇄 단위": "명"}})))
    put("budget_line_amount_overflow.csv",
        csv_text(BUDGET_HEADER, budget_rows({3: {"본예산": "9,999,999,999,999", "예산현액·추경": "",
                                                  "집행액(원인행위)": "", "집행률(인쇄)": ""}})))
    put("budget_line_amount_formula.csv",
        csv_text(BUDGET_HEADER, budget_rows({2: {"본예산": "=SUM(O3:O4)"}})))  # a formula in a numeric column
    put("budget_line_page_sql.csv",
        csv_text(BUDGET_HEADER, budget_rows({3: {"쪽수": "1; DROP TABLE budget_line; --"}})))  # SQL in a number
    put("budget_line_page_negative.csv", csv_text(BUDGET_HEADER, budget_rows({2: {"쪽수": "-3"}})))
    put("budget_line_page_fraction.csv", csv_text(BUDGET_HEADER, budget_rows({4: {"쪽수": "3.5"}})))
    put("budget_line_date_impossible.csv", csv_text(BUDGET_HEADER, budget_rows({3: {"기준일": "2024-02-30"}})))
    put("budget_line_date_text.csv", csv_text(BUDGET_HEADER, budget_rows({2: {"기준일": "작년 6월 말"}})))
    put("budget_line_year_two_digits.csv", csv_text(BUDGET_HEADER, budget_rows({4: {"회계연도": "24"}})))
    put("budget_line_year_out_of_range.csv", csv_text(BUDGET_HEADER, budget_rows({2: {"회계연도": "1850"}})))
    put("budget_line_bool_garbage.csv", csv_text(BUDGET_HEADER, budget_rows({3: {"합계 행": "아마도"}})))
    put("budget_line_rate_out_of_range.csv", csv_text(BUDGET_HEADER, budget_rows({2: {"집행률(인쇄)": "5,000%"}})))
    put("budget_line_rate_text.csv", csv_text(BUDGET_HEADER, budget_rows({4: {"집행률(인쇄)": "높음"}})))
    put("budget_line_required_blank.csv", csv_text(BUDGET_HEADER, budget_rows({3: {"항목 ID": ""}})))
    put("budget_line_long_cell.csv", csv_text(BUDGET_HEADER, budget_rows({2: {"비고": "가" * 2500}})))
    put("budget_line_control_char.csv", csv_text(BUDGET_HEADER, budget_rows({3: {"사업명": "벨\x07소리 사업"}})))
    # A bare CR (not quoted) ends the row, as in Excel: row 4 is cut after 사업명, its rest becomes row 5.
    put("budget_line_stray_cr.csv", csv_text(BUDGET_HEADER, budget_rows({4: {"사업명": "줄\r바꿈 사업"}})))
    put("budget_line_quoted_cr.csv",
        csv_text(BUDGET_HEADER, budget_rows({4: {"사업명": "줄\r바꿈 사업"}}), quoting=csv.QUOTE_ALL))

    put("quarterly_execution_quarter_5.csv", csv_text(QUARTER_HEADER, quarter_rows({5: {"분기": "5"}})))
    put("quarterly_execution_bad_status.csv", csv_text(QUARTER_HEADER, quarter_rows({3: {"구분": "완료"}})))
    put("quarterly_execution_missing_status.csv", csv_text(*without(QUARTER_HEADER, quarter_rows(), "구분")))
    put("call_center_daily_negative_calls.csv", csv_text(CALL_HEADER, call_rows({3: {"인입": "-5"}})))
    put("call_center_daily_unit_in_count.csv", csv_text(CALL_HEADER, call_rows({4: {"응답": "90호"}})))
    put("call_center_daily_missing_sample_flag.csv", csv_text(*without(CALL_HEADER, call_rows(), "예시 데이터")))
    put("call_center_daily_duplicate_key.csv",
        csv_text(CALL_HEADER, call_rows({3: {"일자": "2030-01-01"}})))  # row 3 repeats row 2's day
    put("training_target_infinity.csv", csv_text(TARGET_HEADER, target_rows({3: {"목표 인원": "Infinity"}})))
    put("training_target_negative.csv", csv_text(TARGET_HEADER, target_rows({4: {"목표 과정 수": "-2"}})))
    put("training_result_bad_kind.csv", csv_text(RESULT_HEADER, result_rows({2: {"계획·실적": "예정"}})))
    put("indicator_value_blank.csv", csv_text(INDICATOR_HEADER, indicator_rows({3: {"값": "-"}})))
    put("indicator_bad_kind.csv", csv_text(INDICATOR_HEADER, indicator_rows({4: {"구분": "추정"}})))

    # --- keys and totals
    put("budget_line_duplicate_key.csv", csv_text(BUDGET_HEADER, budget_rows({4: {"항목 ID": "C01-2"}})))
    clash = budget_rows()
    clash[0] = budget_row(1, **{"문서": "000", "출처 표·절": "2018년 본예산 사업별 내역", "항목 ID": "000-S01",
                                "회계연도": "2018", "기준일": "2018-07-09"})
    put("budget_line_key_already_loaded.csv", csv_text(BUDGET_HEADER, clash))
    rows = budget_rows() + [budget_row(9, **{"항목 ID": "C01-T", "구분": "합계", "번호": "", "사업명": "계",
                                             "합계 행": "1", "본예산": "6,500", "예산현액·추경": "6,000",
                                             "집행액(원인행위)": "2,400", "집행률(인쇄)": "40.0"})]
    put("budget_line_total_mismatch.csv", csv_text(BUDGET_HEADER, rows))  # row 5: 6,500 printed, parts 6,000
    put("budget_line_rate_mismatch.csv",
        csv_text(BUDGET_HEADER, budget_rows({3: {"집행률(인쇄)": "55.0"}})))  # 800 / 2,000 is 40.0%, not 55.0
    put("headcount_total_mismatch.csv", csv_text(HEADCOUNT_HEADER, [
        ["C01", "코퍼스 정현원", "4", "명", "2024-06-30", "코퍼스교육청", "총무과", "일반직", "5급", "3", "3", "0"],
        ["C01", "코퍼스 정현원", "4", "명", "2024-06-30", "코퍼스교육청", "총무과", "일반직", "6급", "7", "6", "0"],
        ["C01", "코퍼스 정현원", "4", "명", "2024-06-30", "코퍼스교육청", "총무과", "", "계", "11", "9", "1"],
    ]))

    put("training_overview_total_mismatch.csv", csv_text(OVERVIEW_HEADER, [  # row 4: 55 courses printed, parts 50
        ["C01", "코퍼스 연수 현황", "", "과정/명", "2024-01-10", "2023", "교원", "자격연수", "20", "2,148", "0"],
        ["C01", "코퍼스 연수 현황", "", "과정/명", "2024-01-10", "2023", "교원", "직무연수", "30", "1,000", "0"],
        ["C01", "코퍼스 연수 현황", "", "과정/명", "2024-01-10", "2023", "계", "", "55", "3,148", "1"],
    ]))

    # --- structure
    put("budget_line_empty.csv", b"")
    put("budget_line_blank_lines.csv", "\n \n\t\n")
    put("budget_line_header_only.csv", csv_text(BUDGET_HEADER, []))
    put("budget_line_unclosed_quote.csv", "".join(lines[:2]) + lines[2].replace("코퍼스 사업 2", '"코퍼스 사업 2'))
    # A quote opened in row 2's last cell and never closed: every later line would end up inside that cell.
    plain = [[c.replace(",", "") for c in r] for r in budget_rows(n=4)]
    tail = csv_text(BUDGET_HEADER, plain).splitlines(keepends=True)
    put("budget_line_unclosed_quote_eof.csv", tail[0] + tail[1].rstrip("\n") + '"메모 시작\n' + "".join(tail[2:]))
    put("budget_line_binary.csv", bytes(range(256)) * 8)
    put("budget_line_random_high_bytes.csv", bytes((i * 97 + 131) % 128 + 128 for i in range(2048)))
    full = xlsx_bytes(BUDGET_HEADER, typed_budget_rows())
    put("budget_line_truncated.xlsx", full[: len(full) // 2])
    put("budget_line_csv_named_xlsx.xlsx", good)
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr(zipfile.ZipInfo("hello.txt", (1980, 1, 1, 0, 0, 0)), "not a workbook")
    put("budget_line_zip_not_workbook.xlsx", zbuf.getvalue())
    put("budget_line_text_amount.xlsx", xlsx_bytes(BUDGET_HEADER, typed_budget_rows({3: {"본예산": "천만원 정도"}})))
    put("budget_line_wrong_format.json", '{"budget_line": []}\n')

    # --- numbers that could be read two ways (refused, never guessed)
    for name, amount in (
        ("european_grouping", "1.234"),
        ("misplaced_commas", "1,2,3,4"),
        ("decimal_comma", "1234,5"),
        ("scientific", "1.23457E+11"),
        ("double_negative", "△-500"),
        ("negative_in_parentheses_twice", "△(500)"),
        ("percent_in_money", "50%"),
        ("underscore_in_digits", "1_000"),
        ("arabic_indic_digits", "١٢٣٤"),
        ("devanagari_digits", "१२३४"),
        ("triangle_undeclared", "▲500"),
    ):
        put(f"budget_line_num_{name}.csv", csv_text(BUDGET_HEADER, budget_rows({3: {"본예산": amount}})))
    put("budget_line_date_year_9999.csv", csv_text(BUDGET_HEADER, budget_rows({2: {"기준일": "9999-12-31"}})))
    put("budget_line_date_year_1.csv", csv_text(BUDGET_HEADER, budget_rows({4: {"기준일": "0001-01-01"}})))

    # --- text that looks like other text
    put("budget_line_text_zero_width_key.csv", csv_text(BUDGET_HEADER, budget_rows({3: {"항목 ID": "C01-1\u200b"}})))
    put("budget_line_text_bom_in_row.csv", csv_text(BUDGET_HEADER, budget_rows({4: {"사업명": "\ufeff코퍼스 사업"}})))
    put("budget_line_text_bidi_override.csv", csv_text(BUDGET_HEADER, budget_rows({2: {"사업명": "사업\u202e7102"}})))
    put("budget_line_text_lookalike_agency.csv", csv_text(BUDGET_HEADER, budget_rows({
        i: {"문서": "002", "기관": "서울특별시교육청 교육연수원", "항목 ID": f"002-C{i}"} for i in (2, 3, 4)
    })))

    # --- files that disagree with what is loaded
    put("budget_line_doc_unknown.csv", csv_text(BUDGET_HEADER, budget_rows({i: {"문서": "Q99"} for i in (2, 3, 4)})))
    put("budget_line_doc_leading_zeros.csv", csv_text(BUDGET_HEADER, budget_rows({
        i: {"문서": "2", "항목 ID": f"2-C{i}"} for i in (2, 3, 4)
    })))
    put("quarterly_execution_unknown_item.csv", csv_text(QUARTER_HEADER, quarter_rows()))
    put("budget_line_total_broken_by_new_item.csv", csv_text(BUDGET_HEADER, [budget_row(
        1, **{"문서": "002", "출처 표·절": "예산현황", "기관": "서울특별시교육청교육연수원", "항목 ID": "002-D-NEW"}
    )]))
    put("call_center_daily_answered_above_inbound.csv", csv_text(CALL_HEADER, call_rows({3: {"응답": "120", "포기": "0"}})))
    satisfaction_header = [*CALL_HEADER, "만족도 응답 수", "만족도 점수 합"]
    put("call_center_daily_satisfaction_above_scale.csv", csv_text(satisfaction_header, [
        [*row, "10", "60" if i == 1 else "40"] for i, row in enumerate(call_rows())
    ]))
    # --- XLSX surprises: what the user saw in Excel is not what the file holds
    old = [[c.replace("C01", "C09") if isinstance(c, str) else c for c in row] for row in typed_budget_rows()]
    hidden = xlsx_bytes(BUDGET_HEADER, typed_budget_rows(), hidden_sheet=("옛 자료", old))
    put("budget_line_xlsx_active_sheet_hidden.xlsx",  # saved while the hidden sheet was the active one
        rezip(hidden, lambda n, m: m.replace(b' activeTab="1"', b"") if n == "xl/workbook.xml" else m))
    computed = xlsx_bytes(BUDGET_HEADER, typed_budget_rows({3: {"본예산": Formula("=P3", 2000)}}))
    put("budget_line_xlsx_formula_no_value.xlsx",  # row 3's 본예산 is a formula whose value was never saved
        rezip(computed, lambda n, m: re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", as_excel_saves(n, m))))
    put("budget_line_xlsx_formula_not_calculated.xlsx",  # as a writing library saves it: 0, "recalculate on open"
        xlsx_bytes(BUDGET_HEADER, typed_budget_rows({3: {"본예산": Formula("=P3")}})))
    linked = xlsx_bytes(BUDGET_HEADER, typed_budget_rows({3: {"본예산": Formula("=[1]Sheet1!O3", 2000)}}))
    put("budget_line_xlsx_external_link.xlsx", rezip(linked, lambda n, m: as_excel_saves(n, m).replace(
        b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                     b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>'), add={
        "xl/externalLinks/externalLink1.xml":
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships"><externalBook r:id="rId1"><sheetNames>'
            '<sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>',
        "xl/externalLinks/_rels/externalLink1.xml.rels":
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
            'Target="file:///C:/예산/2023_결산.xlsx" TargetMode="External"/></Relationships>',
    }))
    plain = xlsx_bytes(BUDGET_HEADER, typed_budget_rows())
    put("budget_line_xlsx_macro.xlsx", rezip(plain, lambda n, m: m.replace(  # a VBA project, named .xlsx
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'),
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)}))
    put("budget_line_xlsx_macro_named.xlsm", plain)

    # --- text that only looks dangerous: accepted as text, neutralised on export
    put("accept_budget_line_formula_text.csv", csv_text(BUDGET_HEADER, budget_rows({
        2: {"사업명": '=HYPERLINK("http://x","y")', "비고": "=1+1"},
        3: {"사업명": "+1+1", "비고": "@SUM(A1)"},
        4: {"사업명": "-2+3", "비고": "-cmd|' /C calc'!A0"},
    })))
    put("accept_budget_line_sql_text.csv", csv_text(BUDGET_HEADER, budget_rows({
        2: {"사업명": "'; DROP TABLE budget_line; --"},
        3: {"사업명": "Robert'); DROP TABLE students;--", "부서": "x' OR '1'='1"},
        4: {"사업명": "1 UNION SELECT * FROM build_info", "비고": "\"; DELETE FROM org_tree; --"},
    })))
    put("accept_budget_line_formula_text.xlsx", xlsx_bytes(BUDGET_HEADER, typed_budget_rows({
        2: {"사업명": "=CMD|' /C calc'!A0"},
        3: {"사업명": "@SUM(1+1)*cmd"},
    })))


if __name__ == "__main__":
    main()
