"""Where the header of an export is, what each of its columns is, and the columns given on the command line.

Office systems do not export a bare table. Above the header sit a title line (``2024년도 세출예산 명세서``)
and a unit line (``(단위: 천원)``, ``[단위:천원]``, ``단위 : 백만원``); amounts are grouped under a year in a
header of two merged rows (``2024`` over ``본예산 | 추경``); and the provenance columns the schema requires
(문서, 출처 표·절, 기관, 인쇄 단위 …) are not in the file at all, so they are given with ``--value 열=값``.

The rules, in the order they are applied:

- **Header row**: the first of the first ``HEADER_SEARCH_ROWS`` non-blank rows in which at least two non-blank
  cells, and more than half of them, are names of the table's columns (Korean label, English name or alias).
  When no row qualifies, the first non-blank row is the header, so its unknown columns are named as before.
- **Two-row header**: a row and the row right under it are one header when the lower row is not data (fewer than
  two numeric cells), a column is filled in one of the two and blank in the other (a merge), and the flattened
  header names more columns than either row alone, or the upper row groups columns under a year.
- **Flattening**, column by column. The upper text of a blank upper cell is carried from the nearest filled upper
  cell to its left when that cell heads sub-columns (its own lower cell is filled): the merged span.
  A blank lower cell: the upper text alone (a label merged over both rows). An upper year (``2024``,
  ``2024년``, ``2024년도``, ``'24``, optionally with ``예산``/``예산액``) or period (``당해연도``/``금년도``: this
  year, ``전년도``: the year before): the lower label's measure of that year — in the fiscal year, the lower
  label's own money or rate column; in the year before, 본예산/예산액 → 전년 본예산 (prior_original) and
  최종예산 → 전년 최종예산 (prior_final); any other year or pairing is refused. Otherwise the upper and lower
  text as one name (spaces removed), and failing that the lower text alone, except under an upper text that names
  a period or holds a digit (it could change the meaning): that column is refused.
- **Fiscal year** of year groups: ``--value 회계연도`` if given, else the latest year in the header; a 회계연도
  column must then hold that year on every row, and without either the file is refused.
- **Rows above the header** are skipped. A cell that is a unit line gives the unit of every row (the 인쇄 단위
  column when the file has none; when it has one, each row's unit must be the same). A skipped row with numeric
  cells in two or more columns is refused: the header was not found above the data.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import hierarchy, parsing
from .errors import CellError, FileFormatError
from .schema import TABLES, Column, Table

HEADER_SEARCH_ROWS = 20  # non-blank rows looked at for the header; a report's title block is a few lines
DATA_CELLS_ABOVE_HEADER = 2  # numeric cells that make a skipped row look like data

Row = tuple[int, list[object]]


class NoTableFound(FileFormatError):
    """No row among the first rows names a table's columns: the table may be on another sheet."""


class HeaderError(ValueError):
    """Problems with the header or the --value options; each message names the file and where."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@functools.cache
def lookup(table: Table) -> dict[str, Column]:
    """Normalised name, Korean label and every alias of each column -> the column (the first one wins)."""
    names: dict[str, Column] = {}
    for c in table.columns:
        for key in (c.name, c.label, *c.aliases):
            names.setdefault(parsing.normalise_header(key), c)
    return names


def table_named(path: Path, table_name: str | None) -> Table | None:
    """The table given with --table, or named by the start of the file name; None when neither says."""
    if table_name:
        wanted = parsing.normalise_header(table_name)
        for t in TABLES.values():
            if wanted in {parsing.normalise_header(x) for x in (t.name, t.label, *t.aliases)}:
                return t
        raise FileFormatError(f"{path.name}: 알 수 없는 대상 표 '{table_name}'. 기대: {', '.join(TABLES)} 중 하나")
    stem = parsing.normalise_header(path.stem)
    for t in TABLES.values():
        if stem == t.name or stem.startswith(t.name + "_") or stem.startswith(t.name + "-"):
            return t
    return None


def table_score(table: Table, names: Iterable[str]) -> float:
    """Share of the names that are the table's columns, plus 1 when every required column is among them."""
    table_lookup = lookup(table)
    normalised = [parsing.normalise_header(h) for h in names if h]
    hits = sum(1 for h in normalised if h in table_lookup)
    has_required = all(any(table_lookup.get(h) is c for h in normalised) for c in table.columns if c.required)
    return hits / max(len(normalised), 1) + (1.0 if has_required else 0.0)


# ---------------------------------------------------------------- cells


def cell_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _is_numeric(raw: object) -> bool:
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int | float):
        return True
    try:
        return parsing.parse_decimal(raw, "") is not None
    except CellError:
        return False


_UNIT_BODY = r"단\s*위\s*[:：]\s*([^()\[\]（）［］]+?)\s*"
# '단위 : 백만원' alone in a cell; '(단위: 천원)' or '[단위:천원]' alone or at the end of a title.
_UNIT_FORMS = (
    re.compile(rf"^{_UNIT_BODY}$"),
    re.compile(rf"[(（]\s*{_UNIT_BODY}[)）]$"),
    re.compile(rf"[\[［]\s*{_UNIT_BODY}[\]］]$"),
)


def unit_of_line(text: str) -> str | None:
    """The unit a unit line states ('(단위: 천원)' -> '천원'); None if the text is no unit line."""
    for form in _UNIT_FORMS:
        m = form.search(text.strip())
        if m:
            return re.sub(r"\s+", "", m.group(1))
    return None


_YEAR_GROUP = re.compile(r"^(?:(?P<y4>\d{4})|'(?P<y2>\d{2}))(?:년도?|회계연도)?(?:예산액?)?$")
_RELATIVE_GROUPS = {
    **dict.fromkeys(("당해연도", "당해년도", "금년도", "올해", "본년도"), 0),
    **dict.fromkeys(("전년도", "전년", "작년", "전년도예산", "전년예산", "전년도예산액"), -1),
}
# An upper text with one of these (or a digit) may change what the lower label means: never dropped.
_PERIOD_WORDS = ("전년", "당해", "금년", "작년", "올해", "내년", "차년", "익년", "연도", "년도", "전기", "당기", "분기")
_YEAR_MEASURE_KINDS = ("money", "rate")
_PRIOR_OF = {"budget_original": "prior_original", "prior_original": "prior_original", "prior_final": "prior_final"}


def _year_group(text: str) -> tuple[int, bool] | None:
    """(year or offset, is_relative) of an upper text that groups columns by year; None for any other text."""
    norm = parsing.normalise_header(text)
    if norm in _RELATIVE_GROUPS:
        return _RELATIVE_GROUPS[norm], True
    m = _YEAR_GROUP.match(norm)
    if not m:
        return None
    return (int(m.group("y4")) if m.group("y4") else 2000 + int(m.group("y2"))), False


def _names_period(text: str) -> bool:
    norm = parsing.normalise_header(text)
    return any(ch.isdigit() for ch in norm) or any(w in norm for w in _PERIOD_WORDS)


# ---------------------------------------------------------------- one header


@dataclass
class HeaderCell:
    text: str  # as messages show it: '본예산', or '2024 본예산' for a two-row header
    column: Column | None = None
    problem: str | None = None  # why a two-row column has no column (then column is None)
    year: int | None = None  # the absolute year group of the column, if any
    grouped: bool = False  # under a year or period group (2024, 전년도 …)


def _plain(text: str, table_lookup: dict[str, Column]) -> HeaderCell:
    return HeaderCell(text, table_lookup.get(parsing.normalise_header(text)))


def _flatten(upper: list[str], lower: list[str], table: Table, fiscal_year: int | None) -> list[HeaderCell]:
    """One header from two rows (see the module's rules); fiscal_year None: the latest year in the header."""
    table_lookup = lookup(table)
    width = max(len(upper), len(lower))
    upper, lower = _pad(upper, width), _pad(lower, width)
    carried: list[str] = []
    head = ""
    for j in range(width):
        if upper[j]:
            head = upper[j] if lower[j] else ""  # only a heading over sub-columns spans to the right
            carried.append(upper[j])
        else:
            carried.append(head)
    groups = {j: _year_group(carried[j]) for j in range(width) if carried[j] and lower[j]}
    years = [g[0] for g in groups.values() if g and not g[1]]
    year = fiscal_year if fiscal_year is not None else (max(years) if years else None)
    cells = []
    for j in range(width):
        up, low = carried[j], lower[j]
        if not low:
            cells.append(_plain(upper[j], table_lookup))
            continue
        if not up:
            cells.append(_plain(low, table_lookup))
            continue
        text = f"{up} {low}"
        group = groups.get(j)
        if group is not None:
            cells.append(_year_column(text, group, low, year, table_lookup))
            continue
        both = table_lookup.get(parsing.normalise_header(up + low))
        if both is not None:
            cells.append(HeaderCell(text, both))
        elif _names_period(up):
            cells.append(
                HeaderCell(
                    text,
                    problem=f"위 칸 '{up}'이(가) 기간을 나타내 아래 칸 '{low}'만으로 열을 정할 수 없습니다. "
                    "기대: 두 칸을 합친 이름이 표의 열 이름이거나, 위 칸이 연도(2024, 전년도 …)",
                )
            )
        else:
            cells.append(HeaderCell(text, table_lookup.get(parsing.normalise_header(low))))
    return cells


def _year_column(
    text: str, group: tuple[int, bool], low: str, year: int | None, table_lookup: dict[str, Column]
) -> HeaderCell:
    value, relative = group
    offset = value if relative else (value - year if year is not None else 0)
    absolute = None if relative else value
    col = table_lookup.get(parsing.normalise_header(low))
    if col is None:  # an unknown label: named as an unknown column
        return HeaderCell(text, year=absolute, grouped=True)
    if offset == 0 and col.kind in _YEAR_MEASURE_KINDS and col.name not in _PRIOR_OF.values():
        return HeaderCell(text, col, year=absolute, grouped=True)
    if offset == -1 and col.name in _PRIOR_OF:
        return HeaderCell(text, table_lookup[_PRIOR_OF[col.name]], year=absolute, grouped=True)
    if offset not in (0, -1):
        return HeaderCell(
            text,
            problem=f"{value}년 묶음은 회계연도 {year}의 열도, 전년({year - 1})의 열도 아닙니다. "
            "기대: 회계연도와 그 전년의 묶음만 (회계연도는 --value 회계연도=… 또는 머리글의 마지막 연도)",
            year=absolute,
            grouped=True,
        )
    which = "회계연도" if offset == 0 else "전년도"
    allowed = "금액·비율 열(본예산, 추경 …)" if offset == 0 else "본예산(→ 전년 본예산) 또는 최종예산(→ 전년 최종예산)"
    return HeaderCell(
        text, problem=f"{which} 묶음 아래 '{low}'에 맞는 열이 없습니다. 기대: {allowed}", year=absolute, grouped=True
    )


def _known(cells: list[HeaderCell]) -> tuple[int, int]:
    nonblank = [c for c in cells if c.text]
    return sum(1 for c in nonblank if c.column is not None), len(nonblank)


def _qualifies(cells: list[HeaderCell]) -> bool:
    known, nonblank = _known(cells)
    return known >= 2 and 2 * known > nonblank


def _texts(cells: list[object]) -> list[str]:
    return [cell_text(c) for c in cells]


def _trim(cells: list[HeaderCell]) -> list[HeaderCell]:
    while cells and not cells[-1].text:
        cells.pop()
    return cells


@dataclass
class Candidate:
    cells: list[HeaderCell]
    lines: tuple[int, ...]
    rows: tuple[list[str], ...]  # the header's own text, one list per row


def _candidates(grid: list[Row], i: int, table: Table, fiscal_year: int | None) -> Candidate | None:
    """The header that starts at grid[i] for this table (one row or two), or None when none qualifies there."""
    table_lookup = lookup(table)
    line, raw = grid[i]
    upper = _texts(raw)
    single = [_plain(t, table_lookup) for t in upper]
    if i + 1 < len(grid) and grid[i + 1][0] == line + 1:
        lower_raw = grid[i + 1][1]
        lower = _texts(lower_raw)
        width = max(len(upper), len(lower))
        merged = any(bool(a) != bool(b) for a, b in zip(_pad(upper, width), _pad(lower, width)))
        not_data = sum(1 for c in lower_raw if _is_numeric(c)) < DATA_CELLS_ABOVE_HEADER
        if merged and not_data and any(lower):
            two = _flatten(upper, lower, table, fiscal_year)
            if _qualifies(two):
                below = [_plain(t, table_lookup) for t in lower]
                grouped = any(c.grouped for c in two)
                # a tie with the upper row alone goes to the two rows: the lower row is then no data row
                if grouped or _known(below)[0] < _known(two)[0] >= _known(single)[0]:
                    return Candidate(_trim(two), (line, line + 1), (upper, lower))
    if _qualifies(single):
        return Candidate(_trim(single), (line,), (upper,))
    return None


def _pad(texts: list[str], width: int) -> list[str]:
    return texts + [""] * (width - len(texts))


# ---------------------------------------------------------------- the whole layout


@dataclass
class Shape:
    """Where a file's header is and what its columns are."""

    table: Table
    cells: list[HeaderCell]  # the header, one per column of the file
    lines: tuple[int, ...]  # the header's row numbers (two for a merged header)
    rows: list[Row]  # the data rows, below the header
    unit: str | None = None  # from a unit line above the header
    unit_line: int | None = None
    constants: dict[str, str] = field(default_factory=dict)  # column name -> raw value, for every row
    sources: dict[str, str] = field(default_factory=dict)  # column name -> where its constant comes from
    fiscal_year: int | None = None  # the year the header's year groups are read against
    year_groups: list[int] = field(default_factory=list)  # absolute years the header groups columns under
    header_guessed: bool = False  # no row qualified as the header, so the first row was taken

    @property
    def where(self) -> str:
        return f"{self.lines[0]}행" if len(self.lines) == 1 else f"{self.lines[0]}~{self.lines[-1]}행"

    @property
    def header(self) -> list[str]:
        return [c.text for c in self.cells]


def parse_value_options(
    values: Mapping[str, str] | Iterable[str | tuple[str, str]] | None,
) -> list[tuple[str, str]]:
    """'열=값' options (or a mapping, or pairs) -> [(column as typed, value)]; a malformed option is refused."""
    if not values:
        return []
    if isinstance(values, Mapping):
        return [(str(k).strip(), str(v)) for k, v in values.items()]
    pairs, problems = [], []
    for option in values:
        if isinstance(option, tuple):
            pairs.append((str(option[0]).strip(), str(option[1])))
            continue
        key, sep, value = str(option).partition("=")
        if not sep or not key.strip():
            problems.append(
                f"--value '{option}': 열 이름과 값을 '='로 잇지 않았습니다. 기대: 열=값 (예: --value 문서=D01)"
            )
            continue
        pairs.append((key.strip(), value.strip()))
    if problems:
        raise HeaderError(problems)
    return pairs


def _value_columns(path: Path, table: Table, pairs: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    table_lookup = lookup(table)
    constants: dict[str, str] = {}
    sources: dict[str, str] = {}
    problems = []
    for key, value in pairs:
        col = table_lookup.get(parsing.normalise_header(key))
        if col is None:
            problems.append(
                f"{path.name}: --value {key}={value}: '{key}'은(는) {table.name} 표의 열이 아닙니다. "
                f"기대: 표의 열 ({', '.join(c.label for c in table.columns)})"
            )
        elif col.name in constants:
            problems.append(
                f"{path.name}: --value {key}={value}: {sources[col.name]}와 같은 열({col.label})입니다. 기대: 열마다 한 번"
            )
        else:
            constants[col.name] = value
            sources[col.name] = f"--value {key}"
    if problems:
        raise HeaderError(problems)
    return constants, sources


def _option_year(constants: dict[str, str]) -> int | None:
    try:
        return parsing.parse_year(constants["fiscal_year"]) if "fiscal_year" in constants else None
    except CellError:
        return None  # refused, naming the option, when the constants are checked


def find(path: Path, grid: list[Row], table_name: str | None, values: list[tuple[str, str]]) -> Shape:
    """Find the table, the header and the data rows of a file's non-blank rows (see the module's rules)."""
    if not grid:
        raise FileFormatError(f"{path.name}: 열 이름 행이 없습니다. 기대: 첫 행에 열 이름")
    named = table_named(path, table_name)
    tables = [named] if named else list(TABLES.values())
    keys = [k for k, _ in values]
    # A named table's --value 회계연도 is known now; otherwise year groups are first read against the latest year.
    year = _option_year(_value_columns(path, named, values)[0]) if named else None
    found: tuple[int, Table, Candidate] | None = None
    for i in range(min(HEADER_SEARCH_ROWS, len(grid))):
        hits = [(t, cand) for t in tables if (cand := _candidates(grid, i, t, year)) is not None]
        if not hits:
            continue
        if named:
            found = (i, *hits[0])
        else:
            # columns given for every row count as the file's: the --value ones and the unit of a unit line above
            given = keys + (["unit"] if any(unit_of_line(t) for _, row in grid[:i] for t in _texts(row)) else [])
            # numbered hierarchical budget rows bring their item, parent and level columns with them
            if hierarchy.applies(path, _texts(grid[i][1]), grid[i + 1 :], None):
                given += list(hierarchy.DERIVED)
            scored = [
                (table_score(t, [c.column.name if c.column else c.text for c in cand.cells] + given), t, cand)
                for t, cand in hits
            ]
            score, t, cand = max(scored, key=lambda s: s[0])
            if score < 1.5:
                raise _unknown_table(path, grid[i][0])
            found = (i, t, cand)
        break
    guessed = found is None
    if found is None:  # no header in sight: the first row is the header, and its columns are named as unknown
        first_line, first = grid[0]
        table = named
        if table is None:
            best = max(TABLES.values(), key=lambda t: table_score(t, _texts(first) + keys))
            if table_score(best, _texts(first) + keys) < 1.5:
                raise _unknown_table(path, first_line)
            table = best
        cells = _trim([_plain(t, lookup(table)) for t in _texts(first)])
        found = (0, table, Candidate(cells, (first_line,), (_texts(first),)))
    i, table, cand = found
    constants, sources = _value_columns(path, table, values)
    if len(cand.rows) == 2 and "fiscal_year" in constants:  # year groups are read against the given fiscal year
        cand.cells = _trim(_flatten(*cand.rows, table, _option_year(constants)))
    shape = Shape(table, cand.cells, cand.lines, grid[i + len(cand.lines) :], constants=constants, sources=sources)
    shape.header_guessed = guessed
    _read_above(path, grid[:i], shape)
    in_file = {c.column.name for c in shape.cells if c.column is not None}
    problems = []
    if shape.unit is not None and "unit" in table.names and "unit" not in in_file:
        given = constants.get("unit")
        if given is None:
            constants["unit"], sources["unit"] = shape.unit, f"{shape.unit_line}행 단위 줄"
        elif re.sub(r"\s+", "", given) != shape.unit:
            problems.append(
                f"{path.name}: {sources['unit']}={given}: {shape.unit_line}행 단위 줄의 '{shape.unit}'과 다릅니다. "
                "기대: 같은 단위 하나"
            )
    years = sorted({c.year for c in shape.cells if c.year is not None})
    if years:
        shape.year_groups = years
        shape.fiscal_year = _option_year(constants) if "fiscal_year" in constants else max(years)
        if "fiscal_year" not in constants and "fiscal_year" not in in_file and "fiscal_year" in table.names:
            problems.append(
                f"{path.name}: {shape.where}: 연도 묶음({', '.join(map(str, years))})으로 나뉜 열을 읽으려면 "
                f"회계연도가 있어야 합니다. 기대: 회계연도 열 또는 --value 회계연도={max(years)}"
            )
    if problems:
        raise HeaderError(problems)
    return shape


def _unknown_table(path: Path, line: int) -> NoTableFound:
    return NoTableFound(
        f"{path.name}: {line}행: 열 이름으로 대상 표를 알아낼 수 없습니다. "
        f"기대: --table 로 {', '.join(TABLES)} 중 하나를 지정하거나 표의 열 이름 사용"
    )


def _read_above(path: Path, above: list[Row], shape: Shape) -> None:
    """Skip the title block: take its unit line, refuse a row that looks like data."""
    problems = []
    for line, cells in above:
        numeric = sum(1 for c in cells if _is_numeric(c))
        if numeric >= DATA_CELLS_ABOVE_HEADER:
            problems.append(
                f"{path.name}: {line}행: 숫자 칸이 {numeric}개인 행이 열 이름 행({shape.where})보다 위에 있어, 열 이름 "
                "행을 데이터 위에서 찾지 못했습니다. 기대: 열 이름 행 위에는 제목과 (단위: …) 줄만"
            )
            continue
        for text in _texts(cells):
            unit = unit_of_line(text) if text else None
            if unit is None:
                continue
            if re.search(r"[,/·、]", unit):
                problems.append(
                    f"{path.name}: {line}행: 단위 줄 '{text}'에 단위가 여럿입니다. 기대: 파일 전체에 단위 하나 "
                    "(여럿이면 인쇄 단위 열에 행마다)"
                )
            elif shape.unit is not None and unit != shape.unit:
                problems.append(
                    f"{path.name}: {line}행: 단위 줄 '{text}'이(가) {shape.unit_line}행의 단위 '{shape.unit}'와 "
                    "다릅니다. 기대: 단위 줄 하나"
                )
            else:
                shape.unit, shape.unit_line = unit, line
    if problems:
        raise HeaderError(problems)
