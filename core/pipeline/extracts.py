"""The extract files: ``extracts/<table>/<batch>.parquet`` in the schema's Arrow types.

Reading one back (to compare a new file with what is loaded) and writing a call's batches, each under a
temporary name beside its target and then moved into place with ``os.replace``, so a reader or a failed
write never sees half a file. Validation lives in ``ingest``; the build and the consistency checks read
through here without loading it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from core.settings import extracts_dir

from .errors import IngestError
from .schema import BATCH_COLUMN, Table

_ARROW_TYPES = {
    "text": pa.string(),
    "int": pa.int64(),
    "money": pa.int64(),
    "rate": pa.float64(),
    "number": pa.float64(),
    "date": pa.date32(),
    "year": pa.int32(),
    "quarter": pa.int32(),
    "bool": pa.bool_(),
}


def arrow_schema(table: Table) -> pa.Schema:
    cols = list(table.columns) + [BATCH_COLUMN]
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.kind]) for c in cols])


def read_extract(path: Path, columns: list[str] | None = None) -> pa.Table:
    """A loaded extract file, read to compare a new file with it (only ``columns`` that the file has, when
    given); a damaged one is named, not a traceback."""
    try:
        if columns is not None:
            present = set(pq.read_schema(path).names)
            columns = [c for c in columns if c in present]
        return pq.read_table(path, columns=columns)
    except (OSError, pa.ArrowException) as e:
        raise IngestError(
            [
                f"{path.parent.name}/{path.name}: 이미 적재된 추출 파일을 읽을 수 없어 새 파일과 대조할 수 없습니다 "
                f"({type(e).__name__}). 기대: 그 묶음의 원본을 다시 적재하거나 그 파일을 지운 뒤 다시 시도"
            ]
        ) from e


def to_arrow(table: Table, frame: pd.DataFrame, batch: str) -> pa.Table:
    """A parsed frame as its extract file holds it: the schema's types, the batch name on every row."""
    frame = frame.copy()
    for name in table.names:  # a column the frame lacks is empty, of no dtype pandas would have to guess
        if name not in frame:
            frame[name] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    frame = frame[table.names]
    frame["batch"] = batch
    return pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)


def write_batches(items: list[tuple[Table, pd.DataFrame, str]], root: Path | None = None) -> list[Path]:
    """Write each frame to a temp file beside its target, then move all into place."""
    root = Path(root) if root else extracts_dir()
    staged: list[tuple[Path, Path]] = []
    try:
        for table, frame, batch in items:
            folder = root / table.name
            folder.mkdir(parents=True, exist_ok=True)
            arrow = to_arrow(table, frame, batch)
            fd, tmp = tempfile.mkstemp(prefix=f".{batch}.", suffix=".parquet.tmp", dir=folder)
            os.close(fd)
            pq.write_table(arrow, tmp, compression="zstd")
            staged.append((Path(tmp), folder / f"{batch}.parquet"))
    except Exception:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return [final for _, final in staged]
