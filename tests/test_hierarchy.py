"""Numbered hierarchical rows (K-에듀파인 세출예산 명세서·집행현황) become budget items with ids and parents.

The shipped example (tests/fixtures/hierarchy/, made by make_hierarchy.py) holds the same 세출예산 rows in
the two layouts the depth is read from: an indented 사업명 column and one column per level. Both go through
parse_file, ingest_files and the real command line; the built DuckDB file must show the items. Files whose
depth cannot be determined, or whose numbering skips, are refused naming the row, and nothing changes.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from conftest import PROJECT_DIR, extracts_for_ingest, ingest_refused, tree_digest

from core.pipeline import hierarchy
from core.pipeline.build import build
from core.pipeline.ingest import ingest_files, parse_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hierarchy"
SHIPPED = [
    "budget_line_numbered_indent.csv",
    "budget_line_numbered_indent.xlsx",
    "budget_line_numbered_levels.csv",
    "budget_line_numbered_levels.xlsx",
]

# item_id, parent_item_id, level, task_no, name, is_total, 본예산, 예산현액, 집행액 (원; printed in 천원)
EXPECTED = [
    ("TOTAL", None, "합계", None, "합계", True, 1_559_134_000, 1_570_579_000, 777_710_000),
    ("1", None, "정책사업", "1", "인적자원 운용", False, 1_540_000_000, 1_551_234_000, 769_500_000),
    ("1-1", "1", "단위사업", "1-1", "교직원보수", False, 1_500_000_000, 1_510_000_000, 749_500_000),
    ("1-1-1", "1-1", "세부사업", "1-1-1", "교원보수", False, 1_200_000_000, 1_210_000_000, 600_500_000),
    ("1-1-2", "1-1", "세부사업", "1-1-2", "교육행정직보수", False, 300_000_000, 300_000_000, 149_000_000),
    ("1-2", "1", "단위사업", "1-2", "교직원 복리후생", False, 40_000_000, 41_234_000, 20_000_000),
    ("1-2-1", "1-2", "세부사업", "1-2-1", "맞춤형 복지", False, 40_000_000, 41_234_000, 20_000_000),
    ("2", None, "정책사업", "2", "교육과정 운영", False, 19_134_000, 19_345_000, 8_210_000),
    ("2-1", "2", "단위사업", "2-1", "교육과정 지원", False, 19_134_000, 19_345_000, 8_210_000),
    ("2-1-1", "2-1", "세부사업", "2-1-1", "기초학력 보장", False, 12_345_000, 12_345_000, 5_000_000),
    ("2-1-2", "2-1", "세부사업", "2-1-2", "진로교육 활성화", False, 6_789_000, 7_000_000, 3_210_000),
]
COLUMNS = [
    "item_id",
    "parent_item_id",
    "level",
    "task_no",
    "name",
    "is_total",
    "budget_original",
    "budget_current",
    "committed",
]
DOC, SECTION = "H01", "2024 세출예산 명세서"

HEADER = "문서,출처 표·절,기관,회계연도,인쇄 단위,사업명,본예산"
CONSTANT = f"{DOC},표,가상교육청,2024,천원"


def _values(frame) -> list[tuple]:
    out = []
    for row in frame[COLUMNS].itertuples(index=False):
        out.append(tuple(None if v is None or v != v else v for v in row))  # NaN/None → None
    return out


def _write(folder: Path, name: str, lines: list[str], header: str = HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _rows(*cells: str) -> list[str]:
    """Rows of the small generated files: '사업명,본예산' pairs after the constant columns."""
    return [f"{CONSTANT},{c}" for c in cells]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dest = tmp_path / "data" / "extracts"
    extracts_for_ingest(dest)
    return dest


refused = ingest_refused


# ---------------------------------------------------------------- the shipped example


@pytest.mark.parametrize("name", SHIPPED)
def test_numbered_rows_become_items_with_parents_levels_and_won(name):
    parsed = parse_file(FIXTURES / name)
    assert parsed.errors == []
    assert parsed.table.name == "budget_line"
    assert _values(parsed.frame) == EXPECTED
    assert parsed.row_numbers == list(range(2, 2 + len(EXPECTED)))
    frame = parsed.frame
    assert set(frame["doc_id"]) == {DOC} and set(frame["source_section"]) == {SECTION}
    assert set(frame["agency"]) == {"가상교육청"} and set(frame["unit"]) == {"천원"}
    assert set(frame["fiscal_year"]) == {2024}


def test_shipped_files_are_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("make_hierarchy", FIXTURES / "make_hierarchy.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    for stem, table in (
        ("budget_line_numbered_indent", make.indent_table()),
        ("budget_line_numbered_levels", make.levels_table()),
    ):
        with (FIXTURES / f"{stem}.csv").open(encoding="utf-8", newline="") as fh:
            assert list(csv.reader(fh)) == table
        sheet = openpyxl.load_workbook(FIXTURES / f"{stem}.xlsx", read_only=True).worksheets[0]
        cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert cells == [[c.replace(",", "") if c.replace(",", "").isdigit() else c for c in r] for r in table]


def test_ids_are_the_number_path_so_a_re_export_keeps_them(tmp_path):
    """Spaces instead of full-width spaces, another step width, another file name: the same items."""
    src = list(csv.reader((FIXTURES / "budget_line_numbered_indent.csv").open(encoding="utf-8")))
    out = tmp_path / "세출예산 명세서 재출력.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(src[0])
        for row in src[1:]:
            name = row[5]
            depth = len(name) - len(name.lstrip("\u3000"))
            writer.writerow([*row[:5], "   " * depth + name.lstrip("\u3000"), *row[6:]])
    parsed = parse_file(out)  # the table is found from the header once the ids are derived
    assert parsed.table.name == "budget_line"
    assert _values(parsed.frame) == EXPECTED


def test_ingest_then_build_shows_the_items_in_duckdb(root, tmp_path):
    written = ingest_files([FIXTURES / "budget_line_numbered_levels.xlsx"], root=root)
    assert [p.name for p in written] == ["budget_line_numbered_levels.parquet"]
    target = tmp_path / "dashboard.duckdb"
    build(root=root, target=target)
    con = duckdb.connect(str(target), read_only=True)
    try:
        rows = con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM budget_line WHERE doc_id = ? ORDER BY rowid", [DOC]
        ).fetchall()
        assert rows == EXPECTED
        parents = {r[0] for r in con.execute("SELECT item_id FROM budget_parent WHERE doc_id = ?", [DOC]).fetchall()}
        assert parents == {"1", "1-1", "1-2", "2", "2-1"}
        # every parent equals the sum of its children and 합계 the sum of the 정책사업: nothing to report
        assert con.execute("SELECT count(*) FROM data_quality WHERE doc_id = ?", [DOC]).fetchone()[0] == 0
    finally:
        con.close()


# ---------------------------------------------------------------- refusals

REFUSALS = [
    pytest.param(
        _rows("1.인적자원 운용,300", "1.교직원보수,300", "2.교육과정 운영,5"),
        [
            "3행, '사업명'열",
            "다시 1.로 시작하지만 들여쓰기도 단계 열도 없어",
            "몇 단계인지 알 수 없습니다",
            "기대: 이름 칸의 들여쓰기를 살려 내보내거나, 단계마다 한 열(정책사업·단위사업·세부사업)",
        ],
        id="restart-without-indentation",
    ),
    pytest.param(
        _rows("1.인적자원 운용,300", "  1.교직원보수,100", "  3.교직원 복리후생,200"),
        ["4행, '사업명'열", "'3.교직원 복리후생'", "앞 형제 '1.교직원보수' 다음 번호가 아닙니다", "기대: 2."],
        id="sibling-skipped",
    ),
    pytest.param(
        _rows("1.인적자원 운용,300", "  2.교직원보수,300"),
        ["3행, '사업명'열", "상위 행 '1.인적자원 운용' 아래 첫 행인데 번호가 2.입니다", "기대: 1."],
        id="first-child-not-1",
    ),
    pytest.param(
        _rows("  1.교직원보수,300", "1.인적자원 운용,300"),
        ["2행, '사업명'열", "2단계(단위사업)인데 그 앞에 1단계 상위 행이 없습니다", "기대: 상위 행 다음에 그 하위 행"],
        id="child-before-parent",
    ),
    pytest.param(
        _rows("1.인적자원 운용,300", "  1.교직원보수,300", "      1.교원보수,300"),
        ["4행, '사업명'열", "4단계(편성목)인데 그 앞에 3단계 상위 행이 없습니다"],
        id="level-skipped",
    ),
    pytest.param(
        _rows("1.인적자원 운용,300", "  1.교직원보수,100", "   2.교직원 복리후생,200"),
        ["4행, '사업명'열", "들여쓰기 3칸이 단계 간격 2칸과 맞지 않습니다", "기대: 단계마다 같은 폭의 들여쓰기"],
        id="inconsistent-indentation",
    ),
    pytest.param(
        _rows("1.인적자원 운용,300", "  소계,300"),
        ["3행, '사업명'열", "'소계'에 번호가 없습니다", "기대: '1.교원보수'처럼 번호로 시작하는 이름"],
        id="unnumbered-row",
    ),
]


@pytest.mark.parametrize("lines, fragments", REFUSALS)
def test_rows_whose_place_is_not_certain_are_refused_by_row(lines, fragments, root, tmp_path):
    path = _write(tmp_path / "in", "budget_line_numbered_bad.csv", lines)
    message = refused([path], root)
    assert "budget_line_numbered_bad.csv: " in message
    for fragment in fragments:
        assert fragment in message, f"missing {fragment!r} in:\n{message}"


LEVEL_HEADER = "문서,출처 표·절,기관,회계연도,인쇄 단위,정책사업,단위사업,세부사업,본예산"


@pytest.mark.parametrize(
    "lines, fragments",
    [
        pytest.param(
            [f"{CONSTANT},1.인적자원 운용,,,300", f"{CONSTANT},,1.교직원보수,1.교원보수,300"],
            [
                "3행, '세부사업'열",
                "단계 열(정책사업·단위사업·세부사업) 2개에 값이 있습니다",
                "기대: 한 행에 한 단계 열만",
            ],
            id="two-levels-filled",
        ),
        pytest.param(
            [f"{CONSTANT},1.인적자원 운용,,,300", f"{CONSTANT},,,,300"],
            ["3행, '정책사업'열", "단계 열(정책사업·단위사업·세부사업) 모두 비어 있습니다"],
            id="no-level-filled",
        ),
        pytest.param(
            [f"{CONSTANT},1.인적자원 운용,,,300", f"{CONSTANT},,,1.교원보수,300"],
            ["3행, '세부사업'열", "3단계(세부사업)인데 그 앞에 2단계 상위 행이 없습니다"],
            id="unit-level-missing",
        ),
    ],
)
def test_level_columns_must_place_each_row_once(lines, fragments, root, tmp_path):
    path = _write(tmp_path / "in", "budget_line_levels_bad.csv", lines, LEVEL_HEADER)
    message = refused([path], root)
    for fragment in fragments:
        assert fragment in message, f"missing {fragment!r} in:\n{message}"


def test_structure_columns_without_item_id_are_refused(root, tmp_path):
    path = _write(
        tmp_path / "in",
        "budget_line_half.csv",
        [f"{CONSTANT},세부사업,1.교원보수,300"],
        HEADER.replace(",사업명", ",구분,사업명"),
    )
    message = refused([path], root)
    assert "budget_line_half.csv: 1행, F열 '구분': 번호 붙은 행에서 만드는 열입니다" in message
    assert "기대: 이 열을 빼고 내보내거나 '항목 ID' 열도 함께 내보내기" in message
    # below a title line and a unit line the header is row 3, and the message says so
    titled = _write(
        tmp_path / "in",
        "budget_line_half_titled.csv",
        [f"{CONSTANT},세부사업,1.교원보수,300"],
        "2024년도 세출예산 명세서\n(단위: 천원)\n" + HEADER.replace(",사업명", ",구분,사업명"),
    )
    assert "budget_line_half_titled.csv: 3행, F열 '구분': 번호 붙은 행에서 만드는 열입니다" in refused([titled], root)


def test_a_parent_that_is_not_the_sum_of_its_children_is_refused_unless_accepted(root, tmp_path):
    path = _write(
        tmp_path / "in",
        "budget_line_numbered_sum.csv",
        _rows('1.인적자원 운용,"1,500"', '  1.교원보수,"1,234"', "  2.교육행정직보수,200", '합계,"1,500"'),
    )
    message = refused([path], root)
    assert "budget_line_numbered_sum.csv: 2행, '본예산'열: 상위 항목 ≠ 하위 항목 합 — 인적자원 운용" in message
    assert "인쇄 1,500 / 부분합 1,434 (천원)" in message and "--accept-total-differences" in message
    assert "합계 불일치" not in message  # 합계 = 1,500 = the one 정책사업

    ingest_files([path], root=root, accept_total_differences=True)
    target = tmp_path / "dashboard.duckdb"
    build(root=root, target=target)
    con = duckdb.connect(str(target), read_only=True)
    try:
        kept = con.execute(
            "SELECT item_id, check_name, printed_value, computed_value FROM data_quality WHERE doc_id = ?", [DOC]
        ).fetchall()
        assert kept == [("1", "상위 항목 ≠ 하위 항목 합", 1500, 1434)]
        assert con.execute(
            "SELECT budget_original FROM budget_line WHERE doc_id = ? AND item_id = '1-1'", [DOC]
        ).fetchone() == (1_234_000,)
    finally:
        con.close()


def test_files_with_ids_and_other_tables_are_left_as_they_are():
    header = ["문서", "출처 표·절", "항목 ID", "구분", "사업명", "본예산"]
    rows = [(2, ["T01", "표", "T01-1", "세부사업", "1.가 사업", "3"])]
    assert hierarchy.number_rows(Path("budget_line_x.csv"), header, rows) == (header, rows)
    # 추진 목표 has a 세부사업 column too, but no amounts
    header = ["문서", "출처 표·절", "세부사업", "목표 인원"]
    rows = [(2, ["T01", "표", "1.연수", "30"]), (3, ["T01", "표", "1.연수 운영", "30"])]
    assert hierarchy.number_rows(Path("export.csv"), header, rows) == (header, rows)
    assert hierarchy.number_rows(Path("x.csv"), ["사업명", "본예산"], [(2, ["1.가", "1"])], "headcount")[0] == [
        "사업명",
        "본예산",
    ]


# ---------------------------------------------------------------- the real command line


def run_cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data_dir), PYTHONIOENCODING="utf-8")
    env.pop("DASHBOARD_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A data folder (extracts + built dashboard.duckdb), copied for every command-line run."""
    root = tmp_path_factory.mktemp("hierarchy-pristine")
    extracts_for_ingest(root / "extracts")
    build(root=root / "extracts", target=root / "dashboard.duckdb")
    return root


@pytest.mark.parametrize("name", ["budget_line_numbered_indent.csv", "budget_line_numbered_levels.xlsx"])
def test_cli_ingests_numbered_rows_and_the_dashboard_file_has_them(name, pristine, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(pristine, data_dir)
    result = run_cli(["ingest", str(FIXTURES / name)], data_dir)
    assert result.returncode == 0, result.stderr
    assert "빌드 완료" in result.stdout
    con = duckdb.connect(str(data_dir / "dashboard.duckdb"), read_only=True)
    try:
        rows = con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM budget_line WHERE doc_id = ? ORDER BY rowid", [DOC]
        ).fetchall()
    finally:
        con.close()
    assert rows == EXPECTED


def test_cli_refuses_numbers_that_restart_without_depth_and_changes_nothing(pristine, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(pristine, data_dir)
    before = tree_digest(data_dir)
    src = list(csv.reader((FIXTURES / "budget_line_numbered_indent.csv").open(encoding="utf-8")))
    flat = tmp_path / "in" / "budget_line_flat.csv"
    flat.parent.mkdir()
    with flat.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[c.lstrip("\u3000") for c in row] for row in src])  # the indentation lost
    result = run_cli(["ingest", str(flat)], data_dir)
    assert result.returncode != 0
    err = result.stderr
    assert "적재 실패" in err and "아무 파일도 바뀌지 않았습니다" in err, err
    assert "budget_line_flat.csv: 4행, '사업명'열: 번호가 1. 다음에 다시 1.로 시작하지만" in err, err
    assert "기대: 이름 칸의 들여쓰기를 살려 내보내거나" in err
    assert "Traceback" not in err
    assert tree_digest(data_dir) == before
