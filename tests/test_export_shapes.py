"""The shapes office systems really export are ingested: a title and a unit line above the header, a header of
two merged rows with amounts grouped by year, Excel's "유니코드 텍스트" (UTF-16 with BOM, tab-separated), dates
written 2024. 6. 30. or 20240630, and the provenance columns given with --value.

The examples (tests/fixtures/shapes/, made by make_shapes.py there) go through the real command line against a
copy of the shipped extracts and a built dashboard.duckdb; the refusals are checked at parse level, each naming
the file, the spreadsheet row, the column or option and what was expected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from conftest import describe_test_documents, run_cli, tree_digest

from core.pipeline import header
from core.pipeline.ingest import IngestError, ingest_files, parse_file

SHAPES = Path(__file__).resolve().parent / "fixtures" / "shapes"
FIXTURES = SHAPES.parent

# What a real export lacks: the provenance columns, given on the command line.
VALUES = ["문서=X01", "출처 표·절=세출예산 명세서", "기관=가상교육청", "회계연도=2024"]
CLI_VALUES = [arg for v in VALUES for arg in ("--value", v)]

# file -> column -> values as stored (money in 원)
ACCEPTED: dict[str, dict[str, list]] = {
    "title_unit.csv": {  # title line, '(단위: 천원)' in row 2, header row 3
        "item_id": ["S-1", "S-2", "S-3"],
        "name": ["교원 연수 운영", "학교 급식 지원", "정보화 기반 구축"],
        "unit": ["천원"] * 3,
        "budget_original": [1_234_000, -500_000, 12_000_000],
        "budget_current": [1_300_000, 2_000_000, 12_500_000],
        "as_of": [dt.date(2024, 6, 30)] * 3,
        "doc_id": ["X01"] * 3,
        "source_section": ["세출예산 명세서"] * 3,
        "agency": ["가상교육청"] * 3,
        "fiscal_year": [2024] * 3,
    },
    "merged_header.csv": {  # '단위 : 백만원', header rows 3-4: 2024 (본예산 | 추경), 2023 (본예산 | 최종예산)
        "item_id": ["Y-1", "Y-2"],
        "unit": ["백만원"] * 2,
        "budget_original": [1_200_000_000, 800_000_000],
        "budget_current": [1_250_000_000, 820_000_000],
        "prior_original": [1_100_000_000, 780_000_000],
        "prior_final": [1_180_000_000, None],
        "fiscal_year": [2024] * 2,
    },
    "merged_header.xlsx": {  # the same in a workbook with merged cells and '[단위:천원]'
        "item_id": ["Y-1", "Y-2"],
        "unit": ["천원"] * 2,
        "budget_original": [1_200_000, 800_000],
        "budget_current": [1_250_000, 820_000],
        "prior_original": [1_100_000, 780_000],
        "prior_final": [1_180_000, None],
    },
    "unicode_text.txt": {  # UTF-16LE with BOM, tab-separated, title and unit lines
        "item_id": ["U-1", "U-2"],
        "unit": ["천원"] * 2,
        "budget_original": [1_234_000, -56_000],
        "note": [None, "감액"],
    },
    "budget_line_dates.csv": {  # 2024. 6. 30., 20240630, 2024.06.30
        "item_id": ["D-1", "D-2", "D-3"],
        "as_of": [dt.date(2024, 6, 30)] * 3,
        "budget_original": [100_000, 200_000, 300_000],
    },
}


def copy_in(tmp_path: Path, name: str, data: bytes | str | None = None, encoding: str = "utf-8") -> Path:
    """A shape example (or the given content) under its own name, so messages show that name."""
    dest = tmp_path / "in" / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        shutil.copyfile(SHAPES / name, dest)
    else:
        dest.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return dest


def refused(path: Path, values: list[str] | None = None, **kw) -> str:
    with pytest.raises(IngestError) as info:
        parsed = parse_file(path, values=values, **kw)
        if parsed.errors:
            raise IngestError(parsed.errors)
    assert info.value.messages
    return "\n".join(info.value.messages)


def values_of(path: Path, values: list[str] | None = VALUES, **kw) -> dict[str, list]:
    parsed = parse_file(path, values=values, **kw)
    assert parsed.errors == []
    return {c: [None if v is None or v != v else v for v in parsed.frame[c].tolist()] for c in parsed.frame.columns}


# ---------------------------------------------------------------- the examples through the command line


def test_every_example_has_an_expectation():
    files = sorted(p.name for p in SHAPES.iterdir() if p.suffix != ".py")
    assert files == sorted(ACCEPTED)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_real_export_shape_is_ingested_by_the_cli(name, pristine, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(pristine[0], data_dir)
    values = [] if name.startswith("budget_line_") else CLI_VALUES
    result = run_cli(["ingest", str(copy_in(tmp_path, name)), *values], data_dir)
    assert result.returncode == 0, result.stderr
    assert "빌드 완료" in result.stdout
    written = data_dir / "extracts" / "budget_line" / f"{Path(name).stem}.parquet"
    got = pq.read_table(written).to_pydict()
    for column, expected in ACCEPTED[name].items():
        assert got[column] == expected, column
    assert str(pq.read_schema(written).field("budget_original").type) == "int64"


def test_cli_refuses_a_value_for_a_column_the_file_has_and_changes_nothing(pristine, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(pristine[0], data_dir)
    path = copy_in(tmp_path, "budget_line_dates.csv")
    result = run_cli(["ingest", str(path), "--value", "문서=X02"], data_dir)
    assert result.returncode != 0
    assert "budget_line_dates.csv: --value 문서: 파일의 1행, A열 '문서'이(가) 이미 문서 열입니다" in result.stderr
    assert "덮어쓰지 않습니다" in result.stderr and "아무 파일도 바뀌지 않았습니다" in result.stderr
    assert tree_digest(data_dir) == pristine[1]


def test_cli_refuses_a_value_option_without_equals(pristine, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(pristine[0], data_dir)
    result = run_cli(["ingest", str(copy_in(tmp_path, "budget_line_dates.csv")), "--value", "문서"], data_dir)
    assert result.returncode != 0
    assert "--value '문서': 열 이름과 값을 '='로 잇지 않았습니다. 기대: 열=값" in result.stderr
    assert tree_digest(data_dir) == pristine[1]


# ---------------------------------------------------------------- title and unit lines


TITLE_CSV = (SHAPES / "title_unit.csv").read_bytes().decode("cp949")


def test_rows_keep_their_spreadsheet_numbers_below_a_title(tmp_path):
    path = copy_in(tmp_path, "title_unit.csv")
    assert parse_file(path, values=VALUES).row_numbers == [4, 5, 6]
    bad = copy_in(tmp_path, "title_bad.csv", TITLE_CSV.replace("△500", "약 오백"))
    message = refused(bad, VALUES, table_name="budget_line")
    assert "title_bad.csv: 5행, '본예산'열: 기대: 금액 숫자" in message and "'약 오백'" in message


def test_a_header_problem_names_the_header_row_below_the_title(tmp_path):
    path = copy_in(tmp_path, "title_unknown.csv", TITLE_CSV.replace("예산현액", "담당자 메모"))
    message = refused(path, VALUES, table_name="budget_line")
    assert "title_unknown.csv: 3행, E열 '담당자 메모': 알 수 없는 열입니다" in message


def test_a_data_row_above_the_header_is_refused(tmp_path):
    lines = TITLE_CSV.splitlines()
    text = "\n".join([lines[0], "S-0,세부사업,앞 사업,100,200,2024-06-30", *lines[1:]])
    message = refused(copy_in(tmp_path, "data_above.csv", text), VALUES, table_name="budget_line")
    assert "data_above.csv: 2행: 숫자 칸이 2개인 행이 열 이름 행(4행)보다 위에 있어" in message
    assert "기대: 열 이름 행 위에는 제목과 (단위: …) 줄만" in message


def test_the_header_is_looked_for_in_the_first_20_rows_only(tmp_path):
    text = "2024년도 세출예산 명세서\n" + "참고 사항\n" * 20 + "코드,구분,사업명,인쇄 단위\nS-1,세부사업,가,천원\n"
    message = refused(copy_in(tmp_path, "far.csv", text), VALUES[:3], table_name="budget_line")
    assert "far.csv: 1행, A열 '2024년도 세출예산 명세서': 알 수 없는 열입니다" in message
    near = "2024년도 세출예산 명세서\n" + "참고 사항\n" * 18 + "코드,구분,사업명,인쇄 단위\nS-1,세부사업,가,천원\n"
    parsed = parse_file(copy_in(tmp_path, "near.csv", near), "budget_line", VALUES[:3])
    assert parsed.errors == [] and parsed.row_numbers == [21]


@pytest.mark.parametrize(
    "line, unit",
    [("(단위: 천원)", "천원"), ("[단위:천원]", "천원"), ("단위 : 백만원", "백만원"), ("（단위：억원）", "억원")],
)
def test_unit_line_forms(line, unit):
    assert header.unit_of_line(line) == unit
    assert header.unit_of_line(f"2024년도 세출예산 명세서 {line}") == (unit if line[0] in "([（" else None)


def test_the_unit_line_fills_every_row(tmp_path):
    text = '[단위:원]\n코드,구분,사업명,본예산\nS-1,세부사업,가,"1,234"\nS-2,세부사업,나,5\n'
    got = values_of(copy_in(tmp_path, "unit_won.csv", text), table_name="budget_line")
    assert got["unit"] == ["원", "원"] and got["budget_original"] == [1234, 5]


def test_a_row_whose_unit_differs_from_the_unit_line_is_refused(tmp_path):
    text = "2024년도 세출예산\n(단위: 천원)\n코드,구분,사업명,인쇄 단위,본예산\nS-1,세부사업,가,천원,1\nS-2,세부사업,나,백만원,2\n"
    message = refused(copy_in(tmp_path, "unit_both.csv", text), VALUES[:3], table_name="budget_line")
    assert "unit_both.csv: 5행, '인쇄 단위'열: 기대: 2행 단위 줄의 '천원'과 같은 단위 (받은 값: '백만원')" in message
    assert "4행" not in message


def test_a_unit_value_that_differs_from_the_unit_line_is_refused(tmp_path):
    text = "(단위: 천원)\n코드,구분,사업명\nS-1,세부사업,가\n"
    message = refused(copy_in(tmp_path, "unit_value.csv", text), [*VALUES, "단위=백만원"], table_name="budget_line")
    assert "unit_value.csv: --value 단위=백만원: 1행 단위 줄의 '천원'과 다릅니다" in message


def test_a_unit_line_with_two_units_is_refused(tmp_path):
    text = '"(단위: 천원, 명)"\n코드,구분,사업명\nS-1,세부사업,가\n'
    message = refused(copy_in(tmp_path, "two_units.csv", text), VALUES, table_name="budget_line")
    assert "two_units.csv: 1행: 단위 줄 '(단위: 천원, 명)'에 단위가 여럿입니다" in message


# ---------------------------------------------------------------- two-row merged headers


YEAR_CSV = (SHAPES / "merged_header.csv").read_text(encoding="utf-8")


def test_merged_header_names_its_columns_upper_and_lower(tmp_path):
    parsed = parse_file(copy_in(tmp_path, "merged_header.csv"), values=VALUES)
    assert parsed.row_numbers == [5, 6]
    bad = copy_in(tmp_path, "year_bad.csv", YEAR_CSV.replace('"1,250"', "많음"))
    assert "year_bad.csv: 5행, '2024 추경'열: 기대: 금액 숫자" in refused(bad, VALUES, table_name="budget_line")


def test_merged_xlsx_cells_are_read_like_blank_csv_cells(tmp_path):
    wb = openpyxl.load_workbook(SHAPES / "merged_header.xlsx")
    assert {str(r) for r in wb.active.merged_cells.ranges} >= {"D3:E3", "F3:G3", "A3:A4"}
    got = values_of(copy_in(tmp_path, "merged_header.xlsx"))
    assert got["budget_original"] == [1_200_000, 800_000] and got["prior_final"] == [1_180_000, None]


def test_year_groups_follow_the_given_fiscal_year(tmp_path):
    path = copy_in(tmp_path, "merged_header.csv")
    message = refused(path, [*VALUES[:3], "회계연도=2025"])
    assert "3~4행, F열 '2023 본예산': 2023년 묶음은 회계연도 2025의 열도, 전년(2024)의 열도 아닙니다" in message
    assert "3~4행, E열 '2024 추경': 전년도 묶음 아래 '추경'에 맞는 열이 없습니다" in message


def test_year_groups_need_a_fiscal_year(tmp_path):
    message = refused(copy_in(tmp_path, "merged_header.csv"), VALUES[:3])
    assert "merged_header.csv: 3~4행: 연도 묶음(2023, 2024)으로 나뉜 열을 읽으려면 회계연도가 있어야 합니다" in message
    assert "기대: 회계연도 열 또는 --value 회계연도=2024" in message


def test_a_fiscal_year_column_must_hold_the_header_year(tmp_path):
    rows = YEAR_CSV.splitlines()
    rows[2] = "회계연도," + rows[2]
    rows[3] = "," + rows[3]
    rows[4] = "2024," + rows[4]
    rows[5] = "2023," + rows[5]
    message = refused(
        copy_in(tmp_path, "year_column.csv", "\n".join(rows) + "\n"), VALUES[:3], table_name="budget_line"
    )
    assert "year_column.csv: 6행, '회계연도'열: 기대: 열 이름의 연도 묶음(2023, 2024)이 뜻하는 회계연도 2024" in message
    assert "5행" not in message


def test_relative_year_groups_and_a_neutral_group_heading(tmp_path):
    text = "(단위: 천원)\n코드,구분,사업명,예산액,,전년도,\n,,,본예산,추경,본예산,최종예산\nS-1,세부사업,가,10,12,8,9\n"
    got = values_of(copy_in(tmp_path, "relative.csv", text), VALUES[:3], table_name="budget_line")
    assert got["budget_original"] == [10_000] and got["budget_current"] == [12_000]
    assert got["prior_original"] == [8_000] and got["prior_final"] == [9_000]


def test_a_period_heading_is_never_dropped_from_its_sub_columns(tmp_path):
    text = "(단위: 천원)\n코드,구분,사업명,전년 대비 증감,\n,,,금액,비율\nS-1,세부사업,가,1,2\n"
    message = refused(copy_in(tmp_path, "period.csv", text), VALUES, table_name="budget_line")
    assert "period.csv: 2~3행, D열 '전년 대비 증감 금액': 위 칸 '전년 대비 증감'이(가) 기간을 나타내" in message


def test_an_unknown_sub_column_is_named(tmp_path):
    message = refused(copy_in(tmp_path, "sub.csv", YEAR_CSV.replace("추경", "기타")), VALUES, table_name="budget_line")
    assert "sub.csv: 3~4행, E열 '2024 기타': 알 수 없는 열입니다" in message


# ---------------------------------------------------------------- --value


def test_value_by_english_name_and_alias_fills_every_row(tmp_path):
    values = ["doc_id=X01", "출처표=세출예산 명세서", "기관명=가상교육청", "연도=2024"]
    got = values_of(copy_in(tmp_path, "title_unit.csv"), values)
    assert got["doc_id"] == ["X01"] * 3 and got["source_section"] == ["세출예산 명세서"] * 3
    assert got["agency"] == ["가상교육청"] * 3 and got["fiscal_year"] == [2024] * 3


@pytest.mark.parametrize(
    "value, fragments",
    [
        ("회계연도=이천이십사", ["--value 회계연도=이천이십사: 기대: 네 자리 연도"]),
        ("기준일=2024. 2. 30.", ["--value 기준일=2024. 2. 30.: 기대: 날짜"]),
        ("쪽수=-3", ["--value 쪽수=-3: 기대: 0 이상 100,000 이하"]),
        ("담당=홍길동", ["--value 담당=홍길동: '담당'은(는) budget_line 표의 열이 아닙니다"]),
        ("문서번호=X02", ["--value 문서번호=X02: --value 문서와 같은 열(문서)입니다. 기대: 열마다 한 번"]),
    ],
)
def test_a_bad_value_is_refused_naming_the_option(value, fragments, tmp_path):
    message = refused(copy_in(tmp_path, "title_unit.csv"), [*VALUES[:3], value])
    for fragment in fragments:
        assert f"title_unit.csv: {fragment}" in message


def test_a_blank_value_for_a_required_column_is_refused(tmp_path):
    message = refused(copy_in(tmp_path, "title_unit.csv"), [*VALUES[:2], "기관=", VALUES[3]])
    assert "title_unit.csv: --value 기관=: 기대: 값 (필수 열이 비어 있습니다)" in message


def test_a_missing_required_column_says_it_can_be_given_with_value(tmp_path):
    message = refused(copy_in(tmp_path, "title_unit.csv"), VALUES[1:], table_name="budget_line")
    assert "title_unit.csv: 3행: 필수 열 '문서'(doc_id)이 없습니다" in message and "--value 문서=값" in message


def test_ingest_files_passes_values_to_every_file(tmp_path):
    root = describe_test_documents(tmp_path / "extracts")
    written = ingest_files([copy_in(tmp_path, "title_unit.csv")], root=root, values=VALUES)
    assert pq.read_table(written[0]).to_pydict()["doc_id"] == ["X01"] * 3
    before = tree_digest(root)
    with pytest.raises(IngestError) as info:
        ingest_files([copy_in(tmp_path, "unicode_text.txt")], root=root, values=["문서"])
    assert "기대: 열=값" in str(info.value)
    assert tree_digest(root) == before


# ---------------------------------------------------------------- UTF-16 and dates


def test_utf16_with_bom_is_read_with_either_separator(tmp_path):
    text = (FIXTURES / "budget_line_valid.csv").read_text(encoding="utf-8")
    tabbed = io.StringIO()
    csv.writer(tabbed, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    for name, data in [
        ("budget_line_utf16.csv", text.encode("utf-16")),  # the shape the bad-input corpus used to refuse
        ("budget_line_utf16_tab.txt", tabbed.getvalue().encode("utf-16")),  # Excel's "유니코드 텍스트"
        ("budget_line_utf16_be.csv", b"\xfe\xff" + text.encode("utf-16-be")),
    ]:
        parsed = parse_file(copy_in(tmp_path, name, data))
        assert parsed.encoding == "utf-16" and parsed.errors == [], name
        assert parsed.frame["budget_original"].tolist()[:2] == [1_234_000, 2_000_000], name
        assert parsed.frame["name"].tolist() == ["가 사업", "나 사업", "다 사업", "계"], name


def test_utf16_without_bom_is_refused_saying_how_to_save(tmp_path):
    text = (FIXTURES / "budget_line_valid.csv").read_text(encoding="utf-8")
    message = refused(copy_in(tmp_path, "budget_line_utf16_le.csv", text.encode("utf-16-le")))
    assert "budget_line_utf16_le.csv: 1행: BOM이 없는 UTF-16 텍스트" in message
    assert (
        "기대: Excel에서 '유니코드 텍스트(*.txt)'(BOM 포함) 또는 'CSV UTF-8(쉼표로 분리)'로 다시 저장한 파일" in message
    )


JUNE_30 = dt.date(2024, 6, 30)


@pytest.mark.parametrize(
    "written, expected",
    [
        ("2024. 6. 30.", JUNE_30),
        ("2024. 06. 30", JUNE_30),
        ("20240630", JUNE_30),
        ("20240230", "날짜 YYYY-MM-DD (받은 값: '20240230')"),
        ("2024. 2. 30.", "날짜 YYYY-MM-DD (받은 값: '2024. 2. 30.')"),
        ("19891231", "1990~2099년 사이의 날짜 (받은 값: '19891231')"),
        ("2024063", "날짜 YYYY-MM-DD (받은 값: '2024063')"),
    ],
)
def test_date_forms(written, expected, tmp_path):
    rows = (SHAPES / "budget_line_dates.csv").read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].rsplit(",", 1)[0] + f",{written}"
    path = copy_in(tmp_path, "budget_line_date.csv", "\n".join(rows) + "\n")
    if isinstance(expected, dt.date):
        assert values_of(path, None)["as_of"][0] == expected
    else:
        assert f"budget_line_date.csv: 2행, '기준일'열: 기대: {expected}" in refused(path)
