-- 추진 목표 rows with their name key and their row order.
SELECT *, regexp_replace(regexp_replace(coalesce(target_name, ''), '\([^)]*\)', '', 'g'), '[^0-9A-Za-z가-힣]', '', 'g') AS gk, rowid AS ord FROM training_target
