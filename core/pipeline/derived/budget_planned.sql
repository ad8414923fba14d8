-- queries.quarterly_tasks: the budget rows of items that have a quarterly plan in the summary table.
SELECT b.*, b.rowid AS rid FROM budget_line b
WHERE EXISTS (SELECT 1 FROM quarterly_execution q WHERE q.doc_id = b.doc_id AND q.item_id = b.item_id
              AND q.source_section = getvariable('summary_section'))
ORDER BY b.rowid
