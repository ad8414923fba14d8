-- insights.execution_watch, the part that does not depend on the filter: leaf items with an execution
-- figure and a budget, with their parent's section and name (the task an alert on a sub-item belongs to). "Has no child"
-- looks in the distinct (document, parent) pairs: the same answer as over every row, and the lookup
-- table is ten times smaller at scale.
SELECT b.doc_id, b.item_id, b.name, b.division, b.source_section, b.page, b.as_of, b.fiscal_year,
       coalesce(b.budget_current, b.budget_original) AS budget, b.committed, b.parent_item_id,
       (SELECT any_value(p.source_section) FROM budget_line p
         WHERE p.doc_id = b.doc_id AND p.item_id = b.parent_item_id) AS parent_section,
       (SELECT arg_min(p.name, p.rowid) FROM budget_line p
         WHERE p.doc_id = b.doc_id AND p.item_id = b.parent_item_id) AS parent_name,
       b.agency, b.rowid AS ord
FROM budget_line b
WHERE NOT b.is_total AND b.committed IS NOT NULL AND b.as_of IS NOT NULL AND b.counterpart_item_id IS NULL
  AND coalesce(b.budget_current, b.budget_original, 0) > 0
  AND NOT EXISTS (SELECT 1 FROM (SELECT DISTINCT doc_id, parent_item_id FROM budget_line) c
                  WHERE c.doc_id = b.doc_id AND c.parent_item_id = b.item_id)
ORDER BY b.rowid
