-- bench/duckdb_load.sql -- loads the generated export into DuckDB's table
-- `customers`, typed as seg types it: missing (empty) fields are NULL,
-- dates DATE, total_spend an exact DECIMAL, email_opt_in BOOLEAN.
-- bench/run.sh replaces @CSV@ with the CSV's path.  W4 runs this statement
-- into a fresh database file; W3 runs it with CREATE VIEW instead of
-- CREATE TABLE, so that the W2 query reads the CSV itself.
CREATE TABLE customers AS SELECT * FROM read_csv('@CSV@',
  header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
  columns = {
    'customer_id': 'INTEGER', 'email': 'VARCHAR', 'first_name': 'VARCHAR',
    'country': 'VARCHAR', 'city': 'VARCHAR', 'gender': 'VARCHAR',
    'age': 'INTEGER', 'signup_date': 'DATE', 'last_purchase': 'DATE',
    'purchases_90d': 'INTEGER', 'total_spend': 'DECIMAL(9,2)',
    'email_opt_in': 'BOOLEAN', 'loyalty_tier': 'VARCHAR'
  });
