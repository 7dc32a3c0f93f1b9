-- measure: revenue
SUM(total_spend)
-- measure: avg_spend
AVG(total_spend)
-- measure: med_age
median:age
-- measure: n
COUNT(*)
