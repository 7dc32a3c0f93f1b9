-- seg sql --dialect sqlite --shape counts: examples/nordic_q4.seg, today 2026-11-23
-- a segment's members are the rows where its column is true (not false, not NULL)
WITH flags AS (
  SELECT
    -- segment young_buyers "25-40 year olds who bought more than 3 times in 90 days" =
    --     age 25..40 and purchases_90d > 3
    (("age" >= 25 AND "age" <= 40) AND ("purchases_90d" > 3)) AS "young_buyers",
    -- let big_spender = 10_000  # lifetime spend that makes a VIP
    -- segment nordic_vip "Top spenders in the Nordics" =
    --     country in ("SE", "NO", "DK", "FI")
    --     and total_spend >= big_spender
    --     and last_purchase within 180 days
    (((lower("country") IN ('se', 'no', 'dk', 'fi')) AND ("total_spend" >= 10000)) AND ("last_purchase" >= '2026-05-27' AND "last_purchase" <= '2026-11-23')) AS "nordic_vip",
    -- let big_spender = 10_000  # lifetime spend that makes a VIP
    -- segment lapsing_vip = nordic_vip and last_purchase more than 90 days ago
    (((((lower("country") IN ('se', 'no', 'dk', 'fi')) AND ("total_spend" >= 10000)) AND ("last_purchase" >= '2026-05-27' AND "last_purchase" <= '2026-11-23'))) AND ("last_purchase" < '2026-08-25')) AS "lapsing_vip",
    -- segment gmail_newsletter =
    --     email_opt_in and email ends with "@gmail.com" and email is not missing
    (("email_opt_in" AND (lower("email") LIKE '%@gmail.com' ESCAPE '\')) AND ("email" IS NOT NULL)) AS "gmail_newsletter",
    -- segment new_in_2026 "Joined this year, in Sweden or Norway" =
    --     year(signup_date) = 2026 and country in ("se", "no")
    ((CAST(strftime('%Y', "signup_date") AS INTEGER) = 2026) AND (lower("country") IN ('se', 'no'))) AS "new_in_2026",
    -- segment gold_unreachable "Gold and platinum members we cannot e-mail" =
    --     loyalty_tier in ("gold", "platinum")
    --     and (email is missing or not email_opt_in)
    ((lower("loyalty_tier") IN ('gold', 'platinum')) AND (("email" IS NULL) OR (NOT "email_opt_in"))) AS "gold_unreachable"
  FROM "customers"
)
SELECT segment, customers FROM (
  SELECT 1 AS n, 'young_buyers' AS segment, COUNT(*) AS customers FROM flags WHERE "young_buyers"
  UNION ALL
  SELECT 2 AS n, 'nordic_vip' AS segment, COUNT(*) AS customers FROM flags WHERE "nordic_vip"
  UNION ALL
  SELECT 3 AS n, 'lapsing_vip' AS segment, COUNT(*) AS customers FROM flags WHERE "lapsing_vip"
  UNION ALL
  SELECT 4 AS n, 'gmail_newsletter' AS segment, COUNT(*) AS customers FROM flags WHERE "gmail_newsletter"
  UNION ALL
  SELECT 5 AS n, 'new_in_2026' AS segment, COUNT(*) AS customers FROM flags WHERE "new_in_2026"
  UNION ALL
  SELECT 6 AS n, 'gold_unreachable' AS segment, COUNT(*) AS customers FROM flags WHERE "gold_unreachable"
) AS per_segment
ORDER BY per_segment.n;
