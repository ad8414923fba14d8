"""The rules behind the warnings: thresholds, their Korean wording, and the calendar arithmetic they use.

Each rule is stated in ``RULES`` in Korean; the same text is shown on screen and in the README,
so what is flagged can always be explained.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from core.settings import (
    DAYS_IN_MONTH,
    DAYS_IN_YEAR,
    PACE_FACTOR,
    PROJECTION_CAP,
    PROJECTION_LIMIT,
    Q4_SHARE_LIMIT,
    SUMMARY_SECTION,
    SURGE_RATIO,
)

__all__ = [
    "PACE_FACTOR",
    "PROJECTION_CAP",
    "PROJECTION_LIMIT",
    "Q4_SHARE_LIMIT",
    "RULES",
    "SUMMARY_SECTION",
    "SURGE_RATIO",
    "as_date",
    "elapsed_share",
    "period_months",
    "window_elapsed",
]

RULES = {
    "집행 부진": f"기준일의 집행률이 그 해 경과 비율(기준일까지 지난 날 ÷ {DAYS_IN_YEAR:.0f})의 {PACE_FACTOR:.0%} 미만",
    "집행 없음": "예산이 있는데 기준일까지 집행액이 0",
    "연말 집중": f"분기별 집행계획에서 4분기 금액이 예산의 {Q4_SHARE_LIMIT:.0f}% 이상",
    "목표 미달 우려": (
        f"추진시기(월) 가운데 기준일까지 지난 비율만큼 실적이 쌓인다고 보고 연말 달성률을 추정해 "
        f"{PROJECTION_LIMIT:.0f}% 미만"
    ),
    "민원 급증 예상": (
        f"다음 달 예상 = 전년 같은 달 × 최근 3개월 추세(올해 ÷ 전년 같은 기간); "
        f"예상이 이번 달의 {SURGE_RATIO:.1f}배 이상 (전년 같은 기간 인입이 0인 주제는 추세가 없어 예상하지 않음)"
    ),
}


def elapsed_share(as_of: dt.date) -> float:
    start = dt.date(as_of.year, 1, 1)
    return min(1.0, ((as_of - start).days + 1) / DAYS_IN_YEAR)


def as_date(value) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


# ---------------------------------------------------------------- 목표 달성 전망

_SEASONS = {
    "동계": [1, 2, 12],
    "하계": [7, 8],
    "상반기": list(range(1, 7)),
    "하반기": list(range(7, 13)),
    "연중": list(range(1, 13)),
    "수시": list(range(1, 13)),
}


def period_months(period: str | None) -> list[int]:
    """Months named by a printed 추진시기 such as '1~8월', '4, 5, 7, 9월', '동계, 하계' or '연중'."""
    if not period or not isinstance(period, str):
        return list(range(1, 13))
    months: set[int] = set()
    for word, ms in _SEASONS.items():
        if word in period:
            months.update(ms)
    for a, b in re.findall(r"(\d{1,2})\s*월?\s*[~\-–]\s*(\d{1,2})\s*월", period):
        a, b = int(a), int(b)
        if 1 <= a <= 12 and 1 <= b <= 12:
            months.update(range(a, b + 1) if a <= b else [*range(a, 13), *range(1, b + 1)])
    stripped = re.sub(r"\d{1,2}\s*월?\s*[~\-–]\s*\d{1,2}\s*월", " ", period)
    if "월" in stripped:
        months.update(int(m) for m in re.findall(r"(\d{1,2})(?=\s*[,월])", stripped) if 1 <= int(m) <= 12)
    return sorted(months) or list(range(1, 13))


def window_elapsed(months: list[int], as_of: dt.date) -> float:
    """Share of the training window's months that had ended or were under way at the as-of date."""
    done = 0.0
    for m in months:
        if m < as_of.month:
            done += 1
        elif m == as_of.month:
            done += as_of.day / DAYS_IN_MONTH
    return min(1.0, done / len(months))
