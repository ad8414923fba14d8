"""Deterministic sample of daily call-center traffic (예시 데이터).

The reports give the 1396 call center's budget and survey cadence but no
call-level data, so the metric views run on this sample until a real export
is ingested. Every row carries ``is_sample = True`` and doc_id 'sample'.

Seasonality follows the calendar of a Seoul education office: high-school
assignment (고입 배정) in late January–February, transfers (전·편입학) in
February–March and August, exam results (합격자 발표) in May and August–
September, certificates (제증명) before terms and in December.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

AGENCY = "서울특별시교육청"
DIVISION = "총무과"

# topic -> (daily base calls, {month: multiplier})
TOPICS: dict[str, tuple[float, dict[int, float]]] = {
    "고입 배정": (40, {1: 2.5, 2: 4.0, 12: 1.8}),
    "전·편입학": (70, {2: 2.6, 3: 2.2, 8: 2.0, 9: 1.3}),
    "합격자 발표": (25, {5: 2.4, 8: 2.8, 9: 1.6, 12: 1.4}),
    "제증명 발급": (90, {1: 1.4, 2: 1.7, 3: 1.3, 12: 1.5}),
    "교원·직원 인사": (45, {1: 1.6, 2: 1.8, 7: 1.5, 8: 1.3}),
    "학교폭력·안전": (35, {4: 1.3, 5: 1.3, 10: 1.3, 11: 1.2}),
    "급식·보건": (30, {3: 1.3, 9: 1.3, 6: 1.2}),
    "방과후·돌봄": (28, {2: 1.5, 3: 1.6, 8: 1.3}),
    "교육비 지원": (38, {3: 1.8, 4: 1.4, 9: 1.5}),
    "기타 일반": (60, {}),
}
# channel -> (share of calls, answer-rate shift, direct-resolution shift)
CHANNELS: dict[str, tuple[float, float, float]] = {
    "전화(1396)": (0.78, 0.0, 0.0),
    "채팅·문자": (0.14, 0.04, -0.06),
    "콜백 예약": (0.08, 0.06, -0.02),
}
START = dt.date(2017, 1, 1)
END = dt.date(2018, 12, 31)


def generate(seed: int = 1396, start: dt.date = START, end: dt.date = END) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    records = []
    for day in days:
        weekday = day.weekday()
        day_factor = 0.12 if weekday == 6 else 0.25 if weekday == 5 else (1.15 if weekday == 0 else 1.0)
        growth = 1.0 + 0.06 * (day.year - start.year)
        for topic, (base, months) in TOPICS.items():
            season = months.get(day.month, 1.0)
            for channel, (share, answer_shift, direct_shift) in CHANNELS.items():
                expected = base * season * day_factor * share * growth
                inbound = int(rng.poisson(expected))
                # Busy days answer fewer calls: the answer rate falls as load rises above normal.
                load = season * day_factor
                answer_rate = min(0.99, max(0.6, 0.93 + answer_shift - 0.05 * max(load - 1.0, 0) + rng.normal(0, 0.01)))
                answered = int(rng.binomial(inbound, answer_rate)) if inbound else 0
                abandoned = inbound - answered
                within_20 = int(rng.binomial(answered, min(0.97, max(0.4, 0.85 - 0.08 * max(load - 1.0, 0)))))
                handle = int(answered * max(60.0, rng.normal(185 if channel.startswith("전화") else 240, 15)))
                direct = int(rng.binomial(answered, min(0.98, max(0.5, 0.86 + direct_shift))))
                responses = int(rng.binomial(answered, 0.08))
                score_mean = min(5.0, max(1.0, 4.35 - 0.15 * max(load - 1.0, 0) + rng.normal(0, 0.05)))
                satisfaction = int(round(responses * score_mean))
                records.append(
                    (
                        day.date(),
                        topic,
                        channel,
                        inbound,
                        answered,
                        abandoned,
                        within_20,
                        handle,
                        direct,
                        responses,
                        satisfaction,
                    )
                )
    df = pd.DataFrame.from_records(
        records,
        columns=[
            "call_date",
            "topic",
            "channel",
            "inbound",
            "answered",
            "abandoned",
            "answered_20s",
            "handle_seconds",
            "resolved_direct",
            "satisfaction_responses",
            "satisfaction_sum",
        ],
    )
    df.insert(0, "division", DIVISION)
    df.insert(0, "agency", AGENCY)
    df.insert(0, "doc_id", "sample")
    df["is_sample"] = True
    return df
