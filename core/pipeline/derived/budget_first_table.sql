-- Each document's first top-level table (the one the overview counts).
SELECT doc_id, arg_min(source_section, rowid) AS section FROM budget_line
WHERE parent_item_id IS NULL AND NOT is_total GROUP BY doc_id
