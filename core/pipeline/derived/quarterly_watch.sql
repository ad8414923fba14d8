-- insights.execution_watch, quarterly plans: per budget row (and as-of date) its 4th-quarter and executed sums.
-- A budget row is one (doc_id, source_section, item_id, fiscal_year), all in the grouping, so adding
-- agency to it changes no group and a filter on the row's columns can be applied afterwards.
SELECT b.doc_id, b.item_id, b.name, b.division, b.source_section, b.page, q.as_of, b.fiscal_year,
       b.budget_original AS budget, b.agency,
       sum(q.amount) FILTER (WHERE q.quarter = 4) AS q4,
       sum(q.amount) FILTER (WHERE q.status = '집행') AS actual,
       -- quarters the task's table prints as executed: with none, the report gives no actual to judge pace by
       count(*) FILTER (WHERE q.status = '집행') AS actual_quarters
FROM budget_line b JOIN quarterly_execution q ON q.doc_id = b.doc_id AND q.item_id = b.item_id
     AND q.fiscal_year = b.fiscal_year AND q.source_section = getvariable('summary_section')
WHERE NOT b.is_total AND coalesce(b.budget_original, 0) > 0
GROUP BY ALL ORDER BY b.fiscal_year, b.item_id
