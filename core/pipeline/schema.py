"""Declarative schema of every extract table.

One definition serves ingestion (header matching, parsing, validation), the
build (column order and types), and the data dictionary in the README.
Money columns are stored as exact integers in 원; the unit the source printed
stays beside them in ``unit`` so a figure can always be shown as printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.labels import REPEAT_KINDS, TARGET_BASES
from core.settings import MONEY_UNITS  # noqa: F401 - printed money units, re-exported for ingest and reconcile


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # Korean label shown on screen and accepted as a header
    kind: str  # text | int | money | rate | number | date | year | quarter | bool
    description: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    # The SCHEMA_VERSION that added the column to an existing table: extracts written before it lack the
    # column and are read with it empty. None: the column has been there from the table's start.
    added_in: int | None = None

    @property
    def dtype(self) -> str:
        """DuckDB type of the column in the extracts."""
        return {
            "text": "VARCHAR",
            "int": "BIGINT",
            "money": "BIGINT",
            "rate": "DOUBLE",
            "number": "DOUBLE",
            "date": "DATE",
            "year": "INTEGER",
            "quarter": "INTEGER",
            "bool": "BOOLEAN",
        }[self.kind]

    @property
    def unit_text(self) -> str:
        return {"money": "원", "rate": "%", "year": "연도", "quarter": "분기"}.get(self.kind, "")


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    # Columns whose printed total rows (is_total) are checked against their parts.
    total_columns: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _prov(with_unit: bool = True) -> tuple[Column, ...]:
    cols = [
        Column(
            "doc_id",
            "문서",
            "text",
            "출처 문서 번호 (source_document.doc_id)",
            required=True,
            aliases=("문서번호", "출처"),
        ),
        Column(
            "source_section",
            "출처 표·절",
            "text",
            "값이 실린 표 또는 절 이름 (인쇄된 그대로)",
            required=True,
            aliases=("출처표", "표", "구분표"),
        ),
        Column(
            "page",
            "쪽수",
            "int",
            "값이 실린 절(과제)의 첫 쪽 (보고서 텍스트에 쪽 표시가 없어 값의 정확한 쪽은 알 수 없음; 모르면 비움)",
            min=0,
            max=100000,
            aliases=("쪽",),
        ),
    ]
    if with_unit:
        cols.append(
            Column(
                "unit",
                "인쇄 단위",
                "text",
                "보고서에 인쇄된 단위 (천원, 백만원, 명 …)",
                required=True,
                aliases=("단위",),
            )
        )
    cols.append(Column("as_of", "기준일", "date", "값의 기준일 (없으면 비움)", aliases=("작성기준일", "기준일자")))
    return tuple(cols)


_ORG = (
    Column("agency", "기관", "text", "기관명", required=True, aliases=("기관명",)),
    Column("division", "부서", "text", "담당 부서; 여러 부서는 ';'로 구분", aliases=("부서명", "담당부서", "추진부서")),
)

_MONEY_RANGE = dict(min=-(10**15), max=10**15)

BUDGET_LINE = Table(
    name="budget_line",
    label="과제·세부사업별 예산",
    description="예산표의 모든 행: 세부사업, 과제, 과제 하위 항목, 5개년 투자계획 항목과 인쇄된 합계 행.",
    aliases=("예산", "예산내역", "세부사업별예산"),
    key=("doc_id", "source_section", "item_id", "fiscal_year"),
    total_columns=(
        "budget_original",
        "budget_special",
        "budget_current",
        "prior_original",
        "prior_final",
        "committed",
        "spent",
        "change_printed",
    ),
    columns=_prov()
    + _ORG
    + (
        Column(
            "fiscal_year",
            "회계연도",
            "year",
            "예산 연도; 문서에 연도가 없으면 비움(연도 미상)",
            aliases=("연도", "년도"),
        ),
        Column(
            "item_id",
            "항목 ID",
            "text",
            "문서 안에서 고유한 예산 항목 식별자; 번호 붙은 행(K-에듀파인)에서 읽으면 번호 경로(예: 1-1-2, 합계 행은 TOTAL)",
            required=True,
            aliases=("항목ID", "코드"),
        ),
        Column(
            "parent_item_id", "상위 항목 ID", "text", "이 항목이 속한 상위 항목", aliases=("상위항목ID", "상위코드")
        ),
        Column(
            "counterpart_item_id",
            "대응 항목 ID",
            "text",
            "같은 사업을 다른 표에서 보여 주는 항목 (표 간 대조용)",
            aliases=("대응항목ID",),
        ),
        Column(
            "level",
            "구분",
            "text",
            "세부사업·과제·과제세부·주요업무·집행계획사업·전략·추진과제·세부과제·계획사업·합계; 번호 붙은 행에서 읽으면 "
            "K-에듀파인 단계 정책사업·단위사업·세부사업·편성목·통계목",
            required=True,
            aliases=("수준", "예산구분"),
        ),
        Column("task_no", "번호", "text", "인쇄된 번호 또는 과제 코드", aliases=("과제번호",)),
        Column(
            "name",
            "사업명",
            "text",
            "인쇄된 사업·과제명",
            required=True,
            aliases=("세부사업", "세부사업명", "과제명", "주요업무명", "추진과제"),
        ),
        Column("is_total", "합계 행", "bool", "인쇄된 계·총계·소계 행 여부", aliases=("합계",)),
        Column("non_budget", "비예산", "bool", "'비예산'으로 인쇄된 항목"),
        Column(
            "budget_original",
            "본예산",
            "money",
            "당해 연도 본예산 / 예산액 / 연차별 투자계획액",
            **_MONEY_RANGE,
            aliases=("본예산(A)", "예산액", "'24", "2024본예산"),
        ),
        Column("budget_special", "특교 등", "money", "특별교부금 등", **_MONEY_RANGE, aliases=("특교",)),
        Column(
            "budget_current",
            "예산현액·추경",
            "money",
            "예산현액, 계(본예산+특교), 1차추경예산(본예산 포함)",
            **_MONEY_RANGE,
            aliases=("예산현액", "예산현액(B)", "추경", "추경예산", "1차추경예산", "계"),
        ),
        Column(
            "prior_original",
            "전년 본예산",
            "money",
            "전년도 본예산 / 전년 예산액",
            **_MONEY_RANGE,
            aliases=("전년본예산", "본예산(B)", "'23"),
        ),
        Column(
            "prior_final",
            "전년 최종예산",
            "money",
            "전년도 최종예산(추경 포함)",
            **_MONEY_RANGE,
            aliases=("전년최종예산", "최종예산"),
        ),
        Column(
            "committed",
            "집행액(원인행위)",
            "money",
            "원인행위 기준 집행액",
            **_MONEY_RANGE,
            aliases=("집행액", "원인행위액", "집행액(원인행위기준)"),
        ),
        Column("spent", "지출액", "money", "지출 기준 집행액", **_MONEY_RANGE),
        Column("change_printed", "증감(인쇄)", "money", "인쇄된 증감액", **_MONEY_RANGE, aliases=("증감",)),
        Column(
            "rate_committed_printed",
            "집행률(인쇄)",
            "rate",
            "인쇄된 원인행위 기준 집행률",
            min=-1000,
            max=1000,
            aliases=("집행률",),
        ),
        Column("rate_spent_printed", "지출률(인쇄)", "rate", "인쇄된 지출액 기준 집행률", min=-1000, max=1000),
        Column(
            "change_rate_printed",
            "증감율(인쇄)",
            "rate",
            "인쇄된 증감율",
            min=-1000,
            max=100000,
            aliases=("증감율", "증감률"),
        ),
        Column("multi_year_total", "다년도 계", "money", "5개년 투자계획의 인쇄된 계(2018~2022)", **_MONEY_RANGE),
        Column("note", "비고", "text", "인쇄 이상·해석 메모"),
    ),
)

QUARTERLY_EXECUTION = Table(
    name="quarterly_execution",
    label="분기별 집행계획",
    description="과제·집행계획 사업의 분기별 금액. 기준일까지의 분기는 집행액, 이후는 집행예정액.",
    aliases=("분기별집행", "집행계획"),
    key=("doc_id", "source_section", "item_id", "fiscal_year", "quarter"),
    columns=_prov()
    + (
        Column("item_id", "항목 ID", "text", "budget_line.item_id", required=True, aliases=("항목ID",)),
        Column("fiscal_year", "회계연도", "year", "연도", required=True, aliases=("연도",)),
        Column("quarter", "분기", "quarter", "1~4", required=True, min=1, max=4),
        Column("amount", "금액", "money", "분기 금액", **_MONEY_RANGE, aliases=("집행액", "집행예정액")),
        Column(
            "status",
            "구분",
            "text",
            "집행(실적) 또는 집행예정(계획)",
            required=True,
            choices=("집행", "집행예정"),
            aliases=("집행구분",),
        ),
        Column("content", "집행내용", "text", "집행 내용"),
        Column("is_total", "합계 행", "bool", "인쇄된 계 행"),
        Column("explanatory_pages", "설명자료 쪽수", "text", "주요사업별 설명자료 쪽수(인쇄 그대로)"),
        Column("note", "비고", "text", ""),
    ),
)

TRAINING_TARGET = Table(
    name="training_target",
    label="추진 목표",
    description="과제별 추진 목표: 세부사업, 추진시기, 물량(과정·인원·기타).",
    aliases=("추진목표", "목표"),
    key=("doc_id", "source_section", "target_name", "category"),
    columns=_prov()
    + _ORG
    + (
        Column("fiscal_year", "연도", "year", ""),
        Column("task_item_id", "과제 ID", "text", "budget_line.item_id of the task", aliases=("과제ID",)),
        Column("target_name", "세부사업명", "text", "", required=True, aliases=("세부사업",)),
        Column("period", "추진시기", "text", ""),
        Column("target_courses", "목표 과정 수", "int", "", min=0, max=10**7, aliases=("과정수", "과정")),
        Column("target_trainees", "목표 인원", "int", "", min=0, max=10**9, aliases=("인원",)),
        Column("target_quantity", "기타 물량", "number", "", min=0, max=10**12),
        Column("quantity_unit", "물량 단위", "text", ""),
        Column("quantity_text", "물량(인쇄)", "text", "", aliases=("물량",)),
        Column("category", "연수 구분", "text", "초등, 중등, 교행, 원격 …", aliases=("구분",)),
        Column("note", "비고", "text", ""),
    ),
)

TRAINING_RESULT = Table(
    name="training_result",
    label="추진 계획·실적",
    description="추진 계획(2024)과 추진 실적(2024 상반기, 2023) 줄: 구분 태그, 과정 수, 인원.",
    aliases=("추진실적", "실적"),
    key=("doc_id", "source_section", "fiscal_year", "kind", "group_name", "category", "program"),
    columns=_prov()
    + _ORG
    + (
        Column("fiscal_year", "연도", "year", "", required=True),
        Column("task_item_id", "과제 ID", "text", ""),
        Column("kind", "계획·실적", "text", "", required=True, choices=("계획", "실적")),
        Column("group_name", "세부사업", "text", "줄이 속한 소제목"),
        Column("category", "연수 구분", "text", "초등, 중등, 교행, 원격 …", aliases=("구분",)),
        Column("program", "과정명", "text", "", required=True, aliases=("연수명",)),
        Column("courses", "과정 수", "int", "", min=0, max=10**7, aliases=("과정",)),
        Column("trainees", "인원", "int", "", min=0, max=10**9, aliases=("이수인원",)),
        Column(
            "repeat",
            "중복 기재",
            "text",
            "비어 있으면 한 번만 인쇄된 줄. 과제 안 재기재: 같은 과제의 다른 줄을 다시 적은 줄(개선 사항·[신설] 줄), "
            "어느 합계에도 넣지 않음. 다른 과제와 중복: 다른 과제에 먼저 인쇄된 같은 줄, 이 과제의 합계에는 넣고 "
            "과제를 넘는 합계에서는 뺌. 다른 과제 줄의 묶음: 다른 과제의 [원격] 줄을 묶은 줄, 과제를 넘는 합계에서 뺌.",
            choices=REPEAT_KINDS,
            aliases=("중복",),
            added_in=3,
        ),
        Column("repeat_of", "중복 대상", "text", "같은 과정이 인쇄된 다른 줄 (절 · 세부사업 [구분])", added_in=3),
        Column("note", "비고", "text", ""),
    ),
)

TRAINING_OVERVIEW = Table(
    name="training_overview",
    label="연수·교육훈련 현황",
    description="연수대상·종별 운영과정과 이수인원 (002의 2023년 현황표).",
    key=("doc_id", "source_section", "fiscal_year", "target_group", "training_type"),
    columns=_prov()
    + (
        Column("fiscal_year", "연도", "year", "", required=True),
        Column("target_group", "연수대상", "text", "", required=True),
        Column("training_type", "연수종별", "text", ""),
        Column("courses", "운영과정", "int", "", min=0, max=10**7),
        Column("trainees", "이수인원", "int", "", min=0, max=10**9),
        Column("is_total", "합계 행", "bool", ""),
        Column("note", "비고", "text", ""),
    ),
    total_columns=("courses", "trainees"),
)

INDICATOR = Table(
    name="indicator",
    label="기타 지표",
    description="표 밖의 수치: 공문 수, 콜센터·민원 목표, 교육훈련 시간·인원, 주기 등.",
    aliases=("지표",),
    key=("doc_id", "source_section", "indicator", "fiscal_year", "kind"),
    columns=_prov()
    + _ORG
    + (
        Column("fiscal_year", "연도", "year", ""),
        Column("indicator", "지표", "text", "", required=True, aliases=("지표명",)),
        Column("kind", "구분", "text", "실적·목표·계획·현황", required=True, choices=("실적", "목표", "계획", "현황")),
        Column("value", "값", "number", "", required=True, min=-(10**15), max=10**15),
        Column(
            "target_ref",
            "견주는 목표",
            "text",
            "실적 줄: 이 실적이 견주는 목표, 같은 문서의 추진 목표 세부사업명(training_target.target_name) 또는 "
            "목표 지표명(indicator, 구분 목표). 목표 줄: 같은 목표가 추진 목표 표에도 인쇄되었으면 그 세부사업명",
            added_in=3,
        ),
        Column(
            "target_basis",
            "목표와 척도",
            "text",
            "같은 척도: 목표와 같은 것을 같은 단위로 센 실적(달성률을 냄). 다른 척도: 관련 실적이지만 "
            "목표와 세는 대상이나 기준이 달라 달성률을 내지 않음",
            choices=TARGET_BASES,
            added_in=3,
        ),
        Column(
            "formula",
            "산식",
            "text",
            "보고서가 이 값을 다른 인쇄값에서 셈한 식(합계·비율·증가율)일 때 그 식: 같은 문서의 지표를 {지표명} 또는 "
            "{지표명@연도}로, 숫자와 + - * / ( )로 씀. core check가 다시 셈해 인쇄 자릿수 안에서 맞는지 봄",
            added_in=3,
        ),
        Column("note", "비고", "text", ""),
    ),
)

HEADCOUNT = Table(
    name="headcount",
    label="정원·현원",
    description="직급별 정원과 현원.",
    aliases=("정현원",),
    key=("doc_id", "source_section", "staff_group", "grade"),
    total_columns=("authorized", "current"),
    columns=_prov()
    + _ORG
    + (
        Column("staff_group", "직종", "text", ""),
        Column("grade", "직급", "text", "", required=True),
        Column("authorized", "정원", "int", "", min=0, max=10**7),
        Column("current", "현원", "int", "", min=0, max=10**7),
        Column("is_total", "합계 행", "bool", ""),
        Column("note", "비고", "text", ""),
    ),
)

ORG_UNIT = Table(
    name="org_unit",
    label="기관·부서",
    description="문서가 업무 담당으로 밝힌 기관과 부서.",
    key=("doc_id", "agency", "division"),
    columns=(
        Column("doc_id", "문서", "text", "", required=True),
        Column("agency", "기관", "text", "", required=True),
        Column("division", "부서", "text", ""),
        Column("note", "비고", "text", ""),
    ),
)

SOURCE_DOCUMENT = Table(
    name="source_document",
    label="출처 문서",
    description="출처 보고서 목록과 기준일.",
    key=("doc_id",),
    columns=(
        Column("doc_id", "문서", "text", "", required=True),
        Column("file_name", "파일", "text", ""),
        Column("title", "제목", "text", "", required=True),
        Column("agency", "기관", "text", ""),
        Column("doc_date", "문서일자", "text", "인쇄된 날짜(월까지만 있을 수 있음)"),
        Column("as_of", "기준일", "date", ""),
        Column("period", "대상 기간", "text", ""),
        Column("kind", "종류", "text", ""),
        Column("note", "비고", "text", ""),
    ),
)

CALL_CENTER_DAILY = Table(
    name="call_center_daily",
    label="콜센터 일별 지표",
    description="콜센터 일자·상담주제·채널별 인입과 응답. 예시 데이터는 is_sample=참.",
    aliases=("콜센터", "콜센터일별"),
    key=("agency", "call_date", "topic", "channel"),
    columns=(
        Column("doc_id", "문서", "text", "출처 문서; 예시 데이터는 'sample'", required=True),
        Column("agency", "기관", "text", "", required=True),
        Column("division", "부서", "text", ""),
        Column("call_date", "일자", "date", "", required=True),
        Column("topic", "상담주제", "text", "", required=True),
        Column("channel", "채널", "text", "", required=True),
        Column("inbound", "인입", "int", "인입 호", required=True, min=0, max=10**8),
        Column("answered", "응답", "int", "응답 호", required=True, min=0, max=10**8),
        Column("abandoned", "포기", "int", "포기 호", min=0, max=10**8),
        Column("answered_20s", "20초 내 응답", "int", "", min=0, max=10**8),
        Column("handle_seconds", "상담시간(초)", "int", "응답 호 상담시간 합계(초)", min=0, max=10**12),
        Column("resolved_direct", "직접처리", "int", "이관 없이 직접 처리한 호", min=0, max=10**8),
        Column("satisfaction_responses", "만족도 응답 수", "int", "", min=0, max=10**8),
        Column("satisfaction_sum", "만족도 점수 합", "int", "5점 척도 점수 합", min=0, max=10**9),
        Column("is_sample", "예시 데이터", "bool", "생성기로 만든 예시 데이터 여부", required=True),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        SOURCE_DOCUMENT,
        ORG_UNIT,
        BUDGET_LINE,
        QUARTERLY_EXECUTION,
        TRAINING_TARGET,
        TRAINING_RESULT,
        TRAINING_OVERVIEW,
        INDICATOR,
        HEADCOUNT,
        CALL_CENTER_DAILY,
    )
}

# Columns every extract gains during ingestion (not part of an export file).
BATCH_COLUMN = Column("batch", "적재 묶음", "text", "이 행을 적재한 파일 묶음 이름 (extracts/<표>/<묶음>.parquet)")
