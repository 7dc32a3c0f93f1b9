-- seg sql --dialect duckdb --shape counts: tests/splits/splits.seg, today 2026-11-23
-- a segment's members are the rows where its column is true (not false, not NULL)
WITH flags AS (
  SELECT
    -- segment newsletter = email_opt_in is true
    ("email_opt_in" IS TRUE) AS "newsletter",
    --     test 45%, control 45%, holdout 10%
    ((("email_opt_in" IS TRUE)) AND ((('0x' || substr(md5('q4_newsletter' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) >= 0 AND (('0x' || substr(md5('q4_newsletter' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) <= 4499)) AS "q4_newsletter.test",
    --     test 45%, control 45%, holdout 10%
    ((("email_opt_in" IS TRUE)) AND ((('0x' || substr(md5('q4_newsletter' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) >= 4500 AND (('0x' || substr(md5('q4_newsletter' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) <= 8999)) AS "q4_newsletter.control",
    --     test 45%, control 45%, holdout 10%
    ((("email_opt_in" IS TRUE)) AND ((('0x' || substr(md5('q4_newsletter' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) >= 9000 AND (('0x' || substr(md5('q4_newsletter' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) <= 9999)) AS "q4_newsletter.holdout",
    -- split promo = everyone by email salt "2026-q4": a 50%, b 50%
    ((('0x' || substr(md5('2026-q4' || ':' || "email"), 1, 8))::UBIGINT % 10000) >= 0 AND (('0x' || substr(md5('2026-q4' || ':' || "email"), 1, 8))::UBIGINT % 10000) <= 4999) AS "promo.a",
    -- split promo = everyone by email salt "2026-q4": a 50%, b 50%
    ((('0x' || substr(md5('2026-q4' || ':' || "email"), 1, 8))::UBIGINT % 10000) >= 5000 AND (('0x' || substr(md5('2026-q4' || ':' || "email"), 1, 8))::UBIGINT % 10000) <= 9999) AS "promo.b",
    --     early 33.33%, mid 33.33%, late 33.34%
    ((('0x' || substr(md5('år:ö' || ':' || strftime("signup_date", '%Y-%m-%d')), 1, 8))::UBIGINT % 10000) >= 0 AND (('0x' || substr(md5('år:ö' || ':' || strftime("signup_date", '%Y-%m-%d')), 1, 8))::UBIGINT % 10000) <= 3332) AS "cohort.early",
    --     early 33.33%, mid 33.33%, late 33.34%
    ((('0x' || substr(md5('år:ö' || ':' || strftime("signup_date", '%Y-%m-%d')), 1, 8))::UBIGINT % 10000) >= 3333 AND (('0x' || substr(md5('år:ö' || ':' || strftime("signup_date", '%Y-%m-%d')), 1, 8))::UBIGINT % 10000) <= 6665) AS "cohort.mid",
    --     early 33.33%, mid 33.33%, late 33.34%
    ((('0x' || substr(md5('år:ö' || ':' || strftime("signup_date", '%Y-%m-%d')), 1, 8))::UBIGINT % 10000) >= 6666 AND (('0x' || substr(md5('år:ö' || ':' || strftime("signup_date", '%Y-%m-%d')), 1, 8))::UBIGINT % 10000) <= 9999) AS "cohort.late",
    -- split tiny = newsletter by customer_id: one 0.01%, rest 99.99%
    ((("email_opt_in" IS TRUE)) AND ((('0x' || substr(md5('tiny' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) >= 0 AND (('0x' || substr(md5('tiny' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) <= 0)) AS "tiny.one",
    -- split tiny = newsletter by customer_id: one 0.01%, rest 99.99%
    ((("email_opt_in" IS TRUE)) AND ((('0x' || substr(md5('tiny' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) >= 1 AND (('0x' || substr(md5('tiny' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) <= 9999)) AS "tiny.rest",
    -- segment test_se = q4_newsletter.test and country = "SE"
    ((((("email_opt_in" IS TRUE)) AND ((('0x' || substr(md5('q4_newsletter' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) >= 0 AND (('0x' || substr(md5('q4_newsletter' || ':' || CAST("customer_id" AS VARCHAR)), 1, 8))::UBIGINT % 10000) <= 4499))) AND (lower("country") = 'se')) AS "test_se",
    -- segment promo_b_vip = promo.b and total_spend > 5000
    ((((('0x' || substr(md5('2026-q4' || ':' || "email"), 1, 8))::UBIGINT % 10000) >= 5000 AND (('0x' || substr(md5('2026-q4' || ':' || "email"), 1, 8))::UBIGINT % 10000) <= 9999)) AND ("total_spend" > 5000)) AS "promo_b_vip"
  FROM "customers"
)
SELECT segment, customers FROM (
  SELECT 1 AS n, 'newsletter' AS segment, COUNT(*) AS customers FROM flags WHERE "newsletter"
  UNION ALL
  SELECT 2 AS n, 'q4_newsletter.test' AS segment, COUNT(*) AS customers FROM flags WHERE "q4_newsletter.test"
  UNION ALL
  SELECT 3 AS n, 'q4_newsletter.control' AS segment, COUNT(*) AS customers FROM flags WHERE "q4_newsletter.control"
  UNION ALL
  SELECT 4 AS n, 'q4_newsletter.holdout' AS segment, COUNT(*) AS customers FROM flags WHERE "q4_newsletter.holdout"
  UNION ALL
  SELECT 5 AS n, 'promo.a' AS segment, COUNT(*) AS customers FROM flags WHERE "promo.a"
  UNION ALL
  SELECT 6 AS n, 'promo.b' AS segment, COUNT(*) AS customers FROM flags WHERE "promo.b"
  UNION ALL
  SELECT 7 AS n, 'cohort.early' AS segment, COUNT(*) AS customers FROM flags WHERE "cohort.early"
  UNION ALL
  SELECT 8 AS n, 'cohort.mid' AS segment, COUNT(*) AS customers FROM flags WHERE "cohort.mid"
  UNION ALL
  SELECT 9 AS n, 'cohort.late' AS segment, COUNT(*) AS customers FROM flags WHERE "cohort.late"
  UNION ALL
  SELECT 10 AS n, 'tiny.one' AS segment, COUNT(*) AS customers FROM flags WHERE "tiny.one"
  UNION ALL
  SELECT 11 AS n, 'tiny.rest' AS segment, COUNT(*) AS customers FROM flags WHERE "tiny.rest"
  UNION ALL
  SELECT 12 AS n, 'test_se' AS segment, COUNT(*) AS customers FROM flags WHERE "test_se"
  UNION ALL
  SELECT 13 AS n, 'promo_b_vip' AS segment, COUNT(*) AS customers FROM flags WHERE "promo_b_vip"
) AS per_segment
ORDER BY per_segment.n;
