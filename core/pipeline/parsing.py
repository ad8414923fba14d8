"""Turning Korean-formatted cells into typed values.

Cells use thousands separators, '△' for minus, '-', '_', '—' or blank for "no value", '%' and '비예산';
a value that could be read two ways is refused with the reason. Reading a file's rows is ``reading``'s.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from core.settings import PLAUSIBLE_YEARS

from .errors import CellError

MAX_CELL_CHARS = 2000
NULL_TOKENS = {"", "-", "_", "—", "–", "‐", "−-", "ㅡ", "n/a", "N/A", "null", "NULL", "None", "nan"}
NON_BUDGET_TOKENS = {"비예산", "비에산"}
FORMULA_PREFIXES = ("=", "+", "@", "\t", "\r")


def normalise_header(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).lower()


def is_null(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and raw != raw:
        return True
    return isinstance(raw, str) and raw.strip() in NULL_TOKENS


_NEGATIVE_MARKS = ("△", "-", "−")
TRIANGLE_INCREASE, TRIANGLE_DECREASE = "증가", "감소"
# What ▲ means in the file being read: Korean tables print it for an increase in some places and for a
# decrease (like △) in others, so it is read only when the operator declares it (ingest --triangle).
TRIANGLE_MEANING: ContextVar[str | None] = ContextVar("triangle_meaning", default=None)
# A point followed by exactly three digits and no other separator (1.234) is how European exports group
# thousands: in a money or count column it is refused rather than read as a decimal.
_EUROPEAN_GROUPING = re.compile(r"\d{1,3}(?:\.\d{3})+", re.ASCII)
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
_PLAIN = re.compile(r"\d+(?:\.\d+)?|\.\d+", re.ASCII)


def _clean_number_text(raw: str, expected: str, allow_percent: bool) -> tuple[str, bool]:
    """One reading of a printed number, or a refusal that says why the text is ambiguous.

    Accepted: Korean grouping (1,234), full-width digits, one negative mark (△, -, or parentheses), and a
    trailing % in rate columns. Refused: separators that are not thousands (1,2,3,4 or 1234,5), scientific
    notation (Excel has already dropped digits), two negative marks (△-500, △(500)), '_' inside digits,
    digits of other scripts, a % outside rate columns, and ▲ (in Korean tables it may mean an increase)."""
    s = unicodedata.normalize("NFKC", raw).strip().replace(" ", "").replace("\u00a0", "")
    shown = shown_value(raw)
    if "▲" in s:
        meaning = TRIANGLE_MEANING.get()
        if meaning is None:
            raise CellError(
                f"{expected}; ▲는 표마다 증가·감소 어느 쪽인지 달라 짐작하지 않습니다. 이 파일의 ▲가 무엇인지 "
                f"--triangle 증가 또는 --triangle 감소로 알려 주세요 (받은 값: {shown})"
            )
        if not s.startswith("▲") or s.count("▲") > 1:
            raise CellError(f"{expected}; ▲는 숫자 앞에 한 번만 (받은 값: {shown})")
        s = s[1:]
        if s[:1] in _NEGATIVE_MARKS or s[:1] == "(":
            raise CellError(f"{expected}; 증감 표시가 둘입니다 (받은 값: {shown})")
        if meaning == TRIANGLE_DECREASE:
            s = "-" + s
    if s.endswith("%"):
        if not allow_percent:
            raise CellError(f"{expected}; 비율(%)은 이 열에 올 수 없습니다 (받은 값: {shown})")
        s = s[:-1]
    negative = False
    if s[:1] in _NEGATIVE_MARKS:
        negative, s = True, s[1:]
    if s.startswith("(") and s.endswith(")"):
        if negative:
            raise CellError(f"{expected}; 음수 표시가 둘입니다 (받은 값: {shown})")
        negative, s = True, s[1:-1]
    if s[:1] in _NEGATIVE_MARKS or s[:1] == "(":
        raise CellError(f"{expected}; 음수 표시가 둘입니다 (받은 값: {shown})")
    if re.search(r"[eE]", s) and re.fullmatch(r"[\d.,]+[eE][+-]?\d+", s):
        raise CellError(
            f"{expected}; 지수 표기는 Excel이 이미 자릿수를 잃은 값일 수 있습니다. 셀을 숫자 서식으로 다시 내보내세요 (받은 값: {shown})"
        )
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise CellError(f"{expected}; 쉼표가 세 자리마다 있지 않아 어느 숫자인지 알 수 없습니다 (받은 값: {shown})")
        s = s.replace(",", "")
    if "_" in s or any(ch.isdigit() and ch not in "0123456789" for ch in s):
        raise CellError(f"{expected}; 0–9 숫자만 읽습니다 ('_'·다른 문자의 숫자는 읽지 않음) (받은 값: {shown})")
    if not _PLAIN.fullmatch(s):
        raise CellError(f"{expected} (받은 값: {shown})")
    return s, negative


def parse_decimal(raw: object, expected: str, allow_percent: bool = False) -> Decimal | None:
    if is_null(raw):
        return None
    if isinstance(raw, bool):
        raise CellError(f"{expected} (받은 값: {raw!r})")
    if isinstance(raw, (int,)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    s, negative = _clean_number_text(str(raw), expected, allow_percent)
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise CellError(f"{expected} (받은 값: {shown_value(raw)})") from None
    if not value.is_finite():
        raise CellError(f"{expected} (받은 값: {shown_value(raw)})")
    return -value if negative else value


def _refuse_european_grouping(raw: object, expected: str) -> None:
    if isinstance(raw, str) and _EUROPEAN_GROUPING.fullmatch(unicodedata.normalize("NFKC", raw).strip().lstrip("△-−")):
        raise CellError(
            f"{expected}; 점 뒤 세 자리는 유럽식 천 단위 구분(1.234 = 1,234)일 수도, 소수일 수도 있어 읽지 않습니다. "
            f"천 단위는 쉼표로, 소수는 자릿수를 달리해 내보내세요 (받은 값: {shown_value(raw)})"
        )


def parse_int(raw: object) -> int | None:
    _refuse_european_grouping(raw, "정수 (예: 1,234)")
    value = parse_decimal(raw, "정수 (예: 1,234)")
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellError(f"정수 (받은 값: {shown_value(raw)})")
    return int(value)


def parse_money(raw: object, unit: str | None, factor: int | None) -> int | None:
    if isinstance(raw, str) and raw.strip() in NON_BUDGET_TOKENS:
        return None
    _refuse_european_grouping(raw, "금액 숫자 (예: 1,234 또는 △567, 없음은 '-')")
    value = parse_decimal(raw, "금액 숫자 (예: 1,234 또는 △567, 없음은 '-')")
    if value is None:
        return None
    if factor is None:
        raise CellError(f"금액의 단위가 원·천원·백만원·억원 중 하나 (unit 열의 값: {unit!r})")
    won = value * factor
    if won != won.to_integral_value():
        raise CellError(f"{unit} 단위에서 원 미만이 생기지 않는 금액 (받은 값: {shown_value(raw)})")
    return int(won)


def parse_rate(raw: object) -> float | None:
    value = parse_decimal(raw, "비율 숫자 (예: 68.5 또는 △18.8%)", allow_percent=True)
    return None if value is None else float(value)


def parse_number(raw: object) -> float | None:
    value = parse_decimal(raw, "숫자 (예: 1,234.5)", allow_percent=True)
    return None if value is None else float(value)


# Forms the office systems print: 2024-06-30, 2024.6.30, 2024. 6. 30. (spaces after the dots, as Korean
# documents write dates), 20240630 (eight digits, as finance systems export them), '24. 6. 30., 2024년 6월 30일.
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\s*\.?$"), 1),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), 1),
    (re.compile(r"^'?(\d{2})\.\s*(\d{1,2})\.\s*(\d{1,2})\.?$"), 2),
    (re.compile(r"^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일$"), 1),
)


def parse_date(raw: object) -> dt.date | None:
    if is_null(raw):
        return None
    if isinstance(raw, dt.datetime):
        return _plausible_date(raw.date(), raw)
    if isinstance(raw, dt.date):
        return _plausible_date(raw, raw)
    if isinstance(raw, bool):
        raise CellError(f"날짜 YYYY-MM-DD (받은 값: {raw!r})")
    # A workbook cell typed as the number 20240630 (a float when the sheet stored it so) reads as its digits.
    s = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    for pattern, kind in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if kind == 2:
                y += 2000
            try:
                value = dt.date(y, mo, d)
            except ValueError:
                break
            return _plausible_date(value, raw)
    raise CellError(f"날짜 YYYY-MM-DD (받은 값: {shown_value(raw)})")


def _plausible_date(value: dt.date, raw: object) -> dt.date:
    first, last = PLAUSIBLE_YEARS
    if not first <= value.year <= last:
        raise CellError(f"{first}~{last}년 사이의 날짜 (받은 값: {shown_value(raw)})")
    return value


def parse_year(raw: object) -> int | None:
    if is_null(raw):
        return None
    s = str(raw).strip().removesuffix("년").removesuffix("년도")
    if isinstance(raw, float) and raw == int(raw):
        s = str(int(raw))
    if not re.fullmatch(r"\d{4}", s):
        raise CellError(f"네 자리 연도 (예: 2024) (받은 값: {shown_value(raw)})")
    first, last = PLAUSIBLE_YEARS
    if not first <= int(s) <= last:
        raise CellError(f"{first}~{last} 사이의 연도 (받은 값: {shown_value(raw)})")
    return int(s)


_TRUE = {"1", "true", "t", "y", "yes", "예", "참", "o", "합계", "계"}
_FALSE = {"0", "false", "f", "n", "no", "아니오", "거짓", "x"}


def parse_bool(raw: object) -> bool:
    if is_null(raw):
        return False
    if isinstance(raw, bool):
        return raw
    s = str(raw).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise CellError(f"참/거짓 (1 또는 0) (받은 값: {shown_value(raw)})")


def parse_text(raw: object) -> str | None:
    if raw is None:
        return None
    s = str(raw).strip()
    if s == "":
        return None
    if len(s) > MAX_CELL_CHARS:
        raise CellError(f"{MAX_CELL_CHARS}자 이하의 텍스트 (받은 값: {len(s):,}자)")
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in s):
        raise CellError("제어 문자가 없는 텍스트")
    invisible = sorted(
        {f"U+{ord(ch):04X}" for ch in s if unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\t\n"}
    )
    if invisible:  # a zero-width space, a BOM inside a row or a direction override makes look-alike names and keys
        raise CellError(f"보이지 않는 문자·방향 제어 문자가 없는 텍스트 (들어 있는 문자: {', '.join(invisible[:5])})")
    # One form for Hangul: a name typed as decomposed jamo (NFD, as macOS may save it) is the same name.
    return unicodedata.normalize("NFC", s)


def shown_value(raw: object) -> str:
    s = repr(raw) if not isinstance(raw, str) else f"'{raw}'"
    return s if len(s) <= 60 else s[:57] + "…'"
