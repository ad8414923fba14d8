"""Ingesting exported CSV/XLSX files: good files land as typed Parquet, bad ones are refused.

Every refusal must say which file, which row, which column and what was expected,
and must leave every existing extract byte-for-byte as it was. Existing data is a
copy of the shipped extracts in a tmp folder; nothing is written under datasets/.
The fixtures are described in tests/fixtures/make_fixtures.py.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import describe_test_documents, extracts_for_ingest, ingest_refused, tree_digest

from core.pipeline.build import build
from core.pipeline.ingest import ingest_files

PROJECT = Path(__file__).resolve().parents[1]
SHIPPED_EXTRACTS = PROJECT / "datasets" / "extracts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

MONEY_COLUMNS = ("budget_original", "budget_special", "budget_current", "prior_final", "committed", "spent")

# What budget_line_valid.csv holds, column by column, once parsed (money in 원).
EXPECTED_VALID = {
    "item_id": ["T01-1", "T01-2", "T01-3", "T01-T"],
    "name": ["가 사업", "나 사업", "다 사업", "계"],
    "agency": ["테스트교육청"] * 4,
    "fiscal_year": [2024] * 4,
    "page": [3] * 4,
    "as_of": [dt.date(2024, 6, 30)] * 4,
    "is_total": [False, False, False, True],
    "non_budget": [False, False, True, False],
    "budget_original": [1_234_000, 2_000_000, None, 3_234_000],
    "budget_special": [-100_000, None, None, -100_000],
    "budget_current": [1_134_000, 2_000_000, None, 3_134_000],
    "prior_final": [None, 1_500_000, None, 1_500_000],
    "committed": [567_000, 500_000, None, 1_067_000],
    "spent": [None, 250_000, None, 250_000],
    "rate_committed_printed": [50.0, 25.0, None, 34.0],
    "rate_spent_printed": [None, 12.5, None, 8.0],
    "note": [None, None, "비예산 항목", None],
}


# ---------------------------------------------------------------- helpers


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped extracts: the 'existing data' every failed ingest must leave alone."""
    return extracts_for_ingest(tmp_path / "data" / "extracts")


def fixture(name: str, tmp_path: Path) -> Path:
    """Copy a fixture next to the test so its file name is what the messages must show."""
    dest = tmp_path / "in" / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / name, dest)
    return dest


refused = ingest_refused


def read_extract(path: Path) -> dict[str, list]:
    return pq.read_table(path).to_pydict()


def run_cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data_dir), PYTHONIOENCODING="utf-8")
    env.pop("DASHBOARD_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )


def assert_valid_values(path: Path, skip: tuple[str, ...] = ()) -> None:
    got = read_extract(path)
    for col, expected in EXPECTED_VALID.items():
        if col in skip:
            continue
        assert got[col] == expected, f"{path.name}: column {col}"


# ---------------------------------------------------------------- files that must be refused

# fixture, then the fragments the message must contain: row, column, what was expected (and what was found).
BAD_FILES = [
    pytest.param("budget_line_mixed_encoding.csv", ["3행", "인코딩", "기대: UTF-8 또는 CP949"], id="mixed-encodings"),
    pytest.param(
        "budget_line_missing_column.csv",
        ["1행", "필수 열 '사업명'(name)", "기대: 열 이름 '사업명' 또는 'name'"],
        id="missing-required-column",
    ),
    pytest.param(
        "budget_line_unknown_column.csv",
        ["1행, X열 '담당자 메모'", "알 수 없는 열", "기대: budget_line 표의 열"],
        id="unknown-extra-column",
    ),
    pytest.param(
        "budget_line_duplicate_column.csv", ["1행, X열 '본예산'", "두 번", "기대: 열마다 한 번"], id="duplicated-column"
    ),
    pytest.param(
        "budget_line_text_amount.csv", ["2행, '본예산'열", "기대: 금액 숫자", "'약 천만원'"], id="text-in-amount"
    ),
    pytest.param(
        "budget_line_rate_out_of_range.csv",
        ["2행, '집행률(인쇄)'열", "기대: -1,000 이상 1,000 이하", "5,000"],
        id="rate-out-of-range",
    ),
    pytest.param(
        "budget_line_duplicate_key.csv",
        ["4행, 키 열(doc_id, source_section, item_id, fiscal_year)", "3행과 같은 키", "T01-2", "기대: 키마다 한 행"],
        id="duplicate-key-in-file",
    ),
    pytest.param(
        "budget_line_bad_total.csv",
        [
            "5행, '본예산'열",
            "합계 불일치",
            "3,300",
            "3,234",
            "기대: 합계가 부분의 합과 같음",
            "--accept-total-differences",
        ],
        id="total-does-not-add-up",
    ),
    pytest.param("budget_line_empty.csv", ["빈 파일", "기대: 첫 행에 열 이름"], id="empty-file"),
    pytest.param("budget_line_header_only.csv", ["데이터 행이 없습니다", "기대: 2행부터 데이터"], id="header-only"),
    pytest.param("budget_line_binary.csv", ["1행", "바이너리", "기대: CSV 텍스트 또는 XLSX"], id="binary-garbage"),
    pytest.param(
        "budget_line_long_cell.csv",
        ["2행, '사업명'열", "기대: 2000자 이하의 텍스트", "2,500자"],
        id="cell-over-2000-chars",
    ),
    pytest.param(
        "budget_line_wrong_unit.csv",
        ["2행, '본예산'열", "기대: 금액의 단위가 원·천원·백만원·억원 중 하나", "'명'"],
        id="money-in-명",
    ),
]


@pytest.mark.parametrize("name, fragments", BAD_FILES)
def test_bad_file_is_refused_with_a_precise_message(name, fragments, root, tmp_path):
    path = fixture(name, tmp_path)
    message = refused([path], root)
    assert name in message, f"message does not name the file:\n{message}"
    for fragment in fragments:
        assert fragment in message, f"missing {fragment!r} in:\n{message}"


@pytest.mark.parametrize("name, fragments", BAD_FILES)
def test_cli_ingest_of_bad_file_exits_non_zero_and_changes_nothing(name, fragments, root, tmp_path):
    path = fixture(name, tmp_path)
    data_dir = root.parent
    before = tree_digest(data_dir)
    result = run_cli(["ingest", str(path)], data_dir)
    assert result.returncode != 0
    assert "적재 실패" in result.stderr
    assert name in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    # Neither the extracts nor a database file were written.
    assert tree_digest(data_dir) == before


def test_total_difference_is_kept_when_accepted(root, tmp_path):
    path = fixture("budget_line_bad_total.csv", tmp_path)
    before = tree_digest(root)
    written = ingest_files([path], root=root, accept_total_differences=True)
    assert written == [root / "budget_line" / "budget_line_bad_total.parquet"]
    got = read_extract(written[0])
    # The printed (wrong) total is stored as printed, not corrected.
    assert got["budget_original"][3] == 3_300_000
    assert {k: v for k, v in tree_digest(root).items() if k in before} == before


def test_cli_accepts_total_difference_with_flag(root, tmp_path):
    path = fixture("budget_line_bad_total.csv", tmp_path)
    result = run_cli(["ingest", str(path), "--accept-total-differences", "--no-build"], root.parent)
    assert result.returncode == 0, result.stderr
    assert (root / "budget_line" / "budget_line_bad_total.parquet").exists()


# ---------------------------------------------------------------- files that must be accepted


def test_valid_utf8_file_is_ingested_with_exact_values(root, tmp_path):
    path = fixture("budget_line_valid.csv", tmp_path)
    before = tree_digest(root)
    written = ingest_files([path], root=root)
    target = root / "budget_line" / "budget_line_valid.parquet"
    assert written == [target]
    assert_valid_values(target)
    # Existing extracts untouched; only the new batch was added, with no temp files left.
    after = tree_digest(root)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"budget_line/budget_line_valid.parquet"}
    assert read_extract(target)["batch"] == ["budget_line_valid"] * 4


def test_money_is_stored_as_int64_won(root, tmp_path):
    written = ingest_files([fixture("budget_line_valid.csv", tmp_path)], root=root)
    schema = pq.read_schema(written[0])
    for col in MONEY_COLUMNS:
        assert str(schema.field(col).type) == "int64", col
    assert str(schema.field("rate_committed_printed").type) == "double"


def test_cp949_file_with_korean_headers_is_ingested(root, tmp_path):
    written = ingest_files([fixture("budget_line_cp949.csv", tmp_path)], root=root)
    # Same values as the UTF-8 file: Korean headers matched, Korean text decoded.
    assert_valid_values(written[0])
    assert read_extract(written[0])["source_section"] == ["시험 예산표"] * 4


def test_utf8_with_bom_is_ingested(root, tmp_path):
    written = ingest_files([fixture("budget_line_bom.csv", tmp_path)], root=root)
    # The BOM must not stick to the first header ('문서' -> doc_id).
    assert read_extract(written[0])["doc_id"] == ["T01"] * 4
    assert_valid_values(written[0])


def test_korean_cell_conventions(root, tmp_path):
    got = read_extract(ingest_files([fixture("budget_line_valid.csv", tmp_path)], root=root)[0])
    # '△100' 천원 is minus 100,000 원.
    assert got["budget_special"][0] == -100_000
    # '-' (전년 최종예산), '_' (지출액), '—' (지출률) and a blank cell (특교 등, row 3) are no value.
    assert got["prior_final"][0] is None
    assert got["spent"][0] is None
    assert got["rate_spent_printed"][0] is None
    assert got["budget_special"][1] is None
    # '%' after a rate is dropped.
    assert got["rate_committed_printed"][0] == 50.0
    assert got["rate_spent_printed"][1] == 12.5
    # '비예산' instead of an amount: no amount, flagged non_budget.
    assert got["budget_original"][2] is None
    assert got["non_budget"] == [False, False, True, False]


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "예산"
    _fill_budget(wb.active)
    wb.save(path)
    return path


def _fill_budget(ws, doc: str = "X01") -> None:
    """Three budget rows of document ``doc`` (items {doc}-1, {doc}-2, {doc}-T) as an Excel user types them."""
    ws.append(
        [
            "문서",
            "출처 표·절",
            "인쇄 단위",
            "기준일",
            "기관",
            "부서",
            "회계연도",
            "항목 ID",
            "구분",
            "사업명",
            "합계 행",
            "본예산",
            "예산현액",
            "집행액",
            "집행률",
        ]
    )
    ws.append(
        [
            doc,
            "엑셀 예산표",
            "백만원",
            dt.date(2024, 6, 30),
            "테스트교육청",
            "총무과",
            2024,
            f"{doc}-1",
            "세부사업",
            "가 사업",
            0,
            1234,
            "1,234",
            617,
            "50%",
        ]
    )
    ws.append(
        [
            doc,
            "엑셀 예산표",
            "백만원",
            dt.datetime(2024, 6, 30),
            "테스트교육청",
            "총무과",
            2024,
            f"{doc}-2",
            "세부사업",
            "나 사업",
            0,
            "△10",
            2000.5,
            None,
            None,
        ]
    )
    ws.append(
        [
            doc,
            "엑셀 예산표",
            "백만원",
            "2024-06-30",
            "테스트교육청",
            "총무과",
            2024,
            f"{doc}-T",
            "합계",
            "계",
            1,
            1224,
            3234.5,
            617,
            19.1,
        ]
    )


def test_valid_xlsx_with_korean_headers(root, tmp_path):
    path = _workbook(tmp_path / "budget_line_excel.xlsx")
    written = ingest_files([path], root=root)
    got = read_extract(written[0])
    assert got["item_id"] == ["X01-1", "X01-2", "X01-T"]
    # 백만원 figures become exact integers in 원, whether the cell held a number or text.
    assert got["budget_original"] == [1_234_000_000, -10_000_000, 1_224_000_000]
    assert got["budget_current"] == [1_234_000_000, 2_000_500_000, 3_234_500_000]
    assert got["committed"] == [617_000_000, None, 617_000_000]
    assert got["rate_committed_printed"] == [50.0, None, 19.1]
    assert got["as_of"] == [dt.date(2024, 6, 30)] * 3
    assert got["is_total"] == [False, False, True]
    assert str(pq.read_schema(written[0]).field("budget_original").type) == "int64"


def test_truncated_xlsx_is_refused(root, tmp_path):
    whole = _workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "budget_line_truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    message = refused([path], root)
    assert "budget_line_truncated.xlsx" in message
    assert "손상되었거나 잘렸습니다" in message
    assert "기대: Excel에서 다시 저장한 온전한 .xlsx" in message


def test_binary_garbage_named_xlsx_is_refused(root, tmp_path):
    path = tmp_path / "budget_line_garbage.xlsx"
    path.write_bytes(bytes(range(256)) * 16)
    message = refused([path], root)
    assert "budget_line_garbage.xlsx" in message
    assert "기대" in message


def test_xlsx_with_cut_off_sheet_xml_is_refused(root, tmp_path):
    whole = _workbook(tmp_path / "whole.xlsx")
    path = tmp_path / "budget_line_cut_sheet.xlsx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.endswith("worksheets/sheet1.xml"):
                data = data[: len(data) // 2]
            dst.writestr(name, data)
    message = refused([path], root)
    assert "budget_line_cut_sheet.xlsx" in message


# ---------------------------------------------------------------- XLSX: every row, the sheet the user saw


def _rewrite_members(src: Path, dst: Path, change=lambda name, data: data, add: dict | None = None) -> Path:
    """Copy a workbook member by member through change(name, data), then add the members in ``add``."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
        for name in a.namelist():
            b.writestr(name, change(name, a.read(name)))
        for name, data in (add or {}).items():
            b.writestr(name, data)
    return dst


def test_xlsx_with_a_stale_stored_dimension_loads_every_row_and_column(root, tmp_path):
    """Some exporters never update <dimension>; read-only openpyxl trusted it and dropped what lay outside."""
    import re

    def stale(name: str, data: bytes) -> bytes:
        return (
            re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C2"', data) if name.endswith("sheet1.xml") else data
        )

    path = _rewrite_members(_workbook(tmp_path / "whole.xlsx"), tmp_path / "budget_line_stale.xlsx", stale)
    assert b'ref="A1:C2"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    got = read_extract(ingest_files([path], root=root)[0])
    assert got["item_id"] == ["X01-1", "X01-2", "X01-T"]  # rows 3 and 4 lie outside A1:C2
    assert got["budget_original"] == [1_234_000_000, -10_000_000, 1_224_000_000]  # column L
    assert got["rate_committed_printed"] == [50.0, None, 19.1]  # column O, the last one


def _two_sheets(path: Path, second: str = "예산", hide_first: bool = True, active: int = 1) -> Path:
    """A hidden (or visible) first sheet '옛 자료' holding another document, then ``second`` with X01."""
    from openpyxl import Workbook

    wb = Workbook()
    old = wb.active
    old.title = "옛 자료"
    _fill_budget(old, "H01")
    _fill_budget(wb.create_sheet(second), "X01")
    if hide_first:
        old.sheet_state = "hidden"
    wb.active = active
    wb.save(path)
    return path


def test_the_visible_active_sheet_is_read_not_a_hidden_first_sheet(root, tmp_path):
    path = _two_sheets(tmp_path / "budget_line_two_sheets.xlsx")
    got = read_extract(ingest_files([path], root=root)[0])
    assert got["item_id"] == ["X01-1", "X01-2", "X01-T"]
    assert got["doc_id"] == ["X01"] * 3


def test_cli_sheet_option_reads_the_named_sheet(root, tmp_path):
    path = _two_sheets(tmp_path / "budget_line_two_sheets.xlsx", second="추경", hide_first=False, active=1)
    result = run_cli(["ingest", str(path), "--sheet", "옛 자료", "--no-build"], root.parent)
    assert result.returncode == 0, result.stderr
    got = read_extract(root / "budget_line" / "budget_line_two_sheets.parquet")
    assert got["item_id"] == ["H01-1", "H01-2", "H01-T"]  # not the active sheet 추경


def test_a_hidden_active_sheet_or_a_missing_sheet_is_refused_naming_the_visible_sheets(root, tmp_path):
    # openpyxl will not save a hidden active sheet; other programs do, so the saved view is edited.
    saved = _two_sheets(tmp_path / "saved.xlsx", second="예산")
    path = _rewrite_members(
        saved,
        tmp_path / "budget_line_hidden_active.xlsx",
        lambda name, data: data.replace(b'activeTab="1"', b'activeTab="0"') if name == "xl/workbook.xml" else data,
    )
    message = refused([path], root)
    assert "budget_line_hidden_active.xlsx: 활성 시트 '옛 자료'이(가) 숨겨져" in message
    assert "기대: --sheet 로 보이는 시트 중 하나를 지정 (보이는 시트: '예산')" in message
    message = refused([path], root, sheet="결산")
    assert "budget_line_hidden_active.xlsx: '결산' 시트가 없습니다. 기대: 보이는 시트 중 하나 ('예산')" in message
    message = refused([path], root, sheet="옛 자료")  # hidden: not what the user saw
    assert "'옛 자료' 시트는 숨겨져 있습니다" in message and "('예산')" in message
    got = read_extract(ingest_files([path], root=root, sheet="예산")[0])
    assert got["item_id"] == ["X01-1", "X01-2", "X01-T"]


def _cover_first(path: Path, cover_text: str = "2024 예산 현황") -> Path:
    """The table on sheet '예산' behind an active cover sheet '표지' (blank when ``cover_text`` is empty)."""
    from openpyxl import Workbook

    wb = Workbook()
    cover = wb.active
    cover.title = "표지"
    if cover_text:
        cover["A1"] = cover_text
    _fill_budget(wb.create_sheet("예산"), "X01")
    wb.active = 0
    wb.save(path)
    return path


OTHER_SHEETS = "기대: 표가 든 시트를 --sheet 로 지정 (다른 보이는 시트: '예산')"


def test_a_cover_sheet_is_refused_pointing_to_the_other_sheets_whether_or_not_the_table_is_named(root, tmp_path):
    path = _cover_first(tmp_path / "export.xlsx")
    assert OTHER_SHEETS in refused([path], root)  # no table named: none of the tables' columns on the cover
    assert OTHER_SHEETS in refused([path], root, table_name="budget_line")  # named: no header on the cover
    blank = _cover_first(tmp_path / "blank_cover.xlsx", cover_text="")
    message = refused([blank], root, table_name="budget_line")
    assert "'표지' 시트에 열 이름 행이 없습니다" in message and "(다른 보이는 시트: '예산')" in message
    got = read_extract(ingest_files([path], root=root, table_name="budget_line", sheet="예산")[0])
    assert got["item_id"] == ["X01-1", "X01-2", "X01-T"]


def test_a_wrong_value_option_is_not_blamed_on_the_sheet(root, tmp_path):
    path = _two_sheets(tmp_path / "budget_line_two.xlsx", hide_first=False)  # the table is on the active sheet
    message = refused([path], root, values=["없는열=1"])
    assert "--value 없는열=1: '없는열'은(는) budget_line 표의 열이 아닙니다" in message
    assert "--sheet" not in message
    message = refused([path], root, values=["등호없음"])
    assert "--value '등호없음'" in message and "--sheet" not in message


def test_sheet_option_with_a_csv_file_is_refused(root, tmp_path):
    message = refused([fixture("budget_line_valid.csv", tmp_path)], root, sheet="예산")
    assert "budget_line_valid.csv: --sheet 는 XLSX 파일에만 쓸 수 있습니다" in message
    assert "기대: CSV 파일은 --sheet 없이 적재" in message


# ---------------------------------------------------------------- XLSX: formulas

FORMULA_HEADER = [
    "문서",
    "출처 표·절",
    "인쇄 단위",
    "기준일",
    "기관",
    "부서",
    "회계연도",
    "항목 ID",
    "구분",
    "사업명",
    "합계 행",
    "본예산",  # L
    "예산현액",  # M
    "집행액",  # N
    "집행률",  # O
    "비고",  # P
]


def _formula_workbook(path: Path, cached: bool = True) -> Path:
    """Two items and their total row, the total's figures and every 비고 being formulas.

    With ``cached`` the file is as Excel saves it: each formula with the value it computed (an empty text
    result marked as text) and no request to recalculate. Without, the formulas carry no value, as a
    program that cannot calculate writes them."""
    import re

    import xlsxwriter

    raw = path.with_suffix(".raw.xlsx")
    wb = xlsxwriter.Workbook(str(raw), {"strings_to_numbers": False})
    ws = wb.add_worksheet("예산")
    ws.write_row(0, 0, FORMULA_HEADER)
    for r, (item, name, is_total, amounts) in enumerate(
        [("X01-1", "가 사업", 0, (1000, 1000, 400, 40)), ("X01-2", "나 사업", 0, (2000, 2000, 500, 25))], start=1
    ):
        ws.write_row(r, 0, ["X01", "엑셀 예산표", "천원", "2024-06-30", "테스트교육청", "총무과", 2024, item])
        ws.write_row(r, 8, ["세부사업", name, is_total, *amounts])
        ws.write_formula(r, 15, f'=IF(K{r + 1}=1,"합계 행","")', None, "")
    ws.write_row(3, 0, ["X01", "엑셀 예산표", "천원", "2024-06-30", "테스트교육청", "총무과", 2024, "X01-T"])
    ws.write_row(3, 8, ["합계", "계", 1])
    for col, letter, value in ((11, "L", 3000), (12, "M", 3000), (13, "N", 900)):
        ws.write_formula(3, col, f"=SUM({letter}2:{letter}3)", None, value)
    ws.write_formula(3, 14, "=ROUND(N4/M4*100,1)", None, 30)
    ws.write_formula(3, 15, '=IF(K4=1,"합계 행","")', None, "합계 행")
    wb.close()

    def as_saved(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return data.replace(b' fullCalcOnLoad="1"', b"")
        if name == "xl/worksheets/sheet1.xml":
            if not cached:
                return re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", data)
            return re.sub(rb'<c r="(P\d+)"( s="\d+")?><f>', rb'<c r="\1"\2 t="str"><f>', data)
        return data

    _rewrite_members(raw, path, as_saved)
    raw.unlink()
    return path


def test_cli_reads_the_values_excel_saved_for_formulas_and_says_so_once(root, tmp_path):
    path = _formula_workbook(tmp_path / "budget_line_formulas.xlsx")
    result = run_cli(["ingest", str(path), "--no-build"], root.parent)
    assert result.returncode == 0, result.stderr
    got = read_extract(root / "budget_line" / "budget_line_formulas.parquet")
    assert got["item_id"] == ["X01-1", "X01-2", "X01-T"]
    assert got["budget_original"] == [1_000_000, 2_000_000, 3_000_000]
    assert got["committed"] == [400_000, 500_000, 900_000]
    assert got["rate_committed_printed"] == [40.0, 25.0, 30.0]
    assert got["note"] == [None, None, "합계 행"]  # an empty text result is no value, not a refused cell
    warning = "budget_line_formulas.xlsx: 수식 셀 7개는 Excel이 마지막으로 계산해 저장한 값으로 읽었습니다"
    assert result.stderr.count(warning) == 1, result.stderr
    assert result.stderr.count("수식 셀") == 1


def test_a_formula_without_a_saved_value_is_refused_naming_row_and_column(root, tmp_path):
    path = _formula_workbook(tmp_path / "budget_line_uncalculated.xlsx", cached=False)
    message = refused([path], root)
    assert (
        "budget_line_uncalculated.xlsx: 4행, '본예산'열: 기대: 계산된 값이 저장된 셀; "
        "수식 '=SUM(L2:L3)'의 값이 파일에 없습니다. Excel에서 파일을 열어 저장하면 값이 계산되어 저장됩니다"
    ) in message
    assert "budget_line_uncalculated.xlsx: 4행, '집행률'열" in message
    assert "budget_line_uncalculated.xlsx: 2행, '비고'열" in message
    assert len(message.splitlines()) == 7  # one line per formula cell


def test_formula_values_a_program_never_calculated_are_refused(root, tmp_path):
    """xlsxwriter, like other writing libraries, saves 0 as every formula's value and asks Excel to recalculate."""
    import xlsxwriter

    path = tmp_path / "budget_line_generated.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, FORMULA_HEADER[:15])
    ws.write_row(1, 0, ["X01", "엑셀 예산표", "천원", "2024-06-30", "테스트교육청", "총무과", 2024, "X01-1"])
    ws.write_row(1, 8, ["세부사업", "가 사업", 0, 1000, 1000])
    ws.write_formula(1, 13, "=L2*0.4")  # saved as <v>0</v>: read as 0, it would be wrong money
    wb.close()
    message = refused([path], root)
    assert "budget_line_generated.xlsx: 2행, '집행액'열: 기대: 계산된 값이 저장된 셀" in message
    assert "파일을 만든 프로그램이 계산하지 않은 것입니다" in message and "Excel에서 파일을 열어 저장" in message


def test_a_formula_referring_to_another_workbook_is_refused(root, tmp_path):
    path = _formula_workbook(tmp_path / "saved.xlsx")
    path = _rewrite_members(
        path,
        tmp_path / "budget_line_linked.xlsx",
        lambda name, data: (
            data.replace(b"SUM(L2:L3)", "'[1]2023 결산'!L9".encode()) if name.endswith("sheet1.xml") else data
        ),
    )
    message = refused([path], root)
    assert "budget_line_linked.xlsx: 4행, '본예산'열: 기대: 이 파일 안의 값" in message
    assert "다른 통합 문서를 참조하는 연결" in message


# ---------------------------------------------------------------- XLSX: macros and links to other workbooks

MACRO_ENABLED = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
WORKBOOK_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@pytest.mark.parametrize(
    "name, change, add",
    [
        pytest.param("budget_line_vba.xlsx", None, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, id="vba-project-part"),
        pytest.param(
            "budget_line_macro_type.xlsx",
            lambda n, d: d.replace(WORKBOOK_TYPE, MACRO_ENABLED) if n == "[Content_Types].xml" else d,
            None,
            id="macro-enabled-content-type",
        ),
        pytest.param("budget_line_plain.xlsm", None, None, id="xlsm-name"),
    ],
)
def test_a_workbook_that_may_hold_macros_is_refused(name, change, add, root, tmp_path):
    plain = _workbook(tmp_path / "plain.xlsx")
    path = _rewrite_members(plain, tmp_path / name, change or (lambda n, d: d), add)
    message = refused([path], root)
    assert f"{name}: 매크로(VBA)가 들어 있을 수 있는 통합 문서입니다" in message
    assert "기대: Excel에서 [다른 이름으로 저장] → 'Excel 통합 문서(*.xlsx)'로 매크로 없이 저장한 파일" in message


def test_a_workbook_with_external_link_parts_is_refused(root, tmp_path):
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    path = _rewrite_members(
        _workbook(tmp_path / "plain.xlsx"),
        tmp_path / "budget_line_external.xlsx",
        add={"xl/externalLinks/externalLink1.xml": link},
    )
    message = refused([path], root)
    assert "budget_line_external.xlsx: 다른 통합 문서를 참조하는 연결이 있습니다 (외부 연결 1개)" in message
    assert "기대: Excel에서 [데이터] → [연결 편집] → [연결 끊기]로 값만 남겨 저장한 파일" in message


def test_mixed_encoding_in_cp949_file_names_the_odd_row(root, tmp_path):
    message = refused([fixture("budget_line_mixed_encoding_cp949.csv", tmp_path)], root)
    assert "budget_line_mixed_encoding_cp949.csv: 4행" in message


# ---------------------------------------------------------------- keys across batches


def test_duplicate_key_against_existing_batch_in_same_folder(tmp_path):
    root = describe_test_documents(tmp_path / "extracts")
    ingest_files([fixture("budget_line_valid.csv", tmp_path)], root=root)
    again = tmp_path / "again" / "budget_line_again.csv"
    again.parent.mkdir()
    shutil.copyfile(FIXTURES / "budget_line_valid.csv", again)
    message = refused([again], root)
    assert "budget_line_again.csv: 2행, 키 열(doc_id, source_section, item_id, fiscal_year)" in message
    assert "이미 적재된 묶음 'budget_line_valid'" in message
    assert "기대: 새 키, 또는 같은 묶음 이름(--batch)으로 교체" in message


def test_reingesting_the_same_batch_name_replaces_it(tmp_path):
    root = describe_test_documents(tmp_path / "extracts")
    path = fixture("budget_line_valid.csv", tmp_path)
    ingest_files([path], root=root)
    ingest_files([path], root=root)  # same batch name: a replacement, not a duplicate
    assert [p.name for p in (root / "budget_line").iterdir()] == ["budget_line_valid.parquet"]


def test_duplicate_key_against_shipped_batch_with_blank_year(root, tmp_path):
    # 001 prints no year, so its shipped rows have fiscal_year NULL.
    path = tmp_path / "budget_line_dup001.csv"
    path.write_text(
        "문서,출처 표·절,인쇄 단위,기관,부서,회계연도,항목 ID,구분,사업명,본예산\n"
        "001,인사제도의 공정 · 투명성 확보 / 추진계획,천원,부천시,총무과,,001-2-1,계획사업,"
        '대체인력지원 예산확보,"62,383"\n',
        encoding="utf-8",
    )
    message = refused([path], root)
    assert "budget_line_dup001.csv: 2행" in message
    assert "이미 적재된 묶음 'seed-001'" in message


def test_duplicate_key_against_shipped_batch_with_year(root, tmp_path):
    path = tmp_path / "budget_line_dup000.csv"
    path.write_text(
        "문서,출처 표·절,인쇄 단위,기관,부서,회계연도,항목 ID,구분,사업명,본예산\n"
        "000,2018년 본예산 사업별 내역,천원,서울특별시교육청,총무과,2018,000-S01,세부사업,"
        '교육행정기록물관리,"925,286"\n',
        encoding="utf-8",
    )
    message = refused([path], root)
    assert "이미 적재된 묶음 'seed-000'" in message


# ---------------------------------------------------------------- several files in one call


def test_multi_file_ingest_with_a_bad_second_file_writes_neither(root, tmp_path):
    good = fixture("budget_line_valid.csv", tmp_path)
    bad = fixture("budget_line_text_amount.csv", tmp_path)
    message = refused([good, bad], root)
    assert "budget_line_text_amount.csv: 2행, '본예산'열" in message
    assert not (root / "budget_line" / "budget_line_valid.parquet").exists()


def test_cli_multi_file_ingest_with_a_bad_second_file_writes_neither(root, tmp_path):
    good = fixture("budget_line_valid.csv", tmp_path)
    bad = fixture("budget_line_wrong_unit.csv", tmp_path)
    before = tree_digest(root.parent)
    result = run_cli(["ingest", str(good), str(bad)], root.parent)
    assert result.returncode != 0
    assert "budget_line_wrong_unit.csv: 2행, '본예산'열" in result.stderr
    assert tree_digest(root.parent) == before


def test_multi_file_ingest_of_good_files_writes_both_and_builds(root, tmp_path):
    paths = [fixture("budget_line_valid.csv", tmp_path), fixture("budget_line_second.csv", tmp_path)]
    written = ingest_files(paths, root=root)
    assert [p.name for p in written] == ["budget_line_valid.parquet", "budget_line_second.parquet"]
    counts = build(root=root, target=tmp_path / "d.duckdb")
    shipped = sum(pq.read_metadata(p).num_rows for p in (SHIPPED_EXTRACTS / "budget_line").glob("*.parquet"))
    assert counts["budget_line"] == shipped + 8


def test_multi_file_ingest_refuses_the_same_keys_in_two_files(tmp_path):
    root = tmp_path / "extracts"
    root.mkdir()
    # Same keys (T01-1 …) in both files, different batch names.
    paths = [fixture("budget_line_valid.csv", tmp_path), fixture("budget_line_cp949.csv", tmp_path)]
    message = refused(paths, root)
    assert "budget_line_cp949.csv: 2행" in message


@pytest.mark.parametrize(
    "value, why",
    [
        ("1,2,3,4", "쉼표가 세 자리마다"),
        ("1234,5", "쉼표가 세 자리마다"),
        ("1.23457E+11", "지수 표기"),
        ("△-500", "음수 표시가 둘"),
        ("△(500)", "음수 표시가 둘"),
        ("1_000", "0–9 숫자만"),
        ("١٢٣", "0–9 숫자만"),
        ("१२३", "0–9 숫자만"),
        ("50%", "비율(%)은 이 열에"),
        ("▲500", "--triangle 증가 또는 --triangle 감소"),
        ("1.234", "유럽식 천 단위"),
    ],
)
def test_an_ambiguous_amount_is_refused_with_the_reason(value, why):
    from core.pipeline.parsing import CellError, parse_money

    with pytest.raises(CellError) as info:
        parse_money(value, "천원", 1_000)
    assert why in str(info.value) and value in str(info.value)


@pytest.mark.parametrize(
    "value, won",
    [("1,234", 1_234_000), ("△567", -567_000), ("(500)", -500_000), ("-1,234", -1_234_000), ("１２３", 123_000)],
)
def test_the_amount_forms_reports_print_are_read(value, won):
    from core.pipeline.parsing import parse_money

    assert parse_money(value, "천원", 1_000) == won


def test_a_decomposed_hangul_name_is_the_same_name_and_invisible_characters_are_refused():
    import unicodedata

    from core.pipeline.parsing import CellError, parse_text

    nfd = unicodedata.normalize("NFD", "서울특별시교육청")
    assert nfd != "서울특별시교육청" and parse_text(nfd) == "서울특별시교육청"
    for hidden, code in (("총무\u200b과", "U+200B"), ("\ufeff총무과", "U+FEFF"), ("총무과\u202e", "U+202E")):
        with pytest.raises(CellError) as info:
            parse_text(hidden)
        assert code in str(info.value)
