-- 계획·실적 lines with their name key computed once.
SELECT doc_id, task_item_id, name_key(group_name) AS gk, kind, fiscal_year, courses, trainees,
       as_of, agency, division, category
FROM training_result WHERE task_item_id IS NOT NULL
