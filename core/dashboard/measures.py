"""The measures the dashboard shows: what each one is, where it is stored, what scope it has, and which
operations give an honest figure.

Every card, chart and table takes its figures from a measure listed here, and the README's measure
dictionary is rendered from this list (``render``), so the two cannot drift apart. Two rules follow
from the scopes and are applied by the queries:

* a measure is summed only within one 기관 and one table of one report (``SUM_SCOPE``): two
  organisations' budgets, or a report's 세부사업 table and its 과제 table, are never added up;
* a year-on-year change compares only the pairs in ``YEAR_ON_YEAR`` (the same measure, or the
  measure the report itself sets beside it), on the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

BEGIN = "<!-- measure-dictionary:begin -->"
END = "<!-- measure-dictionary:end -->"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # as shown on screen
    definition: str
    stored_in: str  # table.column
    scope: str  # what one value covers
    valid: str  # the operations that give an honest figure


SUM_SCOPE = "한 기관의 한 보고서 표 안에서만 더함 (기관끼리, 표끼리, 측정값끼리 더하지 않음)"

MEASURES: tuple[Measure, ...] = (
    Measure(
        "budget_original",
        "본예산",
        "당해 연도 본예산 (표에 따라 '예산액'; 기본계획 문서에서는 연차별 투자계획액)",
        "budget_line.budget_original",
        "기관 · 보고서 표 · 회계연도, 인쇄 기준일",
        SUM_SCOPE + "; 전년 본예산과 비교",
    ),
    Measure(
        "budget_current",
        "예산현액·추경",
        "기준일의 예산현액 또는 추경 후 예산 (본예산 + 특교 등 + 추경)",
        "budget_line.budget_current",
        "기관 · 보고서 표 · 회계연도, 인쇄 기준일",
        SUM_SCOPE + "; 전년 최종예산과 비교",
    ),
    Measure(
        "prior_original",
        "전년 본예산",
        "전년도 본예산 (보고서가 당해 본예산 옆에 인쇄한 값)",
        "budget_line.prior_original",
        "당해 행과 같은 기관 · 표",
        "본예산과만 비교",
    ),
    Measure(
        "prior_final",
        "전년 최종예산",
        "전년도 최종예산 (추경 포함)",
        "budget_line.prior_final",
        "당해 행과 같은 기관 · 표",
        "예산현액·추경과만 비교",
    ),
    Measure(
        "committed",
        "집행액(원인행위)",
        "기준일까지 원인행위 기준 집행액 (보고서 인쇄값)",
        "budget_line.committed",
        "기관 · 보고서 표 · 회계연도, 인쇄 기준일",
        SUM_SCOPE + "; 집행률 = 집행액 ÷ 예산현액 (같은 행들에서)",
    ),
    Measure(
        "spent",
        "지출액",
        "기준일까지 지출 기준 집행액 (보고서 인쇄값)",
        "budget_line.spent",
        "기관 · 보고서 표 · 회계연도, 인쇄 기준일",
        SUM_SCOPE + "; 지출률 = 지출액 ÷ 예산현액",
    ),
    Measure(
        "quarter_actual",
        "분기 집행액(실적)",
        "분기별 집행계획 표에서 기준일까지 끝난 분기의 집행액",
        "quarterly_execution.amount (status = 집행)",
        "과제 · 분기, 인쇄 기준일",
        "같은 표의 과제 예산액에 대한 비율로만 집행률을 만듦; 예산현황 표의 예산과 섞지 않음",
    ),
    Measure(
        "quarter_plan",
        "집행예정액(계획)",
        "분기별 집행계획 표에서 기준일 뒤 분기의 계획 금액",
        "quarterly_execution.amount (status = 집행예정)",
        "과제 · 분기",
        "계획이며 실적과 더하지 않음 (누적 비율은 계획임을 밝혀 표시)",
    ),
    Measure(
        "training_target",
        "연수 목표 (과정·인원)",
        "과제별 추진 목표 표의 물량",
        "training_target.target_courses / target_trainees",
        "과제 · 세부사업 · 연도",
        "같은 과제 안에서 더함; 실적과 비교할 때는 기준일까지 지난 추진시기 비율로 나눔",
    ),
    Measure(
        "training_plan",
        "연수 계획 (과정·인원)",
        "과제별 추진 계획 줄",
        "training_result.courses / trainees (kind = 계획)",
        "과제 · 줄 · 연도",
        "같은 과제 안에서 더하되 그 과제의 다른 줄을 다시 적은 줄(중복 기재 '과제 안 재기재')은 빼고; 과제를 넘어 "
        "더할 때는 한 번만 인쇄된 줄만 (다른 과제와 중복·다른 과제 줄의 묶음은 뺌)",
    ),
    Measure(
        "training_actual",
        "연수 실적 (과정·인원)",
        "과제별 추진 실적 줄 (당해 연도는 기준일까지의 중간 실적)",
        "training_result.courses / trainees (kind = 실적)",
        "과제 · 줄 · 연도, 인쇄 기준일",
        "계획과 같은 규칙으로 한 번만 셈; 전년 실적(연간)과 당해 중간 실적은 같은 기간이 아니므로 증감을 내지 않음; "
        "과제별 달성률(실적 인원 ÷ 그 과제의 목표 인원)은 기준일까지 지난 날의 비율과 견줌 (개요 카드는 과제 수를 셈)",
    ),
    Measure(
        "training_overview",
        "연수 현황 (운영과정·이수인원)",
        "연수대상·종별로 인쇄된 연간 현황 표",
        "training_overview.courses / trainees",
        "기관 · 연도",
        "보고서 전체의 연간 합계는 이 표의 인쇄된 총계를 씀",
    ),
    Measure(
        "indicator",
        "지표 목표·실적",
        "보고서 본문에 인쇄된 지표 값 (목표·계획·실적·현황)",
        "indicator.value (kind), training_target.target_quantity",
        "지표 · 연도, 인쇄 단위",
        "실적은 보고서가 그 목표의 실적으로 적은 줄(target_ref)과만 견줌; 한 목표의 실적 여러 줄은 단위가 같을 때만 "
        "더함; 달성률은 같은 척도·같은 단위일 때만; 당해 중간 실적과 전년 연간 실적의 증감은 내지 않음",
    ),
    Measure(
        "call_inbound",
        "콜센터 인입",
        "인입 호 수",
        "call_center_daily.inbound",
        "기관 · 일자 · 상담주제 · 채널",
        "기관 안에서 더함; 전년 비교는 같은 날짜 구간끼리",
    ),
    Measure(
        "call_answer_rate",
        "응답률",
        "응답 호 ÷ 인입 호",
        "call_center_daily.answered / inbound",
        "필터의 기간",
        "합을 나눠 만듦 (일별 비율을 평균하지 않음)",
    ),
    Measure(
        "call_direct_rate",
        "직접처리율",
        "이관 없이 직접 처리한 호 ÷ 응답 호",
        "call_center_daily.resolved_direct / answered",
        "필터의 기간",
        "합을 나눠 만듦",
    ),
    Measure(
        "call_satisfaction",
        "상담만족도",
        "만족도 점수 합 ÷ 응답 수 (5점 척도)",
        "call_center_daily.satisfaction_sum / satisfaction_responses",
        "필터의 기간",
        "합을 나눠 만듦",
    ),
)

BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}

# Year-on-year pairs: (this year's measure, last year's measure, how the card names the basis).
YEAR_ON_YEAR: tuple[tuple[str, str, str], ...] = (
    ("budget_current", "prior_final", "예산현액 vs 전년 최종예산"),
    ("budget_original", "prior_original", "본예산(예산액) vs 같은 표의 전년 열"),
)

# ``budget_original`` holds what a table prints as its year's amount: 본예산 or 예산액 in a report's budget
# tables, a planned investment in a multi-year plan (source_document.kind '기본계획').
PLAN_DOCUMENT_KIND = "기본계획"


def card_label(key: str, document_kind: str | None) -> str:
    """What an amount of measure ``key`` is called on a card, given the kind of document it comes from."""
    if key == "budget_original":
        return "연차별 투자계획액" if document_kind == PLAN_DOCUMENT_KIND else "본예산·예산액"
    return BY_KEY[key].label


def render() -> str:
    """The README's measure dictionary."""
    out = [BEGIN, "", "| 측정값 | 뜻 | 저장 위치 | 범위 | 올바른 계산 |", "|---|---|---|---|---|"]
    for m in MEASURES:
        out.append(f"| {m.label} | {m.definition} | `{m.stored_in}` | {m.scope} | {m.valid} |")
    out += [
        "",
        "전년 대비는 다음 짝으로만 냅니다: "
        + "; ".join(f"{BY_KEY[a].label} ↔ {BY_KEY[b].label} ('{name}')" for a, b, name in YEAR_ON_YEAR)
        + ".",
        "",
        END,
    ]
    return "\n".join(out)
