-- load.sql -- load examples/customers.csv into table `customers` (SQLite).
--
-- Run from the repository root:
--   sqlite3 /tmp/customers.db < examples/sql/load.sql
--   sqlite3 /tmp/customers.db < examples/sql/nordic_q4.sql
-- or in one go:  cat examples/sql/load.sql examples/sql/winback.sql | sqlite3
--
-- Missing values (empty fields) become NULL, numbers are cast, booleans
-- become 0/1, dates stay 'YYYY-MM-DD' text (which sorts and compares as
-- dates, and which SQLite's date functions read).  total_spend is REAL:
-- none of the example rules compares money at a boundary where binary
-- floating point and seg's exact decimals could disagree.
.bail on
DROP TABLE IF EXISTS customers;
DROP TABLE IF EXISTS temp.customers_raw;
CREATE TEMP TABLE customers_raw (
  customer_id TEXT, email TEXT, first_name TEXT, country TEXT, city TEXT,
  gender TEXT, age TEXT, signup_date TEXT, last_purchase TEXT,
  purchases_90d TEXT, total_spend TEXT, email_opt_in TEXT, loyalty_tier TEXT
);
.import --csv --skip 1 --schema temp examples/customers.csv customers_raw
CREATE TABLE customers (
  customer_id   INTEGER PRIMARY KEY,
  email         TEXT,
  first_name    TEXT,
  country       TEXT,
  city          TEXT,
  gender        TEXT,
  age           INTEGER,
  signup_date   TEXT,     -- 'YYYY-MM-DD'
  last_purchase TEXT,     -- 'YYYY-MM-DD'
  purchases_90d INTEGER,
  total_spend   REAL,
  email_opt_in  INTEGER,  -- 1 true, 0 false, NULL missing
  loyalty_tier  TEXT
);
INSERT INTO customers
SELECT CAST(NULLIF(trim(customer_id), '') AS INTEGER),
       NULLIF(trim(email), ''),
       NULLIF(trim(first_name), ''),
       NULLIF(trim(country), ''),
       NULLIF(trim(city), ''),
       NULLIF(trim(gender), ''),
       CAST(NULLIF(trim(age), '') AS INTEGER),
       NULLIF(trim(signup_date), ''),
       NULLIF(trim(last_purchase), ''),
       CAST(NULLIF(trim(purchases_90d), '') AS INTEGER),
       CAST(NULLIF(trim(total_spend), '') AS REAL),
       CASE lower(trim(email_opt_in)) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END,
       NULLIF(trim(loyalty_tier), '')
FROM temp.customers_raw;
DROP TABLE temp.customers_raw;
