-- Hand translation to SQLite of examples/nordic_q4.seg, with seg's semantics
-- (DESIGN.md section 2) and today pinned to 2026-11-23.  Load the data
-- first with examples/sql/load.sql.
--
-- How each construct is translated:
--   missing value            NULL; SQL's three-valued logic is seg's
--   text =, in, starts with, ends with, contains
--                            both sides case-folded.  SQLite's lower() folds
--                            ASCII only, so the column goes through nested
--                            replace() for the capitals in this data
--                            (Å Ä Ö Ø Æ É Ü Ł) before lower(); literals are
--                            written already folded.  No LIKE (its _ and %
--                            are wildcards): substr()/instr() instead.
--   d within N days          date('2026-11-23','-N days') <= d AND d <= '2026-11-23'
--   d more than N days ago   d < date('2026-11-23','-N days')
--   d less than N days ago   d > date('2026-11-23','-N days')
--   today - N months         date('2026-11-23','-N months') (calendar months)
--   days_since(d)            julianday('2026-11-23') - julianday(d)
--   year(d)                  CAST(strftime('%Y', d) AS INTEGER)
--   a segment reference      the referenced rule, inlined in parentheses

-- segment: young_buyers
SELECT customer_id FROM customers WHERE
  age BETWEEN 25 AND 40 AND purchases_90d > 3;

-- segment: nordic_vip
SELECT customer_id FROM customers WHERE
  lower(replace(replace(replace(replace(replace(replace(replace(replace(country, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')) IN ('se', 'no', 'dk', 'fi')
  AND total_spend >= 10000
  AND date('2026-11-23', '-180 days') <= last_purchase AND last_purchase <= '2026-11-23';

-- segment: lapsing_vip
SELECT customer_id FROM customers WHERE
  (lower(replace(replace(replace(replace(replace(replace(replace(replace(country, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')) IN ('se', 'no', 'dk', 'fi')
   AND total_spend >= 10000
   AND date('2026-11-23', '-180 days') <= last_purchase AND last_purchase <= '2026-11-23')
  AND last_purchase < date('2026-11-23', '-90 days');

-- segment: gmail_newsletter
SELECT customer_id FROM customers WHERE
  email_opt_in
  AND substr(lower(replace(replace(replace(replace(replace(replace(replace(replace(email, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), -10) = '@gmail.com'
  AND email IS NOT NULL;

-- segment: new_in_2026
SELECT customer_id FROM customers WHERE
  CAST(strftime('%Y', signup_date) AS INTEGER) = 2026
  AND lower(replace(replace(replace(replace(replace(replace(replace(replace(country, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')) IN ('se', 'no');

-- segment: gold_unreachable
SELECT customer_id FROM customers WHERE
  lower(replace(replace(replace(replace(replace(replace(replace(replace(loyalty_tier, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')) IN ('gold', 'platinum')
  AND (email IS NULL OR NOT email_opt_in);
