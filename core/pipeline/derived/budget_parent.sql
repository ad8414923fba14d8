-- Every (document, item) that has a child row: answers "has sub-items" without scanning budget_line.
SELECT DISTINCT doc_id, parent_item_id AS item_id FROM budget_line WHERE parent_item_id IS NOT NULL
ORDER BY doc_id, item_id
