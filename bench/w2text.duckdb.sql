-- bench/w2text.duckdb.sql -- bench/w2text.seg translated by hand to DuckDB
-- SQL: the 5 segments counted in one pass (one count(*) FILTER per
-- segment, in the order of w2text.seg). Text tests as in bench/w2.duckdb.sql:
-- lower() on the column, literals written lower-case; contains is
-- contains(); a missing value is NULL, never counted.
SELECT
  count(*) FILTER (WHERE ends_with(lower(email), '@hotmail.com') OR ends_with(lower(email), '@outlook.com')),
  count(*) FILTER (WHERE ends_with(lower(email), '@gmail.com')),
  count(*) FILTER (WHERE starts_with(lower(email), 'anna.')),
  count(*) FILTER (WHERE contains(lower(email), '7@')),
  count(*) FILTER (WHERE starts_with(lower(first_name), 'jö'))
FROM customers;
