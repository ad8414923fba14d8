"""Pages survive any data ingest accepts: zeros (a target of 0, a budget of 0, a topic with no calls the year
before), the first and last plausible dates, a data folder with a single row, and one with no rows at all. Each
dataset is ingested through the real validation and built; every page then runs on its default view and on the
crafted 기관, with no exception and no error box. Dates outside the plausible window are refused on ingest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import APP_PATH, app_pages, describe_test_documents, extracts_for_ingest
from streamlit.testing.v1 import AppTest

from core.dashboard import db
from core.pipeline.build import build
from core.pipeline.ingest import IngestError, ingest_files
from core.settings import PLAUSIBLE_YEARS

AGENCY = "극단교육청"
FIRST, LAST = PLAUSIBLE_YEARS

BUDGET = "문서,출처 표·절,쪽수,인쇄 단위,기준일,기관,부서,회계연도,항목 ID,구분,사업명,합계 행,본예산,예산현액·추경,집행액(원인행위)"
TARGET = "문서,출처 표·절,쪽수,인쇄 단위,기준일,기관,부서,연도,과제 ID,세부사업명,추진시기,목표 과정 수,목표 인원"
RESULT = "문서,출처 표·절,쪽수,인쇄 단위,기준일,기관,부서,연도,과제 ID,계획·실적,세부사업,과정명,과정 수,인원"
CALLS = "문서,기관,부서,일자,상담주제,채널,인입,응답,예시 데이터"


def calls(days: list[dt.date], inbound) -> str:
    return "\n".join(f"X01,{AGENCY},민원과,{d},새 주제,전화,{inbound(d)},{inbound(d)},0" for d in days)


def year_days(*years: int) -> list[dt.date]:
    out = []
    for y in years:
        d = dt.date(y, 1, 1)
        while d.year == y:
            out.append(d)
            d += dt.timedelta(days=1)
    return out


DATASETS = {
    "zeros": {
        "budget_line_x.csv": f"{BUDGET}\nX01,영 예산,1,천원,2024-06-30,{AGENCY},연수과,2024,X01-T1,과제,영 목표 연수,0,0,0,0",
        "training_target_x.csv": f"{TARGET}\nX01,영 목표,1,명,2024-06-30,{AGENCY},연수과,2024,X01-T1,영 목표 연수,1~12월,0,0",
        "training_result_x.csv": f"{RESULT}\nX01,영 목표,1,명,2024-06-30,{AGENCY},연수과,2024,X01-T1,실적,영 목표 연수,영 목표 연수,2,10",
        # a topic with no calls at all the year before, then calls every day
        "call_center_daily_x.csv": f"{CALLS}\n" + calls(year_days(2017, 2018), lambda d: 0 if d.year == 2017 else 5),
    },
    "edges": {
        "budget_line_x.csv": f"{BUDGET}\n"
        f"X01,처음 표,1,천원,{FIRST}-01-01,{AGENCY},연수과,{FIRST},X01-A,과제,처음 해,0,1,1,0\n"
        f"X01,끝 표,1,천원,{LAST}-12-31,{AGENCY},연수과,{LAST},X01-B,과제,마지막 해,0,1,1,1",
        "call_center_daily_x.csv": f"{CALLS}\n" + calls([dt.date(FIRST, 1, 1), dt.date(LAST, 12, 31)], lambda d: 1),
    },
}


def make(root: Path, files: dict[str, str], with_shipped: bool = True) -> Path:
    extracts = root / "extracts"
    if with_shipped:
        extracts_for_ingest(extracts)
    else:
        describe_test_documents(extracts)
    inputs = root.parent / f"{root.name}-inputs"
    inputs.mkdir()
    for name, text in files.items():
        (inputs / name).write_text(text + "\n", encoding="utf-8")
        ingest_files([inputs / name], root=extracts)
    build(root=extracts, target=root / "dashboard.duckdb")
    return root


@pytest.fixture(scope="module", params=[*DATASETS, "single_row", "no_rows"])
def extreme(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(request.param) / "data"
    if request.param == "single_row":
        make(
            root,
            {
                "budget_line_x.csv": f"{BUDGET}\nX01,한 줄,1,천원,2024-06-30,{AGENCY},연수과,2024,X01-1,과제,한 줄,0,5,5,1"
            },
            False,
        )
    elif request.param == "no_rows":
        make(root, {}, False)
    else:
        make(root, DATASETS[request.param])
    return request.param, root


@pytest.mark.parametrize("url_path", list(app_pages()))
def test_every_page_runs_on_extreme_but_valid_data(extreme, url_path, monkeypatch):
    name, root = extreme
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(root))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    db.reset()
    try:
        for query in ({}, {"agency": AGENCY}, {"agency": AGENCY, "year": "2018"}):
            at = AppTest.from_file(str(APP_PATH), default_timeout=120)
            for k, v in query.items():
                at.query_params[k] = v
            if url_path != "overview":
                at.switch_page(app_pages()[url_path])
            at.run()
            assert not at.exception, (name, query, [e.value for e in at.exception])
            assert not at.error, (name, query, [e.value for e in at.error])
    finally:
        db.reset()


@pytest.mark.parametrize("value", ["9999-12-31", f"{FIRST - 1}-12-31", f"{LAST + 1}-01-01", "0024-06-30"])
def test_a_date_outside_the_plausible_years_is_refused(tmp_path, value):
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    f = tmp_path / "call_center_daily_bad.csv"
    f.write_text(f"{CALLS}\nX01,{AGENCY},민원과,{value},새 주제,전화,1,1,0\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_files([f], root=extracts)
    assert f"{FIRST}~{LAST}년 사이의 날짜" in "\n".join(info.value.messages)
    assert not list(extracts.rglob("*.parquet"))
