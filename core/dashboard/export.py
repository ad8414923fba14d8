"""Downloads that open cleanly in Excel on Korean Windows and never run code.

CSV is UTF-8 with BOM (without it Excel reads CP949 and garbles Korean).
Text cells that begin with = + - @ tab or CR are prefixed with an apostrophe
(OWASP CSV injection); numbers stay numbers, so a negative amount is still a
number cell. XLSX gets real number cells with formats, a frozen header and a
first block stating filters, unit, as-of date and sources.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd

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


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    # CRLF rows: the csv writer then quotes any cell holding a CR or LF. With bare "\n" rows a cell's
    # CR was written unquoted and Excel started a new row there, so "'\r=1+1" became a live "=1+1".
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", name)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


def to_xlsx_bytes(sheets: list[tuple[str, pd.DataFrame, dict[str, str]]]) -> bytes:
    """Write one sheet per (name, table, meta); meta lines go above the table."""
    buf = io.BytesIO()
    with pd.ExcelWriter(
        buf,
        engine="xlsxwriter",
        engine_kwargs={
            "options": {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        },
    ) as writer:
        wb = writer.book
        bold = wb.add_format({"bold": True})
        head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
        formats = {
            "int": wb.add_format({"num_format": "#,##0;[Red]-#,##0"}),
            "float": wb.add_format({"num_format": "#,##0.0##;[Red]-#,##0.0##"}),
            "rate": wb.add_format({"num_format": "0.0"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        }
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
            safe = safe_frame(df)
            for col_idx, col in enumerate(safe.columns):
                ws.write_string(header_row, col_idx, str(col), head)
                width = max([len(str(col))] + [len(str(v)) for v in safe[col].head(200).tolist()])
                ws.set_column(col_idx, col_idx, min(max(8, width * 1.6), 60))
            for r_idx, values in enumerate(safe.itertuples(index=False), start=header_row + 1):
                for col_idx, (col, v) in enumerate(zip(safe.columns, values)):
                    _write_cell(ws, r_idx, col_idx, str(col), v, formats)
            ws.freeze_panes(header_row + 1, 0)
            if len(safe.columns):
                ws.autofilter(header_row, 0, header_row + max(len(safe), 1), len(safe.columns) - 1)
    return buf.getvalue()


def _write_cell(ws, r: int, c: int, col: str, v, formats) -> None:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
        ws.write_blank(r, c, None)
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, int) or (hasattr(v, "dtype") and pd.api.types.is_integer(v)):
        ws.write_number(r, c, int(v), formats["int"])
    elif isinstance(v, float) or pd.api.types.is_float(v):
        ws.write_number(
            r, c, float(v), formats["rate"] if "%" in col or "률" in col or "율" in col else formats["float"]
        )
    elif isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
        ws.write_datetime(r, c, pd.Timestamp(v).to_pydatetime(), formats["date"])
    else:
        ws.write_string(r, c, str(v))


def meta_block(filters_text: str, unit: str | None, as_of: str | None, sources: str) -> dict[str, str]:
    meta = {"필터": filters_text}
    if unit:
        meta["금액 단위"] = unit
    meta["기준일"] = as_of or "-"
    meta["출처"] = sources
    meta["내려받은 시각"] = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return meta
