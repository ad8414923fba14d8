"""Security and recovery: formula injection in downloads, no SQL from user text, safe server
defaults, and a dashboard that rebuilds its data file instead of failing.

Everything runs on copies of the shipped extracts in tmp folders (DASHBOARD_DATA_DIR); nothing
under datasets/ is read for writing or changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import APP_PATH, PROJECT_DIR, app_pages, extracts_for_ingest
from streamlit.testing.v1 import AppTest

from core.dashboard import db, export
from core.dashboard.filters import Filters, from_query_params
from core.dashboard.queries import budget as budget_queries
from core.dashboard.queries import callcenter as callcenter_queries
from core.dashboard.queries import insights as insights_queries
from core.dashboard.queries import overview as overview_queries
from core.dashboard.queries import quarterly as quarterly_queries
from core.dashboard.queries import sources as sources_queries
from core.dashboard.queries import training as training_queries
from core.pipeline import build as build_mod
from core.pipeline.build import BuildError, build
from core.pipeline.ingest import ingest_files

PAGES = app_pages()

HOSTILE_NAMES = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    '=cmd|" /C calc"!A0',
    "-@SUM(1+1)*cmd|' /C calc'!A0",
]
SQL_TEXT = [
    "'; DROP TABLE budget_line; --",
    "x'); DROP TABLE budget_line; --",
    "' OR '1'='1",
    "1; DROP TABLE org_tree",
    '" OR ""="',
    "%' UNION SELECT * FROM build_info --",
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_counts() -> dict[str, int]:
    """Every table of the current DuckDB file with its row count (read through the app's own connection)."""
    names = db.query("SELECT table_name FROM information_schema.tables ORDER BY 1", cache=False)["table_name"]
    return {n: int(db.query(f'SELECT count(*) AS n FROM "{n}"', cache=False)["n"].iat[0]) for n in names}


def copy_data(tmp: Path) -> Path:
    root = tmp / "data"
    extracts_for_ingest(root / "extracts")
    build(root=root / "extracts", target=root / "dashboard.duckdb")
    return root


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    root = copy_data(tmp_path)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(root))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    db.reset()
    yield root
    db.reset()


# ---------------------------------------------------------------- formula injection

HOSTILE_CSV_HEADER = (
    "문서,출처 표·절,쪽수,인쇄 단위,기준일,기관,부서,회계연도,항목 ID,구분,사업명,합계 행,본예산,예산현액·추경,비고"
)


def _hostile_csv(path: Path) -> Path:
    rows = [HOSTILE_CSV_HEADER]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for i, name in enumerate(HOSTILE_NAMES + ["\tcmd", " =1+1", "음수 사업"], start=1):
        amount = "△1,000" if name == "음수 사업" else f"{i:,}"
        w.writerow(
            [
                "H01",
                "악성 표",
                "1",
                "천원",
                "2024-06-30",
                "시험교육청",
                "총무과",
                "2024",
                f"H01-{i}",
                "세부사업",
                name,
                "0",
                amount,
                amount,
                "=1+1" if i == 1 else "",
            ]
        )
    path.write_text(rows[0] + "\n" + out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def hostile_table(data_copy, tmp_path) -> pd.DataFrame:
    ingest_files([_hostile_csv(tmp_path / "budget_line_hostile.csv")], root=data_copy / "extracts")
    build(root=data_copy / "extracts", target=data_copy / "dashboard.duckdb")
    db.reset()
    df = budget_queries.budget_items(Filters(), "H01", "악성 표", None, "천원")
    assert len(df) == len(HOSTILE_NAMES) + 3
    return df


def test_hostile_text_is_stored_verbatim(hostile_table):
    names = list(hostile_table["사업명"])
    for name in HOSTILE_NAMES:
        assert name in names  # accepted as text, not rejected and not altered in the data
    # Leading whitespace (tab, space) is trimmed at ingest, so a formula behind it is still caught on export.
    assert "cmd" in names and "=1+1" in names


def test_csv_export_neutralises_formula_text(hostile_table):
    data = export.to_csv_bytes(hostile_table)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel on Korean Windows
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    names = [r[header.index("사업명")] for r in body]
    for name in HOSTILE_NAMES + ["=1+1"]:
        assert "'" + name in names, name
    for r in body:
        for cell in r:
            assert not cell.startswith(export.DANGEROUS_PREFIXES) or _is_number(cell), cell
    negative = body[names.index("음수 사업")]
    assert negative[header.index("본예산")] == "-1000"  # a number in 천원, not "'-1000"


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_xlsx_export_neutralises_formula_text_and_keeps_numbers(hostile_table):
    for unit, expected in (("천원", -1000), ("원", -1_000_000)):
        df = hostile_table if unit == "천원" else budget_queries.budget_items(Filters(), "H01", "악성 표", None, "원")
        meta = export.meta_block("=필터", unit, "2024-06-30", "@출처")
        wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes([("악성", df, meta)])))
        ws = wb.worksheets[0]
        cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell was written"
        texts = {c.value: c for c in cells if c.data_type == "s"}
        for name in HOSTILE_NAMES + ["=1+1"]:
            assert "'" + name in texts, name
        for c in cells:
            if isinstance(c.value, str):
                assert not c.value.startswith(export.DANGEROUS_PREFIXES), (c.coordinate, c.value)
        # Meta keys and values are neutralised too.
        assert ws["B1"].value == "'=필터"
        header_row = next(r for r in ws.iter_rows() if "사업명" in [c.value for c in r])
        col = {c.value: c.column for c in header_row}
        row = next(r for r in ws.iter_rows() if r[col["사업명"] - 1].value == "음수 사업")
        amount = row[col["본예산"] - 1]
        assert amount.data_type == "n" and amount.value == expected, (unit, amount.value)


@pytest.mark.parametrize("value", ["\tcmd", "\rcmd", "=1+1", "+1", "-1+2", "@A1", "\t=1+1"])
def test_every_dangerous_prefix_is_neutralised_on_both_formats(value):
    df = pd.DataFrame({"사업명": [value, "정상"], "금액": [-5, 7]})
    row = list(csv.reader(io.StringIO(export.to_csv_bytes(df).decode("utf-8-sig"), newline="")))[1]
    assert row[0] == "'" + value and row[1] == "-5"
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes([("t", df, {})]))).worksheets[0]
    header = next(r for r in ws.iter_rows() if r[0].value == "사업명")
    name, amount = ws.cell(row=header[0].row + 1, column=1), ws.cell(row=header[0].row + 1, column=2)
    # xlsxwriter stores a CR as the OOXML escape _x000D_, which openpyxl does not decode on reading.
    assert name.data_type == "s" and name.value.replace("_x000D_", "\r") == "'" + value
    assert amount.data_type == "n" and amount.value == -5


@pytest.mark.parametrize("value", ["\r=1+1", "a\r=1+1", "a\n@SUM(A1)", "b\r\n-2+3"])
def test_a_line_break_inside_a_cell_cannot_start_a_new_csv_row(value):
    """Regression: the CSV used bare LF rows, so a CR inside a cell was written unquoted and split the
    row; the text after the CR then began a row of its own as a live formula."""
    df = pd.DataFrame({"사업명": [value], "금액": [1]})
    text = export.to_csv_bytes(df).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2, rows
    assert rows[1][0] in (value, "'" + value) and rows[1][1] == "1"
    # What Excel does with an unquoted CR or LF: treat it as the end of a row.
    physical = [line for part in _split_outside_quotes(text) for line in [part] if line]
    assert all(not line.startswith(export.DANGEROUS_PREFIXES) for line in physical), physical


def _split_outside_quotes(text: str) -> list[str]:
    parts, buf, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch in "\r\n" and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def test_column_names_are_neutralised():
    df = pd.DataFrame({"=evil": ["a"], "ok": [1]})
    assert export.to_csv_bytes(df).decode("utf-8-sig").splitlines()[0] == "'=evil,ok"


# ---------------------------------------------------------------- no SQL from user text

HOSTILE_QUERY = {
    "year": "2018' OR 1=1 --",
    "division": "x'); DROP TABLE budget_line; --",
    "agency": ["<script>alert(1)</script>"],
    "unit": "1; DROP",
    "table": "000 · x'; DROP TABLE budget_line; --",
    "category": "초등' OR '1'='1",
    "month": "2018-12'; DELETE FROM call_center_daily; --",
    "item": "' OR 1=1 --",
}


@pytest.mark.parametrize("url_path", list(PAGES))
def test_pages_with_hostile_query_params(url_path, use_dashboard_data):
    db_file = use_dashboard_data / "dashboard.duckdb"
    before_hash, before_counts = sha256(db_file), table_counts()
    at = AppTest.from_file(str(APP_PATH), default_timeout=120)
    for k, v in HOSTILE_QUERY.items():
        at.query_params[k] = v
    if url_path != "overview":
        at.switch_page(PAGES[url_path])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    warnings = [w.value.replace("\\", "") for w in at.warning]  # as rendered: markdown escapes removed
    assert any("연도" in w and "무시" in w for w in warnings), warnings
    assert any("부서" in w and "무시" in w for w in warnings), warnings
    assert any("기관" in w and "<script>" in w for w in warnings), warnings  # shown as text in a notice
    # Nothing hostile was kept: the filter fell back to its defaults and the URL was cleaned.
    assert at.selectbox(key="f_year").value == "2024"  # the default: the latest year
    assert at.multiselect(key="f_agency").value == [] and at.multiselect(key="f_division").value == []
    assert at.query_params.get("year") == "2024" and "agency" not in at.query_params
    db.reset()
    assert sha256(db_file) == before_hash
    assert table_counts() == before_counts
    assert before_counts["budget_line"] == 327


HOSTILE_FILTERS = [
    Filters(divisions=("'; DROP TABLE budget_line; --",)),
    Filters(agencies=("' OR '1'='1",)),
    Filters(agencies=("서울특별시교육청' --",), divisions=("총무과' OR 1=1 --",)),
    Filters(divisions=(SQL_TEXT[1], SQL_TEXT[3], SQL_TEXT[5])),
]

QUERY_FUNCTIONS = {
    "budget_tables": budget_queries.budget_tables,
    "budget_cards": lambda f: pd.DataFrame(overview_queries.budget_cards(f)),
    "quarterly_tasks": quarterly_queries.quarterly_tasks,
    "training_by_task": training_queries.training_by_task,
    "training_by_line": training_queries.training_by_line,
    "training_by_category": training_queries.training_by_category,
    "training_categories": lambda f: pd.DataFrame({"c": training_queries.training_categories(f)}),
    "call_monthly": callcenter_queries.call_monthly,
    "call_breakdown": lambda f: callcenter_queries.call_breakdown(f, "topic"),
    "call_center_reported": lambda f: callcenter_queries.call_center_reported(f)[0],
    "execution_watch": insights_queries.execution_watch,
    "year_on_year": lambda f: insights_queries.year_on_year(f)[0],
    "complaint_early_warning": lambda f: insights_queries.complaint_early_warning(f, "2018-06"),
}


@pytest.mark.parametrize("f", HOSTILE_FILTERS, ids=range(len(HOSTILE_FILTERS)))
def test_query_functions_bind_hostile_filter_values(f, data_copy):
    before_hash, before_counts = sha256(data_copy / "dashboard.duckdb"), table_counts()
    for name, fn in QUERY_FUNCTIONS.items():
        assert fn(f).empty, name
    assert callcenter_queries.call_kpis(f) == (None, None)
    assert insights_queries.call_months(f) == []
    db.reset()
    assert table_counts() == before_counts
    assert sha256(data_copy / "dashboard.duckdb") == before_hash


def test_other_user_text_reaches_sql_only_as_parameters(data_copy):
    before = table_counts()
    for text in SQL_TEXT:
        assert budget_queries.budget_items(Filters(), text, text, None).empty
        assert budget_queries.budget_items(Filters(), "000", "2018년 본예산 사업별 내역", text).empty
        assert budget_queries.budget_printed_total(Filters(), text, text, None).empty
        assert budget_queries.budget_path("000", text) == []
        assert budget_queries.budget_item(text, text) is None
        assert quarterly_queries.quarterly_subitems(text, text).empty
        assert sources_queries.quality_report([text]).empty
        # A category filters the plan/actual lines only; targets stay listed, with nothing matched.
        for fn in (training_queries.training_by_task, training_queries.training_by_line):
            lines = fn(Filters(), text)
            assert lines[["계획 인원", "실적 인원", "계획 과정", "실적 과정"]].isna().all().all()
    with pytest.raises(KeyError):
        callcenter_queries.call_breakdown(Filters(), "topic; DROP TABLE budget_line")  # only checked identifiers
    assert table_counts() == before


def test_a_hostile_year_never_reaches_sql(data_copy):
    f = Filters(year="2018' OR 1=1 --")
    before = table_counts()
    for fn in (budget_queries.budget_tables, quarterly_queries.quarterly_tasks, insights_queries.execution_watch):
        try:
            result = fn(f)
        except ValueError:  # int() of a non-digit year refuses before any SQL is built
            continue
        assert result.empty
    assert callcenter_queries.call_monthly(f).empty
    assert table_counts() == before


def test_url_values_are_checked_against_the_data():
    agencies = {"서울특별시교육청": ["총무과"], "부천시": ["총무과"]}
    f, notices = from_query_params(
        {
            "agency": ["<script>alert(1)</script>", "부천시"],
            "division": ["x'); DROP TABLE budget_line; --"],
            "year": ["2018' OR 1=1 --"],
            "unit": ["1; DROP"],
            "other": ["ignored"],
        },
        agencies,
        ["2018", "2024"],
        {"unit": ["원", "천원"]},
    )
    assert f == Filters(agencies=("부천시",))
    assert len(notices) == 4
    assert all("무시" in n for n in notices)
    long_value, notices = from_query_params({"year": ["9" * 10_000]}, agencies, ["2018"], {})
    assert long_value.year == "all" and len(notices[0]) < 120  # long values are cut in the notice


# ---------------------------------------------------------------- safe defaults


def test_streamlit_config_has_safe_defaults():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["address"] == "127.0.0.1"
    assert server["enableXsrfProtection"] is True
    assert server["maxUploadSize"] <= 50
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"


# ---------------------------------------------------------------- recovery


def test_missing_db_file_is_rebuilt(data_copy):
    target = data_copy / "dashboard.duckdb"
    target.unlink()
    db.reset()
    db.connection()
    assert target.exists() and build_mod.is_current(target)
    assert table_counts()["budget_line"] == 327


@pytest.mark.parametrize("reset_first", [True, False], ids=["after-reset", "while-connected"])
def test_garbage_db_file_is_rebuilt(data_copy, reset_first):
    target = data_copy / "dashboard.duckdb"
    assert table_counts()["budget_line"] == 327  # a connection to the good file is open
    target.write_bytes(b"this is not a duckdb file\x00" * 4096)
    if reset_first:
        db.reset()
    db.connection()
    assert build_mod.is_current(target)
    assert table_counts()["budget_line"] == 327
    assert not list(data_copy.glob("dashboard.duckdb.tmp-*"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_corrupt_extract_fails_the_build_and_keeps_the_old_file(data_copy, damage):
    target = data_copy / "dashboard.duckdb"
    before = target.read_bytes()
    bad = data_copy / "extracts" / "budget_line" / "seed-002.parquet"
    data = bad.read_bytes()
    bad.write_bytes(
        {"garbage": b"PAR1 not really parquet" * 10, "truncated": data[: len(data) // 2], "empty": b""}[damage]
    )
    with pytest.raises(BuildError) as info:
        build()
    assert "seed-002.parquet" in str(info.value)
    assert "손상된 추출 파일" in str(info.value)
    assert target.read_bytes() == before
    assert sorted(p.name for p in data_copy.iterdir()) == ["dashboard.duckdb", "extracts"]
    # The app keeps serving the old file.
    db.reset()
    assert table_counts()["budget_line"] == 327


def test_app_shows_the_build_error_instead_of_crashing(data_copy):
    (data_copy / "dashboard.duckdb").unlink()
    (data_copy / "extracts" / "budget_line" / "seed-000.parquet").write_bytes(b"broken")
    db.reset()
    at = AppTest.from_file(str(APP_PATH), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and "seed-000.parquet" in at.error[0].value
    assert "python -m core build" in at.error[0].value


@pytest.mark.parametrize(
    "text",
    ["[재로그인](http://evil.example/x)", "![img](http://evil.example/i.png)", "http://evil.example/a", "www.evil.example",
     "admin@evil.example", "<img src=x onerror=alert(1)>", "# 제목", "**굵게**"],
)  # fmt: skip
def test_text_from_data_or_a_url_renders_as_itself_in_markdown(text):
    """Every markdown marker comes out escaped and no address stays whole for GFM's autolinks (the browser test
    test_markup checks the rendered pages)."""
    import re

    from core.widgets.text import escape_markdown

    out = escape_markdown(text)
    assert not re.search(r"(?<!\\)[\[\]()<>#*!]", out), out
    assert "://" not in out and "www." not in out.lower() and re.search(r"(?<!\u200b)@", out) is None, out
    assert out.replace("\\", "").replace("\u200b", "") == text  # reads as typed
