-- 추진 목표 rows with their name key and their row order.
SELECT *, name_key(target_name) AS gk, rowid AS ord FROM training_target
