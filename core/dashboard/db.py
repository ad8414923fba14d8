"""Read-only access to the dashboard's DuckDB file for many sessions at once.

One read-only connection per version of the file is shared; every query
runs on its own cursor, which DuckDB allows from several threads. A rebuild
replaces the file (new inode), so the next query opens the new version while
queries already running finish on the old one.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

import duckdb
import pandas as pd

from core.pipeline.build import ensure_built
from core.settings import db_path

_lock = threading.Lock()
_current: tuple[tuple, duckdb.DuckDBPyConnection] | None = None
_results: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_table_names: tuple[tuple, frozenset[str]] | None = None
RESULT_CACHE_SIZE = 256


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
            ensure_built(path)
        key = _file_key(path)
    with _lock:
        if _current is not None and _current[0] == key:
            return _current
        try:
            con = _open(path)
        except duckdb.Error:
            # A damaged file is rebuilt from the extracts; if that fails the BuildError names the cause.
            ensure_built(path)
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
    con.execute("SELECT count(*) FROM build_info").fetchone()
    return con


def version() -> tuple:
    return connection()[0]


def tables() -> frozenset[str]:
    """Names of the tables in the current file; a file version never changes, so this is asked once per version."""
    key, con = connection()
    with _lock:
        if _table_names is not None and _table_names[0] == key:
            return _table_names[1]
    cur = con.cursor()
    try:
        cur.execute("USE dash")
        names = frozenset(r[0] for r in cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'dash' AND table_schema = 'main'"
        ).fetchall())
    finally:
        cur.close()
    _remember_tables(key, names)
    return names


def _remember_tables(key: tuple, names: frozenset[str]) -> None:
    global _table_names
    with _lock:
        _table_names = (key, names)


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
    global _current, _table_names
    with _lock:
        _current = None
        _table_names = None
        _results.clear()
