-- Every 기관·부서 pair that owns a row anywhere, so the filter lists only units with data.
WITH raw AS (
    SELECT agency, division FROM org_unit
    UNION SELECT agency, division FROM budget_line
    UNION SELECT agency, division FROM training_target
    UNION SELECT agency, division FROM training_result
    UNION SELECT agency, division FROM indicator
    UNION SELECT agency, division FROM call_center_daily
)
SELECT DISTINCT agency, trim(d.division) AS division
FROM raw, unnest(string_split(coalesce(raw.division, ''), ';')) AS d(division)
WHERE agency IS NOT NULL AND trim(d.division) <> ''
ORDER BY agency, division
