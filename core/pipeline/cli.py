"""Command line: python -m core {ingest,build,check,seed}.

What a command produces (files written, the build's row counts, the check report) goes to stdout;
progress and problems go through logging to stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from core.settings import db_path

from . import build as build_mod
from . import reconcile
from .ingest import IngestError, ingest_files
from .seed import seed_extracts

log = logging.getLogger(__name__)


def cmd_ingest(args: argparse.Namespace) -> int:
    try:
        written = ingest_files(
            [Path(p) for p in args.files],
            table_name=args.table,
            batch=args.batch,
            accept_total_differences=args.accept_total_differences,
        )
    except IngestError as e:
        log.error("적재 실패: 아무 파일도 바뀌지 않았습니다. 문제 %d건:", len(e.messages))
        for m in e.messages:
            log.error("  %s", m)
        return 1
    for p in written:
        print(f"적재: {p}")
    if not args.no_build:
        return cmd_build(args)
    return 0


def cmd_build(_args: argparse.Namespace) -> int:
    import duckdb

    try:
        counts = build_mod.build()
    except (build_mod.BuildError, duckdb.Error) as e:
        log.error("빌드 실패: 기존 %s 파일은 그대로입니다.\n%s", db_path(), e)
        return 1
    print(f"빌드 완료: {db_path()}")
    for name, n in counts.items():
        print(f"  {name}: {n:,}행")
    return 0


def cmd_check(_args: argparse.Namespace) -> int:
    import duckdb

    path = build_mod.ensure_built()
    con = duckdb.connect(str(path), read_only=True)
    try:
        print(reconcile.format_report(reconcile.differences(con)))
    finally:
        con.close()
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    try:
        written = seed_extracts()
    except IngestError as e:
        for m in e.messages:
            log.error("%s", m)
        return 1
    print(f"추출 파일 {len(written)}개를 다시 만들었습니다.")
    return 0 if args.no_build else cmd_build(args)


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
    p.add_argument("--no-build", action="store_true", help="적재 후 DuckDB를 다시 빌드하지 않음")
    p.set_defaults(func=cmd_ingest)
    sub.add_parser("build", help="추출 파일로 datasets/dashboard.duckdb 빌드").set_defaults(func=cmd_build)
    sub.add_parser("check", help="인쇄 합계·비율 재계산 보고서").set_defaults(func=cmd_check)
    p = sub.add_parser("seed", help="datasets/seed 의 보고서 전사본으로 추출 파일을 다시 만듦")
    p.add_argument("--no-build", action="store_true")
    p.set_defaults(func=cmd_seed)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
