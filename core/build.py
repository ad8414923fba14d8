"""Build the dashboard's DuckDB file from the Parquet extracts.

The file is written under a temporary name in the same folder and moved
over the old one with ``os.replace``: a reader sees either the old file or
the new one, and a failed build leaves the old file in place.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from . import derived, reconcile
from .ingest import arrow_schema
from .paths import db_path, extracts_dir
from .schema import TABLES

SCHEMA_VERSION = 1


class BuildError(Exception):
    pass


def _check_extracts(root: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    problems = []
    for name, table in TABLES.items():
        files = sorted((root / name).glob("*.parquet"))
        expected = arrow_schema(table)
        for f in files:
            try:
                schema = pq.read_schema(f)
                pq.ParquetFile(f).metadata  # noqa: B018 - reading the footer proves the file is whole
            except Exception as e:  # pyarrow raises several types for a damaged file
                problems.append(f"{f}: 손상된 추출 파일입니다 ({type(e).__name__}: {e}). "
                                "해당 원본 파일을 다시 적재(python -m core ingest)하거나 파일을 지우고 다시 빌드하세요.")
                continue
            missing = [n for n in expected.names if n not in schema.names]
            if missing:
                problems.append(f"{f}: 추출 파일에 열 {missing}이 없습니다. 기대: {name} 표의 현재 스키마")
        found[name] = files
    if problems:
        raise BuildError("\n".join(problems))
    return found


def build(root: Path | None = None, target: Path | None = None) -> dict[str, int]:
    root = Path(root) if root else extracts_dir()
    target = Path(target) if target else db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    files = _check_extracts(root)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name, table in TABLES.items():
                cols = ", ".join(f"{c.name} {c.dtype}" for c in table.columns) + ", batch VARCHAR"
                con.execute(f"CREATE TABLE {name} ({cols})")
                names = ", ".join([c.name for c in table.columns] + ["batch"])
                for path in files[name]:
                    try:
                        con.execute(f"INSERT INTO {name} SELECT {names} FROM read_parquet(?)", [str(path)])
                    except duckdb.Error as e:
                        raise BuildError(f"{path}: 손상된 추출 파일입니다 ({e}). 해당 원본 파일을 다시 적재하거나 "
                                         "파일을 지우고 다시 빌드하세요.") from e
                counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                dup = con.execute(
                    f"SELECT {', '.join(table.key)}, count(*) FROM {name} GROUP BY ALL HAVING count(*) > 1 LIMIT 3"
                ).fetchall()
                if dup:
                    raise BuildError(f"{name}: 묶음 사이에 같은 키가 있습니다 ({', '.join(table.key)}): {dup}")
            _create_derived(con)
            quality = reconcile.differences(con)
            con.register("quality_frame", quality)
            con.execute("CREATE TABLE data_quality AS SELECT * FROM quality_frame")
            con.unregister("quality_frame")
            con.execute("CREATE TABLE build_info (built_at TIMESTAMP, schema_version INTEGER, extracts_dir VARCHAR)")
            con.execute("INSERT INTO build_info VALUES (?, ?, ?)",
                        [dt.datetime.now().replace(microsecond=0), SCHEMA_VERSION, str(root)])
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    except Exception:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise
    return counts


def _create_derived(con: duckdb.DuckDBPyConnection) -> None:
    # Every 기관·부서 pair that owns a row anywhere, so the filter lists only units with data.
    con.execute("""
        CREATE TABLE org_tree AS
        WITH raw AS (
            SELECT agency, division FROM org_unit
            UNION SELECT agency, division FROM budget_line
            UNION SELECT agency, division FROM training_target
            UNION SELECT agency, division FROM training_result
            UNION SELECT agency, division FROM indicator
            UNION SELECT agency, division FROM call_center_daily
        )
        SELECT DISTINCT agency, trim(d.division) AS division
        FROM raw, unnest(string_split(coalesce(raw.division, ''), ';')) AS d(division)
        WHERE agency IS NOT NULL AND trim(d.division) <> ''
        ORDER BY agency, division
    """)
    # Which rows a 부서 filter should match: exploded once here instead of on every query.
    con.execute("""
        CREATE TABLE budget_line_division AS
        SELECT doc_id, source_section, item_id, fiscal_year, agency, trim(d.division) AS division
        FROM budget_line, unnest(string_split(coalesce(budget_line.division, ''), ';')) AS d(division)
        WHERE trim(d.division) <> ''
    """)
    # Lookup tables and pre-aggregates the queries read at scale (see core/derived.py).
    derived.create_all(con)


def ensure_built(target: Path | None = None) -> Path:
    """Build the file when it is missing or unreadable; return its path."""
    target = Path(target) if target else db_path()
    if target.exists() and is_readable(target):
        return target
    build(target=target)
    return target


def is_readable(path: Path) -> bool:
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            con.execute("SELECT count(*) FROM build_info").fetchone()
        finally:
            con.close()
        return True
    except Exception:
        return False
