-- seg sql --dialect sqlite --shape counts: tests/sql/measures_sqlite.seg, today 2026-11-23
-- a segment's members are the rows where its column is true (not false, not NULL)
-- require email_opt_in is true
WITH flags AS (
  SELECT
    -- segment young = age < 30
    (("email_opt_in" IS TRUE) AND ("age" < 30)) AS "young",
    -- segment nordic = country in ("SE", "NO", "DK", "FI")
    (("email_opt_in" IS TRUE) AND (lower("country") IN ('se', 'no', 'dk', 'fi'))) AS "nordic",
    -- segment lapsed = last_purchase more than 180 days ago
    (("email_opt_in" IS TRUE) AND ("last_purchase" < '2026-05-27')) AS "lapsed",
    -- segment nobody = age > 500
    (("email_opt_in" IS TRUE) AND ("age" > 500)) AS "nobody",
    "total_spend" AS "seg$a0",
    "total_spend" AS "seg$a1",
    "total_spend" AS "seg$a2",
    "city" AS "seg$a3",
    "signup_date" AS "seg$a4",
    "last_purchase" AS "seg$a5",
    "age" AS "seg$a6",
    1 AS "seg$a7",
    CASE WHEN (lower("country") = 'se') THEN "total_spend" END AS "seg$a8",
    CASE WHEN (lower("loyalty_tier") = 'gold') THEN 1 END AS "seg$a9",
    1 AS "seg$a10",
    CASE WHEN ("total_spend" > 1000) THEN "purchases_90d" END AS "seg$a11",
    "purchases_90d" AS "seg$a12"
  FROM "customers"
)
SELECT segment, customers, "seg$m0" AS "revenue", "seg$m1" AS "avg_spend", "seg$m2" AS "expected", "seg$m3" AS "cities", "seg$m4" AS "first_signup", "seg$m5" AS "last_buy", "seg$m6" AS "n_age", "seg$m7" AS "n", "seg$m8" AS "se_rev", "seg$m9" AS "gold_share", "seg$m10" AS "max_p", "seg$m11" AS "segment" FROM (
  SELECT 1 AS n, 'young' AS segment, COUNT(*) AS customers, SUM("seg$a0") AS "seg$m0", AVG("seg$a1") AS "seg$m1", (SUM("seg$a2") * 0.12) AS "seg$m2", COUNT(DISTINCT "seg$a3") AS "seg$m3", MIN("seg$a4") AS "seg$m4", MAX("seg$a5") AS "seg$m5", COUNT("seg$a6") AS "seg$m6", COUNT(*) AS "seg$m7", SUM("seg$a8") AS "seg$m8", (CAST(COUNT("seg$a9") AS REAL) / NULLIF(COUNT(*), 0)) AS "seg$m9", MAX("seg$a11") AS "seg$m10", SUM("seg$a12") AS "seg$m11" FROM flags WHERE "young"
  UNION ALL
  SELECT 2 AS n, 'nordic' AS segment, COUNT(*) AS customers, SUM("seg$a0") AS "seg$m0", AVG("seg$a1") AS "seg$m1", (SUM("seg$a2") * 0.12) AS "seg$m2", COUNT(DISTINCT "seg$a3") AS "seg$m3", MIN("seg$a4") AS "seg$m4", MAX("seg$a5") AS "seg$m5", COUNT("seg$a6") AS "seg$m6", COUNT(*) AS "seg$m7", SUM("seg$a8") AS "seg$m8", (CAST(COUNT("seg$a9") AS REAL) / NULLIF(COUNT(*), 0)) AS "seg$m9", MAX("seg$a11") AS "seg$m10", SUM("seg$a12") AS "seg$m11" FROM flags WHERE "nordic"
  UNION ALL
  SELECT 3 AS n, 'lapsed' AS segment, COUNT(*) AS customers, SUM("seg$a0") AS "seg$m0", AVG("seg$a1") AS "seg$m1", (SUM("seg$a2") * 0.12) AS "seg$m2", COUNT(DISTINCT "seg$a3") AS "seg$m3", MIN("seg$a4") AS "seg$m4", MAX("seg$a5") AS "seg$m5", COUNT("seg$a6") AS "seg$m6", COUNT(*) AS "seg$m7", SUM("seg$a8") AS "seg$m8", (CAST(COUNT("seg$a9") AS REAL) / NULLIF(COUNT(*), 0)) AS "seg$m9", MAX("seg$a11") AS "seg$m10", SUM("seg$a12") AS "seg$m11" FROM flags WHERE "lapsed"
  UNION ALL
  SELECT 4 AS n, 'nobody' AS segment, COUNT(*) AS customers, SUM("seg$a0") AS "seg$m0", AVG("seg$a1") AS "seg$m1", (SUM("seg$a2") * 0.12) AS "seg$m2", COUNT(DISTINCT "seg$a3") AS "seg$m3", MIN("seg$a4") AS "seg$m4", MAX("seg$a5") AS "seg$m5", COUNT("seg$a6") AS "seg$m6", COUNT(*) AS "seg$m7", SUM("seg$a8") AS "seg$m8", (CAST(COUNT("seg$a9") AS REAL) / NULLIF(COUNT(*), 0)) AS "seg$m9", MAX("seg$a11") AS "seg$m10", SUM("seg$a12") AS "seg$m11" FROM flags WHERE "nobody"
) AS per_segment
ORDER BY per_segment.n;
