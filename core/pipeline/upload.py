"""Loading files from the admin page (pages/admin.py): the CLI's ingest, seen before it is done.

- ``preview``: the uploaded files are validated exactly as ``python -m core ingest`` validates them, but into a
  throw-away copy of the extracts (never the real ones), and what would change is counted per table and
  batch: rows added, replaced (and how many of those differ) and removed, and the table's rows before/after.
- ``load``: the same ingest and build as the CLI (cli.locked + cli.ingest_into_place: writer lock, recovery,
  staging copy, build, swap), so readers keep the old file until the new one is in place.
- ``audit``: every validation and load is appended to ``<data folder>/audit/ingest.jsonl`` (one JSON object a
  line: who, when, files with sha256, batch, result, row counts, problems), outside the DuckDB file, which a
  build replaces.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from core.settings import data_dir, db_path, extracts_dir

from . import cli, safety
from .errors import IngestError
from .extracts import read_extract
from .ingest import ingest_files
from .schema import TABLES

AUDIT_FOLDER = "audit"
AUDIT_FILE = "ingest.jsonl"
UPLOAD_TYPES = ("csv", "xlsx")
MESSAGES_KEPT = 50  # problems written to the audit log per attempt
PREVIEW_LOCK_WAIT = 10.0  # seconds a preview waits for a running load before it says so
# A preview's or load's working folder in the data folder (.preview-<pid>-…), removed when it ends; one whose
# process is gone was left by a server killed mid-way.
SCRATCH_PREFIX = ".preview-"
_SCRATCH_PID = re.compile(rf"^{re.escape(SCRATCH_PREFIX)}(\d+)-")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Upload:
    name: str  # the file name as uploaded (made safe to be a file name; the batch name comes from it)
    data: bytes = field(repr=False)

    @functools.cached_property  # the page asks on every rerun; a file is up to the upload limit
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Options:
    """The CLI's ingest options (``python -m core ingest --help``), as the admin page sets them."""

    batch: str | None = None
    table: str | None = None
    triangle: str | None = None
    accept_total_differences: bool = False
    sheet: str | None = None
    values: tuple[str, ...] = ()  # '열=값' fills a column the files lack (--value)
    replace_official: bool = False
    allow_shrink: bool = False

    def ingest_kwargs(self) -> dict:
        """The options as ``ingest_files`` takes them, for the preview and the load alike."""
        return {
            "table_name": self.table,
            "batch": self.batch,
            "accept_total_differences": self.accept_total_differences,
            "triangle": self.triangle,
            "sheet": self.sheet,
            "values": list(self.values),
            "replace_official": self.replace_official,
        }

    def chosen(self) -> dict:
        """The options set (not left empty or off), batch and table aside (the log has them already), for the audit
        log."""
        return {k: v for k, v in asdict(self).items() if v not in (None, False, ()) and k not in ("batch", "table")}


@dataclass
class Change:
    table: str
    label: str
    batch: str
    added: int
    replaced: int
    changed: int  # of the replaced rows, those whose values differ
    removed: int
    table_rows_before: int
    table_rows_after: int


@dataclass
class Result:
    ok: bool
    head: str = ""
    messages: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # the build's rows per table, after a load

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "표": f"{c.label} ({c.table})",
                    "묶음": c.batch,
                    "추가 행": c.added,
                    "교체 행": c.replaced,
                    "그중 값이 바뀐 행": c.changed,
                    "삭제 행": c.removed,
                    "표 전체 행(전)": c.table_rows_before,
                    "표 전체 행(후)": c.table_rows_after,
                }
                for c in self.changes
            ]
        )


def safe_name(name: str) -> str:
    name = _UNSAFE_NAME.sub("_", Path(str(name).replace("\\", "/")).name).strip(" .")
    return name[:200] or "upload.csv"


@contextlib.contextmanager
def _workspace(uploads: list[Upload]) -> Iterator[tuple[Path, list[Path]]]:
    """A working folder beside the extracts (hard links need the same file system) and the uploaded bytes saved in
    it under their own names (the batch name comes from them); gone when the work ends.

    Folders that a killed server left are removed first: their name carries the pid of the process that made them,
    so the sweep can tell them from another replica's work in progress."""
    names = [safe_name(u.name) for u in uploads]
    if len(set(names)) != len(names):
        raise IngestError(["같은 이름의 파일을 두 번 올렸습니다. 기대: 파일마다 다른 이름"])
    folder = data_dir()
    for old in folder.glob(f"{SCRATCH_PREFIX}*"):
        m = _SCRATCH_PID.match(old.name)
        if m and old.is_dir() and not safety.pid_alive(int(m.group(1))):
            shutil.rmtree(old, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=folder) as scratch:
        saved = Path(scratch) / "uploads"
        saved.mkdir()
        paths = []
        for name, u in zip(names, uploads):
            p = saved / name
            p.write_bytes(u.data)
            paths.append(p)
        yield Path(scratch), paths


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(src, dst)


def _rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet")) if folder.exists() else 0


def _keyed(path: Path, key: list[str]) -> dict[tuple, tuple]:
    if not path.exists():
        return {}
    frame = read_extract(path).to_pandas()
    frame = frame.drop(columns=["batch"], errors="ignore")
    key = [k for k in key if k in frame.columns] or list(frame.columns)
    keys = frame[key].astype(str).itertuples(index=False, name=None)
    values = frame.astype(str).itertuples(index=False, name=None)
    return dict(zip(keys, values))


def _changes(before: Path, after: Path, written: list[Path]) -> list[Change]:
    changes = []
    for p in written:
        rel = p.relative_to(after)
        table = TABLES.get(rel.parts[0])
        old = _keyed(before / rel, list(table.key) if table else [])
        new = _keyed(p, list(table.key) if table else [])
        both = old.keys() & new.keys()
        changes.append(
            Change(
                table=rel.parts[0],
                label=table.label if table else rel.parts[0],
                batch=p.stem,
                added=len(new.keys() - old.keys()),
                replaced=len(both),
                changed=sum(old[k] != new[k] for k in both),
                removed=len(old.keys() - new.keys()),
                table_rows_before=_rows(before / rel.parts[0]),
                table_rows_after=_rows(after / rel.parts[0]),
            )
        )
    return changes


def _failed(e: Exception) -> Result:
    reported = cli.failure(e)
    if reported is None:
        raise e
    return Result(ok=False, head=reported[0], messages=list(reported[1]))


def preview(uploads: list[Upload], options: Options) -> Result:
    """Validate the uploads into a copy of the extracts and count what a load would change; nothing real changes."""
    extracts = extracts_dir()
    try:
        with _workspace(uploads) as (scratch, paths):
            stage = scratch / "extracts"
            # A consistent copy: a load that is swapping folders right now finishes first.
            with safety.writer_lock(db_path().parent, wait=PREVIEW_LOCK_WAIT):
                if extracts.exists():
                    shutil.copytree(extracts, stage, copy_function=_link_or_copy)
                else:
                    stage.mkdir(parents=True)
            written = ingest_files(paths, root=stage, **options.ingest_kwargs())
            return Result(ok=True, changes=_changes(extracts, stage, written))
    except Exception as e:
        return _failed(e)


def load(uploads: list[Upload], options: Options) -> Result:
    """Ingest and rebuild as the CLI does (writer lock, staging copy, build, swap); on failure nothing changed."""
    counts: dict[str, int] = {}
    extracts = extracts_dir()
    try:
        with _workspace(uploads) as (scratch, paths):
            before = scratch / "before"

            def run() -> list[Path]:
                if extracts.exists():  # what the load replaces, to count its changes afterwards
                    shutil.copytree(extracts, before, copy_function=_link_or_copy)
                return cli.ingest_into_place(
                    paths, allow_shrink=options.allow_shrink, report=counts.update, **options.ingest_kwargs()
                )

            written = cli.locked(run)
            changes = _changes(before, extracts, written)
            return Result(ok=True, changes=changes, counts=counts)
    except Exception as e:
        return _failed(e)


# ---------------------------------------------------------------- audit log


def audit_path() -> Path:
    return data_dir() / AUDIT_FOLDER / AUDIT_FILE


def audit(who: str, action: str, uploads: list[Upload], options: Options, result: Result) -> dict:
    """Append one attempt to the audit log (a lock keeps two sessions' lines whole) and return it."""
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "user": who,
        "action": action,  # 'validate' (preview) or 'load'
        "files": [{"name": safe_name(u.name), "sha256": u.sha256, "bytes": len(u.data)} for u in uploads],
        "batch": options.batch,
        "table": options.table,
        "options": options.chosen(),
        "result": "ok" if result.ok else "refused",
        "rows": [asdict(c) for c in result.changes],
        "problems": ([result.head] if result.head else []) + result.messages[:MESSAGES_KEPT],
    }
    path = audit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    with open(path, "a", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
    return entry


def audit_entries(limit: int | None = None) -> list[dict]:
    """The log's attempts, newest first (a damaged line is skipped, not fatal)."""
    path = audit_path()
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            entries.append(json.loads(line))
    entries.reverse()
    return entries[:limit] if limit else entries


def _options_text(chosen: dict) -> str:
    """The options of an attempt as the CLI spells them: --sheet 예산 --value 부서=총무과 --replace-official."""
    words = []
    for key, value in chosen.items():
        flag = "--" + ("value" if key == "values" else key.replace("_", "-"))
        if value is True:
            words.append(flag)
        else:
            words += [f"{flag} {v}" for v in (value if isinstance(value, list | tuple) else [value])]
    return " ".join(words)


def audit_table(entries: list[dict]) -> pd.DataFrame:
    def rows(e: dict) -> str:
        return ", ".join(
            f"{r['table']}/{r['batch']}: +{r['added']} ~{r['replaced']} -{r['removed']}" for r in e.get("rows", [])
        )

    return pd.DataFrame(
        [
            {
                "시각(UTC)": e.get("time", ""),
                "사용자": e.get("user", ""),
                "작업": {"validate": "검증", "load": "적재"}.get(e.get("action"), e.get("action", "")),
                "파일": ", ".join(f["name"] for f in e.get("files", [])),
                "sha256": ", ".join(f["sha256"][:12] for f in e.get("files", [])),
                "묶음": e.get("batch") or "(파일 이름)",
                "옵션": _options_text(e.get("options") or {}),
                "결과": "성공" if e.get("result") == "ok" else "거부",
                "행(추가 ~교체 -삭제)": rows(e),
                "문제": " / ".join(e.get("problems", [])[:3]),
            }
            for e in entries
        ],
        columns=[
            "시각(UTC)",
            "사용자",
            "작업",
            "파일",
            "sha256",
            "묶음",
            "옵션",
            "결과",
            "행(추가 ~교체 -삭제)",
            "문제",
        ],
    )
