-- bench/ranks.duckdb.sql -- bench/ranks.seg by hand for DuckDB, to the
-- definitions of docs/language.md: over the present values (N), L = the
-- values strictly below (rank() - 1), G = those strictly above; ntile_k =
-- 1 + k * L // N; `top p%` is 100 * G < p * N. Missing values: NULL, in
-- no ranking.
WITH r AS (
  SELECT
    CASE WHEN total_spend IS NOT NULL THEN rank() OVER (PARTITION BY total_spend IS NULL ORDER BY total_spend) - 1 END AS s_l,
    CASE WHEN total_spend IS NOT NULL THEN rank() OVER (PARTITION BY total_spend IS NULL ORDER BY total_spend DESC) - 1 END AS s_g,
    count(total_spend) OVER () AS s_n,
    CASE WHEN last_purchase IS NOT NULL THEN rank() OVER (PARTITION BY last_purchase IS NULL ORDER BY last_purchase) - 1 END AS d_l,
    count(last_purchase) OVER () AS d_n,
    CASE WHEN purchases_90d IS NOT NULL THEN rank() OVER (PARTITION BY purchases_90d IS NULL ORDER BY purchases_90d) - 1 END AS f_l,
    count(purchases_90d) OVER () AS f_n
  FROM customers
)
SELECT
  count(*) FILTER (WHERE 100 * s_g < 10 * s_n),
  count(*) FILTER (WHERE 1 + (5 * s_l) // s_n = 5),
  count(*) FILTER (WHERE 1 + (5 * d_l) // d_n = 1),
  count(*) FILTER (WHERE (1 + (5 * d_l) // d_n) * 100 + (1 + (5 * f_l) // f_n) * 10 + (1 + (5 * s_l) // s_n) = 555)
FROM r;
