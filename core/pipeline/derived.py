"""Tables the build derives from the extracts so the pages' queries stay fast at millions of rows.

Each entry is one SELECT over the extract tables. ``core.pipeline.build`` materialises them (the data is
read-only after a build, so a derived table never goes stale). ``core.dashboard.queries`` reads them by
name, or, for a file built before a table was added, inlines the same SELECT as a subquery: the
results never depend on which build made the file, only the speed does.
"""
from __future__ import annotations

from core.settings import SUMMARY_SECTION

# Tables with a 부서 column: a 부서 filter matches a row when any ';'-separated part of it is chosen.
DIVISION_TABLES = ("org_unit", "budget_line", "training_target", "training_result", "indicator", "headcount",
                   "call_center_daily")

# Name key of a 세부사업: letters and digits only, without parenthesised asides, so that the 목표 table
# and the 계획·실적 lines ("인공지능(AI) 및 디지털 활용" vs "인공지능 및 디지털활용") match.
NAME_KEY = ("regexp_replace(regexp_replace(coalesce({x}, ''), '\\([^)]*\\)', '', 'g'), "
            "'[^0-9A-Za-z가-힣]', '', 'g')")

_CALL_SUMS = ", ".join(f"sum({c}) AS {c}" for c in (
    "inbound", "answered", "abandoned", "answered_20s", "handle_seconds", "resolved_direct",
    "satisfaction_responses", "satisfaction_sum"))

DERIVED: dict[str, str] = {
    # Every (document, item) that has a child row: answers "has sub-items" without scanning budget_line.
    "budget_parent": """
        SELECT DISTINCT doc_id, parent_item_id AS item_id FROM budget_line WHERE parent_item_id IS NOT NULL
        ORDER BY doc_id, item_id""",
    # Each document's first top-level table (the one the overview counts).
    "budget_first_table": """
        SELECT doc_id, arg_min(source_section, rowid) AS section FROM budget_line
        WHERE parent_item_id IS NULL AND NOT is_total GROUP BY doc_id""",
    # Each 부서 text as stored (NULL as '') with each of its ';'-separated parts, untrimmed: exactly the
    # parts string_split gives, so a lookup here matches what list_has_any(string_split(...)) matches.
    "division_part": "SELECT DISTINCT raw, part FROM (" + " UNION ".join(
        f"SELECT coalesce(division, '') AS raw FROM {t}" for t in DIVISION_TABLES)
        + ") AS r, unnest(string_split(r.raw, ';')) AS p(part)",
    # Call-center totals per agency, division and day (topics and channels summed), in date order.
    "call_center_day": f"""
        SELECT agency, division, call_date, {_CALL_SUMS}, bool_or(is_sample) AS is_sample
        FROM call_center_daily GROUP BY agency, division, call_date ORDER BY call_date, agency, division""",
    # Call-center totals per agency, division, month, topic and channel, with the first and last day seen.
    "call_center_month": f"""
        SELECT agency, division, date_trunc('month', call_date)::DATE AS month, topic, channel, {_CALL_SUMS},
               bool_or(is_sample) AS is_sample, min(call_date) AS first_day, max(call_date) AS last_day
        FROM call_center_daily GROUP BY ALL ORDER BY month, agency, division, topic, channel""",
    # 계획·실적 lines with their name key computed once.
    "training_result_key": f"""
        SELECT doc_id, task_item_id, {NAME_KEY.format(x='group_name')} AS gk, kind, fiscal_year, courses, trainees,
               as_of, agency, division, category
        FROM training_result WHERE task_item_id IS NOT NULL""",
    # 추진 목표 rows with their name key and their row order.
    "training_target_key": f"""
        SELECT *, {NAME_KEY.format(x='target_name')} AS gk, rowid AS ord FROM training_target""",
    # queries.quarterly_tasks: the budget rows of items that have a quarterly plan in the summary table.
    "budget_planned": f"""
        SELECT b.*, b.rowid AS rid FROM budget_line b
        WHERE EXISTS (SELECT 1 FROM quarterly_execution q WHERE q.doc_id = b.doc_id AND q.item_id = b.item_id
                      AND q.source_section = '{SUMMARY_SECTION}')
        ORDER BY b.rowid""",
    # queries.training_by_task: number and name of each 과제 that training targets name, from the summary
    # table where the 과제 is there (002), else from whichever budget table lists it (000's 과제별 예산 내역).
    "training_task_name": f"""
        SELECT b.doc_id, b.item_id, arg_min(b.task_no, b.source_section <> '{SUMMARY_SECTION}') AS task_no,
               arg_min(b.name, b.source_section <> '{SUMMARY_SECTION}') AS name
        FROM budget_line b
        WHERE EXISTS (SELECT 1 FROM training_target t WHERE t.doc_id = b.doc_id AND t.task_item_id = b.item_id)
        GROUP BY b.doc_id, b.item_id ORDER BY b.doc_id, b.item_id""",
    # insights.execution_watch, the part that does not depend on the filter: leaf items with an execution
    # figure and a budget, with their parent's section (for the link to the parent's table). "Has no child"
    # looks in the distinct (document, parent) pairs: the same answer as over every row, and the lookup
    # table is ten times smaller at scale.
    "budget_watch_line": """
        SELECT b.doc_id, b.item_id, b.name, b.division, b.source_section, b.page, b.as_of, b.fiscal_year,
               coalesce(b.budget_current, b.budget_original) AS budget, b.committed, b.parent_item_id,
               (SELECT any_value(p.source_section) FROM budget_line p
                 WHERE p.doc_id = b.doc_id AND p.item_id = b.parent_item_id) AS parent_section,
               b.agency, b.rowid AS ord
        FROM budget_line b
        WHERE NOT b.is_total AND b.committed IS NOT NULL AND b.as_of IS NOT NULL AND b.counterpart_item_id IS NULL
          AND coalesce(b.budget_current, b.budget_original, 0) > 0
          AND NOT EXISTS (SELECT 1 FROM (SELECT DISTINCT doc_id, parent_item_id FROM budget_line) c
                          WHERE c.doc_id = b.doc_id AND c.parent_item_id = b.item_id)
        ORDER BY b.rowid""",
    # insights.execution_watch, quarterly plans: per budget row (and as-of date) its 4th-quarter and executed sums.
    # A budget row is one (doc_id, source_section, item_id, fiscal_year), all in the grouping, so adding
    # agency to it changes no group and a filter on the row's columns can be applied afterwards.
    "quarterly_watch": f"""
        SELECT b.doc_id, b.item_id, b.name, b.division, b.source_section, b.page, q.as_of, b.fiscal_year,
               b.budget_original AS budget, b.agency,
               sum(q.amount) FILTER (WHERE q.quarter = 4) AS q4,
               sum(q.amount) FILTER (WHERE q.status = '집행') AS actual
        FROM budget_line b JOIN quarterly_execution q ON q.doc_id = b.doc_id AND q.item_id = b.item_id
             AND q.fiscal_year = b.fiscal_year AND q.source_section = '{SUMMARY_SECTION}'
        WHERE NOT b.is_total AND coalesce(b.budget_original, 0) > 0
        GROUP BY ALL ORDER BY b.fiscal_year, b.item_id""",
    # The sources page's row counts per table and document: a scan of every table, independent of the filter.
    "table_row_count": """
        SELECT tbl AS 표, doc_id AS 문서, count(*) AS 행수, min(as_of) AS 기준일_최초, max(as_of) AS 기준일,
               string_agg(DISTINCT unit, ', ') AS 단위
        FROM (
            SELECT 'budget_line' tbl, doc_id, as_of, unit FROM budget_line
            UNION ALL SELECT 'quarterly_execution', doc_id, as_of, unit FROM quarterly_execution
            UNION ALL SELECT 'training_target', doc_id, as_of, unit FROM training_target
            UNION ALL SELECT 'training_result', doc_id, as_of, unit FROM training_result
            UNION ALL SELECT 'training_overview', doc_id, as_of, unit FROM training_overview
            UNION ALL SELECT 'indicator', doc_id, as_of, unit FROM indicator
            UNION ALL SELECT 'headcount', doc_id, as_of, unit FROM headcount
            UNION ALL SELECT 'org_unit', doc_id, NULL, NULL FROM org_unit
            UNION ALL SELECT 'call_center_daily', doc_id, call_date, '호' FROM call_center_daily)
        GROUP BY ALL""",
}


def create_all(con) -> None:
    """Materialise every derived table (called by core.pipeline.build on the new file)."""
    for name, sql in DERIVED.items():
        con.execute(f"CREATE TABLE {name} AS {sql}")
