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

-- The split `winback = lapsing by customer_id salt "2026-q4"`: an arm is
-- the lapsing customers whose bucket (the first 4 bytes of
-- MD5('2026-q4:' || customer_id), big-endian, mod 10000) is in its range.
-- SQLite has no MD5: the bucket comes from a table seg_buckets(salt, key,
-- bucket) computed by Python's hashlib (tests/engine.sh makes it).

-- segment: winback.offer
SELECT c.customer_id FROM customers c JOIN seg_buckets b ON b.salt = '2026-q4' AND b.key = CAST(c.customer_id AS TEXT)
WHERE c.email_opt_in IS 1
  AND c.last_purchase < date('2026-11-23', '-180 days') AND c.purchases_90d = 0
  AND b.bucket BETWEEN 0 AND 4499;

-- segment: winback.reminder
SELECT c.customer_id FROM customers c JOIN seg_buckets b ON b.salt = '2026-q4' AND b.key = CAST(c.customer_id AS TEXT)
WHERE c.email_opt_in IS 1
  AND c.last_purchase < date('2026-11-23', '-180 days') AND c.purchases_90d = 0
  AND b.bucket BETWEEN 4500 AND 8999;

-- segment: winback.holdout
SELECT c.customer_id FROM customers c JOIN seg_buckets b ON b.salt = '2026-q4' AND b.key = CAST(c.customer_id AS TEXT)
WHERE c.email_opt_in IS 1
  AND c.last_purchase < date('2026-11-23', '-180 days') AND c.purchases_90d = 0
  AND b.bucket BETWEEN 9000 AND 9999;
