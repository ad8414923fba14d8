"""Reading one worksheet of an XLSX export, and refusing what cannot be read as the user saw it: macros, links
to other workbooks, a hidden or wrong active sheet, and formula cells whose value the file does not hold."""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

from .errors import FileFormatError
from .parsing import shown_value

log = logging.getLogger(__name__)

_XLSX_BROKEN = (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError, EOFError)
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MAX_FORMULA_MESSAGES = 30
OPEN_AND_SAVE = "Excel에서 파일을 열어 저장하면 값이 계산되어 저장됩니다"
# A reference into another workbook as stored in a formula: [1]Sheet1!A1, [1]!Name, '[1]My sheet'!A1 or
# [Book.xlsx]Sheet1!A1. A structured table reference (Table1[2024], [[#This Row],[금액]]) is never followed by '!'.
_EXTERNAL_REF = re.compile(r"(?<![\w.\]\['])\[[^\[\]]+\][\w.]*!|'[^']*\[[^\[\]]+\][^']*'!")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


def read(path: Path, sheet: str | None) -> tuple[list[str], list[tuple[int, list[object]]], str]:
    """The rows of one worksheet: the active one, or ``sheet``.

    Refused: macros, links to other workbooks, a hidden active sheet, and formula cells whose value is not
    saved in the file (or was saved by a program that did not compute it). Formula cells with a value Excel
    saved are read as that value, and the command says how many there were."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(path)
    except _XLSX_BROKEN as e:
        raise FileFormatError(_broken_message(path, e)) from e
    with archive:
        _refuse_active_content(path, archive)
        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except _XLSX_BROKEN as e:
            raise FileFormatError(_broken_message(path, e)) from e
        try:
            ws = _choose_sheet(path, wb, sheet)
            # The stored <dimension> can be stale (some exporters never update it); read_only mode trusts it
            # and would silently drop the rows and columns outside it.
            ws.reset_dimensions()
            header, header_row, rows = _sheet_rows(ws)
            others = [t for t in _visible_titles(wb) if t != ws.title]
            computed = 0
            if _has_formulas(archive, ws._worksheet_path):
                pending = _calculation_pending(archive)
                with archive.open(ws._worksheet_path) as src:
                    computed = _check_formulas(path, _formula_cells(src), header, header_row, pending)
        except FileFormatError:
            raise
        except _XLSX_BROKEN as e:
            raise FileFormatError(
                f"{path.name}: XLSX 파일을 끝까지 읽을 수 없습니다 ({type(e).__name__}). 기대: 온전한 .xlsx"
            ) from e
        finally:
            wb.close()
    if header is None:
        elsewhere = f", 또는 표가 든 시트를 --sheet 로 지정 (다른 보이는 시트: {_quoted(others)})" if others else ""
        raise FileFormatError(
            f"{path.name}: '{ws.title}' 시트에 열 이름 행이 없습니다. 기대: 첫 행에 열 이름{elsewhere}"
        )
    if computed:
        log.warning(
            "%s: 수식 셀 %s개는 Excel이 마지막으로 계산해 저장한 값으로 읽었습니다 (수식을 다시 계산하지 않음). "
            "그 뒤에 바뀐 값이 있다면 Excel에서 열어 저장한 뒤 다시 적재하세요.",
            _printable(path.name),
            f"{computed:,}",
        )
    while header and header[-1] == "":
        header.pop()
    return header, rows, "xlsx"


def other_sheets_hint(path: Path, sheet: str | None) -> list[str]:
    """When no table was found on the active sheet of an XLSX file: its other visible sheets, where the table
    may be (an export often opens on a cover or a summary sheet)."""
    if path.suffix.lower() != ".xlsx" or sheet is not None:
        return []
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except _XLSX_BROKEN:
        return []
    try:
        active = wb.active.title if wb.active is not None else ""
        others = [t for t in _visible_titles(wb) if t != active]
    finally:
        wb.close()
    if not others:
        return []
    return [
        f"{path.name}: 읽은 시트는 파일을 저장할 때 보이던 '{active}' 시트입니다. "
        f"기대: 표가 든 시트를 --sheet 로 지정 (다른 보이는 시트: {_quoted(others)})"
    ]


def _visible_titles(wb) -> list[str]:
    return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]


def _quoted(titles: list[str]) -> str:
    return ", ".join(f"'{t}'" for t in titles)


def _broken_message(path: Path, e: Exception) -> str:
    return (
        f"{path.name}: XLSX 파일이 손상되었거나 잘렸습니다 ({type(e).__name__}). "
        "기대: Excel에서 다시 저장한 온전한 .xlsx"
    )


def macro_message(path: Path) -> str:
    return (
        f"{path.name}: 매크로(VBA)가 들어 있을 수 있는 통합 문서입니다. 매크로가 든 파일은 읽지 않습니다. "
        "기대: Excel에서 [다른 이름으로 저장] → 'Excel 통합 문서(*.xlsx)'로 매크로 없이 저장한 파일"
    )


def _refuse_active_content(path: Path, archive: zipfile.ZipFile) -> None:
    """Macros, and values that depend on a file we cannot see, are refused before any cell is read."""
    names = [n.lower() for n in archive.namelist()]
    try:
        content_types = archive.read("[Content_Types].xml").lower()
    except KeyError:
        content_types = b""  # not a workbook: openpyxl says so next
    if (
        any(n.endswith("vbaproject.bin") or n.startswith("xl/macrosheets/") for n in names)
        or b"macroenabled" in content_types
        or b"vbaproject" in content_types
    ):
        raise FileFormatError(macro_message(path))
    links = [n for n in names if n.startswith("xl/externallinks/") and n.endswith(".xml") and "/_rels/" not in n]
    if links:
        raise FileFormatError(
            f"{path.name}: 다른 통합 문서를 참조하는 연결이 있습니다 (외부 연결 {len(links)}개). 값이 이 파일에 없는 "
            "다른 파일에 따라 달라집니다. 기대: Excel에서 [데이터] → [연결 편집] → [연결 끊기]로 값만 남겨 저장한 파일"
        )


def _calculation_pending(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook says its saved formula values are not computed: asked to recalculate on opening
    (as libraries that cannot calculate write it, with 0 or nothing as every formula's value) or saved before
    a recalculation completed. Excel itself saves computed values and neither mark."""
    from openpyxl.xml.functions import fromstring

    types = fromstring(archive.read("[Content_Types].xml"))
    for part in types:
        kind = part.get("ContentType", "")
        if "spreadsheetml" in kind and kind.endswith(".main+xml"):
            calc = fromstring(archive.read(part.get("PartName", "").lstrip("/"))).find(f"{_MAIN_NS}calcPr")
            if calc is None:
                return False
            return calc.get("fullCalcOnLoad") in ("1", "true", "on") or calc.get("calcCompleted") in (
                "0",
                "false",
                "off",
            )
    return False


def _choose_sheet(path: Path, wb, wanted: str | None):
    """The active worksheet (what the user saw when saving), or the one named; never a hidden one."""
    shown = _quoted(_visible_titles(wb)) or "없음"
    if wanted is None:
        ws = wb.active
        if ws is None or not any(ws is w for w in wb.worksheets):
            raise FileFormatError(
                f"{path.name}: 활성 시트가 표를 담은 워크시트가 아닙니다. "
                f"기대: --sheet 로 읽을 시트를 지정 (보이는 시트: {shown})"
            )
        if ws.sheet_state != "visible":
            raise FileFormatError(
                f"{path.name}: 활성 시트 '{ws.title}'이(가) 숨겨져 있어 어느 시트를 읽을지 알 수 없습니다. "
                f"기대: --sheet 로 보이는 시트 중 하나를 지정 (보이는 시트: {shown})"
            )
        return ws
    key = unicodedata.normalize("NFC", wanted).strip()
    for ws in wb.worksheets:
        if unicodedata.normalize("NFC", ws.title).strip() != key:
            continue
        if ws.sheet_state != "visible":
            raise FileFormatError(
                f"{path.name}: '{ws.title}' 시트는 숨겨져 있습니다. "
                f"기대: 보이는 시트 중 하나 ({shown}), 또는 Excel에서 숨기기를 취소하고 저장한 파일"
            )
        return ws
    raise FileFormatError(f"{path.name}: '{wanted}' 시트가 없습니다. 기대: 보이는 시트 중 하나 ({shown})")


def _sheet_rows(ws) -> tuple[list[str] | None, int | None, list[tuple[int, list[object]]]]:
    header: list[str] | None = None
    header_row: int | None = None
    rows: list[tuple[int, list[object]]] = []
    for idx, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
        cells = ["" if v is None else v for v in values]
        if header is None:
            if not any(str(c).strip() for c in cells):
                continue
            header, header_row = [str(c).strip() for c in cells], idx
        if not any(str(c).strip() for c in cells):
            continue
        rows.append((idx, cells))
    return header, header_row, rows


_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")


def _has_formulas(archive: zipfile.ZipFile, member: str) -> bool:
    """A quick look at the raw XML, so a sheet without formulas (most exports) is parsed once, not twice."""
    tail = b""
    with archive.open(member) as src:
        while chunk := src.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_cells(src) -> Iterator[tuple[int, int, str | None, bool, int]]:
    """(row, column, formula text, whether a computed value is saved, other cells its array fills) for every
    formula cell of a worksheet's XML, numbered as openpyxl numbers the cells it reads."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

    row_tag, cell_tag, formula_tag, value_tag = (f"{_MAIN_NS}{t}" for t in ("row", "c", "f", "v"))
    row_no = 0
    for _, el in iterparse(src):
        if el.tag != row_tag:
            continue
        r = el.get("r")
        row_no = int(float(r)) if r else row_no + 1
        col_no = 0
        for c in el.iterfind(cell_tag):
            ref = c.get("r")
            col_no = coordinate_to_tuple(ref)[1] if ref else col_no + 1
            f = c.find(formula_tag)
            if f is None:
                continue
            v = c.find(value_tag)
            # An empty <v/> is no value (openpyxl writes one for every formula), except for a text result: "".
            saved = v is not None and (bool(v.text) or c.get("t") == "str")
            spill = 0
            if f.get("t") in ("array", "dataTable") and f.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(f.get("ref"))
                spill = (max_col - min_col + 1) * (max_row - min_row + 1) - 1
            yield row_no, col_no, f.text, saved, spill
        el.clear()


def _check_formulas(path: Path, cells, header: list[str] | None, header_row: int | None, pending: bool) -> int:
    """Refuse formula cells without a computed value and references to other workbooks; return how many
    formula cells hold a value Excel computed and saved."""
    from openpyxl.utils.cell import get_column_letter

    problems: list[str] = []
    computed = 0
    for row, col, text, saved, spill in cells:
        named = header is not None and header_row is not None and row > header_row and col <= len(header)
        label = f"'{header[col - 1]}'열" if named and header[col - 1] else f"{get_column_letter(col)}열"
        where = f"{path.name}: {row}행, {label}"
        shown = f" {shown_value('=' + text)}" if text else ""
        if text and _EXTERNAL_REF.search(_STRING_LITERAL.sub('""', text)):
            problems.append(
                f"{where}: 기대: 이 파일 안의 값; 수식{shown}은(는) 다른 통합 문서를 참조하는 연결입니다. "
                "Excel에서 [데이터] → [연결 편집] → [연결 끊기]로 값만 남겨 저장하세요"
            )
        elif pending:
            problems.append(
                f"{where}: 기대: 계산된 값이 저장된 셀; 수식{shown}의 값은 파일을 만든 프로그램이 계산하지 않은 "
                f"것입니다 (열 때 다시 계산하라는 표시가 있음). {OPEN_AND_SAVE}"
            )
        elif not saved:
            problems.append(
                f"{where}: 기대: 계산된 값이 저장된 셀; 수식{shown}의 값이 파일에 없습니다. {OPEN_AND_SAVE}"
            )
        else:
            computed += 1 + spill
    if problems:
        shown_problems = problems[:MAX_FORMULA_MESSAGES]
        if len(problems) > MAX_FORMULA_MESSAGES:
            shown_problems.append(f"{path.name}: … 그 밖에 수식 셀 {len(problems) - MAX_FORMULA_MESSAGES:,}개")
        raise FileFormatError(*shown_problems)
    return computed


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
