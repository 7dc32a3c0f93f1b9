-- bench/w2.sqlite.sql -- bench/w2.seg translated by hand to SQLite: the 20
-- segments counted in one pass (one count(*) FILTER per segment, in the
-- order of w2.seg), today = 2026-11-23.  Table from examples/sql/load.sql
-- (dates 'YYYY-MM-DD' text, email_opt_in 0/1, NULL for missing).
--   text =, in, starts with, ends with   SQLite's lower() folds ASCII only.
--       It is enough where the literal is ASCII (no letter of this data
--       folds to ASCII); where the literal is not, the column's capitals
--       Å Ä Ö Ø Æ É Ü Ł are folded with replace() first, as in
--       examples/sql/*.sql.  substr() instead of LIKE (no wildcards).
--   d within N days          date(today, '-N days') <= d AND d <= today
--   d more than N years ago  d < date(today, '-N years')
--   d before today - N months  d < date(today, '-N months')
--   missing                  NULL; SQL's three-valued logic is seg's
SELECT
  count(*) FILTER (WHERE age BETWEEN 25 AND 40),
  count(*) FILTER (WHERE purchases_90d BETWEEN 2 AND 5),
  count(*) FILTER (WHERE age IS NULL),
  count(*) FILTER (WHERE last_purchase IS NULL),
  count(*) FILTER (WHERE lower(country) IN ('se', 'no', 'dk', 'fi')),
  count(*) FILTER (WHERE substr(lower(email), -10) = '@gmail.com'),
  count(*) FILTER (WHERE substr(lower(email), -3) = '.no'),
  count(*) FILTER (WHERE substr(lower(city), 1, 4) = 'norr'),
  count(*) FILTER (WHERE substr(city, 1, 1) IN ('ö', 'Ö')),
  count(*) FILTER (WHERE lower(replace(replace(replace(replace(replace(replace(replace(replace(city, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł'))
                       IN ('stockholm', 'göteborg', 'malmö', 'oslo', 'københavn', 'helsinki')),
  count(*) FILTER (WHERE date('2026-11-23', '-90 days') <= last_purchase AND last_purchase <= '2026-11-23'),
  count(*) FILTER (WHERE signup_date < date('2026-11-23', '-3 years')),
  count(*) FILTER (WHERE last_purchase < date('2026-11-23', '-6 months')),
  count(*) FILTER (WHERE email_opt_in),
  count(*) FILTER (WHERE NOT email_opt_in),
  count(*) FILTER (WHERE total_spend BETWEEN 1000.00 AND 4999.99),
  count(*) FILTER (WHERE total_spend >= 10000.50),
  count(*) FILTER (WHERE lower(loyalty_tier) IN ('gold', 'platinum') AND email IS NOT NULL),
  count(*) FILTER (WHERE age BETWEEN 18 AND 30 AND lower(gender) = 'f' AND purchases_90d > 0),
  count(*) FILTER (WHERE lower(country) IN ('se', 'no')
                     AND (lower(loyalty_tier) = 'gold' OR total_spend > 5000)
                     AND email_opt_in)
FROM customers;
