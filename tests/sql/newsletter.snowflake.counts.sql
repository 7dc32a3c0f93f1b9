-- seg sql --dialect snowflake --shape counts: examples/newsletter.seg, today 2026-11-23
-- a segment's members are the rows where its column is true (not false, not NULL)
WITH flags AS (
  SELECT
    -- segment goteborg_edition "Opted-in readers in Göteborg" =
    --     city = "GÖTEBORG" and email_opt_in
    ((lower("city") = 'göteborg') AND "email_opt_in") AS "goteborg_edition",
    -- segment stockholm_edition =
    --     city in ("STOCKHOLM", "solna", "Nacka", "TÄBY", "sollentuna")
    --     and email_opt_in
    ((lower("city") IN ('stockholm', 'solna', 'nacka', 'täby', 'sollentuna')) AND "email_opt_in") AS "stockholm_edition",
    -- segment nordic_initial "First names starting with Å, Ä or Ö" =
    --     first_name starts with "å"
    --     or first_name starts with "ä"
    --     or first_name starts with "ö"
    (((lower("first_name") LIKE 'å%' ESCAPE '\\') OR (lower("first_name") LIKE 'ä%' ESCAPE '\\')) OR (lower("first_name") LIKE 'ö%' ESCAPE '\\')) AS "nordic_initial",
    -- segment short_names "Names that fit the 3-letter subject-line badge" =
    --     length(first_name) <= 3 and email_opt_in
    ((length("first_name") <= 3) AND "email_opt_in") AS "short_names",
    -- segment isp_mail "Addresses at Swedish and Norwegian providers" =
    --     email contains "@telia."
    --     or email contains "bredband"
    --     or email ends with ".no"
    (((lower("email") LIKE '%@telia.%' ESCAPE '\\') OR (lower("email") LIKE '%bredband%' ESCAPE '\\')) OR (lower("email") LIKE '%.no' ESCAPE '\\')) AS "isp_mail",
    -- segment mill_towns "Towns ending in -köping or -hamn" =
    --     city matches "(köping|hamn)$"
    (REGEXP_INSTR("city", '(köping|hamn)$') > 0) AS "mill_towns",
    -- segment north_south_towns "Norr- and Söder- towns with long names" =
    --     (lower(city) starts with "norr" or lower(city) starts with "söder")
    --     and length(city) >= 10
    (((lower(lower("city")) LIKE 'norr%' ESCAPE '\\') OR (lower(lower("city")) LIKE 'söder%' ESCAPE '\\')) AND (length("city") >= 10)) AS "north_south_towns",
    -- segment big_baskets "More than 200 per order this quarter" =
    --     total_spend / purchases_90d > 200 and email_opt_in
    (((CAST("total_spend" AS DOUBLE) / NULLIF("purchases_90d", 0)) > 200) AND "email_opt_in") AS "big_baskets",
    -- segment around_forty = abs(age - 40) <= 5 and email_opt_in
    ((abs(("age" - 40)) <= 5) AND "email_opt_in") AS "around_forty",
    -- segment recently_active = coalesce(last_purchase, signup_date) within 60 days
    (COALESCE("last_purchase", "signup_date") >= DATE '2026-09-24' AND COALESCE("last_purchase", "signup_date") <= DATE '2026-11-23') AS "recently_active"
  FROM "customers"
)
SELECT segment, customers FROM (
  SELECT 1 AS n, 'goteborg_edition' AS segment, COUNT(*) AS customers FROM flags WHERE "goteborg_edition"
  UNION ALL
  SELECT 2 AS n, 'stockholm_edition' AS segment, COUNT(*) AS customers FROM flags WHERE "stockholm_edition"
  UNION ALL
  SELECT 3 AS n, 'nordic_initial' AS segment, COUNT(*) AS customers FROM flags WHERE "nordic_initial"
  UNION ALL
  SELECT 4 AS n, 'short_names' AS segment, COUNT(*) AS customers FROM flags WHERE "short_names"
  UNION ALL
  SELECT 5 AS n, 'isp_mail' AS segment, COUNT(*) AS customers FROM flags WHERE "isp_mail"
  UNION ALL
  SELECT 6 AS n, 'mill_towns' AS segment, COUNT(*) AS customers FROM flags WHERE "mill_towns"
  UNION ALL
  SELECT 7 AS n, 'north_south_towns' AS segment, COUNT(*) AS customers FROM flags WHERE "north_south_towns"
  UNION ALL
  SELECT 8 AS n, 'big_baskets' AS segment, COUNT(*) AS customers FROM flags WHERE "big_baskets"
  UNION ALL
  SELECT 9 AS n, 'around_forty' AS segment, COUNT(*) AS customers FROM flags WHERE "around_forty"
  UNION ALL
  SELECT 10 AS n, 'recently_active' AS segment, COUNT(*) AS customers FROM flags WHERE "recently_active"
) AS per_segment
ORDER BY per_segment.n;
