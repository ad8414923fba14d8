"""Reading an export file's rows: CSV text in UTF-8 (with or without BOM), CP949/EUC-KR or UTF-16, or an XLSX
worksheet (``xlsx``).

Finance, training and call-center systems export all of these; which row is the header is decided later
(``header``) against the table's columns.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from charset_normalizer import from_bytes

from . import xlsx
from .errors import FileFormatError


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 is tried first, then CP949, then detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise FileFormatError(_decode_message(path, data[3:], e, "UTF-8 (BOM이 있으므로)")) from e
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf_err:
        try:
            return data.decode("cp949"), "cp949"
        except UnicodeDecodeError as cp_err:
            # Report where the encoding that read furthest broke: that is where the foreign line is.
            worst = max((utf_err, cp_err), key=lambda e: e.start)
        best = from_bytes(data).best()
        if (
            best is not None
            and best.encoding not in ("utf_8", "cp949", "euc_kr")
            and _mostly_korean_or_ascii(str(best))
        ):
            return str(best), best.encoding
        raise FileFormatError(_decode_message(path, data, worst, "UTF-8 또는 CP949(EUC-KR)")) from utf_err


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode_utf16(data: bytes, path: Path) -> tuple[str, str]:
    """Excel's "유니코드 텍스트" save: UTF-16 with a byte-order mark, usually tab-separated."""
    if data.startswith(b"\xff\xfe\x00\x00"):
        raise FileFormatError(
            f"{path.name}: 1행: UTF-32 텍스트는 읽지 않습니다. 기대: UTF-8, CP949 또는 BOM이 있는 UTF-16"
        )
    try:
        text = data.decode("utf-16")  # the BOM says the byte order and is dropped
    except UnicodeDecodeError as e:
        raise FileFormatError(_decode_message(path, data, e, "UTF-16 (BOM이 있으므로)")) from e
    if "\x00" in text:
        raise FileFormatError(f"{path.name}: 1행: 텍스트가 아닌 바이너리 파일입니다. 기대: CSV 텍스트 또는 XLSX")
    return text, "utf-16"


def _looks_like_utf16(head: bytes) -> bool:
    """NUL bytes nearly all on one side of each byte pair, and that side read as UTF-16 gives Korean or ASCII."""
    nuls = [i % 2 for i, b in enumerate(head) if b == 0]
    if len(nuls) < 4:
        return False
    odd = sum(nuls)
    order = "utf-16-le" if odd >= 0.9 * len(nuls) else "utf-16-be" if odd <= 0.1 * len(nuls) else None
    if order is None:
        return False
    text = head[: len(head) // 2 * 2].decode(order, errors="replace")
    return _mostly_korean_or_ascii(text)


def _sniff_delimiter(sample: str) -> str:
    """Tab or comma, from the first line that has two or more of them (a title line alone in its cell may have one
    comma in its text, or none); failing that, from the first line that has any."""
    lines = sample.splitlines()[:50]
    for least in (2, 1):
        for line in lines:
            tabs, commas = line.count("\t"), line.count(",")
            if tabs + commas >= least:
                return "\t" if tabs > commas else ","
    return ","


def _mostly_korean_or_ascii(text: str) -> bool:
    if not text:
        return False
    good = sum(1 for ch in text if ch.isascii() or "\uac00" <= ch <= "\ud7a3" or ch in "△▲·…–—‐")
    return good / len(text) > 0.98


def _decode_message(path: Path, data: bytes, err: UnicodeDecodeError, expected: str) -> str:
    line = data.count(b"\n", 0, err.start) + 1
    return (
        f"{path.name}: {line}행: 문자 인코딩을 읽을 수 없습니다 (바이트 위치 {err.start}). "
        f"기대: {expected}로 저장된 파일. 한 파일 안에 인코딩이 섞여 있거나 텍스트 파일이 아닙니다."
    )


def read_rows(path: Path, sheet: str | None = None) -> tuple[list[str], list[tuple[int, list[object]]], str]:
    """Return (first row, [(row_number, cells)], encoding) of a CSV or XLSX file.

    The rows are every non-blank row, the first one included: which of them is the header (below title and
    unit lines, or two rows of a merged header) is decided by ingest against the table's columns. Row numbers
    are as a spreadsheet shows them. ``sheet`` names the worksheet of an XLSX file to read instead of its
    active sheet.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsm":
        raise FileFormatError(xlsx.macro_message(path))
    if suffix == ".xlsx":
        return xlsx.read(path, sheet)
    if suffix not in (".csv", ".txt", ".tsv"):
        raise FileFormatError(f"{path.name}: 지원하지 않는 파일 형식입니다. 기대: .csv 또는 .xlsx")
    if sheet is not None:
        raise FileFormatError(
            f"{path.name}: --sheet 는 XLSX 파일에만 쓸 수 있습니다 (CSV 파일에는 시트가 없습니다). "
            "기대: CSV 파일은 --sheet 없이 적재"
        )
    data = path.read_bytes()
    if not data.strip():
        raise FileFormatError(f"{path.name}: 빈 파일입니다. 기대: 첫 행에 열 이름, 다음 행부터 데이터")
    if data.startswith(UTF16_BOMS):
        text, encoding = _decode_utf16(data, path)
    else:
        if b"\x00" in data[:4096]:
            if _looks_like_utf16(data[:4096]):
                raise FileFormatError(
                    f"{path.name}: 1행: BOM이 없는 UTF-16 텍스트로 보여 어느 바이트 순서인지 확실하지 않습니다. "
                    "기대: Excel에서 '유니코드 텍스트(*.txt)'(BOM 포함) 또는 'CSV UTF-8(쉼표로 분리)'로 다시 저장한 파일"
                )
            raise FileFormatError(f"{path.name}: 1행: 텍스트가 아닌 바이너리 파일입니다. 기대: CSV 텍스트 또는 XLSX")
        text, encoding = decode_bytes(data, path)
    delimiter = "\t" if suffix == ".tsv" else _sniff_delimiter(text[:65536])
    # strict: a quote left open would otherwise swallow every later line into one cell, silently.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[object]]] = []
    header: list[str] | None = None
    line = 0
    try:
        # Count records, not physical lines: a quoted line break stays inside one spreadsheet row.
        for line, cells in enumerate(reader, start=1):
            if header is None:
                if not any(c.strip() for c in cells):
                    continue
                header = [c.strip() for c in cells]
            if not any(c.strip() for c in cells):
                continue
            rows.append((line, list(cells)))
    except csv.Error as e:  # the record that failed is the one after the last record read
        raise FileFormatError(f"{path.name}: {line + 1}행: CSV 구문 오류 ({e}). 기대: 올바르게 닫힌 따옴표") from e
    if header is None:
        raise FileFormatError(f"{path.name}: 열 이름 행이 없습니다. 기대: 첫 행에 열 이름")
    return header, rows, encoding
