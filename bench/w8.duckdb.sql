-- bench/w8.duckdb.sql -- bench/w8.seg by hand for DuckDB (W8): the orders
-- aggregated per customer in one GROUP BY (joined to the customers for the
-- one filter that reads a customer column; orphan orders drop out of the
-- inner join, as they count for no customer in seg), LEFT JOINed to every
-- customer, then one count(*) FILTER per segment, in file order.
-- A customer without orders has count 0, sum 0, any false, all true, and
-- avg / last / first NULL.  Text tests fold case with lower() (the data is
-- ASCII); today is 2026-11-23: within 90 days = 2026-08-25 .. 2026-11-23,
-- more than 180 days ago = before 2026-05-27, within 3 years = since
-- 2023-11-23.  first(orders.channel): the channel of the earliest dated
-- order, ties broken by file order, which is order_id order in the
-- generated data; arg_min_null keeps a NULL channel as the answer.
WITH o AS (
  SELECT o.customer_id,
    count(*) AS n,
    count(*) FILTER (WHERE o.order_date BETWEEN DATE '2026-08-25' AND DATE '2026-11-23') AS n90,
    sum(o.amount) FILTER (WHERE lower(o.category) = 'shoes') AS shoes_sum,
    max(o.order_date) AS last_date,
    count(*) FILTER (WHERE lower(o.category) = 'shoes') AS n_shoes,
    count(*) FILTER (WHERE lower(o.category) = 'socks') AS n_socks,
    count(DISTINCT o.category) AS n_cat,
    avg(o.amount) AS avg_amount,
    count(*) FILTER (WHERE NOT coalesce(lower(o.channel) = 'web', false)) AS n_not_web,
    count(*) FILTER (WHERE date_diff('day', c.signup_date, o.order_date) > 365) AS n_loyal,
    arg_min_null(o.channel, date_diff('day', DATE '1970-01-01', o.order_date) * 100000000::BIGINT + o.order_id)
      FILTER (WHERE o.order_date IS NOT NULL) AS first_channel
  FROM orders o JOIN customers c ON c.customer_id = o.customer_id
  GROUP BY o.customer_id
)
SELECT
  count(*) FILTER (WHERE coalesce(o.n90, 0) >= 3),
  count(*) FILTER (WHERE coalesce(o.shoes_sum, 0) > 500),
  count(*) FILTER (WHERE o.last_date < DATE '2026-05-27' AND lower(c.loyalty_tier) IN ('gold', 'platinum')),
  count(*) FILTER (WHERE c.email_opt_in AND coalesce(o.n, 0) = 0),
  count(*) FILTER (WHERE coalesce(o.n_shoes, 0) > 0 AND coalesce(o.n_socks, 0) = 0),
  count(*) FILTER (WHERE coalesce(o.n_cat, 0) >= 4 AND lower(c.country) IN ('se', 'no', 'dk', 'fi')),
  count(*) FILTER (WHERE o.avg_amount > 150 AND c.age < 35),
  count(*) FILTER (WHERE coalesce(o.n, 0) > 0 AND coalesce(o.n_not_web, 0) = 0),
  count(*) FILTER (WHERE coalesce(o.n_loyal, 0) >= 2),
  count(*) FILTER (WHERE lower(o.first_channel) = 'app' AND c.signup_date BETWEEN DATE '2023-11-23' AND DATE '2026-11-23')
FROM customers c LEFT JOIN o ON o.customer_id = c.customer_id;
