-- Written by hand for SQLite from docs/language.md (see customers.sql).
-- prelude
CREATE TABLE r AS SELECT c.*,
  CASE WHEN k IS NOT NULL THEN RANK() OVER (PARTITION BY k IS NULL ORDER BY k) - 1 END AS k_l,
  CASE WHEN k IS NOT NULL THEN RANK() OVER (PARTITION BY k IS NULL ORDER BY k DESC) - 1 END AS k_g,
  COUNT(k) OVER () AS k_n,
  CASE WHEN v IS NOT NULL THEN RANK() OVER (PARTITION BY v IS NULL ORDER BY v) - 1 END AS v_l,
  CASE WHEN v IS NOT NULL THEN RANK() OVER (PARTITION BY v IS NULL ORDER BY v DESC) - 1 END AS v_g,
  COUNT(v) OVER () AS v_n,
  CASE WHEN d IS NOT NULL THEN RANK() OVER (PARTITION BY d IS NULL ORDER BY d) - 1 END AS d_l,
  CASE WHEN d IS NOT NULL THEN RANK() OVER (PARTITION BY d IS NULL ORDER BY d DESC) - 1 END AS d_g,
  COUNT(d) OVER () AS d_n,
  CASE WHEN k + v IS NOT NULL THEN RANK() OVER (PARTITION BY k + v IS NULL ORDER BY k + v) - 1 END AS s_l,
  COUNT(k + v) OVER () AS s_n,
  CASE WHEN g = 'a' AND v IS NOT NULL THEN RANK() OVER (PARTITION BY g = 'a' AND v IS NOT NULL ORDER BY v DESC) - 1 END AS gv_g,
  SUM(g = 'a' AND v IS NOT NULL) OVER () AS gv_n,
  CASE WHEN g = 'a' AND k IS NOT NULL THEN RANK() OVER (PARTITION BY g = 'a' AND k IS NOT NULL ORDER BY k) - 1 END AS gk_l,
  SUM(g = 'a' AND k IS NOT NULL) OVER () AS gk_n,
  CASE WHEN e IS NOT NULL THEN RANK() OVER (PARTITION BY e IS NULL ORDER BY e DESC) - 1 END AS e_g,
  CASE WHEN e IS NOT NULL THEN RANK() OVER (PARTITION BY e IS NULL ORDER BY e) - 1 END AS e_l,
  COUNT(e) OVER () AS e_n
FROM c;
-- segment: k_top10
100 * k_g < 10 * k_n
-- segment: k_top1
100 * k_g < 1 * k_n
-- segment: k_bot33
1000000 * k_l < 333333 * k_n
-- segment: k_q1
1 + 5 * k_l / k_n = 1
-- segment: k_q5
1 + 5 * k_l / k_n = 5
-- segment: k_d
1 + 10 * k_l / k_n IN (2, 4, 7)
-- segment: v_top10
100 * v_g < 10 * v_n
-- segment: v_top50
100 * v_g < 50 * v_n
-- segment: v_bot1
100 * v_l < 1 * v_n
-- segment: v_p99
1 + 100 * v_l / v_n >= 99
-- segment: v_q
1 + 5 * v_l / v_n = 3
-- segment: d_q5
1 + 5 * d_l / d_n = 5
-- segment: d_top
1000 * d_g < 25 * d_n
-- segment: neg_q
1 + 5 * v_g / v_n = 5
-- segment: sum_q
1 + 5 * s_l / s_n = 4
-- segment: miss_q
k IS NULL
-- segment: grp
g = 'a'
-- segment: grp_top
100 * gv_g < 20 * gv_n
-- segment: grp_q
1 + 5 * gk_l / gk_n = 1
-- segment: none_top
100 * e_g < 10 * e_n
-- segment: none_q
1 + 5 * e_l / e_n = 1
