-- seg sql --dialect postgres --shape members: tests/tiers/guarded.seg, today 2026-11-23
-- a segment's members are the rows where its column is true (not false, not NULL)
-- require email_opt_in is true
WITH flags AS (
  SELECT
    "customer_id",
    -- segment gold = loyalty_tier = "gold"
    (("email_opt_in" IS TRUE) AND (lower("loyalty_tier") = 'gold')) AS "gold",
    -- segment big = total_spend >= 3000
    (("email_opt_in" IS TRUE) AND ("total_spend" >= 3000)) AS "big",
    -- segment gold_recent = gold and last_purchase within 60 days
    (("email_opt_in" IS TRUE) AND (((lower("loyalty_tier") = 'gold')) AND ("last_purchase" >= DATE '2026-09-24' AND "last_purchase" <= DATE '2026-11-23'))) AS "gold_recent",
    -- segment active = purchases_90d > 0
    (("email_opt_in" IS TRUE) AND ("purchases_90d" > 0)) AS "active",
    -- priority loyalty = gold_recent, big, active, else dormant
    CASE
      WHEN (("email_opt_in" IS TRUE) AND (((lower("loyalty_tier") = 'gold')) AND ("last_purchase" >= DATE '2026-09-24' AND "last_purchase" <= DATE '2026-11-23'))) THEN 'gold_recent'
      WHEN (("email_opt_in" IS TRUE) AND ("total_spend" >= 3000)) THEN 'big'
      WHEN (("email_opt_in" IS TRUE) AND ("purchases_90d" > 0)) THEN 'active'
      WHEN ("email_opt_in" IS TRUE) THEN 'dormant'
    END AS "loyalty",
    -- priority metal = gold, big
    CASE
      WHEN (("email_opt_in" IS TRUE) AND (lower("loyalty_tier") = 'gold')) THEN 'gold'
      WHEN (("email_opt_in" IS TRUE) AND ("total_spend" >= 3000)) THEN 'big'
    END AS "metal"
  FROM "customers"
)
SELECT segment, key, "loyalty", "metal" FROM (
  SELECT 1 AS n, 'gold' AS segment, "customer_id" AS key, "loyalty", "metal" FROM flags WHERE "gold"
  UNION ALL
  SELECT 2 AS n, 'big' AS segment, "customer_id" AS key, "loyalty", "metal" FROM flags WHERE "big"
  UNION ALL
  SELECT 3 AS n, 'gold_recent' AS segment, "customer_id" AS key, "loyalty", "metal" FROM flags WHERE "gold_recent"
  UNION ALL
  SELECT 4 AS n, 'active' AS segment, "customer_id" AS key, "loyalty", "metal" FROM flags WHERE "active"
) AS per_segment
ORDER BY per_segment.n, key;
