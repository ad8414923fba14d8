-- The sources page's row counts per table and document: a scan of every table, independent of the filter.
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
GROUP BY ALL
