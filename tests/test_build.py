"""Building the DuckDB file from the Parquet extracts.

The build must produce every table, refuse corrupt extracts with a BuildError
naming the file while leaving the previous database byte-for-byte in place,
and replace the file atomically so that a reader holding the old file keeps
working. `python -m core seed` must re-create exactly the shipped extracts.
Everything is written under tmp folders; datasets/ is only read.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import describe_test_documents

from core.pipeline import reconcile
from core.pipeline.build import BuildError, build
from core.pipeline.ingest import ingest_files
from core.pipeline.schema import TABLES
from core.settings import SCHEMA_VERSION

PROJECT = Path(__file__).resolve().parents[1]
SHIPPED_EXTRACTS = PROJECT / "datasets" / "extracts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
from core.pipeline.derived import DERIVED as DERIVED_VIEWS  # noqa: E402 - tables the build derives for fast pages

DERIVED = {"org_tree", "data_quality", "build_info", *DERIVED_VIEWS}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parquet_rows(root: Path, table: str) -> int:
    return sum(pq.read_metadata(p).num_rows for p in (root / table).glob("*.parquet"))


def cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DASHBOARD_DATA_DIR=str(data_dir), PYTHONIOENCODING="utf-8")
    env.pop("DASHBOARD_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """tmp/data/extracts = a copy of the shipped extracts; tmp/data/dashboard.duckdb is built by the tests."""
    data = tmp_path / "data"
    shutil.copytree(SHIPPED_EXTRACTS, data / "extracts")
    return data


# ---------------------------------------------------------------- a good build


def test_build_produces_every_table(tmp_path):
    target = tmp_path / "d.duckdb"
    counts = build(root=SHIPPED_EXTRACTS, target=target)
    assert set(counts) == set(TABLES)
    con = duckdb.connect(str(target), read_only=True)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert present == set(TABLES) | DERIVED
        for name, table in TABLES.items():
            # Every row of every extract, nothing more.
            assert counts[name] == parquet_rows(SHIPPED_EXTRACTS, name), name
            assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == counts[name], name
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [name],
                ).fetchall()
            ]
            assert cols == table.names + ["batch"], name
        for name in ("source_document", "org_unit", "budget_line", "indicator", "headcount", "call_center_daily"):
            assert counts[name] > 0, name
        assert con.execute("SELECT schema_version, extracts_dir FROM build_info").fetchall() == [
            (SCHEMA_VERSION, str(SHIPPED_EXTRACTS))
        ]
        # The stored quality report is the reconciliation of the built tables.
        assert con.execute("SELECT count(*) FROM data_quality").fetchone()[0] == len(reconcile.differences(con))
        # Every division named in budget_line appears in the filter tree.
        missing = con.execute(
            "SELECT DISTINCT agency, trim(d.part) FROM budget_line, "
            "unnest(string_split(coalesce(division, ''), ';')) AS d(part) WHERE trim(d.part) <> '' "
            "EXCEPT SELECT agency, division FROM org_tree"
        ).fetchall()
        assert missing == []
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.duckdb"], "temporary build files left behind"


def test_rebuild_is_deterministic_in_content(tmp_path):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    build(root=SHIPPED_EXTRACTS, target=a)
    build(root=SHIPPED_EXTRACTS, target=b)
    ca, cb = duckdb.connect(str(a), read_only=True), duckdb.connect(str(b), read_only=True)
    try:
        for name, table in TABLES.items():
            order = ", ".join(table.key) + ", batch"
            fa = ca.execute(f"SELECT * FROM {name} ORDER BY {order}").df()
            fb = cb.execute(f"SELECT * FROM {name} ORDER BY {order}").df()
            pd.testing.assert_frame_equal(fa, fb, check_exact=True)
    finally:
        ca.close()
        cb.close()


def test_rows_keep_file_order_then_row_order(tmp_path):
    """Queries order by rowid: a table holds its files' rows in file-name order, each file in its own order."""
    target = tmp_path / "d.duckdb"
    build(root=SHIPPED_EXTRACTS, target=target)
    con = duckdb.connect(str(target), read_only=True)
    try:
        for name, table in TABLES.items():
            cols = list(table.key) + ["batch"]
            files = sorted((SHIPPED_EXTRACTS / name).glob("*.parquet"))
            expected = [tuple(row.values()) for f in files for row in pq.read_table(f, columns=cols).to_pylist()]
            got = con.execute(f"SELECT {', '.join(cols)} FROM {name} ORDER BY rowid").fetchall()
            assert got == expected, name
            assert con.execute(f"SELECT count(*) = coalesce(max(rowid) + 1, 0) FROM {name}").fetchall() == [(True,)], (
                name
            )
    finally:
        con.close()


def test_files_with_different_column_types_build_the_same_tables(data_dir, tmp_path):
    """One file storing a column as another Parquet type is read file by file, with the same result."""
    root = data_dir / "extracts"
    reference = tmp_path / "reference.duckdb"
    build(root=root, target=reference)
    odd = root / "budget_line" / "seed-001.parquet"
    table = pq.read_table(odd)
    i = table.schema.get_field_index("page")
    pq.write_table(table.set_column(i, "page", table.column("page").cast("int32")), odd)
    target = tmp_path / "odd.duckdb"
    build(root=root, target=target)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{reference}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{target}' AS b (READ_ONLY)")
        for name in ("budget_line", "budget_planned", "budget_watch_line", "data_quality"):
            for x, y in (("a", "b"), ("b", "a")):
                assert (
                    con.execute(
                        f"SELECT count(*) FROM (SELECT rowid, * FROM {x}.{name} "
                        f"EXCEPT ALL SELECT rowid, * FROM {y}.{name})"
                    ).fetchone()[0]
                    == 0
                ), name
    finally:
        con.close()


@pytest.mark.parametrize("where", ["across-batches", "in-one-batch"])
def test_duplicate_keys_fail_the_build_and_keep_the_old_database(data_dir, where):
    root, target = data_dir / "extracts", data_dir / "dashboard.duckdb"
    build(root=root, target=target)
    before = sha256(target)
    src = root / "budget_line" / "seed-001.parquet"
    if where == "across-batches":
        shutil.copyfile(src, root / "budget_line" / "seed-009.parquet")
    else:
        table = pq.read_table(src)
        pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), src)
    with pytest.raises(BuildError) as info:
        build(root=root, target=target)
    assert "budget_line: 묶음 사이에 같은 키가 있습니다 (doc_id, source_section, item_id, fiscal_year)" in str(
        info.value
    )
    assert sha256(target) == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["dashboard.duckdb", "extracts"]


def test_key_check_treats_blank_keys_as_equal(tmp_path):
    from core.pipeline.build import _check_keys

    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE budget_line AS SELECT * FROM (VALUES ('D', 'S', 'I', NULL::INTEGER), "
            "('D', 'S', 'I', 2024)) AS t(doc_id, source_section, item_id, fiscal_year)"
        )
        _check_keys(con, "budget_line", TABLES["budget_line"])  # different keys: no error
        con.execute("INSERT INTO budget_line VALUES ('D', 'S', 'I', NULL)")
        with pytest.raises(BuildError, match="같은 키"):
            _check_keys(con, "budget_line", TABLES["budget_line"])
    finally:
        con.close()


def _long_form_budget_checks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The totals and parent/children checks written over budget_line unpivoted to one row per money column
    (how reconcile computed them before it aggregated side by side): the reference for the faster SQL."""
    money = ", ".join(reconcile._MONEY)
    factor = reconcile._FACTOR_SQL
    long = f"""SELECT * FROM (SELECT doc_id, source_section, page, unit, coalesce(fiscal_year, -1) AS fy,
                   coalesce(parent_item_id, '') AS parent, item_id, name, is_total, {money} FROM budget_line)
               UNPIVOT INCLUDE NULLS (amount FOR measure IN ({money}))"""
    return con.execute(f"""
        WITH long AS ({long}),
        parts AS (SELECT doc_id, source_section, fy, parent, measure, sum(amount) AS s
                  FROM long WHERE NOT is_total GROUP BY ALL),
        kids AS (SELECT doc_id, fy, parent, source_section AS child_section, measure, sum(amount) AS s, count(*) AS n
                 FROM long WHERE NOT is_total AND parent <> '' GROUP BY ALL)
        SELECT t.doc_id, t.source_section, t.item_id, '합계 불일치' AS c, t.measure,
               coalesce(t.amount, 0) / {factor.replace("unit", "t.unit")} AS pv,
               coalesce(p.s, 0) / {factor.replace("unit", "t.unit")} AS cv, NULL AS why
        FROM long t LEFT JOIN parts p USING (doc_id, source_section, fy, parent, measure)
        WHERE t.is_total AND coalesce(t.amount, 0) <> coalesce(p.s, 0)
        UNION ALL
        SELECT p.doc_id, p.source_section, p.item_id, '상위 항목 ≠ 하위 항목 합', p.measure,
               p.amount / {factor.replace("unit", "p.unit")}, k.s / {factor.replace("unit", "p.unit")},
               k.child_section || ', ' || k.n
        FROM long p JOIN kids k ON k.doc_id = p.doc_id AND k.fy = p.fy AND k.parent = p.item_id AND k.measure = p.measure
        WHERE NOT p.is_total AND p.amount IS NOT NULL AND k.s IS NOT NULL AND p.amount <> k.s""").df()


def test_budget_totals_and_hierarchy_checks_match_the_long_form(tmp_path):
    """Damaged copies of the shipped budget rows (changed, missing and NULL amounts, blank years and parents,
    flipped total flags) give exactly the rows the unpivot-everything form of the checks gives."""
    import numpy as np

    frame = pd.concat(
        [pq.read_table(f).to_pandas() for f in sorted((SHIPPED_EXTRACTS / "budget_line").glob("*.parquet"))],
        ignore_index=True,
    )
    rng = np.random.default_rng(3)
    for col in reconcile._MONEY:
        rows = rng.choice(len(frame), size=len(frame) // 6, replace=False)
        frame[col] = frame[col].astype("Int64")
        frame.loc[rows[: len(rows) // 3], col] = pd.NA
        frame.loc[rows[len(rows) // 3 :], col] = frame.loc[rows[len(rows) // 3 :], col].fillna(0) + 1000
    frame["fiscal_year"] = frame["fiscal_year"].astype("Int64")
    frame.loc[rng.choice(len(frame), size=20, replace=False), "fiscal_year"] = pd.NA
    frame.loc[rng.choice(len(frame), size=10, replace=False), "parent_item_id"] = ""
    frame.loc[rng.choice(len(frame), size=10, replace=False), "parent_item_id"] = None
    flip = rng.choice(len(frame), size=15, replace=False)
    frame.loc[flip, "is_total"] = ~frame.loc[flip, "is_total"].astype(bool)
    con = duckdb.connect()
    try:
        con.register("budget_frame", frame)
        con.execute("CREATE TABLE budget_line AS SELECT * FROM budget_frame")
        got = reconcile.differences(con)
        got = got[got["check_name"].isin(["합계 불일치", "상위 항목 ≠ 하위 항목 합"])]
        expected = _long_form_budget_checks(con)
    finally:
        con.close()
    labels = {c: reconcile._LABEL[c] for c in reconcile._MONEY}
    expected["measure"] = expected["measure"].map(labels)
    got_rows = sorted(
        zip(
            got["doc_id"],
            got["source_section"],
            got["item_id"],
            got["check_name"],
            got["measure"],
            got["printed_value"],
            got["computed_value"],
            [
                None if c == "합계 불일치" else e.split("(", 1)[1].split("개)")[0]
                for c, e in zip(got["check_name"], got["explanation"])
            ],
        ),
        key=repr,
    )
    expected_rows = sorted(
        zip(
            expected["doc_id"],
            expected["source_section"],
            expected["item_id"],
            expected["c"],
            expected["measure"],
            expected["pv"],
            expected["cv"],
            [None if pd.isna(w) else w for w in expected["why"]],
        ),
        key=repr,
    )
    assert len(got_rows) > 20, "the damage should make differences to compare"
    assert got_rows == expected_rows


# ---------------------------------------------------------------- a failed build


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 40)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _drop_column(path: Path) -> None:
    table = pq.read_table(path)
    pq.write_table(table.drop(["budget_original"]), path)


CORRUPTIONS = [
    pytest.param(_truncate, "손상된 추출 파일", id="truncated"),
    pytest.param(_garbage, "손상된 추출 파일", id="garbage"),
    pytest.param(_empty, "손상된 추출 파일", id="empty"),
    pytest.param(_drop_column, "열 ['budget_original']이 없습니다", id="missing-column"),
]


def test_extracts_written_before_a_column_was_added_build_with_it_empty(data_dir):
    """training_result.repeat came with schema version 3: an extract written before it still builds, its lines
    then all count once (nothing marked as repeated), and the shipped file's marks are kept."""
    root, target = data_dir / "extracts", data_dir / "dashboard.duckdb"
    added = [c.name for c in TABLES["training_result"].columns if c.added_in]
    assert added == ["repeat", "repeat_of"]
    old = root / "training_result" / "old-export.parquet"
    shipped = pq.read_table(root / "training_result" / "seed-002.parquet")
    older = shipped.slice(0, 3).drop(added)
    older = older.set_column(
        older.schema.get_field_index("doc_id"), "doc_id", pa.array(["999"] * 3, type=older.schema.field("doc_id").type)
    )
    pq.write_table(older, old)
    build(root=root, target=target)
    con = duckdb.connect(str(target), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(repeat) FROM training_result WHERE doc_id = '999'").fetchone() == (
            3,
            0,
        )
        marked = con.execute(
            "SELECT count(*) FROM training_result WHERE doc_id = '002' AND repeat IS NOT NULL"
        ).fetchone()
        assert marked[0] > 0
    finally:
        con.close()


@pytest.mark.parametrize("corrupt, expected", CORRUPTIONS)
def test_failed_build_names_the_file_and_keeps_the_old_database(data_dir, corrupt, expected):
    root, target = data_dir / "extracts", data_dir / "dashboard.duckdb"
    build(root=root, target=target)
    before = sha256(target)
    bad = root / "budget_line" / "seed-000.parquet"
    good_copy = bad.read_bytes()
    corrupt(bad)
    with pytest.raises(BuildError) as info:
        build(root=root, target=target)
    assert str(bad) in str(info.value)
    assert expected in str(info.value)
    assert sha256(target) == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["dashboard.duckdb", "extracts"]
    # Once the extract is whole again the build goes through.
    bad.write_bytes(good_copy)
    build(root=root, target=target)


def test_cli_build_failure_exits_non_zero_and_keeps_the_old_database(data_dir):
    assert cli(["build"], data_dir).returncode == 0
    target = data_dir / "dashboard.duckdb"
    before = sha256(target)
    bad = data_dir / "extracts" / "indicator" / "seed-004.parquet"
    _truncate(bad)
    result = cli(["build"], data_dir)
    assert result.returncode == 1
    assert "빌드 실패" in result.stderr
    assert str(bad) in result.stderr
    assert "Traceback" not in result.stderr
    assert sha256(target) == before


def _damage_data_pages(path: Path) -> None:
    """Overwrite the column data but keep the footer, so the schema still reads."""
    data = bytearray(path.read_bytes())
    footer = struct.unpack("<I", data[-8:-4])[0]
    for i in range(4, len(data) - 8 - footer):
        data[i] = 0xAB
    path.write_bytes(bytes(data))


def test_damaged_data_pages_keep_the_old_database(data_dir):
    root, target = data_dir / "extracts", data_dir / "dashboard.duckdb"
    build(root=root, target=target)
    before = sha256(target)
    _damage_data_pages(root / "budget_line" / "seed-004.parquet")
    with pytest.raises(BuildError):
        build(root=root, target=target)
    assert sha256(target) == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["dashboard.duckdb", "extracts"]


def test_damaged_data_pages_raise_build_error_naming_the_file(data_dir):
    root = data_dir / "extracts"
    bad = root / "budget_line" / "seed-004.parquet"
    _damage_data_pages(bad)
    with pytest.raises(BuildError) as info:
        build(root=root, target=data_dir / "dashboard.duckdb")
    assert str(bad) in str(info.value)


# ---------------------------------------------------------------- readers during a rebuild

READ_IN_OTHER_PROCESS = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM budget_line WHERE doc_id = 'T01'").fetchone()[0])
print(con.execute("SELECT count(*) FROM budget_line").fetchone()[0])
"""


def test_reader_keeps_old_file_while_rebuild_replaces_it(data_dir, tmp_path):
    root, target = data_dir / "extracts", data_dir / "dashboard.duckdb"
    describe_test_documents(root)  # the ingested test file's document
    build(root=root, target=target)
    old_total = parquet_rows(root, "budget_line")
    old_inode = target.stat().st_ino

    reader = duckdb.connect(str(target), read_only=True)
    try:
        assert reader.execute("SELECT count(*) FROM budget_line").fetchone()[0] == old_total
        quality_before = reader.execute("SELECT * FROM data_quality").df()

        # New data arrives and the file is rebuilt under the open reader.
        src = tmp_path / "budget_line_valid.csv"
        shutil.copyfile(FIXTURES / "budget_line_valid.csv", src)
        ingest_files([src], root=root)
        counts = build(root=root, target=target)
        assert counts["budget_line"] == old_total + 4
        assert target.stat().st_ino != old_inode, "the file was rewritten in place instead of replaced"

        # The open reader still works and still sees the old version, consistently.
        assert reader.execute("SELECT count(*) FROM budget_line").fetchone()[0] == old_total
        assert reader.execute("SELECT count(*) FROM budget_line WHERE doc_id = 'T01'").fetchone()[0] == 0
        pd.testing.assert_frame_equal(reader.execute("SELECT * FROM data_quality").df(), quality_before)

        # A fresh connection (another process, as the dashboard and the CLI are) sees the new data.
        out = subprocess.run(
            [sys.executable, "-c", READ_IN_OTHER_PROCESS, str(target)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=PROJECT,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["4", str(old_total + 4)]
    finally:
        reader.close()

    # Once the old reader is closed, a new connection in this process sees the new file too.
    fresh = duckdb.connect(str(target), read_only=True)
    try:
        assert fresh.execute("SELECT count(*) FROM budget_line WHERE doc_id = 'T01'").fetchone()[0] == 4
    finally:
        fresh.close()
    assert sorted(p.name for p in data_dir.iterdir()) == ["dashboard.duckdb", "extracts"]


def test_dashboard_connection_sees_a_rebuild(data_dir, tmp_path, monkeypatch):
    db = pytest.importorskip("core.dashboard.db")
    root, target = data_dir / "extracts", data_dir / "dashboard.duckdb"
    describe_test_documents(root)  # the ingested test file's document
    build(root=root, target=target)
    monkeypatch.setenv("DASHBOARD_DB", str(target))
    db.reset()
    try:
        sql = "SELECT count(*) AS n FROM budget_line WHERE doc_id = 'T01'"
        assert int(db.query(sql, cache=False)["n"].iloc[0]) == 0
        src = tmp_path / "budget_line_valid.csv"
        shutil.copyfile(FIXTURES / "budget_line_valid.csv", src)
        ingest_files([src], root=root)
        build(root=root, target=target)
        assert int(db.query(sql, cache=False)["n"].iloc[0]) == 4
    finally:
        db.reset()


# ---------------------------------------------------------------- python -m core seed


def test_seed_recreates_the_shipped_extracts(tmp_path):
    data = tmp_path / "data"
    result = cli(["seed"], data)
    assert result.returncode == 0, result.stderr
    made = sorted(p.relative_to(data / "extracts") for p in (data / "extracts").rglob("*.parquet"))
    shipped = sorted(p.relative_to(SHIPPED_EXTRACTS) for p in SHIPPED_EXTRACTS.rglob("*.parquet"))
    assert made == shipped
    for rel in shipped:
        new, old = pq.read_table(data / "extracts" / rel), pq.read_table(SHIPPED_EXTRACTS / rel)
        assert new.schema.equals(old.schema, check_metadata=False), rel
        pd.testing.assert_frame_equal(new.to_pandas(), old.to_pandas(), check_exact=True, obj=str(rel))
    # seed also built the database, in the tmp data folder.
    assert (data / "dashboard.duckdb").exists()
    assert not list((data / "extracts").rglob("*.tmp"))
