-- Each 부서 text as stored (NULL as '') with each of its ';'-separated parts, untrimmed: exactly the
-- parts string_split gives, so a lookup here matches what list_has_any(string_split(...)) matches.
SELECT DISTINCT raw, part
FROM (
    SELECT coalesce(division, '') AS raw FROM org_unit
    UNION SELECT coalesce(division, '') AS raw FROM budget_line
    UNION SELECT coalesce(division, '') AS raw FROM training_target
    UNION SELECT coalesce(division, '') AS raw FROM training_result
    UNION SELECT coalesce(division, '') AS raw FROM indicator
    UNION SELECT coalesce(division, '') AS raw FROM headcount
    UNION SELECT coalesce(division, '') AS raw FROM call_center_daily
) AS r, unnest(string_split(r.raw, ';')) AS p(part)
