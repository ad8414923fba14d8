"""Ingest exported CSV/XLSX files into validated Parquet extracts.

Each ingested file becomes one *batch*: ``extracts/<table>/<batch>.parquet``.
Re-ingesting a batch of the same name replaces it. Every file of a call is
read and validated before anything is written, and files are written under
a temporary name and then moved into place with ``os.replace``, so a failed
ingest leaves every existing extract byte-for-byte as it was.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils.cell import get_column_letter

from core.settings import extracts_dir

from . import consistency, hierarchy, parsing, reading, xlsx
from . import header as header_mod
from .errors import CellError, FileFormatError, IngestError
from .extracts import read_extract, write_batches
from .safety import OFFICIAL_BATCH
from .schema import MONEY_UNITS, Column, Table

MAX_ERRORS_SHOWN = 30
MAX_INPUT_BYTES = 2 * 1024**3  # one export file; larger ones are split by batch
MAX_BATCH_BYTES = 150  # a batch name is a file name (extracts/<table>/<batch>.parquet, plus a temporary prefix)
# Seconds one file may take to read and check: a file that would take longer (a pathological layout, a
# decompression bomb of a workbook) is refused instead of holding the writer lock indefinitely.
PARSE_SECONDS_VARIABLE = "DASHBOARD_INGEST_SECONDS"
DEFAULT_PARSE_SECONDS = 900


@dataclass
class ParsedFile:
    path: Path
    table: Table
    frame: pd.DataFrame
    row_numbers: list[int]
    encoding: str
    errors: list[str] = field(default_factory=list)


def map_header(
    path: Path,
    header: list[str] | list[header_mod.HeaderCell],
    table: Table,
    where: str = "1행",
    provided: dict[str, str] | None = None,
) -> list[Column]:
    """The column of every header cell, or every problem: unknown and doubled columns, required ones missing.

    ``provided``: columns given for every row instead (column name -> where from, e.g. '--value 문서'); a file
    column that is also provided is refused, never overwritten."""
    lookup = header_mod.lookup(table)
    provided = provided or {}
    cells = [
        h if isinstance(h, header_mod.HeaderCell) else header_mod.HeaderCell(h, lookup.get(parsing.normalise_header(h)))
        for h in header
    ]
    mapped: list[Column] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for idx, cell in enumerate(cells, start=1):
        h, col = cell.text, cell.column
        letter = get_column_letter(idx)
        if cell.problem:
            problems.append(f"{path.name}: {where}, {letter}열 '{h}': {cell.problem}")
            continue
        if col is None:
            problems.append(
                f"{path.name}: {where}, {letter}열 '{h}': 알 수 없는 열입니다. 기대: {table.name} 표의 열 "
                f"({', '.join(c.label for c in table.columns)})"
            )
            continue
        if col.name in seen:
            problems.append(
                f"{path.name}: {where}, {letter}열 '{h}': '{seen[col.name]}'와 같은 열({col.label})이 두 번 있습니다. "
                "기대: 열마다 한 번"
            )
            continue
        if col.name in provided:
            problems.append(
                f"{path.name}: {provided[col.name]}: 파일의 {where}, {letter}열 '{h}'이(가) 이미 {col.label} 열입니다. "
                "파일의 값을 덮어쓰지 않습니다. 기대: 파일에 없는 열만 --value로 채움"
            )
        seen[col.name] = h
        mapped.append(col)
    for c in table.columns:
        if c.required and c.name not in seen and c.name not in provided:
            problems.append(
                f"{path.name}: {where}: 필수 열 '{c.label}'({c.name})이 없습니다. "
                f"기대: 열 이름 '{c.label}' 또는 '{c.name}' (파일에 없으면 --value {c.label}=값)"
            )
    if problems:
        raise IngestError(problems)
    return mapped


def _number_rows(path: Path, shape: header_mod.Shape, table_name: str | None) -> None:
    """Numbered hierarchical budget rows (1.인적자원 운용 › 1.교직원보수) rewritten in place into the ordinary
    layout with item, parent and level columns; any other file is left as it is."""
    if shape.table.name != "budget_line":
        return
    header, rows = hierarchy.number_rows(
        path, shape.header, shape.rows, table_name or shape.table.name, header_where=shape.where
    )
    if rows is shape.rows:
        return
    table_lookup = header_mod.lookup(shape.table)
    kept = {c.text: c for c in shape.cells}
    shape.cells = [
        kept.get(text) or header_mod.HeaderCell(text, table_lookup.get(parsing.normalise_header(text)))
        for text in header
    ]
    shape.rows = rows


def parse_file(
    path: Path,
    table_name: str | None = None,
    values: Mapping[str, str] | Iterable[str] | None = None,
    sheet: str | None = None,
) -> ParsedFile:
    """Read, map and validate one export file. ``values``: columns the file does not have, filled on every row
    ('열=값' as on the command line, or a mapping), parsed by the same rules as a cell. ``sheet``: the
    worksheet of an XLSX file to read instead of its active sheet."""
    path = Path(path)
    deadline = parse_deadline()
    if not path.exists():
        raise IngestError([f"{path}: 파일이 없습니다."])
    if not path.is_file():  # a folder, a named pipe or a device: never opened (a pipe would hang the command)
        raise IngestError([f"{path}: 보통 파일이 아닙니다(폴더·파이프·장치). 기대: 내보낸 CSV 또는 XLSX 파일"])
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise IngestError(
            [f"{path.name}: 파일이 너무 큽니다({path.stat().st_size:,}바이트). 기대: {MAX_INPUT_BYTES:,}바이트 이하"]
        )
    try:
        _first, grid, encoding = reading.read_rows(path, sheet=sheet)
    except FileFormatError as e:
        raise IngestError(e.messages) from e
    try:
        values = header_mod.parse_value_options(values)
    except header_mod.HeaderError as e:
        raise IngestError(e.messages) from e
    try:
        shape = header_mod.find(path, grid, table_name, values)
    except header_mod.NoTableFound as e:  # nothing on this sheet looks like a table: say where else to look
        raise IngestError(e.messages + xlsx.other_sheets_hint(path, sheet)) from e
    except (FileFormatError, header_mod.HeaderError) as e:
        raise IngestError(e.messages) from e
    try:
        _number_rows(path, shape, table_name)
    except (FileFormatError, header_mod.HeaderError) as e:
        raise IngestError(e.messages) from e
    table, header, rows, constants = shape.table, shape.header, shape.rows, shape.constants
    problems = _constant_errors(path, shape)
    try:
        columns = map_header(path, shape.cells, table, shape.where, shape.sources)
    except IngestError as e:
        # A named table whose header was nowhere to be found: the same sheet hint as for an unknown table.
        hint = xlsx.other_sheets_hint(path, sheet) if shape.header_guessed else []
        raise IngestError(e.messages + problems + hint) from e
    if problems:
        raise IngestError(problems)
    header_positions = {c.name: i for i, c in enumerate(columns)}
    header_text = {c.name: header[i] for i, c in enumerate(columns)} | shape.sources
    if not rows:
        raise IngestError(
            [f"{path.name}: 열 이름 행만 있고 데이터 행이 없습니다. 기대: {shape.lines[-1] + 1}행부터 데이터"]
        )

    errors: list[str] = []
    records: list[dict] = []
    row_numbers: list[int] = []
    unit_col = header_positions.get("unit")
    late = _past(deadline, path, rows[0][0] if rows else 0)
    if late:
        raise late
    for n, (line, cells) in enumerate(rows):
        if n % 1000 == 999 and (late := _past(deadline, path, line)):
            raise late
        if len(cells) > len(header) and any(str(c).strip() for c in cells[len(header) :]):
            errors.append(
                f"{path.name}: {line}행: 열 이름보다 많은 값({len(cells)}개)이 있습니다. 기대: {len(header)}개"
            )
            continue
        record: dict = {}
        unit = str(cells[unit_col]).strip() if unit_col is not None and unit_col < len(cells) else constants.get("unit")
        factor = MONEY_UNITS.get(unit) if unit else None
        for col in table.columns:
            pos = header_positions.get(col.name)
            raw = cells[pos] if pos is not None and pos < len(cells) else constants.get(col.name)
            try:
                value = _parse_cell(col, raw, unit, factor)
                if col.name == "non_budget" and not value:
                    value = any(
                        isinstance(cells[p], str) and cells[p].strip() in parsing.NON_BUDGET_TOKENS
                        for p in range(len(cells))
                    )
                if value is None and col.required:
                    raise CellError("값 (필수 열이 비어 있습니다)")
                _check_range(col, value)
            except CellError as e:
                errors.append(f"{path.name}: {line}행, '{header_text.get(col.name, col.name)}'열: 기대: {e}")
                value = None
            record[col.name] = value
        records.append(record)
        row_numbers.append(line)
        if len(errors) > 500:
            break
    errors.extend(_shape_row_errors(path, shape, dict(rows), header_positions, header_text, records, row_numbers))
    frame = pd.DataFrame.from_records(records, columns=table.names)
    parsed = ParsedFile(path, table, frame, row_numbers, encoding, errors)
    parsed.errors.extend(_duplicate_key_errors(parsed))
    return parsed


def _constant_errors(path: Path, shape: header_mod.Shape) -> list[str]:
    """A value given for every row (--value, or the unit line) is parsed once by the column's cell rules, so a bad
    one is refused naming where it came from. A money value waits for each row's unit when the file has its own."""
    unit = shape.constants.get("unit")
    factor = MONEY_UNITS.get(unit) if unit else None
    problems = []
    for name, raw in shape.constants.items():
        col = shape.table.column(name)
        if col.kind == "money" and unit is None:
            continue
        try:
            value = _parse_cell(col, raw, unit, factor)
            if value is None and col.required:
                raise CellError("값 (필수 열이 비어 있습니다)")
            _check_range(col, value)
        except CellError as e:
            source = shape.sources[name]
            shown = f"{source}={raw}" if source.startswith("--value") else f"{source} '{raw}'"
            problems.append(f"{path.name}: {shown}: 기대: {e}")
    return problems


def _shape_row_errors(
    path: Path,
    shape: header_mod.Shape,
    cells_by_line: dict[int, list[object]],
    positions: dict[str, int],
    header_text: dict[str, str],
    records: list[dict],
    row_numbers: list[int],
) -> list[str]:
    """What the header's shape asks of each row: the unit of the unit line, the fiscal year of the year groups."""
    errors = []
    unit_pos = positions.get("unit")
    year_pos = positions.get("fiscal_year")
    for line, record in zip(row_numbers, records):
        cells = cells_by_line[line]
        if shape.unit is not None and unit_pos is not None and unit_pos < len(cells):
            unit = re.sub(r"\s+", "", header_mod.cell_text(cells[unit_pos]))
            if unit and unit != shape.unit:
                errors.append(
                    f"{path.name}: {line}행, '{header_text['unit']}'열: 기대: {shape.unit_line}행 단위 줄의 "
                    f"'{shape.unit}'과 같은 단위 (받은 값: '{unit}')"
                )
        if shape.fiscal_year is not None and year_pos is not None:
            raw = cells[year_pos] if year_pos < len(cells) else None
            year = record.get("fiscal_year")
            if year != shape.fiscal_year and (year is not None or parsing.is_null(raw)):
                errors.append(
                    f"{path.name}: {line}행, '{header_text['fiscal_year']}'열: 기대: 열 이름의 연도 묶음"
                    f"({', '.join(map(str, shape.year_groups))})이 뜻하는 회계연도 {shape.fiscal_year} "
                    f"(받은 값: {year if year is not None else '빈칸'})"
                )
    return errors


def _parse_cell(col: Column, raw: object, unit: str | None, factor: int | None):
    kind = col.kind
    if kind == "text":
        value = parsing.parse_text(raw)
        if value is not None and col.choices and value not in col.choices:
            raise CellError(f"{' / '.join(col.choices)} 중 하나 (받은 값: '{value}')")
        return value
    if kind == "money":
        return parsing.parse_money(raw, unit, factor)
    if kind == "int":
        return parsing.parse_int(raw)
    if kind == "rate":
        return parsing.parse_rate(raw)
    if kind == "number":
        return parsing.parse_number(raw)
    if kind == "date":
        return parsing.parse_date(raw)
    if kind in ("year", "quarter"):
        return parsing.parse_year(raw) if kind == "year" else parsing.parse_int(raw)
    if kind == "bool":
        return parsing.parse_bool(raw)
    raise AssertionError(kind)


def _check_range(col: Column, value) -> None:
    if value is None or isinstance(value, bool) or col.kind in ("text", "date"):
        return
    if col.min is not None and value < col.min or col.max is not None and value > col.max:
        lo = f"{col.min:,.0f}" if col.min is not None else "-∞"
        hi = f"{col.max:,.0f}" if col.max is not None else "∞"
        raise CellError(f"{lo} 이상 {hi} 이하의 값 (받은 값: {value:,})")


def _canonical(value) -> str:
    """One text form per key value, whatever dtype pandas gave the column (2018, 2018.0 and '2018' agree)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "∅"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key_frame(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    return pd.DataFrame({k: [_canonical(v) for v in frame[k].tolist()] for k in table.key}, index=frame.index)


def _duplicate_key_errors(parsed: ParsedFile) -> list[str]:
    keys = _key_frame(parsed.frame, parsed.table)
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return []
    errors = []
    first_seen: dict[tuple, int] = {}
    for i in range(len(keys)):
        if not dup.iat[i]:
            continue
        key = tuple(keys.iloc[i])
        if key in first_seen:
            errors.append(
                f"{parsed.path.name}: {parsed.row_numbers[i]}행, 키 열({', '.join(parsed.table.key)}): "
                f"{first_seen[key]}행과 같은 키 {key}. 기대: 키마다 한 행"
            )
        else:
            first_seen[key] = parsed.row_numbers[i]
    return errors


def batch_name(path: Path, explicit: str | None = None) -> str:
    name = explicit or path.stem
    name = re.sub(r"[^\w.\-가-힣]", "_", name).strip("._")
    if not name:
        raise IngestError([f"{path.name}: 묶음 이름을 만들 수 없습니다. 기대: --batch 로 이름 지정"])
    if len(name.encode("utf-8")) > MAX_BATCH_BYTES:
        raise IngestError(
            [
                f"{path.name}: 묶음 이름이 너무 깁니다({len(name.encode('utf-8')):,}바이트, '{name[:20]}…'). "
                f"기대: {MAX_BATCH_BYTES}바이트 이하 (한글 약 {MAX_BATCH_BYTES // 3}자) — --batch 로 짧은 이름 지정"
            ]
        )
    return name


def parse_deadline() -> float:
    """When reading one file must be over (time.monotonic), from DASHBOARD_INGEST_SECONDS or the default."""
    raw = os.environ.get(PARSE_SECONDS_VARIABLE, "")
    try:
        seconds = float(raw) if raw.strip() else DEFAULT_PARSE_SECONDS
    except ValueError:
        seconds = DEFAULT_PARSE_SECONDS
    return time.monotonic() + max(seconds, 0.0)


def _past(deadline: float, path: Path, line: int) -> IngestError | None:
    if time.monotonic() <= deadline:
        return None
    return IngestError(
        [
            f"{path.name}: {line}행까지 읽는 데 제한 시간({PARSE_SECONDS_VARIABLE}, 기본 {DEFAULT_PARSE_SECONDS}초)을 "
            "넘겨 멈췄습니다. 기대: 파일을 나눠 적재하거나, 정말 큰 파일이면 제한 시간을 늘려 다시 실행"
        ]
    )


def _existing_keys(table: Table, batch: str, root: Path, new: pd.DataFrame) -> pd.DataFrame | None:
    """The key columns of loaded rows (other batches) that can equal a key of ``new``: rows whose text key
    values all occur in the new file, so a small file is not compared with every row of a large table."""
    folder = root / table.name
    files = [p for p in sorted(folder.glob("*.parquet")) if p.stem != batch]
    if not files:
        return None
    text_keys = [k for k in table.key if table.column(k).kind == "text"]
    frames = []
    for p in files:
        got = read_extract(p, list(table.key) + ["batch"])
        for k in text_keys:
            wanted = pa.array(sorted({v for v in new[k] if isinstance(v, str)}), pa.string())
            got = got.filter(pc.fill_null(pc.is_in(got[k], wanted), k not in new or new[k].isna().any()))
        frames.append(got.to_pandas())
    return pd.concat(frames, ignore_index=True)


def ingest_files(
    paths: list[Path],
    table_name: str | None = None,
    batch: str | None = None,
    accept_total_differences: bool = False,
    root: Path | None = None,
    replace_official: bool = False,
    triangle: str | None = None,
    sheet: str | None = None,
    values: Mapping[str, str] | Iterable[str] | None = None,
) -> list[Path]:
    """Validate every file, then write all of them; on any problem write nothing.

    A batch named like the shipped transcriptions of the reports (seed-…, sample-…) is refused unless
    ``replace_official``: replacing one replaces official figures. ``triangle`` declares what ▲ means in
    these files (parsing.TRIANGLE_INCREASE or TRIANGLE_DECREASE); without it a ▲ is refused. ``sheet`` names
    the worksheet read from every XLSX file (otherwise its active sheet); with a CSV file it is refused.
    ``values`` ('열=값', --value) fill columns the files do not have, on every row of every file."""
    if triangle not in (None, parsing.TRIANGLE_INCREASE, parsing.TRIANGLE_DECREASE):
        raise IngestError(
            [f"--triangle '{triangle}': 기대: {parsing.TRIANGLE_INCREASE} 또는 {parsing.TRIANGLE_DECREASE}"]
        )
    token = parsing.TRIANGLE_MEANING.set(triangle)
    try:
        return _ingest(paths, table_name, batch, accept_total_differences, root, replace_official, sheet, values)
    finally:
        parsing.TRIANGLE_MEANING.reset(token)


def _ingest(
    paths: list[Path],
    table_name: str | None,
    batch: str | None,
    accept_total_differences: bool,
    root: Path | None,
    replace_official: bool,
    sheet: str | None,
    values: Mapping[str, str] | Iterable[str] | None,
) -> list[Path]:
    root = Path(root) if root else extracts_dir()
    if batch and len(paths) > 1:
        raise IngestError(["--batch 는 파일 하나에만 쓸 수 있습니다."])
    try:
        values = header_mod.parse_value_options(values)
    except header_mod.HeaderError as e:
        raise IngestError(e.messages) from e
    messages: list[str] = []
    parsed_files: list[tuple[ParsedFile, str]] = []
    for p in paths:
        try:
            parsed = parse_file(Path(p), table_name, values, sheet=sheet)
        except IngestError as e:
            messages.extend(e.messages)
            continue
        messages.extend(parsed.errors[:MAX_ERRORS_SHOWN])
        if len(parsed.errors) > MAX_ERRORS_SHOWN:
            messages.append(f"{parsed.path.name}: … 그 밖에 {len(parsed.errors) - MAX_ERRORS_SHOWN}개 오류")
        if parsed.errors:
            continue
        name = batch_name(parsed.path, batch)
        if OFFICIAL_BATCH.match(name) and not replace_official:
            messages.append(
                f"{parsed.path.name}: 묶음 이름 '{name[:40]}'은(는) 보고서 전사본(공식 값)의 묶음입니다. 다른 --batch "
                "이름을 쓰거나, 정말 공식 값을 바꾸려면 --replace-official을 붙이세요."
            )
            continue
        messages.extend(_cross_batch_errors(parsed, name, root))
        messages.extend(_same_call_errors(parsed, [pf for pf, _ in parsed_files]))
        parsed_files.append((parsed, name))
    # Against what is loaded, with every other file of this call counted as loaded: a document and its
    # rows, or a budget table and its quarterly plan, may come in one call in any order.
    for parsed, name in parsed_files:
        loaded = consistency.Loaded(root, [(pf, b) for pf, b in parsed_files if pf is not parsed])
        messages.extend(consistency.document_errors(parsed, loaded))
        messages.extend(consistency.reference_errors(parsed, loaded, name))
        messages.extend(consistency.call_center_errors(parsed))
        messages.extend(consistency.lookalike_errors(parsed, loaded, name))
        if not accept_total_differences:
            messages.extend(consistency.total_errors(parsed, loaded, name))
    targets = [(pf.table.name, name) for pf, name in parsed_files]
    if len(set(targets)) != len(targets):
        messages.append("같은 표의 같은 묶음 이름으로 두 파일을 한 번에 적재할 수 없습니다.")
    if messages:
        raise IngestError(messages)
    return write_batches([(pf.table, pf.frame, name) for pf, name in parsed_files], root)


def _cross_batch_errors(parsed: ParsedFile, batch: str, root: Path) -> list[str]:
    existing = _existing_keys(parsed.table, batch, root, parsed.frame)
    if existing is None or existing.empty:
        return []
    new_keys = _key_frame(parsed.frame, parsed.table)
    old_keys = _key_frame(existing, parsed.table)
    old_index = {tuple(r): b for r, b in zip(old_keys.itertuples(index=False), existing["batch"])}
    errors = []
    for i, row in enumerate(new_keys.itertuples(index=False)):
        other = old_index.get(tuple(row))
        if other is not None:
            errors.append(
                f"{parsed.path.name}: {parsed.row_numbers[i]}행, 키 열({', '.join(parsed.table.key)}): "
                f"이미 적재된 묶음 '{other}'에 같은 키 {tuple(row)}가 있습니다. "
                "기대: 새 키, 또는 같은 묶음 이름(--batch)으로 교체"
            )
            if len(errors) >= MAX_ERRORS_SHOWN:
                break
    return errors


def _same_call_errors(parsed: ParsedFile, earlier: list[ParsedFile]) -> list[str]:
    """Keys repeated between files of one ingest call would only fail later, at the build."""
    errors = []
    new_keys = [tuple(r) for r in _key_frame(parsed.frame, parsed.table).itertuples(index=False)]
    for other in earlier:
        if other.table is not parsed.table:
            continue
        seen = {
            tuple(r): other.row_numbers[i]
            for i, r in enumerate(_key_frame(other.frame, other.table).itertuples(index=False))
        }
        for i, key in enumerate(new_keys):
            if key in seen:
                errors.append(
                    f"{parsed.path.name}: {parsed.row_numbers[i]}행, 키 열({', '.join(parsed.table.key)}): "
                    f"함께 적재하는 {other.path.name} {seen[key]}행과 같은 키 {key}. 기대: 파일마다 다른 키"
                )
                if len(errors) >= MAX_ERRORS_SHOWN:
                    return errors
    return errors


def total_row_number(parsed: ParsedFile, d) -> int | None:
    """The file line a printed difference points at: the row of its item_id, or for a total row that has
    no item_id (headcount, training_overview) the total row of the same table and section whose printed name
    and printed figure are those of the difference. None when the difference lies in rows of another batch."""
    frame = parsed.frame
    if isinstance(d.item_id, str):
        if "item_id" not in frame:
            return None
        rows = [parsed.row_numbers[i] for i, item in enumerate(frame["item_id"]) if item == d.item_id]
        return rows[0] if rows else None
    if "is_total" not in frame or "source_section" not in frame:
        return None
    if parsed.table.name == "headcount":
        names = frame["staff_group"].map(lambda g: f"{g} " if isinstance(g, str) else "") + frame["grade"].fillna("")
    elif parsed.table.name == "training_overview":
        names = frame["target_group"]
    else:
        return None
    columns = [c.name for c in parsed.table.columns if c.label == d.measure and c.name in frame]
    for i in range(len(frame)):
        if (
            (frame["is_total"].iat[i] is True or frame["is_total"].iat[i] == 1)
            and names.iat[i] == d.name
            and frame["source_section"].iat[i] == d.source_section
            and any(frame[c].iat[i] == d.printed_value for c in columns)
        ):
            return parsed.row_numbers[i]
    return None
