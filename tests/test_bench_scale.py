"""The benchmark's synthetic data (bench.scale): the whole organisation, skewed sizes, several budget tables
per document, and the deliberate total slips that the build's reconciliation must report."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from bench import scale
from core.pipeline.build import build

ROWS = 100_000


def test_all_193_agencies_from_1m_rows_each_district_under_its_sido():
    org = scale.agencies(1_000_000)
    assert len(org) == 193
    assert org["is_hq"].sum() == 17
    assert org["agency"].is_unique
    hq_names = {i: name for i, (name, *_rest) in enumerate(scale.SIDO)}
    for row in org[~org["is_hq"]].itertuples():
        assert row.agency.startswith(row.prefix) and row.agency.endswith("교육지원청")
        assert hq_names[row.sido].startswith(row.prefix)
    per_sido = org[~org["is_hq"]].groupby("sido").size()
    by_name = {hq_names[i]: n for i, n in per_sido.items()}
    assert by_name["경기도교육청"] == 25 and by_name["서울특별시교육청"] == 11
    assert "세종특별자치시교육청" not in by_name and by_name["제주특별자치도교육청"] == 2
    assert len(scale.agencies(10_000_000)) == 193


def test_weights_are_skewed_and_small_sets_keep_the_heaviest_districts():
    w = scale.agency_weights()
    assert w["weight"].sum() == pytest.approx(1.0)
    assert w["weight"].max() / w["weight"].min() > 100
    small = scale.agencies(ROWS)
    assert len(small) == ROWS // scale.ROWS_PER_AGENCY
    heaviest = w[~w["is_hq"]].nlargest(len(small) - 17, "weight")["agency"]
    assert set(heaviest) <= set(small["agency"])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("scale")
    counts, gen = scale._generate(ROWS, out, 7)
    build(root=out / "extracts", target=out / "dashboard.duckdb")
    con = duckdb.connect(str(out / "dashboard.duckdb"), read_only=True)
    yield out, counts, gen, con
    con.close()


def test_exact_rows_and_byte_identical_for_the_same_seed(built, tmp_path):
    out, counts, _gen, _con = built
    assert sum(counts.values()) == ROWS
    scale.generate(ROWS, tmp_path, 7)

    def digests(root):
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.parquet"))
        }

    assert digests(out / "extracts") == digests(tmp_path / "extracts")


def test_several_tables_per_document_summary_first_and_many_names(built):
    _out, _counts, _gen, con = built
    tables = dict(
        con.execute(
            "SELECT n, count(*) FROM (SELECT doc_id, count(DISTINCT source_section) n FROM budget_line GROUP BY 1) "
            "GROUP BY n"
        ).fetchall()
    )
    assert set(tables) <= {2, 3} and tables.get(3, 0) > 0
    first = con.execute("SELECT DISTINCT section FROM budget_first_table").fetchall()
    assert first == [(scale.SECTION,)]
    names = con.execute("SELECT count(DISTINCT name) FROM budget_line WHERE level = '세부사업'").fetchone()[0]
    assert names >= 200
    # quarterly plans attach to the summary table's 과제
    assert con.execute(
        "SELECT count(*) FROM quarterly_execution q WHERE q.source_section <> $s "
        "OR NOT EXISTS (SELECT 1 FROM budget_line b WHERE b.doc_id = q.doc_id AND b.item_id = q.item_id "
        "AND b.source_section = $s)",
        {"s": scale.SECTION},
    ).fetchone() == (0,)


def test_the_deliberate_slips_and_only_they_are_reported_in_the_budget(built):
    _out, _counts, gen, con = built
    planted = {doc_id for doc_id, _kind, _delta in gen.findings}
    assert len(planted) == 3
    found = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT doc_id FROM data_quality WHERE table_name IN ('budget_line', 'quarterly_execution', "
            "'training_target')"
        ).fetchall()
    }
    assert found == planted
