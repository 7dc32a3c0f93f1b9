-- Hand translation to SQLite of examples/newsletter.seg, with seg's semantics
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

-- segment: goteborg_edition
SELECT customer_id FROM customers WHERE
  lower(replace(replace(replace(replace(replace(replace(replace(replace(city, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')) = 'göteborg' AND email_opt_in;

-- segment: stockholm_edition
SELECT customer_id FROM customers WHERE
  lower(replace(replace(replace(replace(replace(replace(replace(replace(city, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')) IN ('stockholm', 'solna', 'nacka', 'täby', 'sollentuna')
  AND email_opt_in;

-- segment: nordic_initial
SELECT customer_id FROM customers WHERE
  substr(lower(replace(replace(replace(replace(replace(replace(replace(replace(first_name, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), 1, 1) = 'å'
  OR substr(lower(replace(replace(replace(replace(replace(replace(replace(replace(first_name, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), 1, 1) = 'ä'
  OR substr(lower(replace(replace(replace(replace(replace(replace(replace(replace(first_name, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), 1, 1) = 'ö';

-- segment: short_names
-- SQLite's length() on TEXT counts characters, like seg's.
SELECT customer_id FROM customers WHERE
  length(first_name) <= 3 AND email_opt_in;

-- segment: isp_mail
SELECT customer_id FROM customers WHERE
  instr(lower(replace(replace(replace(replace(replace(replace(replace(replace(email, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), '@telia.') > 0
  OR instr(lower(replace(replace(replace(replace(replace(replace(replace(replace(email, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), 'bredband') > 0
  OR substr(lower(replace(replace(replace(replace(replace(replace(replace(replace(email, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), -3) = '.no';

-- segment: mill_towns
-- SQLite has no REGEXP built in.  The case-sensitive regular expression
-- "(köping|hamn)$" is exactly the case-sensitive GLOB pair below (GLOB is
-- case-sensitive, works on characters, and NULL gives NULL in both).
SELECT customer_id FROM customers WHERE
  city GLOB '*köping' OR city GLOB '*hamn';

-- segment: north_south_towns
-- lower(city) folded, then compared case-insensitively: folding twice is
-- folding once.  length() counts characters: 'Södertälje' is 10.
SELECT customer_id FROM customers WHERE
  (substr(lower(replace(replace(replace(replace(replace(replace(replace(replace(city, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), 1, 4) = 'norr'
   OR substr(lower(replace(replace(replace(replace(replace(replace(replace(replace(city, 'Å', 'å'), 'Ä', 'ä'), 'Ö', 'ö'), 'Ø', 'ø'), 'Æ', 'æ'), 'É', 'é'), 'Ü', 'ü'), 'Ł', 'ł')), 1, 5) = 'söder')
  AND length(city) >= 10;

-- segment: big_baskets
-- total_spend is REAL, so / is real division; x / 0 is NULL in SQLite.
SELECT customer_id FROM customers WHERE
  total_spend / purchases_90d > 200 AND email_opt_in;

-- segment: around_forty
SELECT customer_id FROM customers WHERE
  abs(age - 40) <= 5 AND email_opt_in;

-- segment: recently_active
SELECT customer_id FROM customers WHERE
  date('2026-11-23', '-60 days') <= coalesce(last_purchase, signup_date)
  AND coalesce(last_purchase, signup_date) <= '2026-11-23';
