-- Every 기관·부서 pair the documents name (the org charts of org_unit included), and whether any data row is
-- its own: the filter lists the org chart's units too but marks those without data.
WITH raw AS (
    SELECT agency, division, false AS from_data FROM org_unit
    UNION SELECT agency, division, true FROM budget_line
    UNION SELECT agency, division, true FROM training_target
    UNION SELECT agency, division, true FROM training_result
    UNION SELECT agency, division, true FROM indicator
    UNION SELECT agency, division, true FROM call_center_daily
)
SELECT agency, trim(d.division) AS division, bool_or(from_data) AS has_data
FROM raw, unnest(string_split(coalesce(raw.division, ''), ';')) AS d(division)
WHERE agency IS NOT NULL AND trim(d.division) <> ''
GROUP BY ALL
ORDER BY agency, division
