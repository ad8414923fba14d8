"""Build the dashboard's DuckDB file from the Parquet extracts.

The file is written under a temporary name in the same folder and moved
over the old one with ``os.replace``: a reader sees either the old file or
the new one, and a failed build leaves the old file in place.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from core.settings import SCHEMA_VERSION, db_path, extracts_dir

from . import derived, reconcile, safety
from .extracts import arrow_schema
from .schema import TABLES, Table

log = logging.getLogger(__name__)


class BuildError(Exception):
    pass


def _check_extracts(root: Path) -> tuple[dict[str, list[Path]], set[str], dict[Path, list[str]]]:
    """The extract files of every table, the tables whose files all give the build's columns the same types,
    and the optional columns each older file lacks.

    A column added to a table after a file was written (``Column.added_in``) is read as empty from that
    file, so extracts written before it need no re-ingest; any other missing column is an error."""
    found: dict[str, list[Path]] = {}
    uniform: set[str] = set()
    absent: dict[Path, list[str]] = {}
    problems = []
    for name, table in TABLES.items():
        files = sorted((root / name).glob("*.parquet"))
        expected = arrow_schema(table)
        types = set()
        for f in files:
            try:
                schema = pq.read_schema(f)
                pq.ParquetFile(f).metadata  # noqa: B018 - reading the footer proves the file is whole
            except Exception as e:  # pyarrow raises several types for a damaged file
                problems.append(
                    f"{f}: 손상된 추출 파일입니다 ({type(e).__name__}: {e}). "
                    "해당 원본 파일을 다시 적재(python -m core ingest)하거나 파일을 지우고 다시 빌드하세요."
                )
                continue
            missing = [n for n in expected.names if n not in schema.names]
            original = [n for n in missing if table.column(n).added_in is None]
            if original:
                problems.append(f"{f}: 추출 파일에 열 {original}이 없습니다. 기대: {name} 표의 현재 스키마")
                continue
            if missing:
                absent[f] = missing
                log.info("  %s: 나중에 더해진 열 %s이 없어 빈 값으로 읽습니다", f, missing)
            types.add(tuple(str(schema.field(n).type) if n in schema.names else "absent" for n in expected.names))
        found[name] = files
        if len(types) <= 1 and not any(f in absent for f in files):
            uniform.add(name)
    if problems:
        raise BuildError("\n".join(problems))
    return found, uniform, absent


def build(
    root: Path | None = None, target: Path | None = None, allow_shrink: bool = False, recorded_root: Path | None = None
) -> dict[str, int]:
    """Build ``target`` from the extracts under ``root``. A build that would lose much of what the current
    ``target`` holds (safety.shrink_problems) is refused unless ``allow_shrink``; ``recorded_root`` is the
    folder build_info names (the extracts folder, when ``root`` is its staging copy)."""
    root = Path(root) if root else extracts_dir()
    target = Path(target) if target else db_path()
    if not root.is_dir():
        raise BuildError(f"추출 폴더가 없습니다: {root}. `python -m core seed`로 다시 만들거나 백업에서 되살리세요.")
    target.parent.mkdir(parents=True, exist_ok=True)
    files, uniform, absent = _check_extracts(root)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    started = time.perf_counter()
    log.info("빌드 시작: %s → %s", root, target)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("SET enable_progress_bar = false")  # a long build must not print bars into logs
            for name, table in TABLES.items():
                t = time.perf_counter()
                _load_table(con, name, table, files[name], name in uniform, absent)
                counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                _check_keys(con, name, table)
                _progress(name, counts[name], len(files[name]), time.perf_counter() - t)
            t = time.perf_counter()
            derived.create_all(con)
            log.info("  파생 표 %d개: %.1f초", len(derived.DERIVED), time.perf_counter() - t)
            t = time.perf_counter()
            quality = reconcile.differences(con)
            con.register("quality_frame", quality)
            con.execute("CREATE TABLE data_quality AS SELECT * FROM quality_frame")
            con.unregister("quality_frame")
            log.info("  합계 재계산: 불일치 %d건, %.1f초", len(quality), time.perf_counter() - t)
            con.execute("CREATE TABLE build_info (built_at TIMESTAMP, schema_version INTEGER, extracts_dir VARCHAR)")
            con.execute(
                "INSERT INTO build_info VALUES ($built_at, $schema_version, $extracts_dir)",
                {
                    "built_at": dt.datetime.now().replace(microsecond=0),
                    "schema_version": SCHEMA_VERSION,
                    "extracts_dir": str(recorded_root or root),
                },
            )
            lost = safety.shrink_problems(target, con, list(TABLES))
            if lost and not allow_shrink:
                raise BuildError(
                    f"새 빌드가 지금의 {target.name}보다 크게 줄어들어 바꾸지 않았습니다:\n  "
                    + "\n  ".join(lost)
                    + "\n의도한 것이면 --allow-shrink를 붙여 다시 실행하세요."
                )
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
        log.info("  모두 %s행, %.1f초", f"{sum(counts.values()):,}", time.perf_counter() - started)
    except Exception:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise
    return counts


def _progress(name: str, rows: int, files: int, seconds: float) -> None:
    rate = f"{rows / seconds:,.0f}행/초" if seconds > 0 else "-"
    log.info("  %s: %s행 (파일 %d개), %.1f초, %s", name, f"{rows:,}", files, seconds, rate)


def _load_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    table: Table,
    paths: list[Path],
    uniform: bool,
    absent: dict[Path, list[str]] | None = None,
) -> None:
    """Create the table and append every file's rows, file after file, each in its stored order.

    When every file gives the columns the same types, one INSERT reads the whole list (DuckDB keeps the
    list's order and each file's row order, so the rows and their rowids are the ones the per-file
    inserts give). If that fails, or the types differ between files, the table is created afresh and
    filled file by file, so an error names the file that caused it.
    """
    cols = ", ".join(f"{c.name} {c.dtype}" for c in table.columns) + ", batch VARCHAR"
    names = ", ".join([c.name for c in table.columns] + ["batch"])
    con.execute(f"CREATE TABLE {name} ({cols})")
    if uniform and len(paths) > 1:
        try:
            con.execute(
                f"INSERT INTO {name} SELECT {names} FROM read_parquet($files)", {"files": [str(p) for p in paths]}
            )
            return
        except duckdb.Error:
            con.execute(f"DROP TABLE {name}")
            con.execute(f"CREATE TABLE {name} ({cols})")
    for path in paths:
        gaps = (absent or {}).get(path, [])
        select = ", ".join(
            [f"NULL::{c.dtype} AS {c.name}" if c.name in gaps else c.name for c in table.columns] + ["batch"]
        )
        try:
            con.execute(f"INSERT INTO {name} SELECT {select} FROM read_parquet($file)", {"file": str(path)})
        except duckdb.Error as e:
            raise BuildError(
                f"{path}: 손상된 추출 파일입니다 ({e}). 해당 원본 파일을 다시 적재하거나 파일을 지우고 다시 빌드하세요."
            ) from e


def _check_keys(con: duckdb.DuckDBPyConnection, name: str, table: Table) -> None:
    """Refuse a key that two rows share (in one batch or across batches).

    Grouping on one hash of the key is much cheaper than grouping on the key's columns; equal keys
    (NULLs included) always have equal hashes, so when no hash repeats no key does. Only when a hash
    repeats (a duplicate, or a collision) does the exact query run, and it alone decides.
    """
    key = ", ".join(table.key)
    if not con.execute(f"SELECT 1 FROM {name} GROUP BY hash({key}) HAVING count(*) > 1 LIMIT 1").fetchall():
        return
    dup = con.execute(f"SELECT {key}, count(*) FROM {name} GROUP BY ALL HAVING count(*) > 1 LIMIT 3").fetchall()
    if dup:
        raise BuildError(f"{name}: 묶음 사이에 같은 키가 있습니다 ({key}): {dup}")


def ensure_built(target: Path | None = None) -> Path:
    """Build the file when it is missing, unreadable or of another schema version; return its path."""
    target = Path(target) if target else db_path()
    extracts = extracts_dir()
    if target.exists() and is_current(target) and not safety.build_pending(extracts):
        return target
    with safety.writer_lock(target.parent):  # another process may be building it right now
        safety.recover(extracts, target)
        if target.exists() and is_current(target) and not safety.build_pending(extracts):
            return target
        build(target=target)
        safety.build_done(extracts)
    return target


def is_current(path: Path) -> bool:
    """The file opens and was built with this SCHEMA_VERSION."""
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            version = con.execute("SELECT max(schema_version) FROM build_info").fetchone()[0]
        finally:
            con.close()
    except Exception:  # a damaged or foreign file
        return False
    return version == SCHEMA_VERSION
