-- Call-center totals per agency, division, month, topic and channel, with the first and last day seen.
SELECT agency, division, date_trunc('month', call_date)::DATE AS month, topic, channel,
       sum(inbound) AS inbound,
       sum(answered) AS answered,
       sum(abandoned) AS abandoned,
       sum(answered_20s) AS answered_20s,
       sum(handle_seconds) AS handle_seconds,
       sum(resolved_direct) AS resolved_direct,
       sum(satisfaction_responses) AS satisfaction_responses,
       sum(satisfaction_sum) AS satisfaction_sum,
       bool_or(is_sample) AS is_sample, min(call_date) AS first_day, max(call_date) AS last_day
FROM call_center_daily GROUP BY ALL ORDER BY month, agency, division, topic, channel
