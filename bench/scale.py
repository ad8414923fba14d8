"""Synthetic data at scale for the benchmark: a whole country's education offices over ten years.

    python -m bench.scale --rows 1000000 --out /tmp/scale [--seed 7]

writes ``DIR/extracts/<table>/<batch>.parquet`` in exactly the project's schema (through
``ingest.write_batches`` with the ``core.pipeline.schema`` tables, so every type matches what ingestion
writes); ``core.pipeline.build.build(root=DIR/'extracts', target=...)`` turns them into DuckDB.

The organisation grows with ``--rows``: the 17 시도교육청 always, plus up to 176 교육지원청
(``rows // 25,000`` agencies in all, at most 193). Every agency has one budget document per
fiscal year (2015–2024) whose 주요업무별 예산 내역 table holds 세부사업 → 과제 → monthly
execution lines (과제세부, committed/spent only) and a printed 합계 row, with every parent equal
to the sum of its children so the build's reconciliation finds nothing to report. About 40% of
과제 have a quarterly plan (quarterly_execution), 6% are training tasks with 추진 목표
(training_target) and 계획·실적 lines (training_result). call_center_daily (date × topic ×
channel per agency, zero-call cells left out) fills the rest, so the total is exactly ``--rows``
(for ``--rows`` ≥ about 20,000).

Rough shares: call_center_daily ≈ 48%, budget_line ≈ 37%, quarterly_execution ≈ 6%,
training_result ≈ 4%, training_target ≈ 1%, the small tables well under 1%.

Generation is vectorised with numpy (``default_rng(seed)``): loops run over agencies and tables,
never over rows. The same seed gives byte-identical data. Call-center rows carry
``is_sample = true`` and every document says it is synthetic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.pipeline.ingest import arrow_schema, write_batches
from core.pipeline.sample_callcenter import CHANNELS, TOPICS
from core.pipeline.schema import (
    BUDGET_LINE,
    CALL_CENTER_DAILY,
    HEADCOUNT,
    INDICATOR,
    ORG_UNIT,
    QUARTERLY_EXECUTION,
    SOURCE_DOCUMENT,
    TABLES,
    TRAINING_OVERVIEW,
    TRAINING_RESULT,
    TRAINING_TARGET,
    Table,
)
from core.settings import SUMMARY_SECTION

YEARS = list(range(2015, 2025))
CURRENT_YEAR = YEARS[-1]
CURRENT_AS_OF = dt.date(CURRENT_YEAR, 6, 30)
CALL_START = dt.date(YEARS[0], 1, 1)
SECTION = SUMMARY_SECTION  # the table whose items have quarterly plans
ROWS_PER_AGENCY = 25_000
SYNTHETIC_NOTE = "합성 데이터 (python -m bench.scale) — 실제 보고서 아님"

# 시도교육청 (name, prefix of its 교육지원청 names, 교육지원청 districts).
SIDO: list[tuple[str, str, list[str]]] = [
    (
        "서울특별시교육청",
        "서울특별시",
        [
            "동부",
            "서부",
            "남부",
            "북부",
            "중부",
            "강동송파",
            "강서양천",
            "강남서초",
            "동작관악",
            "성동광진",
            "성북강북",
        ],
    ),
    ("부산광역시교육청", "부산광역시", ["서부", "남부", "북부", "동래", "해운대"]),
    ("대구광역시교육청", "대구광역시", ["동부", "서부", "남부", "달성"]),
    ("인천광역시교육청", "인천광역시", ["남부", "북부", "동부", "서부", "강화"]),
    ("광주광역시교육청", "광주광역시", ["동부", "서부"]),
    ("대전광역시교육청", "대전광역시", ["동부", "서부"]),
    ("울산광역시교육청", "울산광역시", ["강남", "강북"]),
    ("세종특별자치시교육청", "세종특별자치시", []),
    (
        "경기도교육청",
        "경기도",
        [
            "수원",
            "성남",
            "고양",
            "용인",
            "부천",
            "안산",
            "안양과천",
            "남양주",
            "화성오산",
            "평택",
            "의정부",
            "시흥",
            "파주",
            "김포",
            "광명",
            "군포의왕",
            "광주하남",
            "이천",
            "양평",
            "안성",
            "포천",
            "여주",
            "양주",
            "연천",
            "가평",
        ],
    ),
    (
        "강원특별자치도교육청",
        "강원특별자치도",
        [
            "춘천",
            "원주",
            "강릉",
            "동해",
            "태백",
            "속초양양",
            "삼척",
            "홍천",
            "횡성",
            "영월",
            "평창",
            "정선",
            "철원",
            "화천",
            "양구",
            "인제",
            "고성",
        ],
    ),
    (
        "충청북도교육청",
        "충청북도",
        ["청주", "충주", "제천", "보은", "옥천", "영동", "진천", "괴산증평", "음성", "단양"],
    ),
    (
        "충청남도교육청",
        "충청남도",
        [
            "천안",
            "공주",
            "보령",
            "아산",
            "서산",
            "논산계룡",
            "당진",
            "금산",
            "부여",
            "서천",
            "청양",
            "홍성",
            "예산",
            "태안",
        ],
    ),
    (
        "전북특별자치도교육청",
        "전북특별자치도",
        [
            "전주",
            "군산",
            "익산",
            "정읍",
            "남원",
            "김제",
            "완주",
            "진안",
            "무주",
            "장수",
            "임실",
            "순창",
            "고창",
            "부안",
        ],
    ),
    (
        "전라남도교육청",
        "전라남도",
        [
            "목포",
            "여수",
            "순천",
            "나주",
            "광양",
            "담양",
            "곡성",
            "구례",
            "고흥",
            "보성",
            "화순",
            "장흥",
            "강진",
            "해남",
            "영암",
            "무안",
            "함평",
            "영광",
            "장성",
            "완도",
            "진도",
            "신안",
        ],
    ),
    (
        "경상북도교육청",
        "경상북도",
        [
            "포항",
            "경주",
            "김천",
            "안동",
            "구미",
            "영주",
            "영천",
            "상주",
            "문경",
            "경산",
            "의성",
            "청송",
            "영양",
            "영덕",
            "청도",
            "고령",
            "성주",
            "칠곡",
            "예천",
            "봉화",
            "울진",
            "울릉",
        ],
    ),
    (
        "경상남도교육청",
        "경상남도",
        [
            "창원",
            "진주",
            "통영",
            "사천",
            "김해",
            "밀양",
            "거제",
            "양산",
            "의령",
            "함안",
            "창녕",
            "고성",
            "남해",
            "하동",
            "산청",
            "함양",
            "거창",
            "합천",
        ],
    ),
    ("제주특별자치도교육청", "제주특별자치도", ["제주", "서귀포"]),
]
HQ_DIVISIONS = [
    "기획조정관",
    "총무과",
    "재정과",
    "교육정책과",
    "초등교육과",
    "중등교육과",
    "유아교육과",
    "특수교육과",
    "체육건강과",
    "학생생활교육과",
    "민주시민교육과",
    "교육혁신과",
    "교원정책과",
    "평생진로교육과",
    "학교지원과",
    "교육시설과",
    "급식운영과",
    "정보화담당관",
    "감사관",
    "교육연수원",
]
DISTRICT_DIVISIONS = ["교육지원과", "행정지원과", "학교지원센터", "교육복지과"]
CALL_DIVISION = {True: "총무과", False: "행정지원과"}

PROGRAMS = [
    "학교운영비 지원",
    "교육과정 운영",
    "기초학력 보장",
    "방과후학교 운영",
    "초등돌봄교실 운영",
    "교육급식 지원",
    "무상교육 지원",
    "교육복지 우선지원",
    "특수교육 지원",
    "유아교육 지원",
    "진로진학 교육",
    "직업교육 활성화",
    "학교체육 활성화",
    "학생건강 증진",
    "학교폭력 예방",
    "학생 안전교육",
    "다문화교육 지원",
    "디지털 교육 기반 조성",
    "AI 교육 확산",
    "교원 역량 강화",
    "교원 연수 운영",
    "지방공무원 교육훈련",
    "학교시설 개선",
    "석면 제거",
    "내진 보강",
    "학교 환경 개선",
    "그린스마트 미래학교",
    "교육행정 정보화",
    "정보보안 관리",
    "교육 통계 관리",
    "민원 서비스 개선",
    "1396 콜센터 운영",
    "민원행정 제도 개선",
    "공문서 관리",
    "기록물 관리",
    "청렴 교육",
    "감사 업무 운영",
    "학부모 지원",
    "평생교육 운영",
    "도서관 운영",
    "과학교육 활성화",
    "영재교육 운영",
    "독서교육 활성화",
    "예술교육 지원",
    "민주시민교육",
    "통일교육",
    "생태전환교육",
    "학교자치 지원",
    "교육공동체 협력",
    "본청 기관 운영",
]
TASK_SUFFIXES = ["운영", "지원", "내실화", "확대", "기반 조성", "컨설팅", "개선"]
TRAINING_PROGRAMS = [
    "신규 교사 직무연수",
    "1급 정교사 자격연수",
    "교감 자격연수",
    "교장 자격연수",
    "수석교사 연수",
    "AI 융합교육 연수",
    "디지털 리터러시 연수",
    "학교폭력 예방 연수",
    "기초학력 지도 연수",
    "특수교육 통합 연수",
    "교육과정 재구성 연수",
    "수업 혁신 연수",
    "생활지도 역량 연수",
    "교원 맞춤형 원격연수",
    "지방공무원 신규 임용자 과정",
    "지방공무원 승진자 과정",
    "회계 실무 과정",
    "계약 실무 과정",
    "민원 응대 과정",
    "정보보안 과정",
    "청렴 교육 과정",
    "리더십 과정",
    "교육공무직 직무 과정",
    "학부모 교육 과정",
    "돌봄전담사 역량 과정",
    "영양교사 직무 과정",
    "보건교사 직무 과정",
    "사서교사 직무 과정",
    "진로교사 직무 과정",
    "상담교사 직무 과정",
    "안전교육 강사 과정",
    "과학실험 연수",
    "수학 탐구 연수",
    "독서교육 연수",
    "예술교육 연수",
    "체육교육 연수",
    "다문화 이해 연수",
    "생태전환교육 연수",
    "학교자치 연수",
    "국외 연수",
]
PERIODS = ["연중", "1~6월", "3~11월", "하계", "동계", "상반기", "하반기", "4, 5, 7, 9월", "7~12월", "동계, 하계"]
CATEGORIES = ["초등", "중등", "교행", "원격", "유치원"]


# ---------------------------------------------------------------- arrow helpers


def _strs(values) -> pa.Array:
    return pa.array(list(values), type=pa.string())


def _take(dictionary: pa.Array, codes: np.ndarray) -> pa.Array:
    """dictionary[codes] as a plain string array (codes < 0 become null)."""
    codes = np.asarray(codes)
    mask = codes < 0
    idx = pa.array(np.where(mask, 0, codes).astype(np.int32), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(idx, dictionary).cast(pa.string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _numbers(width: int, upto: int) -> pa.Array:
    return _strs(f"{i:0{width}d}" if width else str(i) for i in range(upto + 1))


def _int(values, mask=None, type_=pa.int64()) -> pa.Array:
    return pa.array(np.asarray(values).astype(np.int64), type=type_, mask=mask)


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days).astype("datetime64[D]"), type=pa.date32())


def _frame(table: Table, cols: dict[str, pa.Array], n: int) -> pd.DataFrame:
    """A pandas frame (Arrow-backed, zero copy) with every column of the table; unset columns are null."""
    schema = pa.schema([f for f in arrow_schema(table) if f.name != "batch"])
    arrays = []
    for f in schema:
        a = cols.get(f.name)
        if a is None:
            a = pa.nulls(n, f.type)
        elif a.type != f.type:
            a = a.cast(f.type)
        if len(a) != n:
            raise ValueError(f"{table.name}.{f.name}: {len(a)} values for {n} rows")
        arrays.append(a)
    return pa.Table.from_arrays(arrays, schema=schema).to_pandas(types_mapper=pd.ArrowDtype)


def _local_index(counts: np.ndarray) -> np.ndarray:
    """0..count-1 for each group laid out one after another."""
    total = int(counts.sum())
    starts = np.cumsum(counts) - counts
    return np.arange(total) - np.repeat(starts, counts)


def _split_exact(total: np.ndarray, weights: np.ndarray, step: int = 1000) -> np.ndarray:
    """Split each total (a multiple of step) into len(weights[i]) parts, multiples of step, that add up exactly."""
    w = weights / weights.sum(axis=1, keepdims=True)
    parts = (np.floor(total[:, None] * w / step) * step).astype(np.int64)
    rest = total - parts.sum(axis=1)
    biggest = parts.argmax(axis=1)
    parts[np.arange(len(total)), biggest] += rest
    return parts


def _round_money(x: np.ndarray) -> np.ndarray:
    return (np.maximum(np.round(x / 1000.0), 0) * 1000).astype(np.int64)


# ---------------------------------------------------------------- the organisation


def agencies(n_rows: int) -> pd.DataFrame:
    """The agencies for a data set of n_rows: every 시도 본청, then 교육지원청 round-robin over the 시도."""
    hq = [(name, i, True, prefix) for i, (name, prefix, _) in enumerate(SIDO)]
    districts = []
    longest = max(len(d) for _, _, d in SIDO)
    for k in range(longest):
        for i, (_, prefix, names) in enumerate(SIDO):
            if k < len(names):
                districts.append((f"{prefix}{names[k]}교육지원청", i, False, prefix))
    count = int(min(len(hq) + len(districts), max(len(hq), n_rows // ROWS_PER_AGENCY)))
    rows = (hq + districts)[:count]
    df = pd.DataFrame(rows, columns=["agency", "sido", "is_hq", "prefix"])
    df["code"] = [f"A{i + 1:03d}" for i in range(len(df))]
    df["weight"] = np.where(df["is_hq"], 4.0, 1.0)
    return df


def _divisions(is_hq: bool) -> list[str]:
    return HQ_DIVISIONS if is_hq else DISTRICT_DIVISIONS


# ---------------------------------------------------------------- generation


class Generator:
    def __init__(self, n_rows: int, seed: int = 7):
        self.n_rows = int(n_rows)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.org = agencies(self.n_rows)
        self.tables: dict[str, list[tuple[pd.DataFrame, str]]] = {}

    def add(self, table: Table, frame: pd.DataFrame, batch: str) -> None:
        self.tables.setdefault(table.name, []).append((frame, batch))

    def count(self, name: str) -> int:
        return sum(len(f) for f, _ in self.tables.get(name, []))

    # -------------------------------------------------------- documents
    def documents(self) -> None:
        org = self.org
        # year-major, so each year's rows of every table are contiguous and can be one batch
        a_idx = np.tile(np.arange(len(org)), len(YEARS))
        years = np.repeat(np.array(YEARS), len(org))
        self.doc_agency = a_idx
        self.doc_year = years
        self.doc_ids = [f"{org['code'].iat[a]}-{y}" for a, y in zip(a_idx, years)]
        self.doc_dict = _strs(self.doc_ids)
        as_of = [CURRENT_AS_OF if y == CURRENT_YEAR else dt.date(y, 12, 31) for y in years]
        self.doc_as_of = np.array(as_of, dtype="datetime64[D]")
        self.agency_dict = _strs(org["agency"])
        # Every division name of the organisation, one dictionary for all tables.
        names = sorted(set(HQ_DIVISIONS) | set(DISTRICT_DIVISIONS))
        self.div_names = names
        self.div_index = {d: i for i, d in enumerate(names)}
        n = len(self.doc_ids)
        titles = [f"{y}년 {org['agency'].iat[a]} 세출예산 집행 현황 (합성)" for a, y in zip(a_idx, years)]
        frame = _frame(
            SOURCE_DOCUMENT,
            {
                "doc_id": self.doc_dict,
                "file_name": _strs(f"{d}.xlsx" for d in self.doc_ids),
                "title": _strs(titles),
                "agency": _take(self.agency_dict, a_idx),
                "doc_date": _strs(
                    f"{y + 1 if y < CURRENT_YEAR else y}-{'02' if y < CURRENT_YEAR else '07'}" for y in years
                ),
                "as_of": _dates(self.doc_as_of),
                "period": _strs(str(y) for y in years),
                "kind": _take(_strs(["예산집행현황"]), np.zeros(n, int)),
                "note": _take(_strs([SYNTHETIC_NOTE]), np.zeros(n, int)),
            },
            n,
        )
        self.add(SOURCE_DOCUMENT, frame, "scale-documents")
        # org_unit: each document names the divisions of its agency.
        hq = org["is_hq"].to_numpy()[a_idx]
        self.hq_codes = np.array([self.div_index[d] for d in HQ_DIVISIONS])
        self.district_codes = np.array([self.div_index[d] for d in DISTRICT_DIVISIONS])
        per_doc = np.where(hq, len(HQ_DIVISIONS), len(DISTRICT_DIVISIONS))
        doc_rep = np.repeat(np.arange(n), per_doc)
        local = _local_index(per_doc)
        div_codes = np.where(
            hq[doc_rep],
            self.hq_codes[np.minimum(local, len(HQ_DIVISIONS) - 1)],
            self.district_codes[np.minimum(local, len(DISTRICT_DIVISIONS) - 1)],
        )
        self.add(
            ORG_UNIT,
            _frame(
                ORG_UNIT,
                {
                    "doc_id": _take(self.doc_dict, doc_rep),
                    "agency": _take(self.agency_dict, a_idx[doc_rep]),
                    "division": _take(_strs(self.div_names), div_codes),
                },
                len(doc_rep),
            ),
            "scale-org",
        )

    # -------------------------------------------------------- budget
    def budget(self, target_rows: int) -> None:
        rng, org = self.rng, self.org
        n_docs = len(self.doc_ids)
        mean_tasks, p_lines = 4.0, 0.7
        mean_months = (12 * (len(YEARS) - 1) + 6) / len(YEARS)
        rows_per_program = 1 + mean_tasks * (1 + p_lines * mean_months)
        programs_total = max(n_docs, target_rows / rows_per_program)
        w = org["weight"].to_numpy()[self.doc_agency]
        expected = programs_total * w / w.sum()
        s_per_doc = np.maximum(1, np.floor(expected + rng.random(n_docs))).astype(np.int64)

        # 세부사업 (top level)
        p_doc = np.repeat(np.arange(n_docs), s_per_doc)
        p_local = _local_index(s_per_doc)
        n_p = len(p_doc)
        p_agency = self.doc_agency[p_doc]
        p_hq = org["is_hq"].to_numpy()[p_agency]
        n_div = np.where(p_hq, len(HQ_DIVISIONS), len(DISTRICT_DIVISIONS))
        first_div = (rng.random(n_p) * n_div).astype(np.int64)
        second_div = (first_div + 1 + (rng.random(n_p) * (n_div - 1)).astype(np.int64)) % n_div
        two = rng.random(n_p) < 0.1
        c1 = np.where(
            p_hq,
            self.hq_codes[np.minimum(first_div, len(HQ_DIVISIONS) - 1)],
            self.district_codes[first_div % len(DISTRICT_DIVISIONS)],
        )
        c2 = np.where(
            p_hq,
            self.hq_codes[np.minimum(second_div, len(HQ_DIVISIONS) - 1)],
            self.district_codes[second_div % len(DISTRICT_DIVISIONS)],
        )
        # A division string per program: one name, or two joined by ';' (a bridge table explodes these).
        n_names = len(self.div_names)
        div_combo = np.where(two, c1 * n_names + c2, c1 * n_names + c1)
        combos = _strs(a if a == b else f"{a};{b}" for a in self.div_names for b in self.div_names)
        p_name = rng.integers(0, len(PROGRAMS), n_p)

        # 과제
        t_count = rng.integers(1, 8, n_p)
        t_parent = np.repeat(np.arange(n_p), t_count)
        t_local = _local_index(t_count)
        n_t = len(t_parent)
        t_doc = p_doc[t_parent]
        t_year = self.doc_year[t_doc]
        current = t_year == CURRENT_YEAR
        t_budget = _round_money(rng.lognormal(np.log(3.0e8), 1.1, n_t))
        adjust = np.where(rng.random(n_t) < 0.25, rng.normal(0.04, 0.08, n_t), 0.0)
        t_current = _round_money(t_budget * (1 + adjust))
        t_current = np.maximum(t_current, 1000)
        t_prior = _round_money(t_budget * rng.lognormal(-0.03, 0.15, n_t))
        rate = np.where(current, rng.beta(8, 10, n_t), rng.beta(20, 2.5, n_t))
        lag = rng.random(n_t)
        rate = np.where(
            lag < np.where(current, 0.08, 0.03), np.where(current, rng.beta(2, 12, n_t), rng.beta(2, 5, n_t)), rate
        )
        rate = np.where(lag > 1 - np.where(current, 0.01, 0.005), 0.0, rate)
        t_committed = _round_money(t_current * rate)
        t_spent = _round_money(t_committed * rng.beta(40, 3, n_t))
        t_name = p_name[t_parent] * len(TASK_SUFFIXES) + rng.integers(0, len(TASK_SUFFIXES), n_t)

        # monthly execution lines under 70% of 과제 (Jan–Dec, or Jan–Jun in the current year)
        has_lines = rng.random(n_t) < p_lines
        months = np.where(has_lines, np.where(current, 6, 12), 0)
        l_parent = np.repeat(np.arange(n_t), months)
        l_month = _local_index(months) + 1
        l_committed = np.empty(len(l_parent), np.int64)
        l_spent = np.empty(len(l_parent), np.int64)
        starts = np.cumsum(months) - months
        for m in (6, 12):
            sel = np.flatnonzero(months == m)
            if not len(sel):
                continue
            season = np.linspace(0.8, 1.6, m)  # execution piles up towards the year end
            wts = rng.gamma(3.0, size=(len(sel), m)) * season
            cm = _split_exact(t_committed[sel], wts)
            sp = _split_exact(t_spent[sel], wts * rng.uniform(0.9, 1.1, size=wts.shape))
            pos = (starts[sel][:, None] + np.arange(m)[None, :]).ravel()
            l_committed[pos] = cm.ravel()
            l_spent[pos] = sp.ravel()

        # 세부사업 = sum of its 과제
        p_starts = np.cumsum(t_count) - t_count
        p_budget = np.add.reduceat(t_budget, p_starts)
        p_current = np.add.reduceat(t_current, p_starts)
        p_prior = np.add.reduceat(t_prior, p_starts)
        p_committed = np.add.reduceat(t_committed, p_starts)
        p_spent = np.add.reduceat(t_spent, p_starts)

        # printed 합계 row per document = sum of its 세부사업
        d_starts = np.cumsum(s_per_doc) - s_per_doc
        d_sums = [np.add.reduceat(x, d_starts) for x in (p_budget, p_current, p_prior, p_committed, p_spent)]

        # ---- lay every row out in printed order: per document, each 세부사업 then its 과제, each followed by its lines
        n_l = len(l_parent)
        level = np.concatenate(
            [np.zeros(n_p, np.int8), np.ones(n_t, np.int8), np.full(n_l, 2, np.int8), np.full(n_docs, 3, np.int8)]
        )
        doc = np.concatenate([p_doc, t_doc, t_doc[l_parent], np.arange(n_docs)])
        prog = np.concatenate([np.arange(n_p), t_parent, t_parent[l_parent], np.full(n_docs, n_p)])
        task = np.concatenate([np.full(n_p, -1), np.arange(n_t), l_parent, np.full(n_docs, -1)])
        month = np.concatenate([np.full(n_p + n_t, -1), l_month, np.full(n_docs, -1)])
        order = np.lexsort((month, task, prog, doc))
        self.budget_tasks = dict(
            doc=t_doc,
            year=t_year,
            parent=t_parent,
            local=t_local,
            budget=t_budget,
            committed=t_committed,
            p_local=p_local,
            p_combo=div_combo,
            p_agency=p_agency,
            has_lines=has_lines,
            n=n_t,
        )

        # strings per level
        s_nums = _numbers(0, int(max(s_per_doc.max(), 8)) + 1)
        pad4 = _numbers(4, int(s_per_doc.max()) + 1)
        pad2 = _numbers(2, 13)
        p_id = _join(_take(self.doc_dict, p_doc), _take(_strs(["-S"]), np.zeros(n_p, int)), _take(pad4, p_local + 1))
        t_id = _join(p_id.take(pa.array(t_parent)), _take(_strs(["-T"]), np.zeros(n_t, int)), _take(pad2, t_local + 1))
        l_id = _join(t_id.take(pa.array(l_parent)), _take(_strs(["-M"]), np.zeros(n_l, int)), _take(pad2, l_month))
        total_id = _join(self.doc_dict, _take(_strs(["-TOTAL"]), np.zeros(n_docs, int)))
        self.task_ids = t_id
        item_id = pa.concat_arrays([p_id, t_id, l_id, total_id]).take(pa.array(order))
        parent_id = pa.concat_arrays(
            [
                pa.nulls(n_p, pa.string()),
                p_id.take(pa.array(t_parent)),
                t_id.take(pa.array(l_parent)),
                pa.nulls(n_docs, pa.string()),
            ]
        ).take(pa.array(order))
        task_no = pa.concat_arrays(
            [
                _take(s_nums, p_local + 1),
                _join(
                    _take(s_nums, p_local[t_parent] + 1),
                    _take(_strs(["-"]), np.zeros(n_t, int)),
                    _take(s_nums, t_local + 1),
                ),
                pa.nulls(n_l, pa.string()),
                pa.nulls(n_docs, pa.string()),
            ]
        ).take(pa.array(order))
        self.task_no = _join(
            _take(s_nums, p_local[t_parent] + 1), _take(_strs(["-"]), np.zeros(n_t, int)), _take(s_nums, t_local + 1)
        )
        names = _strs(
            [
                *PROGRAMS,
                *(f"{p} {s}" for p in PROGRAMS for s in TASK_SUFFIXES),
                *(f"{m}월 집행" for m in range(1, 13)),
                "합계",
            ]
        )
        base_t, base_l = len(PROGRAMS), len(PROGRAMS) * (1 + len(TASK_SUFFIXES))
        name_code = np.concatenate([p_name, base_t + t_name, base_l + l_month - 1, np.full(n_docs, base_l + 12)])[order]
        levels = _strs(["세부사업", "과제", "과제세부", "합계"])
        combo = np.concatenate([div_combo, div_combo[t_parent], div_combo[t_parent[l_parent]], np.full(n_docs, -1)])[
            order
        ]
        agency = self.doc_agency[doc[order]]
        page = np.concatenate(
            [
                20 + p_local // 8,
                20 + p_local[t_parent] // 8,
                20 + p_local[t_parent[l_parent]] // 8,
                20 + (s_per_doc - 1) // 8,
            ]
        )[order]

        def money(p, t, leaf, d):
            values = np.concatenate([p, t, leaf if leaf is not None else np.zeros(n_l, np.int64), d])[order]
            mask = np.concatenate([np.zeros(n_p + n_t, bool), np.full(n_l, leaf is None), np.zeros(n_docs, bool)])[
                order
            ]
            return _int(values, mask if mask.any() else None)

        committed_all = np.concatenate([p_committed, t_committed, l_committed, d_sums[3]])[order]
        current_all = np.concatenate([p_current, t_current, np.ones(n_l, np.int64), d_sums[1]])[order]
        rate_mask = np.concatenate([np.zeros(n_p + n_t, bool), np.ones(n_l + n_docs, bool)])[order]
        rates = np.round(committed_all * 100.0 / current_all, 1)
        year = self.doc_year[doc[order]]
        n = len(order)
        frame = _frame(
            BUDGET_LINE,
            {
                "doc_id": _take(self.doc_dict, doc[order]),
                "source_section": _take(_strs([SECTION]), np.zeros(n, int)),
                "page": _int(page),
                "unit": _take(_strs(["천원"]), np.zeros(n, int)),
                "as_of": _dates(self.doc_as_of[doc[order]]),
                "agency": _take(self.agency_dict, agency),
                "division": _take(combos, combo),
                "fiscal_year": _int(year, type_=pa.int32()),
                "item_id": item_id,
                "parent_item_id": parent_id,
                "level": _take(levels, level[order]),
                "task_no": task_no,
                "name": _take(names, name_code),
                "is_total": pa.array(level[order] == 3),
                "non_budget": pa.array(np.zeros(n, bool)),
                "budget_original": money(p_budget, t_budget, None, d_sums[0]),
                "budget_current": money(p_current, t_current, None, d_sums[1]),
                "prior_original": money(p_prior, t_prior, None, d_sums[2]),
                "committed": money(p_committed, t_committed, l_committed, d_sums[3]),
                "spent": money(p_spent, t_spent, l_spent, d_sums[4]),
                "rate_committed_printed": pa.array(rates, mask=rate_mask),
            },
            n,
        )
        for y in YEARS:  # documents are year-major, so each year is one slice
            start, stop = np.searchsorted(year, [y, y + 1])
            self.add(BUDGET_LINE, frame.iloc[start:stop].reset_index(drop=True), f"scale-{y}")

    # -------------------------------------------------------- quarterly plans
    def quarterly(self) -> None:
        rng, bt = self.rng, self.budget_tasks
        chosen = np.flatnonzero(rng.random(bt["n"]) < 0.4)
        n = len(chosen)
        current = bt["year"][chosen] == CURRENT_YEAR
        profile = np.array([0.2, 0.3, 0.3, 0.2])
        heavy = np.array([0.1, 0.15, 0.25, 0.5])
        slow = np.array([0.05, 0.1, 0.4, 0.45])
        kind = rng.random(n)
        base = np.where((kind < 0.03)[:, None], heavy, np.where((kind > 0.94)[:, None], slow, profile))
        parts = _split_exact(bt["budget"][chosen], base * rng.uniform(0.7, 1.3, size=(n, 4)))
        q_task = np.repeat(chosen, 4)
        quarter = np.tile(np.arange(1, 5), n)
        executed = ~np.repeat(current, 4) | (quarter <= 2)
        doc = bt["doc"][q_task]
        rows = 4 * n
        frame = _frame(
            QUARTERLY_EXECUTION,
            {
                "doc_id": _take(self.doc_dict, doc),
                "source_section": _take(_strs([SECTION]), np.zeros(rows, int)),
                "page": _int(20 + bt["p_local"][bt["parent"][q_task]] // 8),
                "unit": _take(_strs(["천원"]), np.zeros(rows, int)),
                "as_of": _dates(self.doc_as_of[doc]),
                "item_id": self.task_ids.take(pa.array(q_task)),
                "fiscal_year": _int(bt["year"][q_task], type_=pa.int32()),
                "quarter": _int(quarter, type_=pa.int32()),
                "amount": _int(parts.ravel()),
                "status": _take(_strs(["집행", "집행예정"]), np.where(executed, 0, 1)),
                "is_total": pa.array(np.zeros(rows, bool)),
            },
            rows,
        )
        self.add(QUARTERLY_EXECUTION, frame, "scale-quarterly")

    # -------------------------------------------------------- training targets and results
    def training(self) -> None:
        rng, bt = self.rng, self.budget_tasks
        chosen = np.flatnonzero(rng.random(bt["n"]) < 0.06)
        n_tasks = len(chosen)
        k = rng.integers(2, 5, n_tasks)
        g_task = np.repeat(chosen, k)
        g_local = _local_index(k)
        n_g = len(g_task)
        start = rng.integers(0, len(TRAINING_PROGRAMS), n_tasks)
        step = rng.integers(1, 4, n_tasks)
        prog = (np.repeat(start, k) + g_local * np.repeat(step, k) * 7) % len(TRAINING_PROGRAMS)
        # distinct within a task: steps of 7, 14 or 21 over 40 names never collide within 4 picks
        doc = bt["doc"][g_task]
        year = bt["year"][g_task]
        agency = self.doc_agency[doc]
        combo = bt["p_combo"][bt["parent"][g_task]]
        n_names = len(self.div_names)
        first_div = combo // n_names  # the programme's first division owns the training
        courses = rng.integers(2, 40, n_g)
        trainees = courses * rng.integers(15, 45, n_g)
        period = rng.integers(0, len(PERIODS), n_g)
        task_no = self.task_no.take(pa.array(g_task))
        target_section = _join(
            _take(_strs(["과제 "]), np.zeros(n_g, int)), task_no, _take(_strs([" 추진 목표"]), np.zeros(n_g, int))
        )
        prog_names = _strs(TRAINING_PROGRAMS)
        qty_text = _join(
            pa.array(courses.astype(str)),
            _take(_strs(["과정 "]), np.zeros(n_g, int)),
            pa.array(trainees.astype(str)),
            _take(_strs(["명"]), np.zeros(n_g, int)),
        )
        self.add(
            TRAINING_TARGET,
            _frame(
                TRAINING_TARGET,
                {
                    "doc_id": _take(self.doc_dict, doc),
                    "source_section": target_section,
                    "page": _int(40 + bt["local"][g_task]),
                    "unit": _take(_strs(["명"]), np.zeros(n_g, int)),
                    "as_of": _dates(self.doc_as_of[doc]),
                    "agency": _take(self.agency_dict, agency),
                    "division": _take(_strs(self.div_names), first_div),
                    "fiscal_year": _int(year, type_=pa.int32()),
                    "task_item_id": self.task_ids.take(pa.array(g_task)),
                    "target_name": _take(prog_names, prog),
                    "period": _take(_strs(PERIODS), period),
                    "target_courses": _int(courses),
                    "target_trainees": _int(trainees),
                    "quantity_text": qty_text,
                },
                n_g,
            ),
            "scale-training",
        )

        # per target: 계획 and 실적 of the year, 실적 of the year before, each split over 1–3 연수 구분
        n_cat = rng.integers(1, 4, n_g)
        kinds = np.array([0, 1, 2])  # 0 계획(y), 1 실적(y), 2 실적(y-1)
        r_g = np.repeat(np.arange(n_g), 3 * n_cat)
        r_kind = np.repeat(np.tile(kinds, n_g), np.repeat(n_cat, 3))
        r_local = _local_index(np.repeat(n_cat, 3))
        cat_start = rng.integers(0, len(CATEGORIES), n_g)
        r_cat = (cat_start[r_g] + r_local) % len(CATEGORIES)
        n_r = len(r_g)
        share = rng.uniform(0.6, 1.4, n_r) / n_cat[r_g]
        r_year = year[r_g] - (r_kind == 2)
        cur = year[r_g] == CURRENT_YEAR
        progress = np.where(
            r_kind == 0, 1.0, np.where((r_kind == 1) & cur, rng.beta(4, 4, n_r), rng.beta(18, 2, n_r) * 1.05)
        )
        r_courses = np.maximum(0, np.round(courses[r_g] * share * progress)).astype(np.int64)
        r_trainees = np.maximum(0, np.round(trainees[r_g] * share * progress)).astype(np.int64)
        r_doc = doc[r_g]
        result_section = _join(
            _take(_strs(["과제 "]), np.zeros(n_r, int)),
            task_no.take(pa.array(r_g)),
            _take(_strs([" 추진 실적"]), np.zeros(n_r, int)),
        )
        program = _join(
            _take(prog_names, prog[r_g]),
            _take(_strs([" ["]), np.zeros(n_r, int)),
            _take(_strs(CATEGORIES), r_cat),
            _take(_strs(["] 과정"]), np.zeros(n_r, int)),
        )
        self.add(
            TRAINING_RESULT,
            _frame(
                TRAINING_RESULT,
                {
                    "doc_id": _take(self.doc_dict, r_doc),
                    "source_section": result_section,
                    "page": _int(40 + bt["local"][g_task[r_g]]),
                    "unit": _take(_strs(["과정/명"]), np.zeros(n_r, int)),
                    "as_of": _dates(self.doc_as_of[r_doc]),
                    "agency": _take(self.agency_dict, agency[r_g]),
                    "division": _take(_strs(self.div_names), first_div[r_g]),
                    "fiscal_year": _int(r_year, type_=pa.int32()),
                    "task_item_id": self.task_ids.take(pa.array(g_task[r_g])),
                    "kind": _take(_strs(["계획", "실적", "실적"]), r_kind),
                    "group_name": _take(prog_names, prog[r_g]),
                    "category": _take(_strs(CATEGORIES), r_cat),
                    "program": program,
                    "courses": _int(r_courses),
                    "trainees": _int(r_trainees),
                },
                n_r,
            ),
            "scale-training",
        )

    # -------------------------------------------------------- small tables
    def small_tables(self) -> None:
        rng, org = self.rng, self.org
        n_docs = len(self.doc_ids)
        # indicator: three per document
        ind = ["민원 처리 건수", "콜센터 응답률", "공문 생산 건수"]
        kinds = ["실적", "목표", "실적"]
        units = ["건", "%", "건"]
        d = np.repeat(np.arange(n_docs), 3)
        j = np.tile(np.arange(3), n_docs)
        scale = np.where(org["is_hq"].to_numpy()[self.doc_agency[d]], 10.0, 1.0)
        value = np.where(
            j == 1, np.round(rng.uniform(85, 95, len(d)), 1), np.round(rng.lognormal(8, 0.4, len(d)) * scale)
        )
        hq = org["is_hq"].to_numpy()[self.doc_agency[d]]
        self.add(
            INDICATOR,
            _frame(
                INDICATOR,
                {
                    "doc_id": _take(self.doc_dict, d),
                    "source_section": _take(_strs(["민원 처리 현황"]), np.zeros(len(d), int)),
                    "page": _int(np.full(len(d), 5)),
                    "unit": _take(_strs(units), j),
                    "as_of": _dates(self.doc_as_of[d]),
                    "agency": _take(self.agency_dict, self.doc_agency[d]),
                    "division": _take(
                        _strs(self.div_names),
                        np.array([self.div_index[CALL_DIVISION[h]] for h in (True, False)])[np.where(hq, 0, 1)],
                    ),
                    "fiscal_year": _int(self.doc_year[d], type_=pa.int32()),
                    "indicator": _take(_strs(ind), j),
                    "kind": _take(_strs(kinds), j),
                    "value": pa.array(value.astype(float)),
                },
                len(d),
            ),
            "scale-indicator",
        )
        # headcount: six grades per agency, in its latest document
        grades = ["4급", "5급", "6급", "7급", "8급", "9급"]
        latest = np.flatnonzero(self.doc_year == CURRENT_YEAR)
        d = np.repeat(latest, len(grades))
        g = np.tile(np.arange(len(grades)), len(latest))
        hq = org["is_hq"].to_numpy()[self.doc_agency[d]]
        authorized = np.round(np.array([3, 15, 40, 60, 35, 25])[g] * np.where(hq, 4, 1) * rng.uniform(0.8, 1.2, len(d)))
        current = np.round(authorized * rng.uniform(0.9, 1.0, len(d)))
        self.add(
            HEADCOUNT,
            _frame(
                HEADCOUNT,
                {
                    "doc_id": _take(self.doc_dict, d),
                    "source_section": _take(_strs(["정원·현원"]), np.zeros(len(d), int)),
                    "page": _int(np.full(len(d), 3)),
                    "unit": _take(_strs(["명"]), np.zeros(len(d), int)),
                    "as_of": _dates(self.doc_as_of[d]),
                    "agency": _take(self.agency_dict, self.doc_agency[d]),
                    "division": _take(_strs(self.div_names), np.full(len(d), self.div_index["총무과"])),
                    "staff_group": _take(_strs(["일반직"]), np.zeros(len(d), int)),
                    "grade": _take(_strs(grades), g),
                    "authorized": _int(authorized),
                    "current": _int(current),
                    "is_total": pa.array(np.zeros(len(d), bool)),
                },
                len(d),
            ),
            "scale-headcount",
        )
        # training_overview: three target groups per 시도 본청 document
        hq_docs = np.flatnonzero(org["is_hq"].to_numpy()[self.doc_agency])
        groups = ["교원", "지방공무원", "교육공무직"]
        d = np.repeat(hq_docs, 3)
        g = np.tile(np.arange(3), len(hq_docs))
        courses = rng.integers(50, 900, len(d))
        self.add(
            TRAINING_OVERVIEW,
            _frame(
                TRAINING_OVERVIEW,
                {
                    "doc_id": _take(self.doc_dict, d),
                    "source_section": _take(_strs(["연수·교육훈련 현황"]), np.zeros(len(d), int)),
                    "page": _int(np.full(len(d), 60)),
                    "unit": _take(_strs(["과정/명"]), np.zeros(len(d), int)),
                    "as_of": _dates(self.doc_as_of[d]),
                    "fiscal_year": _int(self.doc_year[d], type_=pa.int32()),
                    "target_group": _take(_strs(groups), g),
                    "training_type": _take(_strs(["직무연수"]), np.zeros(len(d), int)),
                    "courses": _int(courses),
                    "trainees": _int(courses * rng.integers(20, 60, len(d))),
                    "is_total": pa.array(np.zeros(len(d), bool)),
                },
                len(d),
            ),
            "scale-overview",
        )

    # -------------------------------------------------------- call center (the bulk)
    def calls(self, quota: int) -> None:
        rng, org = self.rng, self.org
        days = np.arange(np.datetime64(CALL_START), np.datetime64(CURRENT_AS_OF) + 1, dtype="datetime64[D]")
        topics, channels = list(TOPICS), list(CHANNELS)
        cells = len(days) * len(topics) * len(channels)
        w = org["weight"].to_numpy()
        share = np.floor(quota * w / w.sum()).astype(np.int64)
        share[: quota - share.sum()] += 1
        # An agency cannot have more rows than days × topics × channels: pass the overflow on.
        for _ in range(len(org)):
            over = np.maximum(share - cells, 0).sum()
            share = np.minimum(share, cells)
            room = np.flatnonzero(share < cells)
            if not over or not len(room):
                break
            extra = np.floor(over * w[room] / w[room].sum()).astype(np.int64)
            extra[: over - extra.sum()] += 1
            share[room] += extra
        picks = [np.sort(rng.choice(cells, int(q), replace=False)) if q else np.zeros(0, np.int64) for q in share]
        a_idx = np.repeat(np.arange(len(org)), share)
        cell = np.concatenate(picks) if picks else np.zeros(0, np.int64)
        day_i = cell // (len(topics) * len(channels))
        topic_i = (cell // len(channels)) % len(topics)
        chan_i = cell % len(channels)
        n = len(cell)
        date = days[day_i]
        month = (date.astype("datetime64[M]").astype(int) % 12) + 1
        weekday = (date.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        day_factor = np.select([weekday == 6, weekday == 5, weekday == 0], [0.12, 0.25, 1.15], 1.0)
        base = np.array([TOPICS[t][0] for t in topics])[topic_i]
        season_table = np.array([[TOPICS[t][1].get(m, 1.0) for m in range(1, 13)] for t in topics])
        season = season_table[topic_i, month - 1]
        chan_share = np.array([CHANNELS[c][0] for c in channels])[chan_i]
        answer_shift = np.array([CHANNELS[c][1] for c in channels])[chan_i]
        direct_shift = np.array([CHANNELS[c][2] for c in channels])[chan_i]
        years_in = date.astype("datetime64[Y]").astype(int) + 1970 - YEARS[0]
        size = np.where(org["is_hq"].to_numpy()[a_idx], 1.0, 0.15)
        expected = base * season * day_factor * chan_share * (1 + 0.04 * years_in) * size
        inbound = np.maximum(1, rng.poisson(expected))
        load = season * day_factor
        answer_rate = np.clip(0.93 + answer_shift - 0.05 * np.maximum(load - 1, 0) + rng.normal(0, 0.01, n), 0.6, 0.99)
        answered = rng.binomial(inbound, answer_rate)
        abandoned = inbound - answered
        within_20 = rng.binomial(answered, np.clip(0.85 - 0.08 * np.maximum(load - 1, 0), 0.4, 0.97))
        is_phone = chan_i == 0
        handle = (answered * np.maximum(60.0, rng.normal(np.where(is_phone, 185, 240), 15))).astype(np.int64)
        direct = rng.binomial(answered, np.clip(0.86 + direct_shift, 0.5, 0.98))
        responses = rng.binomial(answered, 0.08)
        score = np.clip(4.35 - 0.15 * np.maximum(load - 1, 0) + rng.normal(0, 0.05, n), 1.0, 5.0)
        satisfaction = np.round(responses * score).astype(np.int64)
        hq = org["is_hq"].to_numpy()[a_idx]
        div_code = np.where(hq, self.div_index[CALL_DIVISION[True]], self.div_index[CALL_DIVISION[False]])
        # One batch per year, rows in date order (as monthly exports would arrive).
        year = date.astype("datetime64[Y]").astype(int) + 1970
        order = np.lexsort((chan_i, topic_i, a_idx, day_i))
        frame = _frame(
            CALL_CENTER_DAILY,
            {
                "doc_id": _take(_strs(["sample"]), np.zeros(n, int)),
                "agency": _take(self.agency_dict, a_idx[order]),
                "division": _take(_strs(self.div_names), div_code[order]),
                "call_date": _dates(date[order]),
                "topic": _take(_strs(topics), topic_i[order]),
                "channel": _take(_strs(channels), chan_i[order]),
                "inbound": _int(inbound[order]),
                "answered": _int(answered[order]),
                "abandoned": _int(abandoned[order]),
                "answered_20s": _int(within_20[order]),
                "handle_seconds": _int(handle[order]),
                "resolved_direct": _int(direct[order]),
                "satisfaction_responses": _int(responses[order]),
                "satisfaction_sum": _int(satisfaction[order]),
                "is_sample": pa.array(np.ones(n, bool)),
            },
            n,
        )
        year_sorted = year[order]
        for y in YEARS:
            start, stop = np.searchsorted(year_sorted, [y, y + 1])
            if stop > start:
                self.add(CALL_CENTER_DAILY, frame.iloc[start:stop].reset_index(drop=True), f"scale-{y}")

    # -------------------------------------------------------- all of it
    def run(self) -> dict[str, int]:
        self.documents()
        self.budget(int(round(self.n_rows * 0.37)))
        self.quarterly()
        self.training()
        self.small_tables()
        others = sum(self.count(t) for t in self.tables)
        self.calls(max(0, self.n_rows - others))
        return {name: self.count(name) for name in self.tables}


def generate(n_rows: int, out: Path, seed: int = 7) -> dict[str, int]:
    """Write the extracts for n_rows under out/extracts (replacing what was there); return rows per table."""
    out = Path(out)
    extracts = out / "extracts"
    shutil.rmtree(extracts, ignore_errors=True)
    gen = Generator(n_rows, seed)
    counts = gen.run()
    items = [(TABLES[name], frame, batch) for name, parts in gen.tables.items() for frame, batch in parts]
    write_batches(items, extracts)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description="벤치마크용 합성 추출 파일 생성")
    parser.add_argument("--rows", type=int, required=True, help="모든 표를 합친 행 수 (예: 1000000)")
    parser.add_argument("--out", type=Path, required=True, help="출력 폴더 (OUT/extracts/<표>/<묶음>.parquet)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.rows, args.out, args.seed)
    took = time.perf_counter() - started
    total = sum(counts.values())
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {name}: {n:,}행 ({n * 100 / max(total, 1):.1f}%)")
    print(f"합계 {total:,}행, {took:.1f}초 ({total / took:,.0f}행/초) → {args.out / 'extracts'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
