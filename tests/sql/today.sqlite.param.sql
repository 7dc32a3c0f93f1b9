-- seg sql --dialect sqlite --shape counts: tests/sql/today.seg, today the parameter :today (a DATE, as 'YYYY-MM-DD' text)
-- a segment's members are the rows where its column is true (not false, not NULL)
WITH flags AS (
  SELECT
    -- segment a = last_purchase within 30 days
    ("last_purchase" >= date(date(:today), '-30 days') AND "last_purchase" <= date(:today)) AS "a",
    -- segment b = last_purchase more than 10 weeks ago or signup_date less than 100 days ago
    (("last_purchase" < date(date(:today), '-70 days')) OR ("signup_date" > date(date(:today), '-100 days'))) AS "b",
    -- let cutoff = today - 7 days
    -- segment c = days_since(signup_date) > 365 and last_purchase >= cutoff
    ((CAST(julianday(date(:today)) - julianday("signup_date") AS INTEGER) > 365) AND ("last_purchase" >= (date(date(:today), '-7 days')))) AS "c",
    -- segment d = signup_date in this month or last_purchase in last month
    (("signup_date" >= date(:today, 'start of month') AND "signup_date" <= date(:today, 'start of month', '+1 month', '-1 days')) OR ("last_purchase" >= date(:today, 'start of month', '-1 month') AND "last_purchase" <= date(:today, 'start of month', '-1 days'))) AS "d",
    -- segment e = signup_date in this year and last_purchase in last week or last_purchase in this week
    ((("signup_date" >= date(:today, 'start of year') AND "signup_date" <= date(:today, 'start of year', '+1 year', '-1 days')) AND ("last_purchase" >= date(:today, '-6 days', 'weekday 1', '-7 days') AND "last_purchase" <= date(:today, '-6 days', 'weekday 1', '-1 days'))) OR ("last_purchase" >= date(:today, '-6 days', 'weekday 1') AND "last_purchase" <= date(:today, '-6 days', 'weekday 1', '+6 days'))) AS "e",
    -- segment f = last_purchase = yesterday or signup_date in last year
    (("last_purchase" = date(date(:today), '-1 days')) OR ("signup_date" >= date(:today, 'start of year', '-1 year') AND "signup_date" <= date(:today, 'start of year', '-1 days'))) AS "f"
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
