-- bench/w2.duckdb.sql -- bench/w2.seg translated by hand to DuckDB SQL: the
-- 20 segments counted in one pass (one count(*) FILTER per segment, in
-- the order of w2.seg), today = 2026-11-23.  Table from
-- bench/duckdb_load.sql (typed: DATE, DECIMAL(9,2), BOOLEAN, NULL for
-- missing).
--   text =, in, starts with, ends with   lower() on the column (DuckDB's
--       lower() is Unicode-aware: 'Örebro' -> 'örebro'), literals written
--       lower-case; seg's case folding and lower() agree on this data
--   d within N days          d BETWEEN today - N AND today
--   d more than N years ago  d < today - INTERVAL N YEAR
--   d before today - N months  d < today - INTERVAL N MONTH (DuckDB clamps
--       to the month's end, as seg does)
--   missing                  NULL; SQL's three-valued logic is seg's
SELECT
  count(*) FILTER (WHERE age BETWEEN 25 AND 40),
  count(*) FILTER (WHERE purchases_90d BETWEEN 2 AND 5),
  count(*) FILTER (WHERE age IS NULL),
  count(*) FILTER (WHERE last_purchase IS NULL),
  count(*) FILTER (WHERE lower(country) IN ('se', 'no', 'dk', 'fi')),
  count(*) FILTER (WHERE ends_with(lower(email), '@gmail.com')),
  count(*) FILTER (WHERE ends_with(lower(email), '.no')),
  count(*) FILTER (WHERE starts_with(lower(city), 'norr')),
  count(*) FILTER (WHERE starts_with(lower(city), 'ö')),
  count(*) FILTER (WHERE lower(city) IN ('stockholm', 'göteborg', 'malmö', 'oslo', 'københavn', 'helsinki')),
  count(*) FILTER (WHERE last_purchase BETWEEN DATE '2026-11-23' - 90 AND DATE '2026-11-23'),
  count(*) FILTER (WHERE signup_date < DATE '2026-11-23' - INTERVAL 3 YEAR),
  count(*) FILTER (WHERE last_purchase < DATE '2026-11-23' - INTERVAL 6 MONTH),
  count(*) FILTER (WHERE email_opt_in),
  count(*) FILTER (WHERE NOT email_opt_in),
  count(*) FILTER (WHERE total_spend BETWEEN 1000.00 AND 4999.99),
  count(*) FILTER (WHERE total_spend >= 10000.50),
  count(*) FILTER (WHERE lower(loyalty_tier) IN ('gold', 'platinum') AND email IS NOT NULL),
  count(*) FILTER (WHERE age BETWEEN 18 AND 30 AND lower(gender) = 'f' AND purchases_90d > 0),
  count(*) FILTER (WHERE lower(country) IN ('se', 'no')
                     AND (lower(loyalty_tier) = 'gold' OR total_spend > 5000)
                     AND email_opt_in)
FROM customers;
