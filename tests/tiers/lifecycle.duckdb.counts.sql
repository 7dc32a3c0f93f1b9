-- seg sql --dialect duckdb --shape counts: tests/tiers/lifecycle.seg, today 2026-11-23
-- a segment's members are the rows where its column is true (not false, not NULL)
WITH flags AS (
  SELECT
    -- segment vip = total_spend > 5000
    ("total_spend" > 5000) AS "vip",
    -- segment lapsing_vip = total_spend > 2000 and last_purchase more than 90 days ago
    (("total_spend" > 2000) AND ("last_purchase" < DATE '2026-08-25')) AS "lapsing_vip",
    -- segment new_customers = signup_date within 180 days
    ("signup_date" >= DATE '2026-05-27' AND "signup_date" <= DATE '2026-11-23') AS "new_customers",
    -- segment nordic = country in ("SE", "NO", "DK", "FI")
    (lower("country") IN ('se', 'no', 'dk', 'fi')) AS "nordic",
    -- segment young = age < 30
    ("age" < 30) AS "young",
    -- priority lifecycle = vip, lapsing_vip, new_customers, else everyone_else
    CASE
      WHEN ("total_spend" > 5000) THEN 'vip'
      WHEN (("total_spend" > 2000) AND ("last_purchase" < DATE '2026-08-25')) THEN 'lapsing_vip'
      WHEN ("signup_date" >= DATE '2026-05-27' AND "signup_date" <= DATE '2026-11-23') THEN 'new_customers'
      ELSE 'everyone_else'
    END AS "lifecycle",
    -- priority reach = young, nordic, vip
    CASE
      WHEN ("age" < 30) THEN 'young'
      WHEN (lower("country") IN ('se', 'no', 'dk', 'fi')) THEN 'nordic'
      WHEN ("total_spend" > 5000) THEN 'vip'
    END AS "reach"
  FROM "customers"
)
SELECT segment, customers, priority FROM (
  SELECT 1 AS n, 'vip' AS segment, COUNT(*) AS customers, CAST(NULL AS VARCHAR) AS priority FROM flags WHERE "vip"
  UNION ALL
  SELECT 2 AS n, 'lapsing_vip' AS segment, COUNT(*) AS customers, CAST(NULL AS VARCHAR) AS priority FROM flags WHERE "lapsing_vip"
  UNION ALL
  SELECT 3 AS n, 'new_customers' AS segment, COUNT(*) AS customers, CAST(NULL AS VARCHAR) AS priority FROM flags WHERE "new_customers"
  UNION ALL
  SELECT 4 AS n, 'nordic' AS segment, COUNT(*) AS customers, CAST(NULL AS VARCHAR) AS priority FROM flags WHERE "nordic"
  UNION ALL
  SELECT 5 AS n, 'young' AS segment, COUNT(*) AS customers, CAST(NULL AS VARCHAR) AS priority FROM flags WHERE "young"
  UNION ALL
  SELECT 6 AS n, 'vip' AS segment, COUNT(*) AS customers, 'lifecycle' AS priority FROM flags WHERE "lifecycle" = 'vip'
  UNION ALL
  SELECT 7 AS n, 'lapsing_vip' AS segment, COUNT(*) AS customers, 'lifecycle' AS priority FROM flags WHERE "lifecycle" = 'lapsing_vip'
  UNION ALL
  SELECT 8 AS n, 'new_customers' AS segment, COUNT(*) AS customers, 'lifecycle' AS priority FROM flags WHERE "lifecycle" = 'new_customers'
  UNION ALL
  SELECT 9 AS n, 'everyone_else' AS segment, COUNT(*) AS customers, 'lifecycle' AS priority FROM flags WHERE "lifecycle" = 'everyone_else'
  UNION ALL
  SELECT 10 AS n, 'young' AS segment, COUNT(*) AS customers, 'reach' AS priority FROM flags WHERE "reach" = 'young'
  UNION ALL
  SELECT 11 AS n, 'nordic' AS segment, COUNT(*) AS customers, 'reach' AS priority FROM flags WHERE "reach" = 'nordic'
  UNION ALL
  SELECT 12 AS n, 'vip' AS segment, COUNT(*) AS customers, 'reach' AS priority FROM flags WHERE "reach" = 'vip'
) AS per_segment
ORDER BY per_segment.n;
