-- Call-center totals per agency, division and day (topics and channels summed), in date order.
SELECT agency, division, call_date,
       sum(inbound) AS inbound,
       sum(answered) AS answered,
       sum(abandoned) AS abandoned,
       sum(answered_20s) AS answered_20s,
       sum(handle_seconds) AS handle_seconds,
       sum(resolved_direct) AS resolved_direct,
       sum(satisfaction_responses) AS satisfaction_responses,
       sum(satisfaction_sum) AS satisfaction_sum, bool_or(is_sample) AS is_sample
FROM call_center_daily GROUP BY agency, division, call_date ORDER BY call_date, agency, division
