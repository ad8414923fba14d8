"""Read-only access to the dashboard's DuckDB file for many sessions at once.

One read-only connection per version of the file is shared; every query
runs on its own cursor, which DuckDB allows from several threads. A rebuild
replaces the file (new inode), so the next query opens the new version while
queries already running finish on the old one.

A file that is missing, damaged or of another ``SCHEMA_VERSION`` is rebuilt from the extracts
before it is used; only then is the offline pipeline imported, so serving pages never loads it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

import duckdb
import pandas as pd

from core.settings import SCHEMA_VERSION, db_path

_lock = threading.Lock()
_current: tuple[tuple, duckdb.DuckDBPyConnection] | None = None
_results: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
RESULT_CACHE_SIZE = 256  # query results kept per process (all sessions share them)


class DataUnavailable(Exception):
    """The data file is missing or stale and could not be built; the message says why, for an administrator."""


class _StaleFile(Exception):
    pass


def _rebuild(path: Path) -> None:
    """(Re)build the file from the extracts with the offline pipeline, imported only now."""
    from core.pipeline.build import BuildError, ensure_built

    try:
        ensure_built(path)
    except BuildError as e:
        raise DataUnavailable(str(e)) from e


def _file_key(path: Path) -> tuple:
    st = os.stat(path)
    return (str(path), st.st_ino, st.st_mtime_ns, st.st_size)


def connection() -> tuple[tuple, duckdb.DuckDBPyConnection]:
    """The shared connection to the current file and the key naming that file version."""
    global _current
    path = db_path()
    try:
        key = _file_key(path)
    except FileNotFoundError:
        with _lock:
            _rebuild(path)
        key = _file_key(path)
    with _lock:
        if _current is not None and _current[0] == key:
            return _current
        try:
            con = _open(path)
        except (duckdb.Error, _StaleFile):
            # A damaged or older file is rebuilt from the extracts; if that fails DataUnavailable names the cause.
            _rebuild(path)
            key = _file_key(path)
            con = _open(path)
        # The old connection is left to close when its last cursor is gone.
        _current = (key, con)
        _results.clear()
        return _current


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    """Attach the file to a fresh in-memory database.

    duckdb.connect(path) returns the instance already open for that path in this process, which would
    keep serving the replaced file; a new in-memory database attaching the path opens the new one.
    """
    con = duckdb.connect(":memory:")
    literal = str(path).replace("'", "''")
    con.execute(f"ATTACH '{literal}' AS dash (READ_ONLY)")
    con.execute("USE dash")
    version = con.execute("SELECT max(schema_version) FROM build_info").fetchone()[0]
    if version != SCHEMA_VERSION:
        con.close()
        raise _StaleFile(f"{path}: schema version {version}, expected {SCHEMA_VERSION}")
    return con


def version() -> tuple:
    return connection()[0]


def query(sql: str, params: list | tuple | None = None, cache: bool = True) -> pd.DataFrame:
    """Run SQL with bound parameters on a fresh cursor; results are cached per file version."""
    key, con = connection()
    cache_key = (key, sql, _freeze(params))
    if cache:
        with _lock:
            hit = _results.get(cache_key)
            if hit is not None:
                _results.move_to_end(cache_key)
                return hit.copy()
    cur = con.cursor()
    try:
        cur.execute("USE dash")
        df = cur.execute(sql, list(params or [])).df()
    finally:
        cur.close()
    if cache:
        with _lock:
            _results[cache_key] = df
            while len(_results) > RESULT_CACHE_SIZE:
                _results.popitem(last=False)
        return df.copy()
    return df


def _freeze(params) -> tuple:
    if params is None:
        return ()
    return tuple(tuple(p) if isinstance(p, list) else p for p in params)


def reset() -> None:
    """Forget the cached connection and results (tests that swap data folders use this)."""
    global _current
    with _lock:
        _current = None
        _results.clear()
