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


# ---------------------------------------------------------------- 용어 설명

GLOSSARY_BEGIN = "<!-- glossary:begin -->"
GLOSSARY_END = "<!-- glossary:end -->"


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str
    columns: tuple[str, ...] = ()  # screen column and card labels this term explains (their tooltip)


TERMS: tuple[Term, ...] = (
    Term("본예산", "회계연도가 시작될 때 의회가 의결한 예산. 표에 따라 '예산액', 5개년 계획에서는 연차별 투자계획액으로 "
         "인쇄됩니다.", ("본예산", "예산액", "예산", "당해")),
    Term("예산현액·추경", "기준일에 쓸 수 있는 예산: 본예산에 추가경정예산(추경)과 특별교부금 등을 더한 금액.",
         ("예산현액·추경",)),
    Term("특교 등", "특별교부금처럼 본예산 밖에서 더해진 재원.", ("특교 등",)),
    Term("전년 본예산·전년 최종예산", "보고서가 당해 금액 옆에 인쇄한 전년도 금액. 본예산은 전년 본예산과, 예산현액은 "
         "전년 최종예산(추경 포함)과만 견줍니다.", ("전년 본예산", "전년 최종예산", "전년")),
    Term("원인행위·집행액", "계약 등으로 지출할 의무를 진 것(원인행위)을 기준으로 센 집행액. 실제로 돈이 나간 지출액보다 "
         "먼저 잡힙니다.", ("집행액", "집행액(기준일)", "집행액(실적)")),
    Term("지출액", "기준일까지 실제로 지급된 금액.", ("지출액",)),
    Term("집행률", "집행액 ÷ 예산(예산현액, 없으면 본예산). 분기별 집행에서는 기준일까지 끝난 분기의 집행액 ÷ 과제 예산액.",
         ("집행률(%)", "집행률")),
    Term("집행예정액(계획)", "분기별 집행계획에서 기준일 뒤 분기에 쓸 계획 금액. 실적이 아니며 실적과 더하지 않습니다.",
         ("집행예정액(계획)",)),
    Term("증감", "당해 금액 − 전년 금액, 같은 측정값끼리(위 두 짝)만. 보고서의 인쇄값이 있으면 그 값.",
         ("증감", "증감율(%)")),
    Term("연수 목표·계획·실적", "목표는 과제별 추진 목표(과정 수·인원), 계획은 추진 계획 줄, 실적은 추진 실적 줄(당해는 "
         "기준일까지의 중간 실적). 같은 과정을 두 번 인쇄한 줄은 한 번만 셉니다.",
         ("목표 인원", "목표 과정", "계획 인원", "계획 과정", "실적 인원", "실적 과정")),
    Term("달성률", "실적 ÷ 목표. 목표와 같은 것을 같은 단위로 센 실적이 있을 때만 냅니다.",
         ("달성률(%)", "과정 달성률(%)", "연수 목표 진도")),
    Term("연말 추정 달성률", "추진시기 가운데 기준일까지 지난 비율만큼 실적이 쌓인다고 본 추정치. 실적이 아닙니다.",
         ("연말 추정 달성률(%)",)),
    Term("기준일", "값이 가리키는 날. 중간 실적은 그날까지의 값, 연간 실적은 그해 12월 31일입니다.", ("기준일",)),
    Term("인입·응답·포기", "콜센터에 걸려 온 호(인입), 상담사가 받은 호(응답), 연결 전에 끊긴 호(포기).",
         ("인입", "응답", "포기")),
    Term("응답률", "응답한 호 ÷ 인입 호 (기간의 합으로 나눔).", ("응답률(%)", "콜센터 응답률")),
    Term("포기율", "포기한 호 ÷ 인입 호.", ("포기율(%)",)),
    Term("평균 상담시간", "응답한 호의 상담시간 합 ÷ 응답 호 (초).", ("평균 상담시간(초)",)),
    Term("20초 내 응답률", "인입 호 가운데 20초 안에 상담사가 받은 호의 비율(서비스 수준).", ("20초 내 응답률(%)",)),
    Term("직접처리율", "응답한 호 가운데 다른 부서로 넘기지 않고 상담사가 바로 처리한 호의 비율.", ("직접처리율(%)",)),
    Term("상담만족도", "상담 뒤 만족도 조사 점수의 평균 (5점 만점, 점수 합 ÷ 응답 수).", ("상담만족도(5점)",)),
    Term("(공동)", "여러 부서가 함께 운영하는 과제. 금액은 부서끼리 나누지 않고, 부서를 여럿 골라도 한 번만 셉니다.", ("부서",)),
)  # fmt: skip

HELP_BY_COLUMN: dict[str, str] = {c: f"{t.term}: {t.meaning}" for t in TERMS for c in t.columns}


def render_glossary() -> str:
    """The README's 용어 설명, from the same TERMS the glossary page and the tooltips use."""
    out = [GLOSSARY_BEGIN, "", "| 용어 | 뜻 |", "|---|---|"]
    out += [f"| {t.term} | {t.meaning} |" for t in TERMS]
    return "\n".join([*out, "", GLOSSARY_END])
