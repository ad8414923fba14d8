"""Where code runs is part of the design: the read side serves pages without the offline pipeline,
nothing in the product depends on the benchmark, and an outdated data file is rebuilt, not patched."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import PROJECT_DIR

READ_SIDE = ["core/dashboard", "core/widgets"]
PRODUCT = ["app.py", "pages", "core"]


def python_files(*roots: str) -> list[Path]:
    out = []
    for root in roots:
        p = PROJECT_DIR / root
        out += [p] if p.is_file() else sorted(p.rglob("*.py"))
    return out


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_loading_the_read_side_does_not_load_the_pipeline():
    modules = [".".join(p.relative_to(PROJECT_DIR).with_suffix("").parts) for p in python_files(*READ_SIDE)]
    modules = [m.removesuffix(".__init__") for m in modules]
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.startswith('core.pipeline') or m == 'bench'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_nothing_in_the_product_imports_the_benchmark():
    offenders = [
        str(p.relative_to(PROJECT_DIR))
        for p in python_files(*PRODUCT)
        if any(m == "bench" or m.startswith("bench.") for m in imported_modules(p))
    ]
    assert offenders == []


def test_read_side_imports_the_pipeline_only_inside_a_function():
    """The one allowed use: rebuilding a missing or outdated file, imported when it happens."""
    offenders = []
    for p in python_files(*READ_SIDE):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("core.pipeline"):
                offenders.append(f"{p.relative_to(PROJECT_DIR)}:{node.lineno}")
    assert offenders == []


def test_pages_import_the_pipeline_only_inside_a_function():
    """The admin page (데이터 적재) loads files with the pipeline: it imports it when an admin opens it, so no
    reading page, and no viewer's session, loads the pipeline."""
    offenders = []
    for p in python_files("app.py", "pages"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in tree.body:
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if any(n.startswith("core.pipeline") for n in names):
                offenders.append(f"{p.relative_to(PROJECT_DIR)}:{node.lineno}")
    assert offenders == []


def test_a_file_of_another_schema_version_is_rebuilt_before_it_is_read(dashboard_data, tmp_path, monkeypatch):
    from core.dashboard import db
    from core.settings import SCHEMA_VERSION

    data = tmp_path / "data"
    shutil.copytree(dashboard_data / "extracts", data / "extracts")
    shutil.copy(dashboard_data / "dashboard.duckdb", data / "dashboard.duckdb")
    con = duckdb.connect(str(data / "dashboard.duckdb"))
    con.execute("UPDATE build_info SET schema_version = ?", [SCHEMA_VERSION - 1])
    con.execute("DROP TABLE budget_planned")  # an older layout lacked some derived tables
    con.close()
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(data))
    monkeypatch.delenv("DASHBOARD_DB", raising=False)
    db.reset()
    try:
        version = db.query("SELECT schema_version FROM build_info", cache=False)["schema_version"].iat[0]
        planned = db.query("SELECT count(*) AS n FROM budget_planned", cache=False)["n"].iat[0]
    finally:
        db.reset()
    assert version == SCHEMA_VERSION
    assert planned > 0


def test_pages_and_queries_name_no_document():
    """Which reports exist is data: a page or query that names one ('002', '000·003 보고서') or takes a
    document apart from an item id breaks on any other office's files."""
    pattern = re.compile(r"""["'](?:\d{3})(?:["' ·]|·)|split\(\s*["']-["']""")
    offenders = []
    for p in python_files("app.py", "pages", "core/dashboard", "core/widgets"):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{p.relative_to(PROJECT_DIR)}:{n}: {line.strip()}")
    assert offenders == []


def test_bench_calls_the_view_function_each_page_calls():
    """The benchmark times what the pages load; it cannot drift from them if both call the same function."""
    bench = (PROJECT_DIR / "bench" / "__main__.py").read_text(encoding="utf-8")
    views = {
        "app.py": "overview_view",
        "pages/budget.py": "budget_view",
        "pages/quarterly.py": "quarterly_view",
        "pages/training.py": "training_view",
        "pages/indicators.py": "indicator_view",
        "pages/callcenter.py": "callcenter_view",
        "pages/insights.py": "insights_view",
        "pages/sources.py": "sources_view",
    }
    for script, view in views.items():
        assert f"{view}(" in (PROJECT_DIR / script).read_text(encoding="utf-8"), script
        assert f"{view}(" in bench, view
    assert not re.search(r"\bdb\._", bench)  # the app is observed through public APIs only


def test_a_first_visit_on_a_current_file_loads_no_build_or_reconciliation_code(dashboard_data):
    """The overview drawn on a file that is up to date, and the server's warm-up, never import the pipeline."""
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(PROJECT_DIR / 'app.py')!r}, default_timeout=120)\n"
        "at.run()\n"
        "assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]\n"
        "assert any('점검' in m.value or '예산' in m.value for m in at.markdown)\n"
        "from core.dashboard import warm\n"
        "assert warm.warm_default_views() == []\n"
        "print(sorted(m for m in sys.modules if m.startswith('core.pipeline')))\n"
    )
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(dashboard_data), "DASHBOARD_WARM_UP": "0"}
    env.pop("DASHBOARD_DB", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = out.stdout.strip().splitlines()[-1]
    assert "core.pipeline.build" not in loaded and "core.pipeline.reconcile" not in loaded, loaded
    assert loaded == "[]", loaded


def test_the_warm_up_holds_every_result_the_default_overview_asks_for(use_dashboard_data):
    from streamlit.testing.v1 import AppTest

    from core.dashboard import db, warm

    db.reset()
    assert warm.warm_default_views() == []
    with db.RESULTS.watch() as w:
        at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=120)
        at.run()
    assert not at.exception
    assert w.seen and not w.added, [k.sql[:80] for k in w.added]
