-- Hand translation to SQLite of examples/behaviour.seg (event tables, issue 15),
-- with seg's semantics (docs/language.md, "Event tables") and today pinned
-- to 2026-11-23.  Load the customers first with examples/sql/load.sql; the
-- lines before the first segment load the orders and the e-mail events.
--
-- How each aggregate is translated (a correlated subquery per customer c):
--   count(T where x)         (SELECT count(*) FROM T e WHERE e.customer_id = c.customer_id AND x)
--   any(T where x)           EXISTS (SELECT 1 FROM T e WHERE ... AND x)
--   all(T where x)           NOT EXISTS (SELECT 1 FROM T e WHERE ... AND NOT coalesce(x, 0))
--   sum(T.v where x)         coalesce((SELECT sum(e.v) ...), 0)
--   first(T.v) / last(T.v)   (SELECT e.v ... AND e.t IS NOT NULL ORDER BY e.t[ DESC], e.rowid[ DESC] LIMIT 1)
-- Events with a missing or unknown customer_id match no customer.  The
-- subqueries are those of tests/events/cases.tsv (checked by tests/events.sh);
-- booleans are 0/1 here (load.sql), text there.
.bail on
DROP TABLE IF EXISTS orders;
DROP TABLE IF EXISTS email_events;
CREATE TEMP TABLE orders_raw (customer_id TEXT, order_id TEXT, order_date TEXT, amount TEXT, category TEXT, channel TEXT);
.import --csv --skip 1 --schema temp examples/orders.csv orders_raw
CREATE TABLE orders (customer_id INTEGER, order_id INTEGER, order_date TEXT, amount REAL, category TEXT, channel TEXT);
INSERT INTO orders SELECT CAST(NULLIF(trim(customer_id), '') AS INTEGER), CAST(NULLIF(trim(order_id), '') AS INTEGER),
  NULLIF(trim(order_date), ''), CAST(NULLIF(trim(amount), '') AS REAL), NULLIF(trim(category), ''),
  NULLIF(trim(channel), '') FROM temp.orders_raw ORDER BY rowid;
CREATE TEMP TABLE email_events_raw (customer_id TEXT, "at" TEXT, type TEXT, campaign TEXT);
.import --csv --skip 1 --schema temp examples/email_events.csv email_events_raw
CREATE TABLE email_events (customer_id INTEGER, "at" TEXT, type TEXT, campaign TEXT);
INSERT INTO email_events SELECT CAST(NULLIF(trim(customer_id), '') AS INTEGER), NULLIF(trim("at"), ''),
  NULLIF(trim(type), ''), NULLIF(trim(campaign), '') FROM temp.email_events_raw ORDER BY rowid;
CREATE INDEX orders_key ON orders(customer_id);
CREATE INDEX email_events_key ON email_events(customer_id);

-- segment: frequent
-- count(orders where order_date within 90 days) >= 3
SELECT customer_id FROM customers c WHERE
  (SELECT count(*) FROM orders e WHERE e.customer_id = c.customer_id AND ((e.order_date BETWEEN date('2026-11-23', '-90 days') AND '2026-11-23'))) >= 3;

-- segment: big_on_shoes
-- sum(orders.amount where category = "shoes") > 500
SELECT customer_id FROM customers c WHERE
  coalesce((SELECT sum(e.amount) FROM orders e WHERE e.customer_id = c.customer_id AND (lower(e.category) = 'shoes')), 0) > 500;

-- segment: lapsed
-- last(orders.order_date) more than 180 days ago
SELECT customer_id FROM customers c WHERE
  (SELECT e.order_date FROM orders e WHERE e.customer_id = c.customer_id AND e.order_date IS NOT NULL ORDER BY e.order_date DESC, e.rowid DESC LIMIT 1) < date('2026-11-23', '-180 days');

-- segment: never_bought
-- count(orders) = 0
SELECT customer_id FROM customers c WHERE
  (SELECT count(*) FROM orders e WHERE e.customer_id = c.customer_id) = 0;

-- segment: cross_sell
-- any(orders where category = "shoes") and not any(orders where category = "socks")
SELECT customer_id FROM customers c WHERE
  EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = c.customer_id AND (lower(e.category) = 'shoes')) AND NOT EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = c.customer_id AND (lower(e.category) = 'socks'));

-- segment: engaged
-- count(email_events where type = "open" and at within 30 days) >= 2
SELECT customer_id FROM customers c WHERE
  (SELECT count(*) FROM email_events e WHERE e.customer_id = c.customer_id AND (lower(e.type) = 'open' AND (e."at" BETWEEN date('2026-11-23', '-30 days') AND '2026-11-23'))) >= 2;

-- segment: never_returned
-- any(orders) and all(orders where amount > 0)
SELECT customer_id FROM customers c WHERE
  EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = c.customer_id) AND NOT EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = c.customer_id AND NOT coalesce((e.amount > 0), 0));

-- segment: app_first
-- first(orders.channel) = "app"
SELECT customer_id FROM customers c WHERE
  lower((SELECT e.channel FROM orders e WHERE e.customer_id = c.customer_id AND e.order_date IS NOT NULL ORDER BY e.order_date, e.rowid LIMIT 1)) = 'app';

-- segment: varied
-- count_distinct(orders.category) >= 4
SELECT customer_id FROM customers c WHERE
  (SELECT count(DISTINCT e.category) FROM orders e WHERE e.customer_id = c.customer_id) >= 4;

-- segment: big_baskets
-- avg(orders.amount) > 150
SELECT customer_id FROM customers c WHERE
  (SELECT avg(e.amount) FROM orders e WHERE e.customer_id = c.customer_id) > 150;

-- segment: big_ticket
-- any(orders where amount > total_spend / 10)
SELECT customer_id FROM customers c WHERE
  EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = c.customer_id AND (e.amount > c.total_spend / 10.0));

-- segment: silent_subscribers
-- email_opt_in and not any(email_events where type = "open")
SELECT customer_id FROM customers c WHERE
  c.email_opt_in = 1 AND NOT EXISTS (SELECT 1 FROM email_events e WHERE e.customer_id = c.customer_id AND (lower(e.type) = 'open'));
