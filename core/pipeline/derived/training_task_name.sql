-- queries.training_by_task: number and name of each 과제 that training targets name, from the summary
-- table where the 과제 is there (002), else from whichever budget table lists it (000's 과제별 예산 내역).
SELECT b.doc_id, b.item_id, arg_min(b.task_no, b.source_section <> getvariable('summary_section')) AS task_no,
       arg_min(b.name, b.source_section <> getvariable('summary_section')) AS name
FROM budget_line b
WHERE EXISTS (SELECT 1 FROM training_target t WHERE t.doc_id = b.doc_id AND t.task_item_id = b.item_id)
GROUP BY b.doc_id, b.item_id ORDER BY b.doc_id, b.item_id
