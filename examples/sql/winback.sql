-- Hand translation to SQLite of examples/winback.seg, with seg's semantics
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

-- segment: lapsed
SELECT customer_id FROM customers WHERE
  last_purchase < date('2026-11-23', '-6 months');

-- segment: lapsed_valuable
SELECT customer_id FROM customers WHERE
  (last_purchase < date('2026-11-23', '-6 months'))
  AND total_spend >= 2000 AND email_opt_in
  AND email IS NOT NULL;

-- segment: cooling
SELECT customer_id FROM customers WHERE
  julianday('2026-11-23') - julianday(last_purchase) > 120
  AND NOT (last_purchase < date('2026-11-23', '-6 months'));

-- segment: long_gone
SELECT customer_id FROM customers WHERE
  last_purchase < '2025-01-01';

-- segment: never_bought
SELECT customer_id FROM customers WHERE
  signup_date > date('2026-11-23', '-365 days')
  AND last_purchase IS NULL;

-- segment: at_risk_loyal
SELECT customer_id FROM customers WHERE
  lower(replace(replace(replace(replace(replace(replace(replace(replace(loyalty_tier, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')) IN ('gold', 'platinum')
  AND (last_purchase < date('2026-11-23', '-120 days') OR last_purchase IS NULL);
