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
      countIf(multiIf((ifNull((`total_spend` > 5000), 0) = 1), 'vip', ((ifNull((`total_spend` > 2000), 0) = 1) AND (ifNull((`last_purchase` < toDate('2026-08-25')), 0) = 1)), 'lapsing_vip', (ifNull((`signup_date` >= toDate('2026-05-27') AND `signup_date` <= toDate('2026-11-23')), 0) = 1), 'new_customers', 'everyone_else') = 'vip'),
      countIf(multiIf((ifNull((`total_spend` > 5000), 0) = 1), 'vip', ((ifNull((`total_spend` > 2000), 0) = 1) AND (ifNull((`last_purchase` < toDate('2026-08-25')), 0) = 1)), 'lapsing_vip', (ifNull((`signup_date` >= toDate('2026-05-27') AND `signup_date` <= toDate('2026-11-23')), 0) = 1), 'new_customers', 'everyone_else') = 'lapsing_vip'),
      countIf(multiIf((ifNull((`total_spend` > 5000), 0) = 1), 'vip', ((ifNull((`total_spend` > 2000), 0) = 1) AND (ifNull((`last_purchase` < toDate('2026-08-25')), 0) = 1)), 'lapsing_vip', (ifNull((`signup_date` >= toDate('2026-05-27') AND `signup_date` <= toDate('2026-11-23')), 0) = 1), 'new_customers', 'everyone_else') = 'new_customers'),
      countIf(multiIf((ifNull((`total_spend` > 5000), 0) = 1), 'vip', ((ifNull((`total_spend` > 2000), 0) = 1) AND (ifNull((`last_purchase` < toDate('2026-08-25')), 0) = 1)), 'lapsing_vip', (ifNull((`signup_date` >= toDate('2026-05-27') AND `signup_date` <= toDate('2026-11-23')), 0) = 1), 'new_customers', 'everyone_else') = 'everyone_else'),
      countIf(multiIf((ifNull((`age` < 30), 0) = 1), 'young', (isNotNull(`country`) AND lowerUTF8(`country`) IN ('se', 'no', 'dk', 'fi')), 'nordic', (ifNull((`total_spend` > 5000), 0) = 1), 'vip', '') = 'young'),
      countIf(multiIf((ifNull((`age` < 30), 0) = 1), 'young', (isNotNull(`country`) AND lowerUTF8(`country`) IN ('se', 'no', 'dk', 'fi')), 'nordic', (ifNull((`total_spend` > 5000), 0) = 1), 'vip', '') = 'nordic'),
      countIf(multiIf((ifNull((`age` < 30), 0) = 1), 'young', (isNotNull(`country`) AND lowerUTF8(`country`) IN ('se', 'no', 'dk', 'fi')), 'nordic', (ifNull((`total_spend` > 5000), 0) = 1), 'vip', '') = 'vip')
    ] AS counts,
    ['vip', 'lapsing_vip', 'new_customers', 'nordic', 'young', 'vip', 'lapsing_vip', 'new_customers', 'everyone_else', 'young', 'nordic', 'vip'] AS names,
    ['', '', '', '', '', 'lifecycle', 'lifecycle', 'lifecycle', 'lifecycle', 'reach', 'reach', 'reach'] AS prios
  FROM `customers`
) ARRAY JOIN counts AS customers, names AS segment, prios AS priority, arrayEnumerate(names) AS n
ORDER BY n;
