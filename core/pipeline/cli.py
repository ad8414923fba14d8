"""Command line: python -m core {ingest,build,check,seed}.

What a command produces (files written, the build's row counts, the check report) goes to stdout;
progress and problems go through logging to stderr. Every command that writes holds the data folder's
writer lock and first repairs what a killed run left behind (core/pipeline/safety.py).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from core.settings import db_path, extracts_dir

from . import build as build_mod
from . import reconcile, safety
from .errors import IngestError
from .ingest import ingest_files
from .parsing import TRIANGLE_DECREASE, TRIANGLE_INCREASE
from .seed import seed_extracts

log = logging.getLogger(__name__)
T = TypeVar("T")

DEBUG_VARIABLE = "DASHBOARD_DEBUG"  # set to show the traceback of an unexpected failure
UNCHANGED = "아무 파일도 바뀌지 않았습니다 (추출 파일과 데이터 파일 그대로)."
MESSAGES_SHOWN = 50  # problems listed; the rest are counted
MESSAGE_CHARS = 300  # a problem's text is cut here: a wrong file's content is never echoed at length
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def safe_line(text: object, limit: int = MESSAGE_CHARS) -> str:
    """One line for the terminal: control, format and direction characters from file names and cells shown as
    \\x.. escapes (no colour codes, no faked lines), cut to ``limit`` characters."""
    s = _CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", str(text)
    )
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _report(head: str, lines: list[str]) -> None:
    log.error("%s", head)
    for m in lines[:MESSAGES_SHOWN]:
        log.error("  %s", safe_line(m))
    if len(lines) > MESSAGES_SHOWN:
        log.error("  … 그 밖에 %d건", len(lines) - MESSAGES_SHOWN)


def _build_into_place(allow_shrink: bool, report: Callable[[dict[str, int]], None] | None = None):
    """The build step of an ingest or seed: from the staging folder, into the real database file."""

    def run(stage: Path) -> None:
        counts = build_mod.build(root=stage, allow_shrink=allow_shrink, recorded_root=extracts_dir())
        (report or _print_counts)(counts)

    return run


def _print_counts(counts: dict[str, int]) -> None:
    print(f"빌드 완료: {db_path()}")
    for name, n in counts.items():
        print(f"  {name}: {n:,}행")


def locked(run: Callable[[], T]) -> T:
    """Run a writing step under the data folder's writer lock, after repairing what a killed run left."""
    with safety.writer_lock(db_path().parent):
        safety.recover(extracts_dir(), db_path())
        return run()


def failure(e: BaseException) -> tuple[str, list[str]] | None:
    """A refused or failed write as (head line, problems), each saying nothing changed; None if not one of them."""
    import duckdb

    if isinstance(e, safety.PipelineBusy):
        return safe_line(e, 1000), []
    if isinstance(e, IngestError):
        return f"적재 실패: {UNCHANGED} 문제 {len(e.messages)}건:", e.messages
    if isinstance(e, (build_mod.BuildError, duckdb.Error)):
        return f"빌드 실패: {UNCHANGED}", str(e).splitlines()
    if isinstance(e, OSError):  # a read-only or full data folder, a file that cannot be read
        where = safe_line(e.filename or db_path().parent, 200)
        return f"파일을 읽거나 쓸 수 없습니다: {where} ({e.strerror or type(e).__name__}). {UNCHANGED}", []
    return None


def _writing(run):
    """Run a writing command under the writer lock, after recovery; every refusal says nothing changed."""
    try:
        return locked(run)
    except Exception as e:
        reported = failure(e)
        if reported is None:
            raise
        _report(*reported)
        return 1


def ingest_into_place(
    files: list[Path],
    build: bool = True,
    allow_shrink: bool = False,
    report: Callable[[dict[str, int]], None] | None = None,
    **ingest_options,
) -> list[Path]:
    """Ingest ``files`` into a staging copy of the extracts, build from it and swap both in (safety.replace_extracts);
    call under ``locked``. ``ingest_options`` are ``ingest_files``'s (table_name, batch, sheet, values, …);
    ``report`` gets the build's row counts (printed by default)."""
    return safety.replace_extracts(
        extracts_dir(),
        write=lambda stage: ingest_files(files, root=stage, **ingest_options),
        build=_build_into_place(allow_shrink, report) if build else None,
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    def run() -> int:
        written = ingest_into_place(
            [Path(p) for p in args.files],
            table_name=args.table,
            batch=args.batch,
            accept_total_differences=args.accept_total_differences,
            replace_official=args.replace_official,
            triangle=args.triangle,
            sheet=args.sheet,
            values=args.value or [],
            build=not args.no_build,
            allow_shrink=args.allow_shrink,
        )
        for p in written:
            print(f"적재: {safe_line(p)}")
        if args.no_build:
            print("빌드하지 않았습니다: 다음 `python -m core build`(또는 대시보드 시작)가 데이터 파일을 다시 만듭니다.")
        return 0

    return _writing(run)


def cmd_build(args: argparse.Namespace) -> int:
    def run() -> int:
        _print_counts(build_mod.build(allow_shrink=args.allow_shrink))
        safety.build_done(extracts_dir())
        return 0

    return _writing(run)


def cmd_check(_args: argparse.Namespace) -> int:
    import duckdb

    try:
        path = build_mod.ensure_built()
        con = duckdb.connect(str(path), read_only=True)
    except (build_mod.BuildError, duckdb.Error) as e:
        _report("데이터 파일을 만들거나 열 수 없어 확인하지 못했습니다:", str(e).splitlines())
        return 1
    try:
        print(reconcile.format_report(reconcile.differences(con)))
    finally:
        con.close()
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    def run() -> int:
        written = seed_extracts(build=None if args.no_build else _build_into_place(args.allow_shrink))
        print(f"추출 파일 {len(written)}개를 다시 만들었습니다.")
        return 0

    return _writing(run)


REPLACE_OFFICIAL_HELP = "보고서 전사본 묶음(seed-…, sample-…)을 교체함 (실수로 공식 값을 덮어쓰지 않도록 기본은 거부)"
SHRINK_HELP = "새 빌드가 지금 데이터보다 크게 줄어들어도(표가 비거나 절반 아래로, 문서가 사라짐) 바꿈"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description="교육청 예산·성과 대시보드 데이터 도구")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="CSV/XLSX 내보내기 파일을 검증해 Parquet 추출 파일로 적재")
    p.add_argument("files", nargs="+")
    p.add_argument("--table", help="대상 표 (생략하면 파일 이름·열 이름으로 판단)")
    p.add_argument("--batch", help="묶음 이름 (생략하면 파일 이름). 같은 이름은 교체")
    p.add_argument(
        "--accept-total-differences",
        action="store_true",
        help="공식 문서 자체의 합계 불일치를 그대로 보존 (check 보고서에 표시)",
    )
    p.add_argument(
        "--sheet",
        help="XLSX 파일에서 읽을 시트 (생략하면 저장할 때 보이던 활성 시트; 숨긴 시트는 읽지 않음)",
    )
    p.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="열=값",
        help="파일에 없는 열을 모든 행에 같은 값으로 채움 (열은 한국어 이름·영문 이름·별칭; 여러 번 씀, "
        "예: --value 문서=D01 --value '출처 표·절=세출예산 명세서'). 파일에 이미 있는 열이면 거부",
    )
    p.add_argument("--no-build", action="store_true", help="적재 후 DuckDB를 다시 빌드하지 않음")
    p.add_argument(
        "--replace-official",
        action="store_true",
        help=REPLACE_OFFICIAL_HELP,
    )
    p.add_argument("--allow-shrink", action="store_true", help=SHRINK_HELP)
    p.add_argument(
        "--triangle",
        choices=(TRIANGLE_INCREASE, TRIANGLE_DECREASE),
        help="이 파일들에서 ▲가 뜻하는 것 (표마다 달라 짐작하지 않음; 없으면 ▲가 든 셀은 거부)",
    )
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("build", help="추출 파일로 datasets/dashboard.duckdb 빌드")
    p.add_argument("--allow-shrink", action="store_true", help=SHRINK_HELP)
    p.set_defaults(func=cmd_build)
    sub.add_parser("check", help="인쇄 합계·비율 재계산 보고서").set_defaults(func=cmd_check)
    p = sub.add_parser("seed", help="datasets/seed 의 보고서 전사본으로 추출 파일을 다시 만듦")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--allow-shrink", action="store_true", help=SHRINK_HELP)
    p.set_defaults(func=cmd_seed)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        log.error("중단했습니다. 새 파일은 자리를 바꾸기 전이었으므로 %s", UNCHANGED)
        return 130
    except Exception as e:  # the last net: an operator gets a sentence, never a traceback
        if os.environ.get(DEBUG_VARIABLE):
            raise
        log.error(
            "예상하지 못한 오류로 멈췄습니다 (%s: %s). 새 파일은 자리를 바꾸기 전이었으므로 %s "
            "자세한 내용은 %s=1로 다시 실행하면 보입니다.",
            type(e).__name__,
            safe_line(e, 200),
            UNCHANGED,
            DEBUG_VARIABLE,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
