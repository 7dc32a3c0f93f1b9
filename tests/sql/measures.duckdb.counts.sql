-- seg sql --dialect duckdb --shape counts: tests/sql/measures.seg, today 2026-11-23
-- a segment's members are the rows where its column is true (not false, not NULL)
-- require email_opt_in is true
WITH flags AS (
  SELECT
    -- segment young = age < 30
    (("email_opt_in" IS TRUE) AND ("age" < 30)) AS "young",
    -- segment nordic = country in ("SE", "NO", "DK", "FI")
    (("email_opt_in" IS TRUE) AND (lower("country") IN ('se', 'no', 'dk', 'fi'))) AS "nordic",
    -- segment lapsed = last_purchase more than 180 days ago
    (("email_opt_in" IS TRUE) AND ("last_purchase" < DATE '2026-05-27')) AS "lapsed",
    -- segment nobody = age > 500
    (("email_opt_in" IS TRUE) AND ("age" > 500)) AS "nobody",
    "total_spend" AS "seg$a0",
    "total_spend" AS "seg$a1",
    "total_spend" AS "seg$a2",
    "age" AS "seg$a3",
    "total_spend" AS "seg$a4",
    "city" AS "seg$a5",
    "signup_date" AS "seg$a6",
    "last_purchase" AS "seg$a7",
    "age" AS "seg$a8",
    1 AS "seg$a9",
    CASE WHEN (lower("country") = 'se') THEN "total_spend" END AS "seg$a10",
    CASE WHEN (lower("loyalty_tier") = 'gold') THEN 1 END AS "seg$a11",
    1 AS "seg$a12",
    CASE WHEN ("total_spend" > 1000) THEN "purchases_90d" END AS "seg$a13",
    "purchases_90d" AS "seg$a14"
  FROM "customers"
)
SELECT segment, customers, "seg$m0" AS "revenue", "seg$m1" AS "avg_spend", "seg$m2" AS "expected", "seg$m3" AS "med_age", "seg$m4" AS "p90", "seg$m5" AS "cities", "seg$m6" AS "first_signup", "seg$m7" AS "last_buy", "seg$m8" AS "n_age", "seg$m9" AS "n", "seg$m10" AS "se_rev", "seg$m11" AS "gold_share", "seg$m12" AS "max_p", "seg$m13" AS "segment" FROM (
  SELECT 1 AS n, 'young' AS segment, COUNT(*) AS customers, SUM("seg$a0") AS "seg$m0", AVG("seg$a1") AS "seg$m1", (SUM("seg$a2") * 0.12) AS "seg$m2", quantile_cont("seg$a3", 0.5) AS "seg$m3", quantile_cont("seg$a4", 0.9) AS "seg$m4", COUNT(DISTINCT "seg$a5") AS "seg$m5", MIN("seg$a6") AS "seg$m6", MAX("seg$a7") AS "seg$m7", COUNT("seg$a8") AS "seg$m8", COUNT(*) AS "seg$m9", SUM("seg$a10") AS "seg$m10", (CAST(COUNT("seg$a11") AS DOUBLE) / NULLIF(COUNT(*), 0)) AS "seg$m11", MAX("seg$a13") AS "seg$m12", SUM("seg$a14") AS "seg$m13" FROM flags WHERE "young"
  UNION ALL
  SELECT 2 AS n, 'nordic' AS segment, COUNT(*) AS customers, SUM("seg$a0") AS "seg$m0", AVG("seg$a1") AS "seg$m1", (SUM("seg$a2") * 0.12) AS "seg$m2", quantile_cont("seg$a3", 0.5) AS "seg$m3", quantile_cont("seg$a4", 0.9) AS "seg$m4", COUNT(DISTINCT "seg$a5") AS "seg$m5", MIN("seg$a6") AS "seg$m6", MAX("seg$a7") AS "seg$m7", COUNT("seg$a8") AS "seg$m8", COUNT(*) AS "seg$m9", SUM("seg$a10") AS "seg$m10", (CAST(COUNT("seg$a11") AS DOUBLE) / NULLIF(COUNT(*), 0)) AS "seg$m11", MAX("seg$a13") AS "seg$m12", SUM("seg$a14") AS "seg$m13" FROM flags WHERE "nordic"
  UNION ALL
  SELECT 3 AS n, 'lapsed' AS segment, COUNT(*) AS customers, SUM("seg$a0") AS "seg$m0", AVG("seg$a1") AS "seg$m1", (SUM("seg$a2") * 0.12) AS "seg$m2", quantile_cont("seg$a3", 0.5) AS "seg$m3", quantile_cont("seg$a4", 0.9) AS "seg$m4", COUNT(DISTINCT "seg$a5") AS "seg$m5", MIN("seg$a6") AS "seg$m6", MAX("seg$a7") AS "seg$m7", COUNT("seg$a8") AS "seg$m8", COUNT(*) AS "seg$m9", SUM("seg$a10") AS "seg$m10", (CAST(COUNT("seg$a11") AS DOUBLE) / NULLIF(COUNT(*), 0)) AS "seg$m11", MAX("seg$a13") AS "seg$m12", SUM("seg$a14") AS "seg$m13" FROM flags WHERE "lapsed"
  UNION ALL
  SELECT 4 AS n, 'nobody' AS segment, COUNT(*) AS customers, SUM("seg$a0") AS "seg$m0", AVG("seg$a1") AS "seg$m1", (SUM("seg$a2") * 0.12) AS "seg$m2", quantile_cont("seg$a3", 0.5) AS "seg$m3", quantile_cont("seg$a4", 0.9) AS "seg$m4", COUNT(DISTINCT "seg$a5") AS "seg$m5", MIN("seg$a6") AS "seg$m6", MAX("seg$a7") AS "seg$m7", COUNT("seg$a8") AS "seg$m8", COUNT(*) AS "seg$m9", SUM("seg$a10") AS "seg$m10", (CAST(COUNT("seg$a11") AS DOUBLE) / NULLIF(COUNT(*), 0)) AS "seg$m11", MAX("seg$a13") AS "seg$m12", SUM("seg$a14") AS "seg$m13" FROM flags WHERE "nobody"
) AS per_segment
ORDER BY per_segment.n;
