-- SQL translations of tests/engine/edges.seg (table from examples/sql/load.sql;
-- today is 2026-11-23; text tests are case-insensitive in seg).
-- segment: spend_gt
SELECT customer_id FROM customers WHERE total_spend > 100.1;
-- segment: spend_ge
SELECT customer_id FROM customers WHERE total_spend >= 250.5;
-- segment: spend_lt
SELECT customer_id FROM customers WHERE total_spend < 99.99;
-- segment: spend_le
SELECT customer_id FROM customers WHERE total_spend <= 0;
-- segment: spend_eq
SELECT customer_id FROM customers WHERE total_spend = 114.38;
-- segment: spend_range
SELECT customer_id FROM customers WHERE total_spend BETWEEN 99.99 AND 1000.005;
-- segment: spend_open
SELECT customer_id FROM customers WHERE total_spend >= 2000;
-- segment: age_frac
SELECT customer_id FROM customers WHERE age > 30.5;
-- segment: age_frac_le
SELECT customer_id FROM customers WHERE age <= 30.5;
-- segment: age_eq
SELECT customer_id FROM customers WHERE age = 40;
-- segment: age_ne
SELECT customer_id FROM customers WHERE age != 40;
-- segment: age_lt
SELECT customer_id FROM customers WHERE age < 19;
-- segment: age_set
SELECT customer_id FROM customers WHERE age IN (20, 30, 40, 50, 60, 70, 80, 18, 19, 21);
-- segment: age_small_set
SELECT customer_id FROM customers WHERE age IN (33, 44);
-- segment: p90_set
SELECT customer_id FROM customers WHERE purchases_90d IN (0, 2);
-- segment: recent
SELECT customer_id FROM customers WHERE last_purchase BETWEEN '2026-10-24' AND '2026-11-23';
-- segment: lapsed
SELECT customer_id FROM customers WHERE last_purchase < '2025-11-23';
-- segment: fresh
SELECT customer_id FROM customers WHERE last_purchase > '2026-08-25';
-- segment: signup_before
SELECT customer_id FROM customers WHERE signup_date < '2024-01-01';
-- segment: no_age
SELECT customer_id FROM customers WHERE age IS NULL;
-- segment: opted
SELECT customer_id FROM customers WHERE email_opt_in = 1;
-- segment: not_opted
SELECT customer_id FROM customers WHERE email_opt_in = 0;
-- segment: chain
SELECT customer_id FROM customers WHERE age BETWEEN 25 AND 40 AND purchases_90d > 3
  AND total_spend > 500 AND upper(country) IN ('SE', 'NO') AND email_opt_in = 1;
-- segment: nested
SELECT customer_id FROM customers WHERE (age < 30 OR age > 60) AND (total_spend < 100 OR purchases_90d >= 5);
-- segment: ref_base
SELECT customer_id FROM customers WHERE age BETWEEN 30 AND 50 AND total_spend > 200;
-- segment: ref_use
SELECT customer_id FROM customers WHERE age BETWEEN 30 AND 50 AND total_spend > 200 AND email_opt_in = 0;
-- segment: ref_not
SELECT customer_id FROM customers WHERE NOT (age BETWEEN 30 AND 50 AND total_spend > 200);
-- segment: gmail
SELECT customer_id FROM customers WHERE lower(email) LIKE '%@gmail.com' AND age > 40;
-- segment: city_s
SELECT customer_id FROM customers WHERE lower(city) LIKE 's%' AND upper(country) = 'SE';
-- segment: tier
SELECT customer_id FROM customers WHERE lower(loyalty_tier) IN ('gold', 'platinum')
  AND last_purchase BETWEEN '2026-05-27' AND '2026-11-23';
-- segment: text_present
SELECT customer_id FROM customers WHERE email IS NOT NULL AND city IS NULL;
-- segment: city_known
SELECT customer_id FROM customers WHERE city IS NOT NULL;
-- segment: not_opted_old
SELECT customer_id FROM customers WHERE email_opt_in = 0 AND age > 50;
-- segment: lp_missing_gold
SELECT customer_id FROM customers WHERE last_purchase IS NULL AND lower(loyalty_tier) = 'gold';
-- segment: mail_no_all
SELECT customer_id FROM customers WHERE lower(email) LIKE '%.no';
-- segment: mail_hotmail
SELECT customer_id FROM customers WHERE lower(email) LIKE '%@hotmail.com';
-- segment: mail_15
SELECT customer_id FROM customers WHERE lower(email) LIKE '%1@hotmail.com';
-- segment: mail_16
SELECT customer_id FROM customers WHERE lower(email) LIKE '%b106@outlook.com';
-- segment: mail_start7
SELECT customer_id FROM customers WHERE lower(email) LIKE 'aebbe.m%';
-- segment: mail_start8
SELECT customer_id FROM customers WHERE lower(email) LIKE 'goran.w1%';
-- segment: mail_start17
SELECT customer_id FROM customers WHERE lower(email) LIKE 'karin.r2073@hotma%';
-- segment: mail_no_or_missing
SELECT customer_id FROM customers WHERE lower(email) LIKE '%.no' OR email IS NULL;
-- segment: young_no_or_missing
SELECT customer_id FROM customers WHERE age BETWEEN 20 AND 30 AND (lower(email) LIKE '%.se' OR email IS NULL);
-- segment: female_no_age
SELECT customer_id FROM customers WHERE upper(gender) = 'F' AND age IS NULL;
-- segment: no_mail_no_age
SELECT customer_id FROM customers WHERE email IS NULL AND age IS NULL;
-- segment: mail_and_age
SELECT customer_id FROM customers WHERE email IS NOT NULL AND age IS NOT NULL;
-- segment: sto_not_opted
SELECT customer_id FROM customers WHERE lower(city) LIKE 'sto%' AND NOT email_opt_in AND total_spend > 100;
-- segment: gold_mail
SELECT customer_id FROM customers WHERE lower(loyalty_tier) = 'gold' AND email IS NOT NULL AND lower(email) LIKE '%@gmail.com';
-- segment: se_mail_age
SELECT customer_id FROM customers WHERE lower(email) LIKE '%.se' AND age * 2 > 60;
-- segment: no_or_missing_p90
SELECT customer_id FROM customers WHERE (lower(email) LIKE '%.no' OR email IS NULL) AND purchases_90d * 2 >= 4;
