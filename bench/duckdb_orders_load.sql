-- bench/duckdb_orders_load.sql -- loads the generated orders
-- (build/gencustomers --orders) into DuckDB's table `orders`, typed as seg
-- types them: an empty field is NULL, order_date DATE, amount an exact
-- DECIMAL.  bench/run.sh replaces @CSV@ with the CSV's path (W8).
CREATE TABLE orders AS SELECT * FROM read_csv('@CSV@',
  header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
  columns = {
    'customer_id': 'INTEGER', 'order_id': 'BIGINT', 'order_date': 'DATE',
    'amount': 'DECIMAL(9,2)', 'category': 'VARCHAR', 'channel': 'VARCHAR'
  });
