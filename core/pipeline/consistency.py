"""Checks of a file against what is already loaded and the other files of the same ingest.

A file can be right cell by cell and still wrong as data: it can name a document no source_document row
describes (often '2' for '002' after Excel dropped the leading zeros), a quarterly row for an item no
budget table has, a call-center day that answers more calls than came in, an agency name that only looks
like one already loaded, or rows that make a printed total of an earlier batch stop adding up. Each check
returns messages in the ingest's form (file, row, column, what was expected); an empty list means none.

"Loaded" is the state the ingest would leave: the extracts on disk, less the batches this call replaces,
plus the files of this call vetted so far.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.settings import SATISFACTION_SCALE

from .extracts import arrow_schema, read_extract, to_arrow
from .schema import TABLES

if TYPE_CHECKING:
    from .ingest import ParsedFile

MESSAGES_PER_CHECK = 30  # one kind of problem repeated on every row is listed this far, then counted
SAMPLE_DOC = "sample"  # the doc_id of generated example call-center rows (is_sample), described by no report

# Columns whose values name one thing across files: two spellings that look the same are two things.
IDENTITY_COLUMNS = ("doc_id", "agency", "division", "source_section", "item_id")


@dataclass
class Loaded:
    root: Path
    pending: list[tuple[ParsedFile, str]] = field(default_factory=list)

    def arrow(
        self,
        table_name: str,
        replacing: str | None = None,
        docs: set[str] | None = None,
        columns: list[str] | None = None,
    ) -> pa.Table:
        """The rows of one table as this ingest would leave them, without the batch ``replacing`` (and, with
        ``docs``, only those documents' rows), in the schema's types; only ``columns`` when given, so a check
        of two columns reads two columns of a large table."""
        table = TABLES[table_name]
        replaced = {b for pf, b in self.pending if pf.table.name == table_name}
        if replacing:
            replaced.add(replacing)
        files = [f for f in sorted((self.root / table_name).glob("*.parquet")) if f.stem not in replaced]
        parts = [self.batch(table_name, f.stem, docs, columns) for f in files]
        parts += [
            _select(to_arrow(pf.table, pf.frame, b), docs, columns) for pf, b in self.pending if pf.table is table
        ]
        parts = [p for p in parts if p is not None]
        if not parts:
            return _select(to_arrow(table, pd.DataFrame(columns=table.names), ""), None, columns)
        return pa.concat_tables(parts)

    def batch(
        self, table_name: str, batch: str, docs: set[str] | None = None, columns: list[str] | None = None
    ) -> pa.Table | None:
        """One extract file as the current schema types it (columns added later read as empty)."""
        path = self.root / table_name / f"{batch}.parquet"
        if not path.exists():
            return None
        schema = arrow_schema(TABLES[table_name])
        fields = [schema.field(c) for c in columns] if columns else list(schema)
        got = read_extract(path, [f.name for f in fields])
        present = set(got.column_names)
        arrays = [got[f.name].cast(f.type) if f.name in present else pa.nulls(got.num_rows, f.type) for f in fields]
        return _select(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), docs, None)

    def frame(self, table_name: str, columns: list[str], replacing: str | None = None) -> pd.DataFrame:
        return self.arrow(table_name, replacing, columns=columns).to_pandas()


def _select(table: pa.Table, docs: set[str] | None, columns: list[str] | None) -> pa.Table:
    if docs is not None and "doc_id" in table.column_names:
        table = table.filter(pc.is_in(table["doc_id"], pa.array(sorted(docs), pa.string())))
    return table.select(columns) if columns else table


def _where(parsed: ParsedFile, i: int, column: str) -> str:
    label = parsed.table.column(column).label if column in parsed.table.names else column
    return f"{parsed.path.name}: {parsed.row_numbers[i]}행, '{label}'열"


def _capped(messages: list[str]) -> list[str]:
    if len(messages) <= MESSAGES_PER_CHECK:
        return messages
    return [*messages[:MESSAGES_PER_CHECK], f"… 같은 문제 {len(messages) - MESSAGES_PER_CHECK}건 더"]


# ---------------------------------------------------------------- documents


def _zero_padded_match(doc: str, known: set[str]) -> str | None:
    """The loaded document that ``doc`` becomes once the leading zeros Excel drops are restored."""
    if not doc.isdigit():
        return None
    for k in sorted(known):
        if k != doc and k.isdigit() and k.lstrip("0") == doc.lstrip("0") and len(k) > len(doc):
            return k
    return None


def document_errors(parsed: ParsedFile, loaded: Loaded) -> list[str]:
    frame = parsed.frame
    if "doc_id" not in frame:
        return []
    known = {d for d in loaded.frame("source_document", ["doc_id"])["doc_id"].dropna()}
    out = []
    if parsed.table.name == "source_document":
        on_disk = {d for d in loaded.frame("source_document", ["doc_id"])["doc_id"].dropna()}
        for i, doc in enumerate(frame["doc_id"]):
            hint = _zero_padded_match(doc, on_disk)
            if hint and doc not in on_disk:
                out.append(
                    f"{_where(parsed, i, 'doc_id')}: 새 문서 '{doc}'는 이미 있는 문서 '{hint}'와 앞자리 0만 다릅니다 "
                    f"(Excel이 0을 지웠을 수 있습니다). 기대: '{hint}' (셀을 텍스트 서식으로 내보내세요)"
                )
        return _capped(out)
    sample = frame["is_sample"].fillna(False).astype(bool) if "is_sample" in frame else None
    seen: set[str] = set()
    for i, doc in enumerate(frame["doc_id"]):
        if doc in known or doc in seen or (sample is not None and sample.iat[i] and doc == SAMPLE_DOC):
            continue
        seen.add(doc)
        hint = _zero_padded_match(doc, known)
        expected = (
            f"'{hint}' (앞자리 0이 Excel에서 지워졌을 수 있습니다; 셀을 텍스트 서식으로 내보내세요)"
            if hint
            else "적재된 문서 중 하나, 또는 이 문서의 source_document 행을 먼저(또는 함께) 적재"
        )
        out.append(
            f"{_where(parsed, i, 'doc_id')}: 문서 '{doc}'를 설명하는 source_document 행이 없습니다. 기대: {expected}"
        )
    return _capped(out)


# ---------------------------------------------------------------- references to budget items

# (table, column that names a budget_line item of the same document)
ITEM_REFERENCES = (
    ("quarterly_execution", "item_id"),
    ("training_target", "task_item_id"),
    ("training_result", "task_item_id"),
    ("budget_line", "parent_item_id"),
    ("budget_line", "counterpart_item_id"),
)


def reference_errors(parsed: ParsedFile, loaded: Loaded, batch: str) -> list[str]:
    columns = [c for t, c in ITEM_REFERENCES if t == parsed.table.name and c in parsed.frame]
    if not columns:
        return []
    docs = {d for d in parsed.frame["doc_id"] if isinstance(d, str)}
    named = sorted({v for c in columns for v in parsed.frame[c] if isinstance(v, str)})
    items = loaded.arrow(
        "budget_line",
        replacing=batch if parsed.table.name == "budget_line" else None,
        docs=docs,
        columns=["doc_id", "item_id"],
    )
    items = items.filter(pc.is_in(items["item_id"], pa.array(named, pa.string()))).to_pandas()
    known = set(zip(items["doc_id"], items["item_id"]))
    if parsed.table.name == "budget_line":
        known |= set(zip(parsed.frame["doc_id"], parsed.frame["item_id"]))
    out = []
    for column in columns:
        for i, (doc, item) in enumerate(zip(parsed.frame["doc_id"], parsed.frame[column])):
            if item is None or item != item or (doc, item) in known:
                continue
            out.append(
                f"{_where(parsed, i, column)}: 문서 '{doc}'의 예산표 어디에도 항목 '{item}'이 없습니다. "
                "기대: 적재된 budget_line의 항목 ID (예산 파일을 먼저 또는 함께 적재)"
            )
    return _capped(out)


# ---------------------------------------------------------------- call-center days

# (column, column it cannot exceed): every counted call is one of the calls that came in or were answered.
CALL_BOUNDS = (
    ("answered", "inbound"),
    ("abandoned", "inbound"),
    ("answered_20s", "answered"),
    ("resolved_direct", "answered"),
    ("satisfaction_responses", "answered"),
)


def call_center_errors(parsed: ParsedFile) -> list[str]:
    if parsed.table.name != "call_center_daily":
        return []
    frame, table = parsed.frame, parsed.table
    out = []
    for i in range(len(frame)):
        row = frame.iloc[i]
        for part, whole in CALL_BOUNDS:
            p, w = row.get(part), row.get(whole)
            if _known(p) and _known(w) and p > w:
                out.append(
                    f"{_where(parsed, i, part)}: 기대: '{table.column(whole).label}'({int(w):,}) 이하 (받은 값: {int(p):,})"
                )
        counts = [row.get(c) for c in ("answered", "abandoned", "inbound")]
        if all(_known(c) for c in counts) and counts[0] + counts[1] > counts[2]:
            out.append(
                f"{_where(parsed, i, 'abandoned')}: 기대: 응답 + 포기가 인입({int(row['inbound']):,}) 이하 "
                f"(받은 값: {int(row['answered']):,} + {int(row['abandoned']):,})"
            )
        n, total = row.get("satisfaction_responses"), row.get("satisfaction_sum")
        if _known(total) and (not _known(n) or not n <= total <= n * SATISFACTION_SCALE):
            n_text = f"{int(n):,}" if _known(n) else "없음"
            out.append(
                f"{_where(parsed, i, 'satisfaction_sum')}: 기대: {SATISFACTION_SCALE}점 척도의 점수 합, 곧 응답 수({n_text}) "
                f"이상 응답 수 × {SATISFACTION_SCALE} 이하 (받은 값: {int(total):,})"
            )
    return _capped(out)


def _known(value) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and value != value)


# ---------------------------------------------------------------- look-alike names and keys

_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_DOTS = re.compile("[\u00b7\u119e\u318d\u30fb\u2022\u2027\u2219\u22c5]")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # after NFKC every space is one of these (and RE2's \s is ASCII only)


def _skeleton_array(values: pa.Array) -> pa.Array:
    """skeleton() of every value, vectorised (the same steps in Arrow's kernels)."""
    s = pc.utf8_lower(pc.utf8_normalize(values, form="NFKC"))
    s = pc.replace_substring_regex(s, pattern=_DASHES.pattern, replacement="-")
    s = pc.replace_substring_regex(s, pattern=_DOTS.pattern, replacement="·")
    return pc.replace_substring_regex(s, pattern=_SPACES.pattern, replacement="")


def skeleton(text: str) -> str:
    """What a value looks like on screen: width, case, spacing, dash and middle-dot variants removed."""
    s = unicodedata.normalize("NFKC", text).lower()
    s = _DASHES.sub("-", _DOTS.sub("·", s))
    return _SPACES.sub("", s)


def lookalike_errors(parsed: ParsedFile, loaded: Loaded, batch: str) -> list[str]:
    columns = [c for c in IDENTITY_COLUMNS if c in parsed.frame and parsed.table.column(c).kind == "text"]
    out = []
    for column in columns:
        values = [v for v in parsed.frame[column] if isinstance(v, str)]
        looks = pa.array(sorted({skeleton(v) for v in values}), pa.string())
        others = [loaded.arrow(parsed.table.name, replacing=batch, columns=[column])[column]]
        if column in ("agency", "doc_id") and parsed.table.name != "source_document":
            others.append(loaded.arrow("source_document", columns=[column])[column])
        # Only the loaded values that look like one of the file's can matter; their look is computed in Arrow,
        # so a large table costs one vectorised pass, not a Python loop over every value.
        loaded_values = pc.unique(pa.chunked_array([o.combine_chunks() for o in others], pa.string()))
        near = loaded_values.filter(pc.fill_null(pc.is_in(_skeleton_array(loaded_values), looks), False))
        by_look: dict[str, str] = {}
        for value in near.to_pylist():
            by_look.setdefault(skeleton(value), value)
        first_row: dict[str, int] = {}
        for i, value in enumerate(parsed.frame[column]):
            if not isinstance(value, str):
                continue
            look = skeleton(value)
            other = by_look.get(look)
            if other is not None and other != value:
                where = f"이미 적재된 '{other}'" if look not in first_row else f"{first_row[look]}행의 '{other}'"
                out.append(
                    f"{_where(parsed, i, column)}: '{value}'은(는) {where}와 화면에서 같아 보이지만 다른 값입니다 "
                    "(전각·공백·대시·가운뎃점·대소문자 차이). 기대: 같은 것이면 같은 표기, 다른 것이면 구별되는 이름"
                )
            elif other is None:
                by_look[look] = value
                first_row[look] = parsed.row_numbers[i]
    return _capped(out)


# ---------------------------------------------------------------- printed totals across batches


def total_errors(parsed: ParsedFile, loaded: Loaded, batch: str) -> list[str]:
    """Printed totals and rates that this file makes wrong, checked over every batch of its documents: a
    total row loaded after its items, in a batch of its own, is checked against them, and items added under
    a loaded total are checked against it. A difference the loaded data already had (an official
    document's own inconsistency, kept with --accept-total-differences) is not this file's."""
    from .reconcile import differences_for_frame

    table = parsed.table
    docs = set(parsed.frame["doc_id"].dropna()) if "doc_id" in parsed.frame else None
    base = loaded.arrow(table.name, replacing=batch, docs=docs)
    after = pa.concat_tables([base, to_arrow(table, parsed.frame, batch)])
    diffs = differences_for_frame(table.name, after)
    if diffs.empty:
        return []
    old = loaded.batch(table.name, batch, docs)
    if old is not None and not any(b == batch and pf.table is table for pf, b in loaded.pending):
        base = pa.concat_tables([base, old])
    had = differences_for_frame(table.name, base) if base.num_rows else diffs.iloc[0:0]
    identity = [
        "check_name",
        "doc_id",
        "source_section",
        "item_id",
        "name",
        "measure",
        "printed_value",
        "computed_value",
    ]
    old_keys = set(had[identity].astype(str).itertuples(index=False))
    fresh = diffs[[tuple(r) not in old_keys for r in diffs[identity].astype(str).itertuples(index=False)]]
    return [_total_message(parsed, d) for d in fresh.itertuples(index=False)]


def _total_message(parsed: ParsedFile, d) -> str:
    from .ingest import total_row_number

    row = total_row_number(parsed, d)
    where = f"{row}행, " if row else ""
    # A total printed in a batch loaded earlier: the file's rows changed its parts.
    loaded_total = "" if row else f" (이미 적재된 '{d.source_section}' 표의 인쇄 값; 이 파일의 행이 부분에 더해짐)"
    return (
        f"{parsed.path.name}: {where}'{d.measure}'열: {d.check_name} — {d.name}{loaded_total}: "
        f"인쇄 {d.printed_value:,.10g} / "
        f"부분합 {d.computed_value:,.10g} ({d.unit}). 기대: 합계가 부분의 합과 같음 "
        "(공식 문서의 불일치를 그대로 보존하려면 --accept-total-differences)"
    )
