"""The bad-input corpus (tests/corpus/, made by tests/corpus/make_corpus.py) through the real command line.

For every bad file, ``python -m core ingest FILE`` runs in a subprocess against its own copy of the
shipped extracts and a built dashboard.duckdb (DASHBOARD_DATA_DIR in tmp). It must exit non-zero,
and stderr must name the file, the row and the column (where there is one) and what was expected;
afterwards the sha256 of every file under that data folder - extracts and dashboard.duckdb - is
unchanged. The ``accept_*`` files hold text that only looks like a formula or SQL: they must be
ingested as text and neutralised on export. One very large file (200k rows, one bad cell near the
end) is generated here at test time instead of being stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from conftest import TEST_DOCUMENTS, run_cli, tree_digest

from core.dashboard import db, export
from core.dashboard.filters import Filters
from core.dashboard.queries import budget as budget_queries

CORPUS = Path(__file__).resolve().parent / "corpus"
ACCEPT = "ACCEPT"

# file -> fragments stderr must contain (row, column, what was expected, what was found), or ACCEPT
EXPECT: dict[str, list[str] | str] = {
    # encodings
    "budget_line_enc_mixed_utf8_cp949.csv": ["4행", "문자 인코딩", "기대: UTF-8 또는 CP949"],
    "budget_line_enc_mixed_cp949_utf8.csv": ["3행", "문자 인코딩", "기대: UTF-8 또는 CP949"],
    "budget_line_enc_bom_then_cp949.csv": ["3행", "문자 인코딩", "기대: UTF-8 (BOM이 있으므로)"],
    "budget_line_enc_invalid_bytes.csv": ["3행", "문자 인코딩", "기대: UTF-8 또는 CP949"],
    "budget_line_enc_utf16_no_bom.csv": [
        "1행",
        "BOM이 없는 UTF-16",
        "기대: Excel에서 '유니코드 텍스트(*.txt)'(BOM 포함)",
    ],
    # columns
    "budget_line_col_missing_name.csv": ["1행", "필수 열 '사업명'(name)", "기대: 열 이름 '사업명' 또는 'name'"],
    "budget_line_col_missing_unit.csv": ["1행", "필수 열 '인쇄 단위'(unit)", "기대: 열 이름 '인쇄 단위' 또는 'unit'"],
    "budget_line_col_extra_unknown.csv": ["1행, T열 '담당자 메모'", "알 수 없는 열", "기대: budget_line 표의 열"],
    "budget_line_col_renamed.csv": ["1행, M열 '사업 이름표'", "알 수 없는 열", "필수 열 '사업명'(name)"],
    "budget_line_col_duplicated.csv": ["1행, T열 '본예산'", "두 번", "기대: 열마다 한 번"],
    "budget_line_col_duplicated_alias.csv": ["1행, T열 'budget_original'", "두 번", "기대: 열마다 한 번"],
    "budget_line_col_no_header.csv": ["1행, A열 'C01'", "알 수 없는 열", "기대: budget_line 표의 열"],
    "export_unknown_table.csv": ["1행", "대상 표를 알아낼 수 없습니다", "기대: --table"],
    "quarterly_execution_missing_status.csv": ["1행", "필수 열 '구분'(status)", "기대: 열 이름 '구분' 또는 'status'"],
    "call_center_daily_missing_sample_flag.csv": ["1행", "필수 열 '예시 데이터'(is_sample)", "기대:"],
    "budget_line_row_extra_values.csv": ["3행", "열 이름보다 많은 값(20개)", "기대: 19개"],
    "budget_line_row_short.csv": ["4행, '인쇄 단위'열", "기대: 값 (필수 열이 비어 있습니다)"],
    # wrong types and values
    "budget_line_text_in_amount.csv": ["3행, '본예산'열", "기대: 금액 숫자", "'약 천만원'"],
    "budget_line_text_amount.xlsx": ["3행, '본예산'열", "기대: 금액 숫자", "'천만원 정도'"],
    "budget_line_amount_below_won.csv": [
        "2행, '본예산'열",
        "기대: 원 단위에서 원 미만이 생기지 않는 금액",
        "'1,234.5'",
    ],
    "budget_line_amount_in_persons.csv": ["4행, '본예산'열", "기대: 금액의 단위가 원·천원·백만원·억원 중 하나", "'명'"],
    "budget_line_amount_overflow.csv": [
        "3행, '본예산'열",
        "기대: -1,000,000,000,000,000 이상 1,000,000,000,000,000 이하",
    ],
    "budget_line_amount_formula.csv": ["2행, '본예산'열", "기대: 금액 숫자", "'=SUM(O3:O4)'"],
    "budget_line_page_sql.csv": ["3행, '쪽수'열", "기대: 정수", "'1; DROP TABLE budget_line; --'"],
    "budget_line_page_negative.csv": ["2행, '쪽수'열", "기대: 0 이상 100,000 이하", "-3"],
    "budget_line_page_fraction.csv": ["4행, '쪽수'열", "기대: 정수", "'3.5'"],
    "budget_line_date_impossible.csv": ["3행, '기준일'열", "기대: 날짜 YYYY-MM-DD", "'2024-02-30'"],
    "budget_line_date_text.csv": ["2행, '기준일'열", "기대: 날짜 YYYY-MM-DD", "'작년 6월 말'"],
    "budget_line_year_two_digits.csv": ["4행, '회계연도'열", "기대: 네 자리 연도", "'24'"],
    "budget_line_year_out_of_range.csv": ["2행, '회계연도'열", "기대: 1990~2099 사이의 연도", "1850"],
    "budget_line_bool_garbage.csv": ["3행, '합계 행'열", "기대: 참/거짓", "'아마도'"],
    "budget_line_rate_out_of_range.csv": ["2행, '집행률(인쇄)'열", "기대: -1,000 이상 1,000 이하", "5,000"],
    "budget_line_rate_text.csv": ["4행, '집행률(인쇄)'열", "기대: 비율 숫자", "'높음'"],
    "budget_line_required_blank.csv": ["3행, '항목 ID'열", "기대: 값 (필수 열이 비어 있습니다)"],
    "budget_line_long_cell.csv": ["2행, '비고'열", "기대: 2000자 이하의 텍스트", "2,500자"],
    "budget_line_control_char.csv": ["3행, '사업명'열", "기대: 제어 문자가 없는 텍스트"],
    "budget_line_quoted_cr.csv": ["4행, '사업명'열", "기대: 제어 문자가 없는 텍스트"],
    "budget_line_stray_cr.csv": ["5행, '기준일'열", "기대: 날짜 YYYY-MM-DD", "5행, '사업명'열"],
    "quarterly_execution_quarter_5.csv": ["5행, '분기'열", "기대: 1 이상 4 이하", "5"],
    "quarterly_execution_bad_status.csv": ["3행, '구분'열", "기대: 집행 / 집행예정 중 하나", "'완료'"],
    "call_center_daily_negative_calls.csv": ["3행, '인입'열", "기대: 0 이상 100,000,000 이하", "-5"],
    "call_center_daily_unit_in_count.csv": ["4행, '응답'열", "기대: 정수", "'90호'"],
    "training_target_infinity.csv": ["3행, '목표 인원'열", "기대: 정수", "'Infinity'"],
    "training_target_negative.csv": ["4행, '목표 과정 수'열", "기대: 0 이상 10,000,000 이하", "-2"],
    "training_result_bad_kind.csv": ["2행, '계획·실적'열", "기대: 계획 / 실적 중 하나", "'예정'"],
    "indicator_value_blank.csv": ["3행, '값'열", "기대: 값 (필수 열이 비어 있습니다)"],
    "indicator_bad_kind.csv": ["4행, '구분'열", "기대: 실적 / 목표 / 계획 / 현황 중 하나", "'추정'"],
    # keys and totals
    "budget_line_duplicate_key.csv": [
        "4행, 키 열(doc_id, source_section, item_id, fiscal_year)",
        "3행과 같은 키",
        "C01-2",
        "기대: 키마다 한 행",
    ],
    "call_center_daily_duplicate_key.csv": [
        "3행, 키 열(agency, call_date, topic, channel)",
        "2행과 같은 키",
        "기대: 키마다 한 행",
    ],
    "budget_line_key_already_loaded.csv": [
        "2행, 키 열(doc_id, source_section, item_id, fiscal_year)",
        "이미 적재된 묶음 'seed-000'",
        "000-S01",
        "기대: 새 키",
    ],
    "budget_line_total_mismatch.csv": [
        "5행, '본예산'열",
        "합계 불일치",
        "6,500",
        "6,000",
        "기대: 합계가 부분의 합과 같음",
        "--accept-total-differences",
    ],
    "budget_line_rate_mismatch.csv": ["3행, '집행률(인쇄)'열", "집행률 불일치", "인쇄 55", "부분합 40", "기대:"],
    # the row is missing from this message (see test_total_mismatch_without_item_id_names_the_row)
    "headcount_total_mismatch.csv": ["'정원'열", "합계 불일치", "11", "기대: 합계가 부분의 합과 같음"],
    "training_overview_total_mismatch.csv": ["4행, '운영과정'열", "합계 불일치", "55", "기대: 합계가 부분의 합과 같음"],
    # structure
    "budget_line_empty.csv": ["빈 파일", "기대: 첫 행에 열 이름"],
    "budget_line_blank_lines.csv": ["빈 파일", "기대: 첫 행에 열 이름"],
    "budget_line_header_only.csv": ["데이터 행이 없습니다", "기대: 2행부터 데이터"],
    "budget_line_unclosed_quote.csv": ["3행", "CSV 구문 오류", "기대: 올바르게 닫힌 따옴표"],
    "budget_line_unclosed_quote_eof.csv": ["2행", "CSV 구문 오류", "기대: 올바르게 닫힌 따옴표"],
    "budget_line_binary.csv": ["1행", "바이너리", "기대: CSV 텍스트 또는 XLSX"],
    "budget_line_random_high_bytes.csv": ["1행", "문자 인코딩", "기대: UTF-8 또는 CP949"],
    "budget_line_truncated.xlsx": ["XLSX 파일이 손상되었거나 잘렸습니다", "기대: Excel에서 다시 저장한 온전한 .xlsx"],
    "budget_line_csv_named_xlsx.xlsx": ["XLSX 파일이 손상되었거나 잘렸습니다", "기대: Excel에서 다시 저장한"],
    "budget_line_zip_not_workbook.xlsx": ["XLSX 파일이 손상되었거나 잘렸습니다", "기대: Excel에서 다시 저장한"],
    "budget_line_wrong_format.json": ["지원하지 않는 파일 형식", "기대: .csv 또는 .xlsx"],
    # numbers that could be read two ways
    "budget_line_num_european_grouping.csv": ["3행, '본예산'열", "유럽식 천 단위", "'1.234'"],
    "budget_line_num_misplaced_commas.csv": ["3행, '본예산'열", "쉼표가 세 자리마다 있지 않아", "'1,2,3,4'"],
    "budget_line_num_decimal_comma.csv": ["3행, '본예산'열", "쉼표가 세 자리마다 있지 않아", "'1234,5'"],
    "budget_line_num_scientific.csv": ["3행, '본예산'열", "지수 표기", "'1.23457E+11'"],
    "budget_line_num_double_negative.csv": ["3행, '본예산'열", "음수 표시가 둘", "'△-500'"],
    "budget_line_num_negative_in_parentheses_twice.csv": ["3행, '본예산'열", "음수 표시가 둘", "'△(500)'"],
    "budget_line_num_percent_in_money.csv": ["3행, '본예산'열", "비율(%)은 이 열에 올 수 없습니다", "'50%'"],
    "budget_line_num_underscore_in_digits.csv": ["3행, '본예산'열", "0–9 숫자만", "'1_000'"],
    "budget_line_num_arabic_indic_digits.csv": ["3행, '본예산'열", "0–9 숫자만", "'١٢٣٤'"],
    "budget_line_num_devanagari_digits.csv": ["3행, '본예산'열", "0–9 숫자만", "'१२३४'"],
    "budget_line_num_triangle_undeclared.csv": ["3행, '본예산'열", "--triangle 증가 또는 --triangle 감소", "'▲500'"],
    "budget_line_date_year_9999.csv": ["2행, '기준일'열", "기대: 1990~2099년 사이의 날짜", "'9999-12-31'"],
    "budget_line_date_year_1.csv": ["4행, '기준일'열", "기대: 1990~2099년 사이의 날짜", "'0001-01-01'"],
    # text that looks like other text
    "budget_line_text_zero_width_key.csv": ["3행, '항목 ID'열", "보이지 않는 문자", "U+200B"],
    "budget_line_text_bom_in_row.csv": ["4행, '사업명'열", "보이지 않는 문자", "U+FEFF"],
    "budget_line_text_bidi_override.csv": ["2행, '사업명'열", "방향 제어 문자", "U+202E"],
    "budget_line_text_lookalike_agency.csv": [
        "2행, '기관'열",
        "'서울특별시교육청 교육연수원'",
        "이미 적재된 '서울특별시교육청교육연수원'",
        "기대: 같은 것이면 같은 표기",
    ],
    # files that disagree with what is loaded
    "budget_line_doc_unknown.csv": ["2행, '문서'열", "문서 'Q99'를 설명하는 source_document 행이 없습니다", "기대:"],
    "budget_line_doc_leading_zeros.csv": ["2행, '문서'열", "문서 '2'", "기대: '002' (앞자리 0이 Excel에서 지워졌을"],
    "quarterly_execution_unknown_item.csv": ["2행, '항목 ID'열", "항목 'C01-Q'이 없습니다", "기대: 적재된 budget_line"],
    "budget_line_total_broken_by_new_item.csv": [
        "'본예산'열",
        "합계 불일치",
        "이미 적재된 '예산현황' 표의 인쇄 값",
        "인쇄 7,535,018 / 부분합 7,536,018",
        "기대: 합계가 부분의 합과 같음",
    ],
    "call_center_daily_answered_above_inbound.csv": ["3행, '응답'열", "기대: '인입'(100) 이하", "120"],
    "call_center_daily_satisfaction_above_scale.csv": ["3행, '만족도 점수 합'열", "5점 척도", "(받은 값: 60)"],
    # XLSX: what Excel showed is not what the file holds
    "budget_line_xlsx_active_sheet_hidden.xlsx": [
        "활성 시트 '옛 자료'이(가) 숨겨져",
        "기대: --sheet 로 보이는 시트 중 하나를 지정",
        "(보이는 시트: '예산')",
    ],
    "budget_line_xlsx_formula_no_value.xlsx": [
        "3행, '본예산'열: 기대: 계산된 값이 저장된 셀",
        "수식 '=P3'의 값이 파일에 없습니다",
        "Excel에서 파일을 열어 저장하면 값이 계산되어 저장됩니다",
    ],
    "budget_line_xlsx_formula_not_calculated.xlsx": [
        "3행, '본예산'열: 기대: 계산된 값이 저장된 셀",
        "수식 '=P3'의 값은 파일을 만든 프로그램이 계산하지 않은 것입니다",
        "Excel에서 파일을 열어 저장하면",
    ],
    "budget_line_xlsx_external_link.xlsx": [
        "다른 통합 문서를 참조하는 연결이 있습니다 (외부 연결 1개)",
        "기대: Excel에서 [데이터] → [연결 편집] → [연결 끊기]로 값만 남겨 저장한 파일",
    ],
    "budget_line_xlsx_macro.xlsx": ["매크로(VBA)", "기대: Excel에서 [다른 이름으로 저장]", "매크로 없이 저장한 파일"],
    "budget_line_xlsx_macro_named.xlsm": [
        "매크로(VBA)",
        "기대: Excel에서 [다른 이름으로 저장]",
        "매크로 없이 저장한 파일",
    ],
    # text that only looks dangerous
    "accept_budget_line_formula_text.csv": ACCEPT,
    "accept_budget_line_sql_text.csv": ACCEPT,
    "accept_budget_line_formula_text.xlsx": ACCEPT,
}
BAD = sorted(k for k, v in EXPECT.items() if v != ACCEPT)
GOOD = sorted(k for k, v in EXPECT.items() if v == ACCEPT)

# What the accepted files hold in 사업명 / 비고, verbatim.
ACCEPTED_TEXT = {
    "accept_budget_line_formula_text.csv": ['=HYPERLINK("http://x","y")', "+1+1", "-2+3"],
    "accept_budget_line_sql_text.csv": [
        "'; DROP TABLE budget_line; --",
        "Robert'); DROP TABLE students;--",
        "1 UNION SELECT * FROM build_info",
    ],
    "accept_budget_line_formula_text.xlsx": ["=CMD|' /C calc'!A0", "@SUM(1+1)*cmd"],
}


def corpus_files() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.suffix != ".py" and p.name != "README.md")


def _copy(pristine_root: Path, dest: Path) -> Path:
    shutil.copytree(pristine_root, dest)
    return dest


@pytest.fixture(scope="module")
def bad_runs(pristine, tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, dict[str, str]]]:
    """Every bad file through the CLI, each against its own copy of the data, a few at a time."""
    root, _ = pristine
    work = tmp_path_factory.mktemp("corpus-runs")

    def one(name: str):
        data_dir = _copy(root, work / name.replace(".", "_"))
        src = work / "in" / name  # the file keeps its name: that is what the message must show
        result = run_cli(["ingest", str(src)], data_dir)
        digest = tree_digest(data_dir)
        shutil.rmtree(data_dir)
        return name, (result, digest)

    (work / "in").mkdir()
    for name in BAD:
        shutil.copyfile(CORPUS / name, work / "in" / name)
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(one, BAD))


def test_every_corpus_file_has_an_expectation():
    files = corpus_files()
    assert set(files) == set(EXPECT), set(files) ^ set(EXPECT)
    assert len(BAD) >= 40
    for name in files:
        assert (CORPUS / name).stat().st_size <= 64 * 1024, f"{name} is not small"


@pytest.mark.parametrize("name", BAD)
def test_bad_file_is_refused_by_the_cli_and_changes_nothing(name, bad_runs, pristine):
    result, digest = bad_runs[name]
    err = result.stderr
    assert result.returncode != 0, f"{name} was accepted:\n{result.stdout}"
    assert "적재 실패" in err and "아무 파일도 바뀌지 않았습니다" in err, err
    assert f"{name}:" in err, f"the message does not name the file:\n{err}"
    for fragment in EXPECT[name]:
        assert fragment in err, f"missing {fragment!r} in:\n{err}"
    assert "Traceback" not in err
    assert digest == pristine[1], "the data folder changed (extracts or dashboard.duckdb)"


def test_total_mismatch_without_item_id_names_the_row(bad_runs):
    result, _ = bad_runs["headcount_total_mismatch.csv"]
    assert "headcount_total_mismatch.csv: 4행, '정원'열" in result.stderr
    result, _ = bad_runs["training_overview_total_mismatch.csv"]
    assert "training_overview_total_mismatch.csv: 4행, '운영과정'열" in result.stderr
    assert "'이수인원'열" not in result.stderr  # 2,148 + 1,000 = 3,148 as printed


@pytest.mark.parametrize("name", GOOD)
def test_text_that_looks_like_a_formula_or_sql_is_accepted_and_neutralised(name, pristine, tmp_path, monkeypatch):
    data_dir = _copy(pristine[0], tmp_path / "data")
    result = run_cli(["ingest", str(CORPUS / name)], data_dir)
    assert result.returncode == 0, result.stderr
    assert "빌드 완료" in result.stdout
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data_dir))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    db.reset()
    try:
        counts = {
            t: int(db.query(f"SELECT count(*) AS n FROM {t}", cache=False)["n"].iat[0])
            for t in ("budget_line", "org_tree", "build_info", "source_document")
        }
        assert (
            counts["budget_line"] == 327 + 3
            and counts["build_info"] == 1
            and counts["source_document"] == 5 + len(TEST_DOCUMENTS)
        )
        df = budget_queries.budget_items(Filters(), "C01", "코퍼스 예산표", None)
        names = list(df["사업명"])
        for text in ACCEPTED_TEXT[name]:
            assert text in names, (text, names)  # stored verbatim, as text
        csv_rows = list(csv.reader(io.StringIO(export.to_csv_bytes(df).decode("utf-8-sig"), newline="")))
        ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes([("t", df, {})]))).worksheets[0]
        xlsx_text = [c.value for row in ws.iter_rows() for c in row if c.data_type == "s"]
        assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
        for text in ACCEPTED_TEXT[name]:
            shown = export.neutralise(text)
            assert any(shown in r for r in csv_rows)
            assert shown in xlsx_text
            if text.startswith(export.DANGEROUS_PREFIXES):
                assert shown == "'" + text
    finally:
        db.reset()


def test_very_large_file_with_one_bad_cell_near_the_end(pristine, tmp_path):
    rows = 200_000
    bad_row = rows - 6  # spreadsheet row 199,995 (the header is row 1)
    path = tmp_path / "call_center_daily_very_large.csv"
    topics, channels = ["제증명", "전입학", "급식", "민원", "기타"], ["전화", "챗봇", "문자", "웹"]
    start = dt.date(2000, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("문서,기관,부서,일자,상담주제,채널,인입,응답,포기,예시 데이터\n")
        for i in range(rows):
            day = start + dt.timedelta(days=i // 20)
            inbound = "12x" if i + 2 == bad_row else "100"
            fh.write(f"C01,코퍼스교육청,민원과,{day},{topics[i % 5]},{channels[(i // 5) % 4]},{inbound},90,10,0\n")
    assert path.stat().st_size > 10_000_000
    data_dir = _copy(pristine[0], tmp_path / "data")
    result = run_cli(["ingest", str(path)], data_dir, timeout=600)
    assert result.returncode != 0
    assert f"call_center_daily_very_large.csv: {bad_row}행, '인입'열: 기대: 정수" in result.stderr, result.stderr
    assert "'12x'" in result.stderr
    assert "문제 1건" in result.stderr  # the other 199,999 rows are fine
    assert tree_digest(data_dir) == pristine[1]
