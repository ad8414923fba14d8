"""Read-only access to the dashboard's DuckDB file for many sessions at once.

One read-only connection per version of the file is shared; every query
runs on its own cursor, which DuckDB allows from several threads. A rebuild
replaces the file (new inode), so the next query opens the new version while
queries already running finish on the old one.

A file that is missing, damaged or of another ``SCHEMA_VERSION`` is rebuilt from the extracts
before it is used; only then is the offline pipeline imported, so serving pages never loads it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from core.settings import SCHEMA_VERSION, db_path

RESULT_CACHE_SIZE = 256  # query results kept per process (all sessions share them)

_lock = threading.Lock()
_current: tuple[tuple, duckdb.DuckDBPyConnection] | None = None


class QueryKey(NamedTuple):
    """One statement as it ran: the file version, the SQL and its named parameters (lists as tuples)."""

    file: tuple
    sql: str
    params: tuple[tuple[str, Any], ...]

    def bound(self) -> tuple[str, dict[str, Any]]:
        """The SQL and parameters as DuckDB took them."""
        return self.sql, {k: list(v) if isinstance(v, tuple) else v for k, v in self.params}


@dataclass
class Watch:
    """The cache entries a stretch of work read or stored (``seen``) and those it added, in order."""

    seen: set[QueryKey] = field(default_factory=set)
    added: list[QueryKey] = field(default_factory=list)


class ResultCache:
    """Query results by QueryKey, least recently used dropped first; shared by every session."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[QueryKey, pd.DataFrame] = OrderedDict()
        self._watches: list[Watch] = []

    def get(self, key: QueryKey) -> pd.DataFrame | None:
        with _lock:
            for w in self._watches:
                w.seen.add(key)
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: QueryKey, df: pd.DataFrame) -> None:
        with _lock:
            for w in self._watches:
                w.seen.add(key)
                if key not in self._items:
                    w.added.append(key)
            self._items[key] = df
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def discard(self, keys) -> None:
        with _lock:
            for k in keys:
                self._items.pop(k, None)

    def clear(self) -> None:
        with _lock:
            self._items.clear()

    def snapshot(self) -> list[tuple[QueryKey, pd.DataFrame]]:
        with _lock:
            return list(self._items.items())

    def restore(self, items: list[tuple[QueryKey, pd.DataFrame]]) -> None:
        """Put entries from a snapshot back (others stay), most recent last."""
        with _lock:
            self._items.update(items)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    @contextlib.contextmanager
    def watch(self) -> Iterator[Watch]:
        """Record which entries the work inside reads and adds (the benchmark times first visits with it)."""
        w = Watch()
        with _lock:
            self._watches.append(w)
        try:
            yield w
        finally:
            with _lock:
                self._watches.remove(w)


RESULTS = ResultCache(RESULT_CACHE_SIZE)


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
        _current = current = (key, con)
    RESULTS.clear()  # entries name their file version; the old version's are only dead weight now
    return current


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


def query(sql: str, params: Mapping[str, Any] | None = None, cache: bool = True) -> pd.DataFrame:
    """Run SQL with named parameters (``$name``) on a fresh cursor; results are cached per file version.

    Only the parameters the SQL names are bound, so a caller can pass a filter's whole set; a name
    the SQL uses but ``params`` lacks is an error.
    """
    file, con = connection()
    bound = _bind(sql, params or {})
    key = QueryKey(file, sql, tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(bound.items())))
    if cache:
        hit = RESULTS.get(key)
        if hit is not None:
            return hit.copy()
    cur = con.cursor()
    try:
        cur.execute("USE dash")
        df = cur.execute(sql, bound).df()
    finally:
        cur.close()
    if cache:
        RESULTS.put(key, df)
        return df.copy()
    return df


@functools.lru_cache(maxsize=1024)
def _names_in(sql: str) -> frozenset[str]:
    return frozenset(re.findall(r"\$([A-Za-z_][A-Za-z_0-9]*)", sql))


def _bind(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    names = _names_in(sql)
    missing = sorted(names - params.keys())
    if missing:
        raise KeyError(f"SQL parameters without a value: {missing}")
    return {k: params[k] for k in names}


def reset() -> None:
    """Forget the cached connection and results (tests that swap data folders use this)."""
    global _current
    with _lock:
        _current = None
    RESULTS.clear()
