"""Tables the build derives from the extracts so the pages' queries stay fast at millions of rows.

Each ``<name>.sql`` file beside this one is one SELECT over the extract tables, and the build
materialises it as the table ``<name>`` (the data is read-only after a build, so a derived table
never goes stale). The dashboard reads them by name; a file whose ``build_info.schema_version``
is not the current one is rebuilt rather than queried.

``macros.sql`` defines the functions they share and runs first. The SQL reads the summary table's
name from the DuckDB variable ``summary_section``, so a file runs on its own in the DuckDB CLI after
``.read macros.sql``, ``SET VARIABLE summary_section = '주요업무별 예산 내역';`` and
``SET VARIABLE repeat_in_task = '과제 안 재기재';``.
"""

from __future__ import annotations

from pathlib import Path

from core.labels import REPEAT_IN_TASK
from core.settings import SUMMARY_SECTION

SQL_DIR = Path(__file__).resolve().parent

MACROS = (SQL_DIR / "macros.sql").read_text(encoding="utf-8")
# Every derived table and its SELECT, by file name.
DERIVED: dict[str, str] = {
    p.stem: p.read_text(encoding="utf-8") for p in sorted(SQL_DIR.glob("*.sql")) if p.name != "macros.sql"
}


def create_all(con) -> None:
    """Materialise every derived table on a file being built."""
    con.execute(MACROS)
    con.execute("SET VARIABLE summary_section = $section", {"section": SUMMARY_SECTION})
    con.execute("SET VARIABLE repeat_in_task = $kind", {"kind": REPEAT_IN_TASK})
    for name, sql in DERIVED.items():
        con.execute(f"CREATE TABLE {name} AS {sql}")
