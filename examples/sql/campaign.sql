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

-- Rankings are over the whole base (the guard is ANDed in afterwards), to
-- docs/language.md's definitions: G = the values strictly above, L those
-- strictly below, N the present values; top 10% is 100 * G < 10 * N, a
-- quintile is 1 + 5 * L / N (integer division).

-- segment: whales
SELECT customer_id FROM (
  SELECT customer_id, email_opt_in,
    RANK() OVER (ORDER BY total_spend DESC) - 1 AS g, COUNT(*) OVER () AS n
  FROM customers WHERE total_spend IS NOT NULL
) WHERE email_opt_in IS 1 AND 100 * g < 10 * n;

-- segment: champions
SELECT customer_id FROM (
  SELECT customer_id, email_opt_in, last_purchase, purchases_90d, total_spend,
    1 + 5 * (RANK() OVER (PARTITION BY last_purchase IS NULL ORDER BY last_purchase) - 1)
          / COUNT(last_purchase) OVER () AS r,
    1 + 5 * (RANK() OVER (PARTITION BY purchases_90d IS NULL ORDER BY purchases_90d) - 1)
          / COUNT(purchases_90d) OVER () AS f,
    1 + 5 * (RANK() OVER (PARTITION BY total_spend IS NULL ORDER BY total_spend) - 1)
          / COUNT(total_spend) OVER () AS m
  FROM customers
) WHERE email_opt_in IS 1 AND last_purchase IS NOT NULL AND purchases_90d IS NOT NULL
    AND total_spend IS NOT NULL AND r = 5 AND f = 5 AND m = 5;

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
