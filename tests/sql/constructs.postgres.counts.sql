-- seg sql --dialect postgres --shape counts: tests/sql/constructs.seg, today 2026-11-23
-- a segment's members are the rows where its column is true (not false, not NULL)
WITH flags AS (
  SELECT
    -- segment ints = age 25..40 and purchases_90d > 3 and age not in (30, 31)
    ((("age" >= 25 AND "age" <= 40) AND ("purchases_90d" > 3)) AND ("age" NOT IN (30, 31))) AS "ints",
    -- let floor = 1000
    -- segment nums = total_spend >= floor and total_spend < 2500.75
    (("total_spend" >= 1000) AND ("total_spend" < 2500.75)) AS "nums",
    -- segment division = total_spend / purchases_90d > 500
    ((CAST("total_spend" AS DOUBLE PRECISION) / NULLIF("purchases_90d", 0)) > 500) AS "division",
    -- segment arithmetic = (age + purchases_90d) * 2 > 100 and -age < -60 and abs(age - 50) <= 3
    ((((("age" + "purchases_90d") * 2) > 100) AND ((-"age") < -60)) AND (abs(("age" - 50)) <= 3)) AS "arithmetic",
    -- let nordics = "SE"
    -- segment text_eq = country = nordics or lower(city) = "malmö" or upper(gender) = "F"
    (((lower("country") = 'se') OR (lower(lower("city")) = 'malmö')) OR (lower(upper("gender")) = 'f')) AS "text_eq",
    -- segment text_in = loyalty_tier in ("Gold", "PLATINUM") and country not in ("dk")
    ((lower("loyalty_tier") IN ('gold', 'platinum')) AND (lower("country") NOT IN ('dk'))) AS "text_in",
    -- segment text_order = first_name < "B" and city >= "S" or country "N".."S"
    (((lower("first_name") COLLATE "C" < 'b') AND (lower("city") COLLATE "C" >= 's')) OR (lower("country") COLLATE "C" >= 'n' AND lower("country") COLLATE "C" <= 's')) AS "text_order",
    -- segment text_ops = email contains "%_" or email starts with "anna" or email ends with ".se" or first_name not contains "a"
    ((((lower("email") LIKE '%\%\_%' ESCAPE '\') OR (lower("email") LIKE 'anna%' ESCAPE '\')) OR (lower("email") LIKE '%.se' ESCAPE '\')) OR (NOT (lower("first_name") LIKE '%a%' ESCAPE '\'))) AS "text_ops",
    -- segment lengths = length(first_name) > 6 and length(city) between 3 and 5
    ((char_length("first_name") > 6) AND (char_length("city") >= 3 AND char_length("city") <= 5)) AS "lengths",
    -- segment missing = email is missing or age is not missing and last_purchase is missing
    (("email" IS NULL) OR (("age" IS NOT NULL) AND ("last_purchase" IS NULL))) AS "missing",
    -- segment is_true = (age > 60) is true and (purchases_90d > 0) is not false
    ((("age" > 60) IS TRUE) AND (("purchases_90d" > 0) IS NOT FALSE)) AS "is_true",
    -- segment bools = email_opt_in and not (email_opt_in = false)
    ("email_opt_in" AND (NOT ("email_opt_in" = FALSE))) AS "bools",
    -- segment dates = last_purchase within 90 days or signup_date more than 3 years ago or signup_date less than 30 days ago
    ((("last_purchase" >= DATE '2026-08-25' AND "last_purchase" <= DATE '2026-11-23') OR ("signup_date" < DATE '2023-11-23')) OR ("signup_date" > DATE '2026-10-24')) AS "dates",
    -- segment date_edges = last_purchase >= today - 6 months and signup_date before 2024-01-01
    (("last_purchase" >= DATE '2026-05-23') AND ("signup_date" < DATE '2024-01-01')) AS "date_edges",
    -- segment date_math = days_since(last_purchase) > 100 and year(signup_date) = 2025 and month(signup_date) in (1, 2, 3)
    (((CAST((DATE '2026-11-23' - "last_purchase") AS BIGINT) > 100) AND (CAST(EXTRACT(YEAR FROM "signup_date") AS BIGINT) = 2025)) AND (CAST(EXTRACT(MONTH FROM "signup_date") AS BIGINT) IN (1, 2, 3))) AS "date_math",
    -- segment date_diff = last_purchase - signup_date > 365 and signup_date + 30 days < last_purchase
    ((CAST(("last_purchase" - "signup_date") AS BIGINT) > 365) AND (CAST(("signup_date" + INTERVAL '30 day') AS DATE) < "last_purchase")) AS "date_diff",
    -- segment coalesce_ = coalesce(age, 0) = 0
    (COALESCE("age", 0) = 0) AS "coalesce_",
    -- let nordics = "SE"
    -- segment refs = ints or (dates and not text_eq)
    ((((("age" >= 25 AND "age" <= 40) AND ("purchases_90d" > 3)) AND ("age" NOT IN (30, 31)))) OR ((((("last_purchase" >= DATE '2026-08-25' AND "last_purchase" <= DATE '2026-11-23') OR ("signup_date" < DATE '2023-11-23')) OR ("signup_date" > DATE '2026-10-24'))) AND (NOT ((((lower("country") = 'se') OR (lower(lower("city")) = 'malmö')) OR (lower(upper("gender")) = 'f')))))) AS "refs",
    -- segment lists = country in nordic_list or age not in young
    ((lower("country") IN ('se', 'no', 'dk')) OR ("age" NOT IN (25, 26, 27))) AS "lists",
    -- segment periods = signup_date in last year or last_purchase in this month or last_purchase not in last week
    ((("signup_date" >= DATE '2025-01-01' AND "signup_date" <= DATE '2025-12-31') OR ("last_purchase" >= DATE '2026-11-01' AND "last_purchase" <= DATE '2026-11-30')) OR (NOT ("last_purchase" >= DATE '2026-11-16' AND "last_purchase" <= DATE '2026-11-22'))) AS "periods",
    -- segment since_ = last_purchase since 01.09.2026 or signup_date = yesterday or signup_date in this year
    ((("last_purchase" >= DATE '2026-09-01') OR ("signup_date" = DATE '2026-11-22')) OR ("signup_date" >= DATE '2026-01-01' AND "signup_date" <= DATE '2026-12-31')) AS "since_"
  FROM "customers"
)
SELECT segment, customers FROM (
  SELECT 1 AS n, 'ints' AS segment, COUNT(*) AS customers FROM flags WHERE "ints"
  UNION ALL
  SELECT 2 AS n, 'nums' AS segment, COUNT(*) AS customers FROM flags WHERE "nums"
  UNION ALL
  SELECT 3 AS n, 'division' AS segment, COUNT(*) AS customers FROM flags WHERE "division"
  UNION ALL
  SELECT 4 AS n, 'arithmetic' AS segment, COUNT(*) AS customers FROM flags WHERE "arithmetic"
  UNION ALL
  SELECT 5 AS n, 'text_eq' AS segment, COUNT(*) AS customers FROM flags WHERE "text_eq"
  UNION ALL
  SELECT 6 AS n, 'text_in' AS segment, COUNT(*) AS customers FROM flags WHERE "text_in"
  UNION ALL
  SELECT 7 AS n, 'text_order' AS segment, COUNT(*) AS customers FROM flags WHERE "text_order"
  UNION ALL
  SELECT 8 AS n, 'text_ops' AS segment, COUNT(*) AS customers FROM flags WHERE "text_ops"
  UNION ALL
  SELECT 9 AS n, 'lengths' AS segment, COUNT(*) AS customers FROM flags WHERE "lengths"
  UNION ALL
  SELECT 10 AS n, 'missing' AS segment, COUNT(*) AS customers FROM flags WHERE "missing"
  UNION ALL
  SELECT 11 AS n, 'is_true' AS segment, COUNT(*) AS customers FROM flags WHERE "is_true"
  UNION ALL
  SELECT 12 AS n, 'bools' AS segment, COUNT(*) AS customers FROM flags WHERE "bools"
  UNION ALL
  SELECT 13 AS n, 'dates' AS segment, COUNT(*) AS customers FROM flags WHERE "dates"
  UNION ALL
  SELECT 14 AS n, 'date_edges' AS segment, COUNT(*) AS customers FROM flags WHERE "date_edges"
  UNION ALL
  SELECT 15 AS n, 'date_math' AS segment, COUNT(*) AS customers FROM flags WHERE "date_math"
  UNION ALL
  SELECT 16 AS n, 'date_diff' AS segment, COUNT(*) AS customers FROM flags WHERE "date_diff"
  UNION ALL
  SELECT 17 AS n, 'coalesce_' AS segment, COUNT(*) AS customers FROM flags WHERE "coalesce_"
  UNION ALL
  SELECT 18 AS n, 'refs' AS segment, COUNT(*) AS customers FROM flags WHERE "refs"
  UNION ALL
  SELECT 19 AS n, 'lists' AS segment, COUNT(*) AS customers FROM flags WHERE "lists"
  UNION ALL
  SELECT 20 AS n, 'periods' AS segment, COUNT(*) AS customers FROM flags WHERE "periods"
  UNION ALL
  SELECT 21 AS n, 'since_' AS segment, COUNT(*) AS customers FROM flags WHERE "since_"
) AS per_segment
ORDER BY per_segment.n;
