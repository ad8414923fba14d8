"""Downloads that open cleanly in Excel on Korean Windows and never run code.

CSV is UTF-8 with BOM (without it Excel reads CP949 and garbles Korean).
Text cells that begin with = + - @ tab or CR are prefixed with an apostrophe
(OWASP CSV injection); numbers stay numbers, so a negative amount is still a
number cell. Every amount header names its unit and every count header its
명/과정/건, so a forwarded file cannot be read 1,000× off. XLSX gets real number
and date cells in 맑은 고딕 with the screen's precision, a frozen header with
filters, A4 landscape printing fitted to the width with the header repeated and
page numbers, and a first block stating filters, unit, as-of date and sources.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pandas as pd

from core import labels
from core.settings import UNIT_DECIMALS, base_url

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[c]) or pd.api.types.is_bool_dtype(out[c])):
            out[c] = out[c].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


YES = "예"


def flag_text(column: pd.Series) -> pd.Series:
    """A yes/no column as words ("예" or blank), on screen and in files, instead of a checkbox or TRUE/FALSE."""
    return column.map(lambda v: YES if v is True or v == 1 else "")


@dataclass(frozen=True)
class FileTable:
    """A table as a file holds it: headers with their units, and what each column holds."""

    frame: pd.DataFrame
    kinds: dict[str, str]  # header → money | count | rate | year | page | date | text


def file_table(df: pd.DataFrame, unit: str | None) -> FileTable:
    """The table shown, for a file: amounts headed with ``unit`` (the screen's), counts with 명/과정/건, the
    page links absolute when the dashboard's address is configured and left out otherwise."""
    out = df.copy()
    if labels.LINK in out:
        base = base_url()
        if base:
            out[labels.LINK] = out[labels.LINK].map(lambda v: f"{base}/{v}" if isinstance(v, str) and v else v)
        else:
            out = out.drop(columns=[labels.LINK])
    for c in out.columns:
        if pd.api.types.is_bool_dtype(out[c]):
            out[c] = flag_text(out[c])
    kinds: dict[str, str] = {}
    names = []
    for c in map(str, out.columns):
        if labels.is_money(c):
            name, kind = labels.with_unit(c, unit), "money"
        elif labels.count_unit(c):
            name, kind = labels.with_unit(c, labels.count_unit(c)), "count"
        elif c.endswith("(%)") or c.endswith("율") or c.endswith("률"):
            name, kind = c, "rate"
        elif c == labels.YEAR:
            name, kind = c, "year"
        elif c == labels.PAGE:
            name, kind = c, "page"
        elif c.startswith(labels.AS_OF) or c.endswith(labels.AS_OF):
            name, kind = c, "date"
            out[c] = pd.to_datetime(out[c], errors="coerce")
        else:
            name, kind = c, "text"
        names.append(name)
        kinds[name] = kind
    out.columns = names
    return FileTable(out, kinds)


# A printed 번호 Excel would turn into a date when it opens a CSV ('1-1-1' → 2001-01-01, '2-1' → 1 Feb).
_DATE_LIKE_NUMBER = re.compile(r"\d{1,4}(?:[-/.]\d{1,4}){1,3}")


def _as_excel_text(value):
    """A date-like printed 번호 as the CSV formula ="1-1-1", which Excel shows as the text 1-1-1. Only digits
    and separators get this form (checked in full), so no other text can become a formula."""
    if isinstance(value, str) and _DATE_LIKE_NUMBER.fullmatch(value):
        return f'="{value}"'
    return value


def to_csv_bytes(df: pd.DataFrame, unit: str | None = None) -> bytes:
    table = file_table(df, unit)
    frame = table.frame.copy()
    for c, kind in table.kinds.items():
        if kind == "date":
            frame[c] = frame[c].dt.date
    frame = safe_frame(frame)
    if labels.TASK_NUMBER in frame:
        frame[labels.TASK_NUMBER] = frame[labels.TASK_NUMBER].map(_as_excel_text)
    # CRLF rows: the csv writer then quotes any cell holding a CR or LF. With bare "\n" rows a cell's
    # CR was written unquoted and Excel started a new row there, so "'\r=1+1" became a live "=1+1".
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", name)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


FONT = "맑은 고딕"
NO_DATA = "데이터 없음"
A4 = 9  # xlsxwriter's paper code


def _number_formats(wb, unit: str | None) -> dict[str, object]:
    decimals = UNIT_DECIMALS.get(unit or "", 0)
    money = "#,##0" + ("." + "0" * decimals if decimals else "")
    return {
        "money": wb.add_format({"num_format": f"{money};[Red]-{money}"}),
        "count": wb.add_format({"num_format": "#,##0;[Red]-#,##0"}),
        "number": wb.add_format({"num_format": "#,##0.0##;[Red]-#,##0.0##"}),
        "rate": wb.add_format({"num_format": "0.0"}),
        "year": wb.add_format({"num_format": "0"}),
        "page": wb.add_format({"num_format": "0"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
    }


def to_xlsx_bytes(sheets: list[tuple[str, pd.DataFrame, dict[str, str]]], unit: str | None = None) -> bytes:
    """Write one sheet per (name, table, meta); meta lines go above the table, amounts are in ``unit``."""
    buf = io.BytesIO()
    with pd.ExcelWriter(
        buf,
        engine="xlsxwriter",
        engine_kwargs={
            "options": {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_format_properties": {"font_name": FONT, "font_size": 10},
            }
        },
    ) as writer:
        wb = writer.book
        bold = wb.add_format({"bold": True})
        head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
        formats = _number_formats(wb, unit)
        used: set[str] = set()
        for name, df, meta in sheets:
            sheet = _sheet_name(name, used)
            ws = wb.add_worksheet(sheet)
            writer.sheets[sheet] = ws
            row = 0
            for key, value in meta.items():
                ws.write_string(row, 0, str(neutralise(key)), bold)
                ws.write_string(row, 1, str(neutralise(value)))
                row += 1
            row += 1
            header_row = row
            table = file_table(df, unit)
            safe = safe_frame(table.frame)
            kinds = dict(zip(safe.columns, table.kinds.values()))
            for col_idx, col in enumerate(safe.columns):
                ws.write_string(header_row, col_idx, str(col), head)
                width = max([len(str(col))] + [len(str(v)) for v in safe[col].head(200).tolist()])
                ws.set_column(col_idx, col_idx, min(max(8, width * 1.6), 60))
            for r_idx, values in enumerate(safe.itertuples(index=False), start=header_row + 1):
                for col_idx, (col, v) in enumerate(zip(safe.columns, values)):
                    _write_cell(ws, r_idx, col_idx, kinds[col], v, formats)
            if safe.empty:
                ws.write_string(header_row + 1, 0, NO_DATA)
            ws.freeze_panes(header_row + 1, 0)
            if len(safe.columns):
                ws.autofilter(header_row, 0, header_row + max(len(safe), 1), len(safe.columns) - 1)
            ws.set_landscape()
            ws.set_paper(A4)
            ws.fit_to_pages(1, 0)  # as wide as one page, as many pages long as it takes
            ws.repeat_rows(header_row)
            ws.set_footer("&C&P / &N")
    return buf.getvalue()


def _write_cell(ws, r: int, c: int, kind: str, v, formats) -> None:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT or v == "":
        ws.write_blank(r, c, None)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
        ws.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), formats["date"])
    elif isinstance(v, (int, float)) or pd.api.types.is_number(v):
        number = int(v) if pd.api.types.is_integer(v) else float(v)
        ws.write_number(r, c, number, formats.get(kind) or formats["count" if isinstance(number, int) else "number"])
    else:
        ws.write_string(r, c, str(v))


def meta_block(filters_text: str, unit: str | None, as_of: str | None, sources: str) -> dict[str, str]:
    meta = {"필터": filters_text}
    if unit:
        meta["금액 단위"] = unit
    meta["기준일"] = as_of if as_of and as_of not in ("-", "None", "NaT", "nan") else "미상"
    meta["출처"] = sources
    meta["내려받은 시각"] = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return meta
