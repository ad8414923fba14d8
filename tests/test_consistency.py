"""A file checked against what is already loaded: documents, budget items, printed totals across batches,
call-center days that add up, names that only look alike; and the declared meaning of ▲.

Each refusal leaves the extracts folder byte-identical (``refused``); each acceptance is checked by the
values stored in the written extract, in 원.
"""

from __future__ import annotations

import contextlib
import random
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import extracts_for_ingest, ingest_refused, tree_digest

from core.pipeline import parsing
from core.pipeline.ingest import IngestError, ingest_files, parse_file
from core.pipeline.parsing import CellError
from core.pipeline.schema import TABLES

BUDGET = "문서,출처 표·절,인쇄 단위,기관,부서,회계연도,항목 ID,상위 항목 ID,구분,사업명,합계 행,본예산"
SHIPPED_AGENCY = "서울특별시교육청교육연수원"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return extracts_for_ingest(tmp_path / "data" / "extracts")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


refused = ingest_refused


def stored(path: Path) -> dict[str, list]:
    return pq.read_table(path).to_pydict()


# ---------------------------------------------------------------- printed totals across batches


def test_a_total_row_loaded_in_its_own_batch_after_its_items_is_checked_against_them(root, tmp_path):
    items = write(
        tmp_path,
        "budget_line_items.csv",
        f"{BUDGET}\nT01,분할표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,1000\n"
        "T01,분할표,천원,시험청,총무과,2024,T01-2,,세부사업,나,0,2000",
    )
    ingest_files([items], root=root)
    total = write(
        tmp_path, "budget_line_total.csv", f"{BUDGET}\nT01,분할표,천원,시험청,총무과,2024,T01-T,,합계,계,1,3000"
    )
    written = ingest_files([total], root=root)  # the items of the earlier batch make up its 3,000
    assert stored(written[0])["budget_original"] == [3_000_000]

    wrong = write(
        tmp_path, "budget_line_total2.csv", f"{BUDGET}\nT01,분할표,천원,시험청,총무과,2024,T01-T,,합계,계,1,3500"
    )
    message = refused([wrong], root, batch="budget_line_total")
    assert "budget_line_total2.csv: 2행, '본예산'열: 합계 불일치 — 계: 인쇄 3,500 / 부분합 3,000 (천원)" in message


def test_items_added_under_a_loaded_total_must_keep_it_true(root, tmp_path):
    first = write(
        tmp_path,
        "budget_line_first.csv",
        f"{BUDGET}\nT01,분할표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,1000\n"
        "T01,분할표,천원,시험청,총무과,2024,T01-T,,합계,계,1,1000",
    )
    ingest_files([first], root=root)
    more = write(
        tmp_path, "budget_line_more.csv", f"{BUDGET}\nT01,분할표,천원,시험청,총무과,2024,T01-2,,세부사업,나,0,500"
    )
    message = refused([more], root)
    assert "budget_line_more.csv: '본예산'열: 합계 불일치 — 계 (이미 적재된 '분할표' 표의 인쇄 값" in message
    assert "인쇄 1,000 / 부분합 1,500" in message
    # An official document that really is inconsistent is kept as printed, on request.
    written = ingest_files([more], root=root, accept_total_differences=True)
    assert stored(written[0])["item_id"] == ["T01-2"]


def test_a_difference_already_loaded_is_not_blamed_on_a_new_file(root, tmp_path):
    # 000's shipped tables hold printed totals that do not add up (kept as printed); adding a table of
    # another section of the same document must not be refused for them.
    new = write(
        tmp_path,
        "budget_line_other.csv",
        f"{BUDGET}\n000,새 표,천원,서울특별시교육청,총무과,2018,000-NEW,,세부사업,새 사업,0,10",
    )
    written = ingest_files([new], root=root)
    assert stored(written[0])["budget_original"] == [10_000]


# ---------------------------------------------------------------- documents and items


def test_a_document_number_that_lost_its_leading_zeros_is_refused_with_the_intended_one(root, tmp_path):
    doc = write(tmp_path, "source_document_new.csv", "문서,제목\n2,두 번째 문서")
    message = refused([doc], root)
    assert "source_document_new.csv: 2행, '문서'열: 새 문서 '2'는 이미 있는 문서 '002'와 앞자리 0만 다릅니다" in message


def test_a_document_and_its_rows_can_arrive_together(root, tmp_path):
    doc = write(tmp_path, "source_document_n01.csv", "문서,제목\nN01,새 보고서")
    rows = write(tmp_path, "budget_line_n01.csv", f"{BUDGET}\nN01,표,천원,새청,총무과,2024,N01-1,,세부사업,가,0,1")
    assert "문서 'N01'를 설명하는 source_document 행이 없습니다" in refused([rows], root)
    written = ingest_files([rows, doc], root=root)  # in either order
    assert [p.parent.name for p in written] == ["budget_line", "source_document"]


def test_quarterly_rows_and_training_rows_must_name_a_loaded_budget_item(root, tmp_path):
    quarter = write(
        tmp_path,
        "quarterly_execution_t.csv",
        "문서,출처 표·절,인쇄 단위,항목 ID,회계연도,분기,금액,구분\n002,분기표,천원,002-T01,2024,1,10,집행\n"
        "002,분기표,천원,002-T99,2024,2,10,집행",
    )
    message = refused([quarter], root)
    assert (
        "quarterly_execution_t.csv: 3행, '항목 ID'열: 문서 '002'의 예산표 어디에도 항목 '002-T99'이 없습니다" in message
    )
    assert "2행" not in message  # 002-T01 is a shipped task

    result = write(
        tmp_path,
        "training_result_t.csv",
        "문서,출처 표·절,인쇄 단위,기관,연도,과제 ID,계획·실적,과정명,인원\n002,실적표,명,시험청,2024,002-TX,실적,과정,3",
    )
    assert "2행, '과제 ID'열: 문서 '002'의 예산표 어디에도 항목 '002-TX'이 없습니다" in refused([result], root)


# ---------------------------------------------------------------- call-center days


CALLS = "문서,기관,일자,상담주제,채널,인입,응답,포기,20초 내 응답,직접처리,만족도 응답 수,만족도 점수 합,예시 데이터"


@pytest.mark.parametrize(
    "row, fragment",
    [
        ("100,90,20,50,80,10,40", "'포기'열: 기대: 응답 + 포기가 인입(100) 이하 (받은 값: 90 + 20)"),
        ("100,90,10,95,80,10,40", "'20초 내 응답'열: 기대: '응답'(90) 이하 (받은 값: 95)"),
        ("100,90,10,50,91,10,40", "'직접처리'열: 기대: '응답'(90) 이하 (받은 값: 91)"),
        ("100,90,10,50,80,10,9", "'만족도 점수 합'열: 기대: 5점 척도의 점수 합, 곧 응답 수(10) 이상"),
        ("100,90,10,50,80,,40", "'만족도 점수 합'열: 기대: 5점 척도의 점수 합, 곧 응답 수(없음)"),
    ],
)
def test_a_call_center_day_must_add_up(root, tmp_path, row, fragment):
    path = write(tmp_path, "call_center_daily_t.csv", f"{CALLS}\nT01,시험청,2024-03-04,제증명,전화,{row},0")
    assert f"call_center_daily_t.csv: 2행, {fragment}" in refused([path], root)


def test_a_consistent_call_center_day_is_stored(root, tmp_path):
    path = write(
        tmp_path, "call_center_daily_t.csv", f"{CALLS}\nT01,시험청,2024-03-04,제증명,전화,100,90,10,50,80,10,50,0"
    )
    got = stored(ingest_files([path], root=root)[0])
    assert (got["inbound"], got["answered"], got["satisfaction_sum"]) == ([100], [90], [50])


# ---------------------------------------------------------------- names that only look alike


def test_a_decomposed_agency_name_is_the_same_agency(root, tmp_path):
    nfd = unicodedata.normalize("NFD", SHIPPED_AGENCY)
    assert nfd != SHIPPED_AGENCY
    path = write(
        tmp_path, "budget_line_nfd.csv", f"{BUDGET}\n002,새 표,천원,{nfd},총무과,2024,002-NEW,,세부사업,가,0,1"
    )
    assert stored(ingest_files([path], root=root)[0])["agency"] == [SHIPPED_AGENCY]


@pytest.mark.parametrize(
    "variant", ["서울특별시교육청\u3000교육연수원", "서울특별시교육청 교육연수원", "서울특별시 교육청교육연수원"]
)
def test_an_agency_that_only_looks_like_a_loaded_one_is_refused_naming_both(root, tmp_path, variant):
    path = write(
        tmp_path, "budget_line_look.csv", f"{BUDGET}\n002,새 표,천원,{variant},총무과,2024,002-NEW,,세부사업,가,0,1"
    )
    message = refused([path], root)
    assert f"2행, '기관'열: '{variant}'은(는) 이미 적재된 '{SHIPPED_AGENCY}'와 화면에서 같아 보이지만" in message


def test_two_keys_of_one_file_that_only_look_alike_are_refused_naming_both_rows(root, tmp_path):
    path = write(
        tmp_path,
        "budget_line_keys.csv",
        f"{BUDGET}\nT01,표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,1\nT01,표,천원,시험청,총무과,2024,T01－1,,세부사업,나,0,2",
    )
    message = refused([path], root)
    assert "budget_line_keys.csv: 3행, '항목 ID'열: 'T01－1'은(는) 2행의 'T01-1'와 화면에서 같아 보이지만" in message


# ---------------------------------------------------------------- ▲ by declared convention


@pytest.mark.parametrize("meaning, expected", [("증가", 500_000), ("감소", -500_000)])
def test_triangle_is_read_as_the_file_declares(root, tmp_path, meaning, expected):
    path = write(tmp_path, "budget_line_tri.csv", f"{BUDGET}\nT01,표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,▲500")
    got = stored(ingest_files([path], root=root, triangle=meaning)[0])
    assert got["budget_original"] == [expected]


def test_triangle_with_another_sign_is_refused_even_when_declared(root, tmp_path):
    path = write(
        tmp_path, "budget_line_tri.csv", f"{BUDGET}\nT01,표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,▲-500"
    )
    assert "2행, '본예산'열: 기대: 금액 숫자" in refused([path], root, triangle="증가")
    assert "증감 표시가 둘입니다" in refused([path], root, triangle="증가")


def test_an_unknown_triangle_meaning_is_refused(root, tmp_path):
    path = write(tmp_path, "budget_line_tri.csv", f"{BUDGET}\nT01,표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,1")
    assert "--triangle '위': 기대: 증가 또는 감소" in refused([path], root, triangle="위")


# ---------------------------------------------------------------- no traceback, whatever the cell holds

_ALPHABET = "0123456789,.-+△▲()%_eE 원천만억\u00a0\u200b\u202e\ufeff١२０１ａ=@\t\"'가각\U0001f600\x00\x1b"


def _random_cells(rng: random.Random, n: int) -> list[str]:
    cells = []
    for _ in range(n):
        length = rng.randint(0, 12)
        if rng.random() < 0.3:  # some arbitrary code points, printable or not
            cells.append("".join(chr(rng.randint(1, 0x2FFFF)) for _ in range(length)))
        else:
            cells.append("".join(rng.choice(_ALPHABET) for _ in range(length)))
    return cells


def test_every_cell_reader_either_reads_a_cell_or_says_why():
    """Random text into every column kind: a value or a CellError, never another exception."""
    from core.pipeline.ingest import _parse_cell

    rng = random.Random(20261201)
    kinds = {}
    for table in TABLES.values():
        for col in table.columns:
            kinds.setdefault(col.kind, col)
    cells = _random_cells(rng, 3000)
    for meaning in (None, parsing.TRIANGLE_INCREASE):
        token = parsing.TRIANGLE_MEANING.set(meaning)
        try:
            for col in kinds.values():
                for raw in cells:
                    with contextlib.suppress(CellError):
                        _parse_cell(col, raw, "천원", 1000)
        finally:
            parsing.TRIANGLE_MEANING.reset(token)


def test_random_bytes_and_random_text_files_end_in_a_message(root, tmp_path):
    """Files of random bytes, and CSVs of random cells under a real header, are read or refused with
    IngestError messages; nothing else escapes and nothing is written."""
    rng = random.Random(1201)
    before = tree_digest(root)
    for i in range(40):
        path = tmp_path / "in" / f"budget_line_random{i}.{rng.choice(['csv', 'xlsx', 'tsv'])}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if i % 2:
            path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(1, 3000))))
        else:
            rows = [",".join(f'"{c}"' for c in _random_cells(rng, 12)) for _ in range(5)]
            path.write_text(BUDGET + "\n" + "\n".join(rows) + "\n", encoding="utf-8", errors="surrogatepass")
        try:
            parse_file(path)
        except IngestError as e:
            assert e.messages and all(isinstance(m, str) and m for m in e.messages)
    assert tree_digest(root) == before


def test_a_damaged_loaded_extract_ends_ingest_and_check_in_a_sentence(root, tmp_path):
    """The command line never shows a traceback: a damaged extract beside good ones is named."""
    import os
    import subprocess
    import sys

    from conftest import PROJECT_DIR

    (root / "budget_line" / "broken.parquet").write_bytes(b"not parquet")
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(root.parent), PYTHONIOENCODING="utf-8")
    env.pop("DASHBOARD_DB", None)
    env.pop("DASHBOARD_DEBUG", None)
    src = write(tmp_path, "budget_line_t.csv", f"{BUDGET}\nT01,표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,1")
    before = tree_digest(root)
    for args, fragment in (
        (["ingest", str(src)], "budget_line/broken.parquet: 이미 적재된 추출 파일을 읽을 수 없어"),
        (["check"], "broken.parquet: 손상된 추출 파일입니다"),
        (["build"], "broken.parquet: 손상된 추출 파일입니다"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "core", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 1, (args, result.stderr)
        assert fragment in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
    assert tree_digest(root) == before


def test_a_batch_name_too_long_for_a_file_name_is_refused(root, tmp_path):
    src = write(tmp_path, "budget_line_t.csv", f"{BUDGET}\nT01,표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,1")
    message = refused([src], root, batch="가" * 5000)
    assert "묶음 이름이 너무 깁니다(15,000바이트" in message and "150바이트 이하" in message


def test_a_file_that_takes_longer_than_the_time_limit_is_refused(root, tmp_path, monkeypatch):
    src = write(tmp_path, "budget_line_t.csv", f"{BUDGET}\nT01,표,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,1")
    monkeypatch.setenv("DASHBOARD_INGEST_SECONDS", "0")
    message = refused([src], root)
    assert "budget_line_t.csv: 2행까지 읽는 데 제한 시간(DASHBOARD_INGEST_SECONDS" in message
    monkeypatch.setenv("DASHBOARD_INGEST_SECONDS", "60")
    assert stored(ingest_files([src], root=root)[0])["item_id"] == ["T01-1"]


def test_sections_that_differ_only_by_a_middle_dot_variant_are_refused(root, tmp_path):
    path = write(
        tmp_path,
        "budget_line_dots.csv",
        f"{BUDGET}\nT01,교육·연수 예산,천원,시험청,총무과,2024,T01-1,,세부사업,가,0,1\n"
        "T01,교육ㆍ연수 예산,천원,시험청,총무과,2024,T01-2,,세부사업,나,0,2",
    )
    message = refused([path], root)
    assert "3행, '출처 표·절'열: '교육ㆍ연수 예산'은(는) 2행의 '교육·연수 예산'와 화면에서 같아 보이지만" in message
