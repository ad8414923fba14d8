-- The years each 기관 has budget, training or call-center data for: the year filter narrows to the chosen 기관'.
SELECT DISTINCT agency, fiscal_year AS year
FROM (
    SELECT agency, fiscal_year FROM budget_line
    UNION SELECT agency, fiscal_year FROM training_target
    UNION SELECT agency, fiscal_year FROM training_result
    UNION SELECT DISTINCT agency, year(call_date) FROM call_center_daily
)
WHERE agency IS NOT NULL AND fiscal_year IS NOT NULL
ORDER BY agency, year
