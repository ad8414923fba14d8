"""Nothing lost: a build or ingest never replaces a good database with an empty or much smaller one, one writer
runs at a time, a killed run is repaired on the next one, official batches are not replaced by accident, and an
unwritable data folder gets a Korean message. Every case runs the real command line on a copy of the data."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, extracts_for_ingest, tree_digest

from core.pipeline.build import build

VALID = Path(__file__).parent / "fixtures" / "budget_line_valid.csv"


def run_cli(args: list[str], data_dir: Path, wait: float = 60, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data_dir), DASHBOARD_WRITER_WAIT=str(wait))
    env.pop("DASHBOARD_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def rows(db_file: Path, table: str = "budget_line") -> int:
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def data(tmp_path) -> Path:
    root = tmp_path / "data"
    extracts_for_ingest(root / "extracts")
    build(root=root / "extracts", target=root / "dashboard.duckdb")
    return root


def assert_refused_and_unchanged(result: subprocess.CompletedProcess, before: dict, data: Path, *words: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert "빌드 완료" not in result.stdout
    for w in words:
        assert w in result.stderr, result.stderr
    assert tree_digest(data) == before


def test_a_build_without_the_extracts_folder_is_refused_and_keeps_the_database(data):
    shutil.rmtree(data / "extracts")
    before = tree_digest(data)
    result = run_cli(["build"], data)
    assert_refused_and_unchanged(result, before, data, "추출 폴더가 없습니다", "그대로")
    assert rows(data / "dashboard.duckdb") > 300


def test_a_build_from_empty_extracts_is_refused_unless_allowed(data):
    for f in (data / "extracts").glob("*/*.parquet"):
        f.unlink()
    before = tree_digest(data)
    result = run_cli(["build"], data)
    assert_refused_and_unchanged(result, before, data, "행이 하나도 없습니다", "--allow-shrink")
    allowed = run_cli(["build", "--allow-shrink"], data)
    assert allowed.returncode == 0, allowed.stderr
    assert rows(data / "dashboard.duckdb") == 0


def test_a_table_that_would_lose_most_of_its_rows_is_refused(data):
    for f in (data / "extracts" / "budget_line").glob("seed-00[024].parquet"):
        f.unlink()
    before = tree_digest(data)
    result = run_cli(["build"], data)
    assert_refused_and_unchanged(result, before, data, "budget_line: 327행 → 30행")


def test_a_document_whose_rows_would_all_vanish_is_refused(data):
    gone = [f for f in (data / "extracts").glob("*/seed-001.parquet")]
    assert gone
    for f in gone:
        f.unlink()
    before = tree_digest(data)
    result = run_cli(["build"], data)
    assert_refused_and_unchanged(result, before, data, "사라지는 문서: 001")


def test_an_official_batch_is_not_replaced_by_accident(data, tmp_path):
    before = tree_digest(data)
    result = run_cli(["ingest", "--batch", "seed-002", str(VALID)], data)
    assert_refused_and_unchanged(result, before, data, "공식 값", "--replace-official")


def test_a_killed_swap_is_finished_or_undone_on_the_next_run(data):
    extracts = data / "extracts"
    # killed after the old folder was moved aside and before the new one was ready: the old one comes back
    os.replace(extracts, data / "extracts.old-999999")
    (data / "extracts.stage-999999").mkdir()
    result = run_cli(["build"], data)
    assert result.returncode == 0, result.stderr
    assert extracts.is_dir() and not list(data.glob("extracts.*-*"))
    assert "되돌렸습니다" in result.stderr
    assert rows(data / "dashboard.duckdb") > 300


def test_leftovers_of_a_killed_build_are_removed(data):
    (data / "dashboard.duckdb.tmp-999999").write_bytes(b"half a database")
    (data / "extracts" / "budget_line" / ".x.parquet.tmp").write_bytes(b"half a file")
    result = run_cli(["build"], data)
    assert result.returncode == 0, result.stderr
    assert not list(data.glob("*.tmp-*")) and not list(data.glob("extracts/*/*.tmp"))


def test_a_build_killed_at_random_points_leaves_a_whole_database(data):
    good = rows(data / "dashboard.duckdb")
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data))
    env.pop("DASHBOARD_DB", None)
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "core", "build"], cwd=PROJECT_DIR, env=env)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert rows(data / "dashboard.duckdb") == good  # the old file or a whole new one, never part of one
    result = run_cli(["build"], data)
    assert result.returncode == 0, result.stderr
    assert not list(data.glob("*.tmp-*")) and rows(data / "dashboard.duckdb") == good


def test_two_ingests_at_once_write_one_batch_and_the_next_build_works(data, tmp_path):
    copies = []
    for name in ("first", "second"):
        p = tmp_path / name / "budget_line_valid.csv"
        p.parent.mkdir()
        shutil.copy(VALID, p)
        copies.append(p)
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data))
    env.pop("DASHBOARD_DB", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "core", "ingest", "--batch", f"b{i}", str(p)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, p in enumerate(copies)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert sorted(code for code, _ in results) == [0, 1], results  # the second saw the first's rows
    assert any("같은 키" in err or "이미" in err for code, err in results if code), results
    assert len(list((data / "extracts" / "budget_line").glob("b*.parquet"))) == 1
    result = run_cli(["build"], data)
    assert result.returncode == 0, result.stderr


def test_a_writer_that_cannot_get_the_lock_gives_up_with_a_message(data):
    from core.pipeline import safety

    before = tree_digest(data)
    with safety.writer_lock(data):
        result = run_cli(["build"], data, wait=1)
    assert_refused_and_unchanged(result, before, data, "다른 적재·빌드", str(os.getpid()))


def _read_only_mount_works(folder: Path) -> bool:
    probe = subprocess.run(
        [
            "unshare",
            "--mount",
            "sh",
            "-c",
            f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}"',
        ],
        capture_output=True,
    )
    return probe.returncode == 0


def test_a_read_only_data_folder_gets_a_korean_message(data):
    """A folder the command cannot write: by permissions for an ordinary user; for root, who writes through
    any permission, by a read-only bind mount of the folder in a mount namespace of the command's own."""
    before = tree_digest(data)
    args = ["ingest", "--batch", "new", str(VALID)]
    if os.geteuid() == 0:
        if shutil.which("unshare") is None or not _read_only_mount_works(data):
            pytest.fail("running as root, this check needs 'unshare' and a read-only bind mount (util-linux)")
        env = dict(os.environ, DASHBOARD_DATA_DIR=str(data), DASHBOARD_WRITER_WAIT="60")
        env.pop("DASHBOARD_DB", None)
        script = (
            f'mount --bind "{data}" "{data}" && mount -o remount,bind,ro "{data}" && '
            f'exec "{sys.executable}" -m core "$@"'
        )
        result = subprocess.run(
            ["unshare", "--mount", "sh", "-c", script, "sh", *args],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    else:
        for p in [data, *data.rglob("*")]:
            if p.is_dir():
                p.chmod(0o555)
        try:
            result = run_cli(args, data)
        finally:
            for p in [data, *data.rglob("*")]:
                if p.is_dir():
                    p.chmod(0o755)
    assert_refused_and_unchanged(result, before, data, "쓸 수 없습니다")


def test_an_os_error_while_writing_is_a_korean_message_naming_the_path(data, monkeypatch, caplog):
    """What a read-only or full folder raises (checked in-process, so that it holds when tests run as root)."""
    from core.pipeline import cli, safety

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)

    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied", str(data / "extracts.stage-1"))

    monkeypatch.setattr(safety.shutil, "copytree", refuse)
    before = tree_digest(data)
    code = cli.main(["ingest", "--batch", "new", str(VALID)])
    err = caplog.text
    assert code == 1 and "쓸 수 없습니다" in err and "extracts.stage-1" in err and "Traceback" not in err
    assert tree_digest(data) == before


def test_the_dashboard_without_data_says_so_instead_of_drawing_an_empty_dashboard(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from core.dashboard import db

    empty = tmp_path / "nothing"
    empty.mkdir()
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(empty))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    db.reset()
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=60).run()
    assert any("추출 폴더가 없습니다" in e.value for e in at.error), [e.value for e in at.error]
    assert not (empty / "dashboard.duckdb").exists()
    db.reset()


# ---------------------------------------------------------------- what the terminal shows


def test_control_characters_in_names_and_cells_cannot_fake_terminal_lines(data, tmp_path):
    name = "budget_line_\x1b[32m\n적재 완료\r.csv"
    f = tmp_path / name
    f.write_text("사업명,\x1b[31m빨강\u202e\n", encoding="utf-8")  # a bad file: its header is echoed in the refusal
    before = tree_digest(data)
    result = run_cli(["ingest", str(f)], data)
    assert_refused_and_unchanged(result, before, data)
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith(("적재 완료", "적재:", "빌드 완료"))]
    assert "\\x1b" in result.stderr  # shown escaped


def test_huge_inputs_get_bounded_messages(data, tmp_path):
    wide = tmp_path / "budget_line_wide.csv"
    wide.write_text(
        ",".join(f"모르는열{i}" for i in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n"
    )
    before = tree_digest(data)
    for args in (["ingest", str(wide)], ["ingest", "--table", "x" * 100_000, str(VALID)]):
        result = run_cli(args, data)
        assert_refused_and_unchanged(result, before, data)
        assert len(result.stderr) < 30_000, len(result.stderr)


def test_a_wrong_file_is_not_echoed_and_a_pipe_or_folder_is_refused_without_reading(data, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("비밀값-" + "S" * 5_000 + "\n" + "x" * 100 + "\n")
    link = tmp_path / "budget_line_link.csv"
    link.symlink_to(secret)
    pipe = tmp_path / "budget_line_pipe.csv"
    os.mkfifo(pipe)
    before = tree_digest(data)
    echoed = run_cli(["ingest", str(link)], data)
    assert_refused_and_unchanged(echoed, before, data)
    assert "S" * 400 not in echoed.stderr
    for target, words in ((pipe, "보통 파일이 아닙니다"), (tmp_path, "보통 파일이 아닙니다")):
        result = run_cli(["ingest", str(target)], data, timeout=60)  # a pipe that were opened would hang here
        assert_refused_and_unchanged(result, before, data, words)
