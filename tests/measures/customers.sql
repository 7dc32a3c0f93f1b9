-- measure: revenue
SUM(total_spend)
-- measure: avg_spend
AVG(total_spend)
-- measure: expected
SUM(total_spend) * 0.12
-- measure: opt_in
AVG(CASE email_opt_in WHEN 'true' THEN 1.0 WHEN 'false' THEN 0.0 END)
-- measure: med_age
median:age
-- measure: p90
percentile:total_spend:0.9
-- measure: cities
COUNT(DISTINCT city)
-- measure: first_signup
MIN(signup_date)
-- measure: last_buy
MAX(last_purchase)
-- measure: n_age
COUNT(age)
-- measure: n
COUNT(*)
-- measure: se_rev
SUM(total_spend) FILTER (WHERE country = 'SE')
-- measure: gold_share
CAST(COUNT(*) FILTER (WHERE loyalty_tier = 'gold') AS REAL) / NULLIF(COUNT(*), 0)
-- measure: max_p
MAX(purchases_90d) FILTER (WHERE email_opt_in = 'true')
-- measure: purchases
SUM(purchases_90d)
