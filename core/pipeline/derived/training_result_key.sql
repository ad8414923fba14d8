-- 계획·실적 lines with their name key computed once, and whether each one counts in a 과제's own total
-- (every line but one restating another line of the same 과제) and in a total across 과제 (only lines
-- printed once: a line repeated from another 과제 or bundling other 과제' lines is left out).
SELECT doc_id, task_item_id, name_key(group_name) AS gk, kind, fiscal_year, courses, trainees,
       as_of, agency, division, category,
       repeat IS DISTINCT FROM getvariable('repeat_in_task') AS in_task_total,
       repeat IS NULL AS in_cross_task_total
FROM training_result WHERE task_item_id IS NOT NULL
