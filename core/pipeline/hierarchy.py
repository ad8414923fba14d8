"""Numbered hierarchical rows: budget files whose structure is printed, not given as ids.

K-에듀파인 prints 세출예산 명세서 and 집행현황 as numbered rows: ``1.인적자원 운용`` › ``1.교직원보수`` ›
``1.교원보수``, then ``2.교육행정직보수``, then ``2.교육과정 운영`` › … The numbering restarts at every level,
so a row's depth is taken only from something unambiguous:

* one column per level (``정책사업 | 단위사업 | 세부사업``, optionally ``편성목 | 통계목``), each row filling
  exactly one of them: the column is the row's level; or
* the indentation of the name cell (leading spaces or full-width spaces, one consistent step): depth 1 is
  정책사업, 2 단위사업, 3 세부사업, 4 편성목, 5 통계목 (``LEVELS``).

A budget_line file that has no item_id column and whose names are numbered is rewritten here, before its
header is mapped, into the ordinary layout: ``item_id`` and ``task_no`` are the number path (``1``, ``1-1``,
``1-1-2``) within the file's (doc_id, source_section, fiscal_year), so a re-export of the same structure
gets the same ids; ``parent_item_id`` is the enclosing row's path; ``name`` loses its number. A 합계/계/총계
row is the table's total (``TOTAL``, level 합계). Everything else - cell types, keys, printed totals and
parent = sum of children (reconcile) - is then checked as for any other file.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl.utils.cell import get_column_letter

from . import parsing
from .errors import IngestError
from .schema import BUDGET_LINE, TABLES

# K-에듀파인's 세출 structure, outermost first: 사업 (정책사업 › 단위사업 › 세부사업), then the
# object classes a 세부사업 is budgeted in (편성목 › 통계목).
LEVELS = ("정책사업", "단위사업", "세부사업", "편성목", "통계목")
TOTAL_NAMES = ("합계", "계", "총계")
TOTAL_ID = "TOTAL"
TOTAL_LEVEL = "합계"

# The columns built from the numbering; a file that has some of them but no item_id is refused.
DERIVED = ("item_id", "parent_item_id", "level", "task_no", "is_total")

_NUMBERED = re.compile(r"([0-9０-９]{1,4})\s*[.．)）]\s*(\S.*)", re.S)
_INDENT_WIDTH = {" ": 1, "\u00a0": 1, "\u3000": 2}  # a full-width space is as wide as two spaces
_EXPORT_INSTEAD = (
    "이름 칸의 들여쓰기를 살려 내보내거나, 단계마다 한 열(정책사업·단위사업·세부사업)로 나눠 내보내거나, "
    "항목 ID·상위 항목 ID·구분 열을 채워 내보내기"
)


def number_rows(
    path: Path,
    header: list[str],
    rows: list[tuple[int, list[object]]],
    table_name: str | None = None,
    header_where: str = "1행",
) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """The file in the ordinary budget_line layout when its rows are numbered hierarchical rows; otherwise
    ``(header, rows)`` unchanged. Raises IngestError naming every row whose place cannot be determined;
    ``header_where`` is how messages name the header row(s) (below a title block it is not row 1)."""
    if not applies(path, header, rows, table_name):
        return header, rows
    errors: list[str] = []
    layout = _Layout(path, header, errors, header_where)
    out = (header, rows) if errors else layout.rewrite(rows)
    if errors:
        raise IngestError(errors)
    return out


def _norm(text: object) -> str:
    return parsing.normalise_header(str(text))


def _headers_of(table, column: str) -> set[str]:
    c = table.column(column)
    return {_norm(x) for x in (c.name, c.label, *c.aliases)}


def _level_of(heading: str) -> str | None:
    h = _norm(heading)
    for level in LEVELS:
        if h in (level, level + "명"):
            return level
    return None


def applies(path: Path, header: list[str], rows: list[tuple[int, list[object]]], table_name: str | None) -> bool:
    if table_name:
        names = {_norm(x) for x in (BUDGET_LINE.name, BUDGET_LINE.label, *BUDGET_LINE.aliases)}
        if _norm(table_name) not in names:
            return False
    else:
        stem = _norm(path.stem)
        for t in TABLES.values():
            if t is not BUDGET_LINE and (stem == t.name or stem.startswith((t.name + "_", t.name + "-"))):
                return False
    normalised = [_norm(h) for h in header]
    if set(normalised) & _headers_of(BUDGET_LINE, "item_id"):
        return False
    money = set().union(*(_headers_of(BUDGET_LINE, c.name) for c in BUDGET_LINE.columns if c.kind == "money"))
    if not set(normalised) & money:  # a budget file prints amounts; other tables also have 세부사업 columns
        return False
    if len({_level_of(h) for h in header} - {None}) >= 2:
        return True
    names = _headers_of(BUDGET_LINE, "name")
    pos = next((i for i, h in enumerate(normalised) if h in names), None)
    if pos is None:
        return False
    for _, cells in rows:
        text = _text(cells, pos).strip()
        if text and not _is_total(text):
            return _NUMBERED.fullmatch(text) is not None
    return False


def _text(cells: list[object], pos: int) -> str:
    raw = cells[pos] if pos < len(cells) else None
    return "" if raw is None or (isinstance(raw, float) and raw != raw) else str(raw)


def _is_total(text: str) -> bool:
    return re.sub(r"\s+", "", text) in TOTAL_NAMES


class _Layout:
    """Where a file keeps its structure (level columns or an indented name column), checked once."""

    def __init__(self, path: Path, header: list[str], errors: list[str], header_where: str = "1행"):
        self.path, self.header, self.errors, self.header_where = path, header, errors, header_where
        lookup = {}
        for c in BUDGET_LINE.columns:
            for key in _headers_of(BUDGET_LINE, c.name):
                lookup.setdefault(key, c.name)
        self.levels: list[tuple[int, str]] = []  # (position, level) of the level columns, outermost first
        seen: dict[str, int] = {}
        for i, h in enumerate(header):
            level = _level_of(h)
            if level is None:
                continue
            if level in seen:
                self._refuse_header(i, f"'{header[seen[level]]}'와 같은 단계 열이 두 번 있습니다. 기대: 단계마다 한 열")
            seen[level] = i
        if len(seen) >= 2:
            self.levels = sorted(((i, lv) for lv, i in seen.items()), key=lambda p: LEVELS.index(p[1]))
        level_positions = {i for i, _ in self.levels}
        self.name_pos: int | None = None
        self.group_pos: list[int] = []
        self.indented = False  # whether any name cell is indented (set when the rows are placed)
        for i, h in enumerate(header):
            if i in level_positions:
                continue
            col = lookup.get(_norm(h))
            if col in DERIVED:
                self._refuse_header(
                    i, "번호 붙은 행에서 만드는 열입니다. 기대: 이 열을 빼고 내보내거나 '항목 ID' 열도 함께 내보내기"
                )
            elif col == "name" and self.name_pos is None:
                self.name_pos = i
                if self.levels:
                    self._refuse_header(
                        i,
                        "이름이 단계 열(" + "·".join(lv for _, lv in self.levels) + ")과 따로 있습니다. "
                        "기대: 번호 붙은 이름을 그 단계 열에만 두기",
                    )
            elif col in ("doc_id", "source_section", "fiscal_year"):
                self.group_pos.append(i)
        if self.levels:
            self.kept = [i for i in range(len(header)) if i not in level_positions]
            self.new_header = [header[i] for i in self.kept] + [BUDGET_LINE.column("name").label]
        else:
            self.kept = list(range(len(header)))
            self.new_header = list(header)
        self.new_header += [BUDGET_LINE.column(c).label for c in DERIVED]

    def _refuse_header(self, idx: int, why: str) -> None:
        self.errors.append(
            f"{self.path.name}: {self.header_where}, {get_column_letter(idx + 1)}열 '{self.header[idx]}': {why}"
        )

    def _where(self, line: int, pos: int) -> str:
        return f"{self.path.name}: {line}행, '{self.header[pos]}'열"

    def rewrite(self, rows: list[tuple[int, list[object]]]) -> tuple[list[str], list[tuple[int, list[object]]]]:
        placed = self._place(rows)
        if self.errors:
            return self.header, rows
        walks: dict[tuple, _Walk] = {}
        out: list[tuple[int, list[object]]] = []
        for (line, cells), (pos, depth, level, text) in zip(rows, placed):
            group = tuple(str(cells[i]).strip() if i < len(cells) else "" for i in self.group_pos)
            walk = walks.setdefault(group, _Walk(self, bool(self.levels) or self.indented))
            derived = walk.step(line, pos, depth, level, text)
            if derived is None:
                continue
            name, item, parent, level_value, task_no, total = derived
            padded = list(cells[: len(self.header)]) + [""] * (len(self.header) - len(cells))
            if self.levels:
                new = [padded[i] for i in self.kept] + [name]
            else:
                new = padded
                new[self.name_pos] = name
            new += [item, parent or "", level_value, task_no or "", "1" if total else "0"]
            out.append((line, new))
            if len(self.errors) > 500:
                break
        return self.new_header, out

    def _place(self, rows: list[tuple[int, list[object]]]) -> list[tuple[int, int | None, str | None, str | None]]:
        """(column position, depth, level, text) of every row: depth None for a total row and for a row whose
        indentation was refused, text None for a row refused here."""
        placed: list[tuple[int, int | None, str | None, str | None]] = []
        widths: list[tuple[int, int]] = []  # (row index, indentation) of the numbered rows
        for line, cells in rows:
            if len(cells) > len(self.header) and any(str(c).strip() for c in cells[len(self.header) :]):
                self.errors.append(
                    f"{self.path.name}: {line}행: 열 이름보다 많은 값({len(cells)}개)이 있습니다. "
                    f"기대: {len(self.header)}개"
                )
                placed.append((0, None, None, None))
                continue
            if self.levels:
                placed.append(self._place_by_column(line, cells))
                continue
            raw = _text(cells, self.name_pos)
            text = raw.strip()
            lead = raw[: len(raw) - len(raw.lstrip())]
            if "\t" in lead:
                self.errors.append(
                    f"{self._where(line, self.name_pos)}: 탭 들여쓰기는 폭을 알 수 없습니다. "
                    "기대: 공백 또는 전각 공백 들여쓰기"
                )
            elif _NUMBERED.fullmatch(text):
                widths.append((len(placed), sum(_INDENT_WIDTH.get(ch, 1) for ch in lead)))
            placed.append((self.name_pos, None, None, text))
        if self.levels or not widths:
            return placed
        base = min(w for _, w in widths)
        step = min((w - base for _, w in widths if w > base), default=0)
        self.indented = step > 0
        for idx, w in widths:
            pos, _, _, text = placed[idx]
            if step and (w - base) % step:
                self.errors.append(
                    f"{self._where(rows[idx][0], pos)}: 들여쓰기 {w}칸이 단계 간격 {step}칸과 맞지 않습니다. "
                    "기대: 단계마다 같은 폭의 들여쓰기 (공백은 1칸, 전각 공백은 2칸으로 셈)"
                )
                continue
            depth = (w - base) // step + 1 if step else 1
            if depth > len(LEVELS):
                self.errors.append(
                    f"{self._where(rows[idx][0], pos)}: 들여쓰기로 {depth}단계입니다. "
                    f"기대: {len(LEVELS)}단계({'·'.join(LEVELS)}) 이하"
                )
                continue
            placed[idx] = (pos, depth, LEVELS[depth - 1], text)
        return placed

    def _place_by_column(self, line: int, cells: list[object]) -> tuple[int, int | None, str | None, str | None]:
        filled = [
            (depth, pos, level) for depth, (pos, level) in enumerate(self.levels, start=1) if _text(cells, pos).strip()
        ]
        names = "·".join(level for _, level in self.levels)
        if len(filled) != 1:
            pos = filled[1][1] if filled else self.levels[0][0]
            found = "모두 비어 있습니다" if not filled else f"{len(filled)}개에 값이 있습니다"
            self.errors.append(
                f"{self._where(line, pos)}: 단계 열({names}) {found}. 기대: 한 행에 한 단계 열만 (번호 붙은 이름)"
            )
            return pos, None, None, None
        depth, pos, level = filled[0]
        text = _text(cells, pos).strip()
        return pos, (None if _is_total(text) else depth), level, text


class _Walk:
    """The numbering of one (doc_id, source_section, fiscal_year) of a file, row after row."""

    def __init__(self, layout: _Layout, depth_known: bool):
        self.layout = layout
        self.depth_known = depth_known
        self.stack: list[int] = []  # the number path of the last row
        self.texts: list[str] = []  # the printed text of each row on that path
        self.stopped = False  # after a restart that cannot be placed, nothing later in the group can be

    def step(self, line: int, pos: int, depth: int | None, level: str | None, text: str | None):
        """(name, item_id, parent_item_id, level, task_no, is_total) of the row, or None when refused."""
        if text is None or self.stopped:
            return None
        errors, where = self.layout.errors, self.layout._where(line, pos)
        if not text:
            errors.append(f"{where}: 이름이 비어 있습니다. 기대: '1.교원보수'처럼 번호로 시작하는 이름")
            return None
        if _is_total(text):
            return text, TOTAL_ID, None, TOTAL_LEVEL, None, True
        m = _NUMBERED.fullmatch(text)
        if m is None:
            errors.append(
                f"{where}: '{text[:40]}'에 번호가 없습니다. "
                f"기대: '1.교원보수'처럼 번호로 시작하는 이름, 또는 {'·'.join(TOTAL_NAMES)} 행"
            )
            return None
        if depth is None:  # the indentation or the level columns were refused above
            return None
        number, name = int(m.group(1)), m.group(2).strip()
        if depth > len(self.stack) + 1:
            errors.append(
                f"{where}: '{text[:40]}'은(는) {depth}단계({level})인데 그 앞에 {depth - 1}단계 상위 행이 없습니다. "
                "기대: 상위 행 다음에 그 하위 행"
            )
            return None
        previous = self.stack[depth - 1] if depth <= len(self.stack) else 0
        if number != previous + 1:
            if not self.depth_known and number == 1:
                errors.append(
                    f"{where}: 번호가 {previous}. 다음에 다시 1.로 시작하지만 들여쓰기도 단계 열도 없어 "
                    f"'{text[:40]}'이(가) 몇 단계인지 알 수 없습니다. 기대: {_EXPORT_INSTEAD}"
                )
                self.stopped = True  # one message says it; the rows after it are not guessed at
                return None
            if previous:
                why = f"번호 {number}.이(가) 앞 형제 '{self.texts[depth - 1][:40]}' 다음 번호가 아닙니다"
            elif depth > 1:
                why = f"상위 행 '{self.texts[depth - 2][:40]}' 아래 첫 행인데 번호가 {number}.입니다"
            else:
                why = f"표의 첫 행인데 번호가 {number}.입니다"
            errors.append(f"{where}: '{text[:40]}': {why}. 기대: {previous + 1}.")
        self.stack = [*self.stack[: depth - 1], number]
        self.texts = [*self.texts[: depth - 1], text]
        path = "-".join(str(n) for n in self.stack)
        parent = "-".join(str(n) for n in self.stack[:-1]) or None
        return name, path, parent, level, path, False
