"""Synthetic data at scale for the benchmark: a whole country's education offices over ten years.

    python -m bench.scale --rows 1000000 --out /tmp/scale [--seed 7]

writes ``DIR/extracts/<table>/<batch>.parquet`` in exactly the project's schema (through
``extracts.write_batches`` with the ``core.pipeline.schema`` tables, so every type matches what ingestion
writes); ``core.pipeline.build.build(root=DIR/'extracts', target=...)`` turns them into DuckDB.

**The organisation.** All 17 시도교육청 and their 176 교육지원청, 193 agencies, from 965,000 rows up
(``ROWS_PER_AGENCY`` = 5,000 rows per agency); below that the 17 본청 and the ``rows // 5,000 − 17``
heaviest 교육지원청 (100k: 20 agencies), since a small data set cannot give 1,930 documents a budget
table each. The 교육지원청 per 시도 (``SIDO``): 서울 11, 부산 5, 대구 5 (군위 included, moved from 경북 in
2023), 인천 5, 광주 2, 대전 2, 울산 2, 세종 0, 경기 25, 강원 17, 충북 10, 충남 14, 전북 14, 전남 22, 경북 22,
경남 18, 제주 2; the names are the real offices' as we know them.

**The skew.** Each agency has a weight and its rows (budget lines, call-center rows, training lines and the
money of its 정책사업 table) follow it. A 시도's weight is its share of the country's students: approximate
2024 shares, rounded: our assumption, not official figures (경기 28%, 서울 16%, 경남 7%,
부산 and 인천 6%, 충남 and 경북 5%, 대구 4%, 광주·대전·강원·충북·전북·전남 3%, 울산 2%, 세종 and 제주 1.5%).
The 본청 keeps 40% of it (세종, without 교육지원청: all) and its 교육지원청 split the other 60% by a Zipf law
with exponent 1 over their listed order (roughly largest first, again our guess): 1/1, 1/2, 1/3 … of the
share. So the heaviest agency (경기도교육청, 11.2%) weighs about 500 times the lightest (구례, 0.02%). Every
document still prints at least one 세부사업, so the lightest agencies get somewhat more than their weight
(at 1M: 317–40,545 budget lines per agency, median 762), and an agency has at most one call-center row per
day × topic × channel (104,070 cells), so at 10M the heaviest agencies' call rows are capped and passed on.

**The documents.** Every agency has one budget document per fiscal year (2015–2024) with two or three budget
tables (``source_section``), in this order:

* 주요업무별 예산 내역 (``SECTION``, every document; 94% of budget_line at 1M, 99% at 10M): 세부사업 → 과제 → monthly
  execution lines (과제세부, committed/spent only) and a printed 합계 row. The 세부사업 are named from
  ``N_PROGRAM_NAMES`` = 601 names that the seed picks out of 750 (50 stems alone or with one of 14
  qualifiers, e.g. "농산어촌 기초학력 보장"); an agency keeps its k-th 세부사업's name from year to year,
  except one in five, named at random. 과제 are "<세부사업> <suffix>" (7 suffixes). Quarterly plans (about 40%
  of 과제) and training tasks (6%) attach to this table's 과제.
* 세출예산 정책사업별 현황 (``POLICY_SECTION``, every document): the whole budget by 정책사업 (11 in a 본청's,
  6–9 in a 교육지원청's) with 본예산, 전년 본예산, 증감, 증감률 and a 합계 row; the money is
  ``NATIONAL_BUDGET`` × the agency's weight, +4% a year.
* 기관운영 기본경비 집행 현황 (``BASIC_SECTION``, every 본청 document, about 60% of the others): 4–7 비목
  with 본예산, 예산현액, 원인행위액, 지출액, printed 집행률 and a 합계 row.

Every parent equals the sum of its children and every printed total its rows, except on purpose:
``FINDING_SHARE`` = 0.25% of the documents, at least ``MIN_FINDINGS`` = 3 (5 of the 1,930 documents from
965,000 rows up, 3 below), carry one slip each of 1,000 to 900,000 천원, the ``FINDING_KINDS`` in turn: a
summary 합계 예산현액, a 세부사업 본예산 (off from its 과제 and so the 합계 too), a 과제 원인행위액 (off
from its monthly lines), a 정책사업 합계 본예산 (off from its rows and its printed 증감). The build keeps
them and records them in ``data_quality`` (and ``python -m core check`` lists them): at 1M, 7 budget rows
in those 5 documents; ``main`` prints the documents. The 계획 lines of a training task split its 추진 목표
exactly, and no two 실적 lines of a document print the same course and trainee numbers by chance. The
one other finding left is the ``중복 의심`` heuristic on 계획 lines of two 과제 that name the same course
and print the same round numbers: 2 at 1M, about 220 in 91 documents at 10M (chance, not design).

The other tables: training_target / training_result (계획 of the year, 실적 of the year and the one before,
over 1–3 연수 구분), indicator (3 per document), headcount (6 grades per agency), training_overview
(3 target groups per 본청 document), org_unit, source_document. call_center_daily (date × topic × channel
per agency, zero-call cells left out, volume per cell ∝ the agency's weight) fills the rest, so the total is
exactly ``--rows`` (for ``--rows`` ≥ about 20,000).

Rough shares: call_center_daily ≈ 48–51%, budget_line ≈ 37–39%, quarterly_execution ≈ 6%,
training_result ≈ 4%, training_target ≈ 1%, the small tables about 1–2% at 1M and well under 1% at 10M.

Generation is vectorised with numpy (``default_rng(seed)``): loops run over agencies and tables,
never over rows. The same seed gives byte-identical data (1M in about 2 s, 10M in 13–25 s on two shared
cores). Call-center rows carry ``is_sample = true`` and every document says it is synthetic.
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

from core.pipeline.extracts import arrow_schema, write_batches
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
ROWS_PER_AGENCY = 5_000  # rows per agency before the next 교육지원청 joins: all 193 from 965,000 rows
SYNTHETIC_NOTE = "합성 데이터 (python -m bench.scale) — 실제 보고서 아님"

# 시도교육청: (name, prefix of its 교육지원청 names, share of the country's students in %, 교육지원청 districts
# roughly largest first). The shares are approximate 2024 student shares, rounded, written from memory as an
# assumption for the benchmark, not official figures; the order of the districts is likewise our rough guess
# at their size. 17 시도교육청 + 176 교육지원청 = 193 (군위 is counted under 대구, where it moved in 2023).
SIDO: list[tuple[str, str, float, list[str]]] = [
    (
        "서울특별시교육청",
        "서울특별시",
        16.0,
        [
            "강서양천",
            "강남서초",
            "강동송파",
            "북부",
            "동작관악",
            "남부",
            "서부",
            "성북강북",
            "동부",
            "성동광진",
            "중부",
        ],
    ),
    ("부산광역시교육청", "부산광역시", 6.0, ["해운대", "북부", "남부", "동래", "서부"]),
    ("대구광역시교육청", "대구광역시", 4.0, ["동부", "서부", "남부", "달성", "군위"]),
    ("인천광역시교육청", "인천광역시", 6.0, ["서부", "남부", "북부", "동부", "강화"]),
    ("광주광역시교육청", "광주광역시", 3.0, ["서부", "동부"]),
    ("대전광역시교육청", "대전광역시", 3.0, ["서부", "동부"]),
    ("울산광역시교육청", "울산광역시", 2.0, ["강남", "강북"]),
    ("세종특별자치시교육청", "세종특별자치시", 1.5, []),
    (
        "경기도교육청",
        "경기도",
        28.0,
        [
            "수원",
            "화성오산",
            "용인",
            "고양",
            "성남",
            "구리남양주",
            "부천",
            "안산",
            "평택",
            "안양과천",
            "시흥",
            "김포",
            "파주",
            "의정부",
            "광주하남",
            "군포의왕",
            "광명",
            "이천",
            "동두천양주",
            "안성",
            "포천",
            "여주",
            "양평",
            "가평",
            "연천",
        ],
    ),
    (
        "강원특별자치도교육청",
        "강원특별자치도",
        3.0,
        [
            "원주",
            "춘천",
            "강릉",
            "속초양양",
            "동해",
            "홍천",
            "삼척",
            "철원",
            "횡성",
            "태백",
            "영월",
            "평창",
            "정선",
            "인제",
            "고성",
            "양구",
            "화천",
        ],
    ),
    (
        "충청북도교육청",
        "충청북도",
        3.0,
        ["청주", "충주", "제천", "음성", "진천", "옥천", "괴산증평", "영동", "보은", "단양"],
    ),
    (
        "충청남도교육청",
        "충청남도",
        5.0,
        [
            "천안",
            "아산",
            "서산",
            "당진",
            "논산계룡",
            "공주",
            "홍성",
            "보령",
            "예산",
            "태안",
            "부여",
            "금산",
            "서천",
            "청양",
        ],
    ),
    (
        "전북특별자치도교육청",
        "전북특별자치도",
        3.0,
        [
            "전주",
            "익산",
            "군산",
            "완주",
            "정읍",
            "김제",
            "남원",
            "고창",
            "부안",
            "임실",
            "순창",
            "진안",
            "무주",
            "장수",
        ],
    ),
    (
        "전라남도교육청",
        "전라남도",
        3.0,
        [
            "순천",
            "여수",
            "목포",
            "광양",
            "나주",
            "무안",
            "화순",
            "해남",
            "영암",
            "고흥",
            "담양",
            "영광",
            "장성",
            "완도",
            "보성",
            "강진",
            "함평",
            "장흥",
            "진도",
            "신안",
            "곡성",
            "구례",
        ],
    ),
    (
        "경상북도교육청",
        "경상북도",
        5.0,
        [
            "포항",
            "구미",
            "경산",
            "경주",
            "안동",
            "김천",
            "칠곡",
            "영주",
            "영천",
            "상주",
            "문경",
            "예천",
            "울진",
            "성주",
            "의성",
            "청도",
            "고령",
            "영덕",
            "봉화",
            "청송",
            "영양",
            "울릉",
        ],
    ),
    (
        "경상남도교육청",
        "경상남도",
        7.0,
        [
            "창원",
            "김해",
            "양산",
            "진주",
            "거제",
            "통영",
            "사천",
            "밀양",
            "함안",
            "거창",
            "창녕",
            "고성",
            "하동",
            "합천",
            "남해",
            "함양",
            "산청",
            "의령",
        ],
    ),
    ("제주특별자치도교육청", "제주특별자치도", 1.5, ["제주", "서귀포"]),
]
# How a 시도's weight is split: the 본청 keeps HQ_SHARE (all of it where there is no 교육지원청, 세종) and the
# 교육지원청 share the rest by a Zipf law over their order above, weight ∝ 1 / rank ** ZIPF_S.
HQ_SHARE = 0.4
ZIPF_S = 1.0
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

PROGRAM_STEMS = [
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
# 세부사업 names: a stem alone or with one qualifier (50 stems × 14 qualifiers + 50 = 750 candidates), of which
# N_PROGRAM_NAMES, chosen by the seed, are used. A prime count, so an agency's stride through them never repeats
# a name within a document of up to that many 세부사업.
PROGRAM_QUALIFIERS = [
    "초등",
    "중등",
    "유치원",
    "특수학교",
    "농산어촌",
    "도서벽지",
    "미래형",
    "맞춤형",
    "지역연계",
    "학교급별",
    "찾아가는",
    "권역별",
    "소규모학교",
    "직속기관",
]
N_PROGRAM_NAMES = 601

# The second table of every document: the whole budget by 정책사업 (the usual classification of an education
# office's 세출예산), with rough shares of it (an assumption). NATIONAL_BUDGET (원, 2015; +4% a year) is spread over
# the agencies by weight: the order of magnitude of the country's education budget, not a figure from a source.
POLICY_SECTION = "세출예산 정책사업별 현황"
POLICY_PROGRAMS = [
    "인적자원운용",
    "교수-학습활동지원",
    "교육복지지원",
    "보건/급식/체육활동",
    "학교재정지원관리",
    "학교교육여건개선시설",
    "평생·직업교육",
    "교육일반",
    "기관운영관리",
    "지방채상환 및 리스료",
    "예비비 및 기타",
]
POLICY_SHARE = np.array([55, 5, 6, 4, 12, 7, 1, 5, 2, 2, 1], dtype=float)
NATIONAL_BUDGET = 6.0e13
# The third table, in every 본청 document and about 60% of the others.
BASIC_SECTION = "기관운영 기본경비 집행 현황"
BASIC_ITEMS = ["일반운영비", "여비", "업무추진비", "직무수행경비", "자산취득비", "시설장비유지비", "교육훈련비"]

# Deliberate reconciliation findings: FINDING_SHARE of the documents (at least MIN_FINDINGS) carry one slip
# each, the kinds in turn. What the build's data_quality then reports for each kind:
FINDING_KINDS = [
    "합계 행 예산현액 오기",  # 주요업무별 예산 내역's 합계 예산현액 ≠ its 세부사업: 합계 불일치
    "세부사업 본예산 오기",  # a 세부사업's 본예산 ≠ its 과제 (상위 항목 ≠ 하위 항목 합) and so the 합계 (합계 불일치)
    "과제 원인행위액 오기",  # a 과제's 원인행위액 ≠ its monthly lines: 상위 항목 ≠ 하위 항목 합
    "정책사업 합계 본예산 오기",  # the 정책사업 table's 합계 본예산 ≠ its rows (합계 불일치) and its 증감 (증감 불일치)
]
FINDING_SHARE = 0.0025
MIN_FINDINGS = 3
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
    return _table(table, cols, n).to_pandas(types_mapper=pd.ArrowDtype)


def _table(table: Table, cols: dict[str, pa.Array], n: int) -> pa.Table:
    """An Arrow table with every column of the table (but batch); unset columns are null."""
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
    return pa.Table.from_arrays(arrays, schema=schema)


def _const(value: str, n: int) -> pa.Array:
    return _take(_strs([value]), np.zeros(n, int))


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


def _split_groups(totals: np.ndarray, weights: np.ndarray, sizes: np.ndarray, step: int = 1) -> np.ndarray:
    """Split totals[g] (a multiple of step) over the sizes[g] rows of group g, laid out one group after another,
    in proportion to weights (one per row), as multiples of step that add up exactly (the rest goes to the
    group's first row)."""
    starts = np.cumsum(sizes) - sizes
    group = np.repeat(np.arange(len(sizes)), sizes)
    share = weights / np.add.reduceat(weights, starts)[group]
    parts = (np.floor(totals[group] * share / step) * step).astype(np.int64)
    parts[starts] += totals - np.add.reduceat(parts, starts)
    return parts


# ---------------------------------------------------------------- the organisation


def agency_weights() -> pd.DataFrame:
    """All 193 agencies with their weight (a share of the country, summing to 1) and their rank by weight."""
    rows = []
    for i, (name, prefix, share, districts) in enumerate(SIDO):
        hq_share = 1.0 if not districts else HQ_SHARE
        rows.append((name, i, True, prefix, share * hq_share, 0))
        zipf = 1.0 / np.arange(1, len(districts) + 1) ** ZIPF_S
        for k, d in enumerate(districts):
            rows.append(
                (f"{prefix}{d}교육지원청", i, False, prefix, share * (1 - hq_share) * zipf[k] / zipf.sum(), k + 1)
            )
    df = pd.DataFrame(rows, columns=["agency", "sido", "is_hq", "prefix", "weight", "rank"])
    df["weight"] /= df["weight"].sum()
    return df


def agencies(n_rows: int) -> pd.DataFrame:
    """The agencies for a data set of n_rows: every 시도 본청, then as many 교육지원청 as ``n_rows //
    ROWS_PER_AGENCY`` allows (all 176 from 965,000 rows), the heaviest first; listed 시도 by 시도."""
    everyone = agency_weights()
    count = int(min(len(everyone), max(len(SIDO), n_rows // ROWS_PER_AGENCY)))
    districts = everyone[~everyone["is_hq"]].sort_values("weight", ascending=False, kind="stable")
    keep = set(districts.index[: count - len(SIDO)]) | set(everyone.index[everyone["is_hq"]])
    df = everyone.loc[sorted(keep)].reset_index(drop=True)
    df["code"] = [f"A{i + 1:03d}" for i in range(len(df))]
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
        pool = [*PROGRAM_STEMS, *(f"{q} {p}" for p in PROGRAM_STEMS for q in PROGRAM_QUALIFIERS)]
        self.program_names = [pool[i] for i in self.rng.permutation(len(pool))[:N_PROGRAM_NAMES]]
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
    def findings_plan(self) -> None:
        """The documents that get one deliberate inconsistency each, and which kind (see FINDING_KINDS)."""
        rng, n_docs = self.rng, len(self.doc_ids)
        n_bad = int(min(n_docs, max(MIN_FINDINGS, round(n_docs * FINDING_SHARE))))
        self.bad_docs = np.sort(rng.choice(n_docs, n_bad, replace=False))
        self.bad_kind = np.arange(n_bad) % len(FINDING_KINDS)
        # a slip of 1,000 to 900,000 천원 (in 원: 1,000 × 10^3..10^5 × 1..9)
        self.bad_delta = 1000 * 10 ** rng.integers(3, 6, n_bad).astype(np.int64) * rng.integers(1, 10, n_bad)
        self.findings = [
            (self.doc_ids[d], FINDING_KINDS[k], int(x))
            for d, k, x in zip(self.bad_docs, self.bad_kind, self.bad_delta, strict=True)
        ]

    def _bad(self, kind: int) -> tuple[np.ndarray, np.ndarray]:
        sel = self.bad_kind == kind
        return self.bad_docs[sel], self.bad_delta[sel]

    def _policy_table(self, doc_pages: np.ndarray) -> tuple[pa.Table, np.ndarray, np.ndarray]:
        """세출예산 정책사업별 현황: the whole budget by 정책사업 (본예산, 전년 본예산, 증감) and its 합계 row,
        in every document; a 본청 prints all 11 정책사업, a 교육지원청 6–9 of them."""
        rng, org = self.rng, self.org
        n_docs = len(self.doc_ids)
        hq = org["is_hq"].to_numpy()[self.doc_agency]
        k = np.where(hq, len(POLICY_PROGRAMS), rng.integers(6, 10, n_docs))
        d = np.repeat(np.arange(n_docs), k)
        j = _local_index(k)
        growth = 1.04 ** (self.doc_year - YEARS[0])
        totals = _round_money(NATIONAL_BUDGET * org["weight"].to_numpy()[self.doc_agency] * growth)
        bo = _split_groups(totals, POLICY_SHARE[j] * rng.gamma(8.0, size=len(d)), k, step=1000)
        po = _round_money(bo * rng.lognormal(-0.04, 0.06, len(d)))
        starts = np.cumsum(k) - k
        t_bo, t_po = np.add.reduceat(bo, starts), np.add.reduceat(po, starts)
        t_change = t_bo - t_po
        bad, delta = self._bad(3)
        t_bo[bad] += delta  # the printed 합계 본예산 carries a slip; its 증감 was printed before
        all_bo = np.concatenate([bo, t_bo])
        all_po = np.concatenate([po, t_po])
        change = np.concatenate([bo - po, t_change])
        change_rate = np.round(100.0 * np.concatenate([bo - po, t_bo - t_po]) / np.maximum(all_po, 1), 1)
        doc = np.concatenate([d, np.arange(n_docs)])
        pos = np.concatenate([j, k])
        n = len(doc)
        is_total = np.concatenate([np.zeros(len(d), bool), np.ones(n_docs, bool)])
        numbers = _numbers(2, len(POLICY_PROGRAMS))
        item = _join(
            _take(self.doc_dict, doc),
            _const("-P", n),
            _take(_strs([*numbers.to_pylist()[1:], "TOTAL"]), np.where(is_total, len(POLICY_PROGRAMS), pos)),
        )
        div = self.div_index["재정과"], self.div_index["행정지원과"]
        table = _table(
            BUDGET_LINE,
            {
                "doc_id": _take(self.doc_dict, doc),
                "source_section": _const(POLICY_SECTION, n),
                "page": _int(doc_pages[doc] + 1),
                "unit": _const("천원", n),
                "as_of": _dates(self.doc_as_of[doc]),
                "agency": _take(self.agency_dict, self.doc_agency[doc]),
                "division": _take(_strs(self.div_names), np.where(hq[doc], div[0], div[1])),
                "fiscal_year": _int(self.doc_year[doc], type_=pa.int32()),
                "item_id": item,
                "level": _take(_strs(["정책사업", "합계"]), is_total.astype(int)),
                "task_no": _take(_numbers(0, len(POLICY_PROGRAMS)), np.where(is_total, -1, pos + 1)),
                "name": _take(_strs([*POLICY_PROGRAMS, "합계"]), np.where(is_total, len(POLICY_PROGRAMS), pos)),
                "is_total": pa.array(is_total),
                "non_budget": pa.array(np.zeros(n, bool)),
                "budget_original": _int(all_bo),
                "prior_original": _int(all_po),
                "change_printed": _int(change),
                "change_rate_printed": pa.array(change_rate, mask=all_po == 0),
            },
            n,
        )
        return table, doc, pos

    def _basic_table(self, doc_pages: np.ndarray) -> tuple[pa.Table, np.ndarray, np.ndarray]:
        """기관운영 기본경비 집행 현황: 4–7 비목 with 본예산, 예산현액, 원인행위액, 지출액, 집행률 and a 합계 row,
        in every 본청 document and about 60% of the 교육지원청 ones."""
        rng, org = self.rng, self.org
        hq_all = org["is_hq"].to_numpy()[self.doc_agency]
        docs = np.flatnonzero(hq_all | (rng.random(len(self.doc_ids)) < 0.6))
        n_docs = len(docs)
        hq = hq_all[docs]
        k = np.where(hq, len(BASIC_ITEMS), rng.integers(4, len(BASIC_ITEMS) + 1, n_docs))
        d = np.repeat(docs, k)
        j = _local_index(k)
        current = self.doc_year[d] == CURRENT_YEAR
        bo = _round_money(rng.lognormal(np.log(4.0e8), 0.8, len(d)) * np.where(hq_all[d], 5.0, 1.0))
        bc = np.maximum(_round_money(bo * (1 + np.where(rng.random(len(d)) < 0.3, rng.normal(0.03, 0.05), 0.0))), 1000)
        cm = _round_money(bc * np.where(current, rng.beta(9, 9, len(d)), rng.beta(30, 2, len(d))))
        sp = _round_money(cm * rng.beta(40, 3, len(d)))
        starts = np.cumsum(k) - k
        sums = [np.add.reduceat(x, starts) for x in (bo, bc, cm, sp)]
        all_ = [np.concatenate([x, t]) for x, t in zip((bo, bc, cm, sp), sums, strict=True)]
        doc = np.concatenate([d, docs])
        pos = np.concatenate([j, k])
        n = len(doc)
        is_total = np.concatenate([np.zeros(len(d), bool), np.ones(n_docs, bool)])
        code = np.where(is_total, len(BASIC_ITEMS), pos)
        item = _join(
            _take(self.doc_dict, doc),
            _const("-B", n),
            _take(_strs([*_numbers(2, len(BASIC_ITEMS)).to_pylist()[1:], "TOTAL"]), code),
        )
        div = self.div_index["총무과"], self.div_index["행정지원과"]
        table = _table(
            BUDGET_LINE,
            {
                "doc_id": _take(self.doc_dict, doc),
                "source_section": _const(BASIC_SECTION, n),
                "page": _int(doc_pages[doc] + 2),
                "unit": _const("천원", n),
                "as_of": _dates(self.doc_as_of[doc]),
                "agency": _take(self.agency_dict, self.doc_agency[doc]),
                "division": _take(_strs(self.div_names), np.where(hq_all[doc], div[0], div[1])),
                "fiscal_year": _int(self.doc_year[doc], type_=pa.int32()),
                "item_id": item,
                "level": _take(_strs(["비목", "합계"]), is_total.astype(int)),
                "task_no": _take(_numbers(0, len(BASIC_ITEMS)), np.where(is_total, -1, pos + 1)),
                "name": _take(_strs([*BASIC_ITEMS, "합계"]), code),
                "is_total": pa.array(is_total),
                "non_budget": pa.array(np.zeros(n, bool)),
                "budget_original": _int(all_[0]),
                "budget_current": _int(all_[1]),
                "committed": _int(all_[2]),
                "spent": _int(all_[3]),
                "rate_committed_printed": pa.array(np.round(all_[2] * 100.0 / all_[1], 1)),
            },
            n,
        )
        return table, doc, pos

    def budget(self, target_rows: int) -> None:
        rng, org = self.rng, self.org
        n_docs = len(self.doc_ids)
        self.findings_plan()
        hq_doc = org["is_hq"].to_numpy()[self.doc_agency]
        w = org["weight"].to_numpy()[self.doc_agency]
        mean_tasks, p_lines = 4.0, 0.7
        mean_months = (12 * (len(YEARS) - 1) + 6) / len(YEARS)
        rows_per_program = 1 + mean_tasks * (1 + p_lines * mean_months)

        # 세부사업 (top level): as many per document as its agency's weight gives, at least one
        policy_guess = int(np.where(hq_doc, len(POLICY_PROGRAMS) + 1, 8.5).sum())
        basic_guess = int(np.where(hq_doc, len(BASIC_ITEMS) + 1, 0.6 * 6.5).sum())
        programs_total = max(n_docs, (target_rows - policy_guess - basic_guess) / rows_per_program)
        expected = programs_total * w / w.sum()
        s_per_doc = np.maximum(1, np.floor(expected + rng.random(n_docs))).astype(np.int64)
        last_page = 20 + (s_per_doc - 1) // 8  # the two smaller tables print on the pages after the summary's
        extras = [self._policy_table(last_page), self._basic_table(last_page)]

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
        # An agency walks the name list from its own start with its own stride, so its k-th 세부사업 keeps its
        # name from year to year and no name repeats within a document (the count is prime); one in five is
        # a programme of that year only, named at random from the whole list.
        n_prog_names = len(self.program_names)
        a_start = rng.integers(0, n_prog_names, len(org))
        a_stride = rng.integers(1, n_prog_names, len(org))
        p_name = (a_start[p_agency] + p_local * a_stride[p_agency]) % n_prog_names
        one_year = rng.random(n_p) < 0.2
        p_name[one_year] = rng.integers(0, n_prog_names, int(one_year.sum()))

        # 과제
        t_count = rng.integers(1, 8, n_p)
        t_parent = np.repeat(np.arange(n_p), t_count)
        t_local = _local_index(t_count)
        n_t = len(t_parent)
        t_doc = p_doc[t_parent]
        t_year = self.doc_year[t_doc]
        current = t_year == CURRENT_YEAR
        t_budget = _round_money(rng.lognormal(np.log(3.0e8), 1.1, n_t) * np.where(p_hq[t_parent], 2.0, 1.0))
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
        p_starts = np.cumsum(t_count) - t_count
        d_starts = np.cumsum(s_per_doc) - s_per_doc
        bad_task_docs, bad_task_delta = self._bad(2)
        bad_task = p_starts[d_starts[bad_task_docs]]  # the document's first 과제
        has_lines[bad_task] = True
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
        # deliberate finding: the 과제's printed 원인행위액 no longer adds up its monthly lines
        t_committed[bad_task] += bad_task_delta

        # 세부사업 = sum of its 과제
        p_budget = np.add.reduceat(t_budget, p_starts)
        p_current = np.add.reduceat(t_current, p_starts)
        p_prior = np.add.reduceat(t_prior, p_starts)
        p_committed = np.add.reduceat(t_committed, p_starts)
        p_spent = np.add.reduceat(t_spent, p_starts)

        # printed 합계 row per document = sum of its 세부사업
        d_sums = [np.add.reduceat(x, d_starts) for x in (p_budget, p_current, p_prior, p_committed, p_spent)]
        # deliberate findings: a printed 합계 예산현액 off from its 세부사업, a 세부사업's 본예산 off from its 과제
        # (and so from the 합계 too)
        bad, delta = self._bad(0)
        d_sums[1][bad] += delta
        bad, delta = self._bad(1)
        p_budget[d_starts[bad]] += delta

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
        p_id = _join(_take(self.doc_dict, p_doc), _const("-S", n_p), _take(pad4, p_local + 1))
        t_id = _join(p_id.take(pa.array(t_parent)), _const("-T", n_t), _take(pad2, t_local + 1))
        l_id = _join(t_id.take(pa.array(l_parent)), _const("-M", n_l), _take(pad2, l_month))
        total_id = _join(self.doc_dict, _const("-TOTAL", n_docs))
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
                _join(_take(s_nums, p_local[t_parent] + 1), _const("-", n_t), _take(s_nums, t_local + 1)),
                pa.nulls(n_l, pa.string()),
                pa.nulls(n_docs, pa.string()),
            ]
        ).take(pa.array(order))
        self.task_no = _join(_take(s_nums, p_local[t_parent] + 1), _const("-", n_t), _take(s_nums, t_local + 1))
        names = _strs(
            [
                *self.program_names,
                *(f"{p} {s}" for p in self.program_names for s in TASK_SUFFIXES),
                *(f"{m}월 집행" for m in range(1, 13)),
                "합계",
            ]
        )
        base_t = n_prog_names
        base_l = n_prog_names * (1 + len(TASK_SUFFIXES))
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
        n = len(order)
        summary = _table(
            BUDGET_LINE,
            {
                "doc_id": _take(self.doc_dict, doc[order]),
                "source_section": _const(SECTION, n),
                "page": _int(page),
                "unit": _const("천원", n),
                "as_of": _dates(self.doc_as_of[doc[order]]),
                "agency": _take(self.agency_dict, agency),
                "division": _take(combos, combo),
                "fiscal_year": _int(self.doc_year[doc[order]], type_=pa.int32()),
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
        # Every document's tables one after another: the summary table first (the overview's table), then the
        # 정책사업 table, then the 기본경비 table where the document has one.
        parts = [(summary, doc[order], np.arange(n))] + extras
        all_rows = pa.concat_tables([t for t, _, _ in parts])
        doc_all = np.concatenate([d for _, d, _ in parts])
        table_no = np.concatenate([np.full(len(d), i) for i, (_, d, _) in enumerate(parts)])
        pos_all = np.concatenate([p for _, _, p in parts])
        final = np.lexsort((pos_all, table_no, doc_all))
        frame = all_rows.take(pa.array(final)).to_pandas(types_mapper=pd.ArrowDtype)
        year = self.doc_year[doc_all[final]]
        self.tables_per_doc = np.bincount(np.unique(doc_all * len(parts) + table_no) // len(parts), minlength=n_docs)
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
        trainees = np.round(courses * rng.integers(15, 45, n_g) / 10).astype(np.int64) * 10  # targets in round tens
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
        # the 계획 lines split the 추진 목표 exactly (a target that differs from its plan is a finding)
        plan = r_kind == 0
        r_courses[plan] = _split_groups(courses, share[plan], n_cat)
        r_trainees[plan] = _split_groups(trainees, share[plan], n_cat, step=10)
        # 실적 lines of two 과제 printing the very same numbers look like a repeat to the check (중복 의심): within
        # each document, kind and course count, raise the trainees just enough that no two lines are equal
        # (t'_i = max(t_i, t'_{i-1} + 1) in sorted order), so the check flags what was meant, not chance
        r_doc = doc[r_g]
        act = np.flatnonzero(~plan & (r_trainees >= 100))
        if len(act):
            o = act[np.lexsort((r_trainees[act], r_courses[act], r_kind[act], r_doc[act]))]
            new_group = np.concatenate(
                [[True], (np.diff(r_doc[o]) != 0) | (np.diff(r_kind[o]) != 0) | (np.diff(r_courses[o]) != 0)]
            )
            gid = np.cumsum(new_group) - 1
            i = _local_index(np.bincount(gid))
            u = r_trainees[o] - i
            low = u.min()
            big = int(u.max() - low) + 1  # a cumulative maximum over offset groups stays within each group
            r_trainees[o] = np.maximum.accumulate(u - low + gid * big) - gid * big + low + i
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
        # call volume per cell follows the agency's weight (1.0 for a 본청 of average weight)
        size = (w / w[org["is_hq"].to_numpy()].mean())[a_idx]
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
    return _generate(n_rows, out, seed)[0]


def _generate(n_rows: int, out: Path, seed: int) -> tuple[dict[str, int], Generator]:
    out = Path(out)
    extracts = out / "extracts"
    shutil.rmtree(extracts, ignore_errors=True)
    gen = Generator(n_rows, seed)
    counts = gen.run()
    items = [(TABLES[name], frame, batch) for name, parts in gen.tables.items() for frame, batch in parts]
    write_batches(items, extracts)
    return counts, gen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description="벤치마크용 합성 추출 파일 생성")
    parser.add_argument("--rows", type=int, required=True, help="모든 표를 합친 행 수 (예: 1000000)")
    parser.add_argument("--out", type=Path, required=True, help="출력 폴더 (OUT/extracts/<표>/<묶음>.parquet)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts, gen = _generate(args.rows, args.out, args.seed)
    took = time.perf_counter() - started
    total = sum(counts.values())
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {name}: {n:,}행 ({n * 100 / max(total, 1):.1f}%)")
    print(f"합계 {total:,}행, {took:.1f}초 ({total / took:,.0f}행/초) → {args.out / 'extracts'}")
    tables = np.bincount(gen.tables_per_doc)
    print(
        f"기관 {len(gen.org)}곳, 문서 {len(gen.doc_ids):,}개 (예산표 "
        + ", ".join(f"{k}개: {n:,}" for k, n in enumerate(tables) if n)
        + f"), 세부사업명 {len(gen.program_names)}개 중에서"
    )
    print(f"의도한 합계 불일치 {len(gen.findings)}개 문서:")
    for doc_id, kind, delta in gen.findings:
        print(f"  {doc_id}: {kind} (+{delta // 1000:,}천원)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
