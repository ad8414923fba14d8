"""Korean column labels that more than one module relies on, and the registry of what each kind of
column holds (money, rates, provenance), so that formats and units follow the registry instead of
each module matching display text.
"""

from __future__ import annotations

# Provenance: every table the dashboard shows ends with these.
SOURCE = "출처"  # '<문서> · <표 이름>'
PAGE = "쪽수"
AS_OF = "기준일"
PROVENANCE = (SOURCE, PAGE, AS_OF)

DIVISION = "부서"
SHARED_MARK = "(공동)"  # after the 부서 of a task several 부서 run together; its amount is never split among them
TASK_NUMBER = "번호"  # the printed 번호 of a task ('2-1-1'), text that Excel would otherwise read as a date
ITEM_ID = "항목 ID"
TASK_ID = "과제 ID"
IDENTIFIERS = (ITEM_ID, TASK_ID)  # shown after every column a reader decides on
HAS_CHILDREN = "하위 항목"  # a budget row the user can drill into
LINK = "바로가기"  # a relative URL of the page that shows a task
SAMPLE = "예시 데이터"  # rows made by the sample generator, not reported figures

# Money columns (원 in the data, the chosen unit on screen and in files).
BUDGET_MONEY = ("본예산", "특교 등", "예산현액·추경", "전년 본예산", "전년 최종예산", "증감", "집행액", "지출액")
QUARTER_MONEY = (
    "예산액",
    "1분기",
    "2분기",
    "3분기",
    "4분기",
    "분기 합",
    "차이",
    "집행액(기준일)",
    "금액",
    "누적 금액",
    "집행액(실적)",
    "집행예정액(계획)",
)
YEAR_ON_YEAR_MONEY = ("전년", "당해", "증감")
OVERVIEW_MONEY = ("예산",)  # the overview's per-기관 table
MONEY = frozenset(BUDGET_MONEY + QUARTER_MONEY + YEAR_ON_YEAR_MONEY + OVERVIEW_MONEY)

# Rates drawn as a 0–100 % bar; other '(%)' columns are plain numbers with one decimal.
PROGRESS_RATES = frozenset({"집행률(%)", "달성률(%)", "누적 비율(%)"})

# Call-center KPI columns as the queries name them, and as the screen and files label them.
CALL_KPIS = {
    "inbound": "인입",
    "answered": "응답",
    "abandoned": "포기",
    "answer_rate": "응답률(%)",
    "abandon_rate": "포기율(%)",
    "service_level": "20초 내 응답률(%)",
    "aht_seconds": "평균 상담시간(초)",
    "direct_rate": "직접처리율(%)",
    "satisfaction": "상담만족도(5점)",
}
CALL_COUNTS = ("인입", "응답", "포기")

# Counts and their unit, by how a column's name ends ("목표 인원" → 명, "실적 과정" → 과정).
COUNT_SUFFIXES = (("인원", "명"), ("과정", "과정"), *((c, "건") for c in CALL_COUNTS))
YEAR = "연도"


def is_money(column: str) -> bool:
    """An amount column: a registered one, or one of them for a given year ('본예산 2022', years side by side)."""
    base, _, year = column.rpartition(" ")
    return column in MONEY or (year.isdigit() and len(year) == 4 and base in MONEY)


def count_unit(column: str) -> str | None:
    """The unit of a count column ('실적 인원 2024' too), or None when the column is not a count."""
    base, _, year = column.rpartition(" ")
    name = base if year.isdigit() and len(year) == 4 else column
    return next((unit for suffix, unit in COUNT_SUFFIXES if name.endswith(suffix)), None)


def with_unit(column: str, unit: str | None) -> str:
    """A header that carries its unit, on screen and in files: "본예산 (천원)", "목표 인원 (명)"."""
    return f"{column} ({unit})" if unit else column


# What a download says about data that no report printed.
SAMPLE_SOURCE = "예시 데이터(생성기) — 실제 실적 아님"


# How a 계획·실적 line relates to lines printed elsewhere (training_result.repeat; the column's
# description in the schema says what each value does to the sums).
REPEAT_IN_TASK = "과제 안 재기재"
REPEAT_OF_OTHER_TASK = "다른 과제와 중복"
BUNDLE_OF_OTHER_TASKS = "다른 과제 줄의 묶음"
REPEAT_KINDS = (REPEAT_IN_TASK, REPEAT_OF_OTHER_TASK, BUNDLE_OF_OTHER_TASKS)

# How an actual relates to the target it is set against (indicator.target_basis).
SAME_MEASURE = "같은 척도"
OTHER_MEASURE = "다른 척도"
TARGET_BASES = (SAME_MEASURE, OTHER_MEASURE)
