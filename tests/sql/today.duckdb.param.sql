-- seg sql --dialect duckdb --shape counts: tests/sql/today.seg, today the parameter $1 (a DATE)
-- a segment's members are the rows where its column is true (not false, not NULL)
WITH flags AS (
  SELECT
    -- segment a = last_purchase within 30 days
    ("last_purchase" >= CAST((CAST($1 AS DATE) + INTERVAL '-30 day') AS DATE) AND "last_purchase" <= CAST($1 AS DATE)) AS "a",
    -- segment b = last_purchase more than 10 weeks ago or signup_date less than 100 days ago
    (("last_purchase" < CAST((CAST($1 AS DATE) + INTERVAL '-70 day') AS DATE)) OR ("signup_date" > CAST((CAST($1 AS DATE) + INTERVAL '-100 day') AS DATE))) AS "b",
    -- let cutoff = today - 7 days
    -- segment c = days_since(signup_date) > 365 and last_purchase >= cutoff
    ((CAST((CAST($1 AS DATE) - "signup_date") AS BIGINT) > 365) AND ("last_purchase" >= (CAST((CAST($1 AS DATE) + INTERVAL '-7 day') AS DATE)))) AS "c",
    -- segment d = signup_date in this month or last_purchase in last month
    (("signup_date" >= CAST(date_trunc('month', CAST($1 AS DATE)) AS DATE) AND "signup_date" <= CAST(date_trunc('month', CAST($1 AS DATE)) + INTERVAL '1 month' - INTERVAL '1 day' AS DATE)) OR ("last_purchase" >= CAST(date_trunc('month', CAST($1 AS DATE)) - INTERVAL '1 month' AS DATE) AND "last_purchase" <= CAST(date_trunc('month', CAST($1 AS DATE)) - INTERVAL '1 day' AS DATE))) AS "d",
    -- segment e = signup_date in this year and last_purchase in last week or last_purchase in this week
    ((("signup_date" >= CAST(date_trunc('year', CAST($1 AS DATE)) AS DATE) AND "signup_date" <= CAST(date_trunc('year', CAST($1 AS DATE)) + INTERVAL '1 year' - INTERVAL '1 day' AS DATE)) AND ("last_purchase" >= CAST(date_trunc('week', CAST($1 AS DATE)) - INTERVAL '7 days' AS DATE) AND "last_purchase" <= CAST(date_trunc('week', CAST($1 AS DATE)) - INTERVAL '1 day' AS DATE))) OR ("last_purchase" >= CAST(date_trunc('week', CAST($1 AS DATE)) AS DATE) AND "last_purchase" <= CAST(date_trunc('week', CAST($1 AS DATE)) + INTERVAL '7 days' - INTERVAL '1 day' AS DATE))) AS "e",
    -- segment f = last_purchase = yesterday or signup_date in last year
    (("last_purchase" = CAST((CAST($1 AS DATE) + INTERVAL '-1 day') AS DATE)) OR ("signup_date" >= CAST(date_trunc('year', CAST($1 AS DATE)) - INTERVAL '1 year' AS DATE) AND "signup_date" <= CAST(date_trunc('year', CAST($1 AS DATE)) - INTERVAL '1 day' AS DATE))) AS "f"
  FROM "customers"
)
SELECT segment, customers FROM (
  SELECT 1 AS n, 'a' AS segment, COUNT(*) AS customers FROM flags WHERE "a"
  UNION ALL
  SELECT 2 AS n, 'b' AS segment, COUNT(*) AS customers FROM flags WHERE "b"
  UNION ALL
  SELECT 3 AS n, 'c' AS segment, COUNT(*) AS customers FROM flags WHERE "c"
  UNION ALL
  SELECT 4 AS n, 'd' AS segment, COUNT(*) AS customers FROM flags WHERE "d"
  UNION ALL
  SELECT 5 AS n, 'e' AS segment, COUNT(*) AS customers FROM flags WHERE "e"
  UNION ALL
  SELECT 6 AS n, 'f' AS segment, COUNT(*) AS customers FROM flags WHERE "f"
) AS per_segment
ORDER BY per_segment.n;
