"""What keeps the data from being lost: one writer at a time, changes to the extracts as a whole, no
build that silently replaces a good database with a much smaller one, and recovery from a killed run.

- ``writer_lock``: ingest, build and seed hold an exclusive lock on ``<data folder>/.pipeline.lock``; a second
  writer waits up to ``writer_wait_seconds()`` and is then refused with the holder's process id.
- ``recover``: run under the lock before any write. It finishes or undoes a swap of the extracts folder that a
  killed run left half done, rebuilds when the extracts changed but the database did not follow, and removes
  temporary files whose process is gone.
- ``replace_extracts``: an ingest or a seed writes into a staging copy of the extracts (hard links of the
  unchanged files), builds a database from it, and only when that build passes puts the staging folder and
  the new database in place; a failed build leaves the extracts and the database as they were.
- ``shrink_problems``: what a new build would lose against the database it replaces (a table emptied or
  reduced to less than ``SHRINK_LIMIT`` of its rows, a document gone); the build refuses unless told to allow it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)


def writer_wait_seconds() -> float:
    """How long a second ingest or build waits for the first before it gives up (DASHBOARD_WRITER_WAIT)."""
    try:
        return max(0.0, float(os.environ.get("DASHBOARD_WRITER_WAIT", "60")))
    except ValueError:
        return 60.0


SHRINK_LIMIT = 0.5  # a table may not drop below this share of its rows without --allow-shrink
LOCK_NAME = ".pipeline.lock"
READY_MARK = ".staging-complete"  # in a staging folder: every file was written and the build passed
PENDING_BUILD = ".build-pending"  # in the extracts folder: the database has not yet been rebuilt from it
OFFICIAL_BATCH = re.compile(r"^(seed-|sample-)")  # batches the project ships from the printed reports


class PipelineBusy(Exception):
    pass


class ShrinkRefused(Exception):
    pass


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as e:
        return e.errno == errno.EPERM
    return True


@contextlib.contextmanager
def writer_lock(data_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the data folder's writer lock, waiting up to ``wait`` seconds (writer_wait_seconds by default)."""
    wait = writer_wait_seconds() if wait is None else wait
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait
        announced = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                if time.monotonic() >= deadline:
                    raise PipelineBusy(
                        f"다른 적재·빌드(프로세스 {holder})가 {path.parent}의 데이터를 쓰고 있습니다. "
                        f"{wait:.0f}초를 기다렸지만 끝나지 않았습니다. 그 작업이 끝난 뒤 다시 실행하세요. 바뀐 것은 없습니다."
                    ) from None
                if not announced:
                    log.info("다른 적재·빌드(프로세스 %s)가 끝나기를 기다립니다 …", holder)
                    announced = True
                time.sleep(0.2)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


_LEFTOVER = re.compile(r"\.(tmp|stage|old)-(\d+)$")


def recover(extracts: Path, db_file: Path) -> list[str]:
    """Under the writer lock: repair what a killed ingest, seed or build left behind; returns what was done.

    Whether the database still has to follow the extracts is ``build_pending``; the caller builds."""
    done: list[str] = []
    parent = extracts.parent
    if parent.exists():
        stages = sorted(parent.glob(f"{extracts.name}.stage-*"))
        olds = sorted(parent.glob(f"{extracts.name}.old-*"))
        if not extracts.exists():
            ready = [s for s in stages if (s / READY_MARK).exists()]
            if ready:  # killed between the two renames of a swap: finish it
                os.replace(ready[-1], extracts)
                done.append(f"중단된 교체를 마쳤습니다: {ready[-1].name} → {extracts.name}")
            elif olds:  # the new folder never got ready: put the old one back
                os.replace(olds[-1], extracts)
                done.append(f"중단된 교체를 되돌렸습니다: {olds[-1].name} → {extracts.name}")
        for p in [*parent.glob(f"{extracts.name}.*-*"), *parent.glob(f"{db_file.name}.tmp-*")]:
            m = _LEFTOVER.search(p.name.removesuffix(".wal"))
            if m and not pid_alive(int(m.group(2))) and p.exists():
                shutil.rmtree(p) if p.is_dir() else p.unlink()
                done.append(f"중단된 작업의 임시 파일을 지웠습니다: {p.name}")
    if extracts.exists():
        for p in extracts.glob("*/.*.parquet.tmp"):
            p.unlink(missing_ok=True)
            done.append(f"중단된 적재의 임시 파일을 지웠습니다: {p.parent.name}/{p.name}")
        if (extracts / READY_MARK).exists():
            (extracts / READY_MARK).unlink()
    for line in done:
        log.info("복구: %s", line)
    return done


def build_pending(extracts: Path) -> bool:
    """The extracts changed (an ingest with --no-build, or a swap killed before the database followed)."""
    return (extracts / PENDING_BUILD).exists()


def build_done(extracts: Path) -> None:
    (extracts / PENDING_BUILD).unlink(missing_ok=True)


def replace_extracts(
    extracts: Path,
    write: Callable[[Path], list[Path]],
    build: Callable[[Path], object] | None,
    from_scratch: bool = False,
) -> list[Path]:
    """Change the extracts folder as a whole: ``write(staging)`` writes the new files into a copy of it (an
    empty folder when ``from_scratch``), ``build(staging)`` builds the database from that copy (and moves it
    into place only if it passes), then the copy becomes the extracts folder. Any failure before the swap
    leaves both as they were. Returns the written files, as paths under the extracts folder."""
    stage = extracts.with_name(f"{extracts.name}.stage-{os.getpid()}")
    old = extracts.with_name(f"{extracts.name}.old-{os.getpid()}")
    shutil.rmtree(stage, ignore_errors=True)
    try:
        if from_scratch or not extracts.exists():
            stage.mkdir(parents=True)
        else:  # hard links: the unchanged files cost nothing, and a new batch file replaces its link only
            shutil.copytree(extracts, stage, copy_function=os.link)
        written = write(stage)
        (stage / PENDING_BUILD).touch()
        if build is not None:
            build(stage)
        (stage / READY_MARK).touch()
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if extracts.exists():
        os.replace(extracts, old)
    os.replace(stage, extracts)
    (extracts / READY_MARK).unlink(missing_ok=True)
    if build is not None:  # without a build the mark stays: the next build or start brings the database along
        build_done(extracts)
    shutil.rmtree(old, ignore_errors=True)
    return [extracts / p.relative_to(stage) for p in written]


def _table_counts(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t in present}


def _documents(con: duckdb.DuckDBPyConnection, tables: list[str]) -> set[str]:
    """Every document any data table has a row of (a source_document row alone describes a document; it holds
    none of its figures)."""
    with_doc = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'doc_id'"
        ).fetchall()
    }
    docs: set[str] = set()
    for t in tables:
        if t in with_doc and t != "source_document":
            docs |= {r[0] for r in con.execute(f'SELECT DISTINCT doc_id FROM "{t}"').fetchall() if r[0]}
    return docs


def shrink_problems(old_db: Path, new: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """What replacing ``old_db`` by the database on ``new`` would lose (nothing to say when there is no old file)."""
    if not old_db.exists():
        return []
    try:
        con = duckdb.connect(str(old_db), read_only=True)
    except duckdb.Error:
        return []  # a damaged old file holds nothing worth keeping
    try:
        before, docs_before = _table_counts(con, tables), _documents(con, tables)
    except duckdb.Error:
        return []
    finally:
        con.close()
    after, docs_after = _table_counts(new, tables), _documents(new, tables)
    problems = []
    if sum(before.values()) and not sum(after.values()):
        problems.append("새 빌드에는 행이 하나도 없습니다 (추출 파일이 없거나 비어 있음).")
    for t, n in before.items():
        m = after.get(t, 0)
        if n and m < n * SHRINK_LIMIT:
            problems.append(f"{t}: {n:,}행 → {m:,}행 ({SHRINK_LIMIT:.0%} 미만으로 줄어듦)")
    gone = sorted(docs_before - docs_after)
    if gone:
        problems.append(
            f"사라지는 문서: {', '.join(gone[:10])}" + (f" 외 {len(gone) - 10}개" if len(gone) > 10 else "")
        )
    return problems
