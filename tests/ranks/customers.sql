-- Written by hand from docs/language.md's definitions, for SQLite: over
-- the present values of x (N of them), L(x) = those strictly below x
-- = RANK() - 1 ascending, G(x) = those strictly above = RANK() - 1
-- descending; ntile_k = 1 + k * L / N (integer division); x in top p%
-- iff G < p * N / 100 (here 100 * G < p * N); bottom: L likewise.
-- Rows where x is missing get NULL, and so are in no segment.
-- prelude
CREATE TABLE r AS SELECT c.*,
  CASE WHEN total_spend IS NOT NULL THEN RANK() OVER (PARTITION BY total_spend IS NULL ORDER BY total_spend) - 1 END AS s_l,
  CASE WHEN total_spend IS NOT NULL THEN RANK() OVER (PARTITION BY total_spend IS NULL ORDER BY total_spend DESC) - 1 END AS s_g,
  COUNT(total_spend) OVER () AS s_n,
  CASE WHEN last_purchase IS NOT NULL THEN RANK() OVER (PARTITION BY last_purchase IS NULL ORDER BY last_purchase) - 1 END AS d_l,
  COUNT(last_purchase) OVER () AS d_n,
  CASE WHEN purchases_90d IS NOT NULL THEN RANK() OVER (PARTITION BY purchases_90d IS NULL ORDER BY purchases_90d) - 1 END AS f_l,
  COUNT(purchases_90d) OVER () AS f_n,
  CASE WHEN age IS NOT NULL THEN RANK() OVER (PARTITION BY age IS NULL ORDER BY age) - 1 END AS a_l,
  COUNT(age) OVER () AS a_n,
  CASE WHEN signup_date IS NOT NULL THEN RANK() OVER (PARTITION BY signup_date IS NULL ORDER BY signup_date) - 1 END AS u_l,
  COUNT(signup_date) OVER () AS u_n,
  CASE WHEN country IN ('SE', 'NO', 'DK', 'FI') AND total_spend IS NOT NULL
       THEN RANK() OVER (PARTITION BY country IN ('SE', 'NO', 'DK', 'FI') AND total_spend IS NOT NULL ORDER BY total_spend) - 1 END AS ns_l,
  CASE WHEN country IN ('SE', 'NO', 'DK', 'FI') AND total_spend IS NOT NULL
       THEN RANK() OVER (PARTITION BY country IN ('SE', 'NO', 'DK', 'FI') AND total_spend IS NOT NULL ORDER BY total_spend DESC) - 1 END AS ns_g,
  SUM(country IN ('SE', 'NO', 'DK', 'FI') AND total_spend IS NOT NULL) OVER () AS ns_n
FROM c;
-- segment: whales
100 * s_g < 10 * s_n
-- segment: top5
100 * s_g < 5 * s_n
-- segment: tiny_top
1000000 * s_g < 500 * s_n
-- segment: all_top
s_g IS NOT NULL
-- segment: minnows
1000 * s_l < 125 * s_n
-- segment: spend_q5
1 + 5 * s_l / s_n = 5
-- segment: spend_q1
1 + 5 * s_l / s_n = 1
-- segment: spend_q3
1 + 5 * s_l / s_n = 3
-- segment: recent_q5
1 + 5 * d_l / d_n = 5
-- segment: champions
1 + 5 * s_l / s_n = 5 AND 1 + 5 * d_l / d_n = 5
-- segment: freq_d10
1 + 10 * f_l / f_n = 10
-- segment: freq_d1
1 + 10 * f_l / f_n = 1
-- segment: age_p50
1 + 100 * a_l / a_n <= 50
-- segment: date_q2
1 + 5 * u_l / u_n = 2
-- segment: rfm_555
(1 + 5 * d_l / d_n) * 100 + (1 + 5 * f_l / f_n) * 10 + (1 + 5 * s_l / s_n) = 555
-- segment: rfm_low
(1 + 5 * d_l / d_n) * 100 + (1 + 5 * f_l / f_n) * 10 + (1 + 5 * s_l / s_n) IN (111, 112, 121, 211)
-- segment: rfm_days
(1 + 5 * d_l / d_n) * 100 + (1 + 5 * f_l / f_n) * 10 + (1 + 5 * s_l / s_n) = 555
-- segment: nordic
country IN ('SE', 'NO', 'DK', 'FI')
-- segment: nordic_whales
100 * ns_g < 10 * ns_n
-- segment: nordic_q5
1 + 5 * ns_l / ns_n = 5
-- segment: not_nordic_q
NOT (1 + 5 * ns_l / ns_n = 5)
-- segment: young_old
(1 + 5 * a_l / a_n) IN (1, 5) AND 100 * s_l < 50 * s_n
