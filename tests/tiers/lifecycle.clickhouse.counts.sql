-- seg sql --dialect clickhouse --shape counts: tests/tiers/lifecycle.seg, today 2026-11-23
-- ClickHouse's NULL logic is not SQL's: every condition is written out as true (1) or not
SELECT segment, customers, priority FROM (
  SELECT
    [
      -- segment vip = total_spend > 5000
      countIf((ifNull((`total_spend` > 5000), 0) = 1)),
      -- segment lapsing_vip = total_spend > 2000 and last_purchase more than 90 days ago
      countIf(((ifNull((`total_spend` > 2000), 0) = 1) AND (ifNull((`last_purchase` < toDate('2026-08-25')), 0) = 1))),
      -- segment new_customers = signup_date within 180 days
      countIf((ifNull((`signup_date` >= toDate('2026-05-27') AND `signup_date` <= toDate('2026-11-23')), 0) = 1)),
      -- segment nordic = country in ("SE", "NO", "DK", "FI")
      countIf((isNotNull(`country`) AND lowerUTF8(`country`) IN ('se', 'no', 'dk', 'fi'))),
      -- segment young = age < 30
      countIf((ifNull((`age` < 30), 0) = 1)),
      countIf(`seg$p0` = 'vip'),
      countIf(`seg$p0` = 'lapsing_vip'),
      countIf(`seg$p0` = 'new_customers'),
      countIf(`seg$p0` = 'everyone_else'),
      countIf(`seg$p1` = 'young'),
      countIf(`seg$p1` = 'nordic'),
      countIf(`seg$p1` = 'vip')
    ] AS counts,
    ['vip', 'lapsing_vip', 'new_customers', 'nordic', 'young', 'vip', 'lapsing_vip', 'new_customers', 'everyone_else', 'young', 'nordic', 'vip'] AS names,
    ['', '', '', '', '', 'lifecycle', 'lifecycle', 'lifecycle', 'lifecycle', 'reach', 'reach', 'reach'] AS prios
  FROM (
    SELECT *,
      -- priority lifecycle = vip, lapsing_vip, new_customers, else everyone_else
      multiIf((ifNull((`total_spend` > 5000), 0) = 1), 'vip', ((ifNull((`total_spend` > 2000), 0) = 1) AND (ifNull((`last_purchase` < toDate('2026-08-25')), 0) = 1)), 'lapsing_vip', (ifNull((`signup_date` >= toDate('2026-05-27') AND `signup_date` <= toDate('2026-11-23')), 0) = 1), 'new_customers', 'everyone_else') AS `seg$p0`,
      -- priority reach = young, nordic, vip
      multiIf((ifNull((`age` < 30), 0) = 1), 'young', (isNotNull(`country`) AND lowerUTF8(`country`) IN ('se', 'no', 'dk', 'fi')), 'nordic', (ifNull((`total_spend` > 5000), 0) = 1), 'vip', '') AS `seg$p1`
    FROM `customers`
  )
) ARRAY JOIN counts AS customers, names AS segment, prios AS priority, arrayEnumerate(names) AS n
ORDER BY n;
