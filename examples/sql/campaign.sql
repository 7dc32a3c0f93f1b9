-- Hand translation to SQLite of examples/campaign.seg (today 2026-11-23).
-- Load the data first with examples/sql/load.sql.  The file's guard
-- `require email_opt_in is true` is ANDed into every segment:
-- email_opt_in IS 1 (true; false and missing are out).

-- segment: nordic_vip
SELECT customer_id FROM customers WHERE
  email_opt_in IS 1
  AND lower(country) IN ('se', 'no', 'dk', 'fi') AND total_spend >= 5000;

-- segment: lapsing
SELECT customer_id FROM customers WHERE
  email_opt_in IS 1
  AND last_purchase < date('2026-11-23', '-180 days') AND purchases_90d = 0;

-- segment: young_buyers
SELECT customer_id FROM customers WHERE
  email_opt_in IS 1
  AND age BETWEEN 25 AND 40 AND purchases_90d > 3;
