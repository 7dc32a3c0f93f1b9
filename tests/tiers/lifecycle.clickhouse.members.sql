-- seg sql --dialect clickhouse --shape members: tests/tiers/lifecycle.seg, today 2026-11-23
-- ClickHouse's NULL logic is not SQL's: every condition is written out as true (1) or not
SELECT segment, key, `lifecycle`, `reach` FROM (
  SELECT
    `customer_id` AS key,
    -- priority lifecycle = vip, lapsing_vip, new_customers, else everyone_else
    multiIf((ifNull((`total_spend` > 5000), 0) = 1), 'vip', ((ifNull((`total_spend` > 2000), 0) = 1) AND (ifNull((`last_purchase` < toDate('2026-08-25')), 0) = 1)), 'lapsing_vip', (ifNull((`signup_date` >= toDate('2026-05-27') AND `signup_date` <= toDate('2026-11-23')), 0) = 1), 'new_customers', 'everyone_else') AS `lifecycle`,
    -- priority reach = young, nordic, vip
    multiIf((ifNull((`age` < 30), 0) = 1), 'young', (isNotNull(`country`) AND lowerUTF8(`country`) IN ('se', 'no', 'dk', 'fi')), 'nordic', (ifNull((`total_spend` > 5000), 0) = 1), 'vip', '') AS `reach`,
    [
      -- segment vip = total_spend > 5000
      (ifNull((`total_spend` > 5000), 0) = 1),
      -- segment lapsing_vip = total_spend > 2000 and last_purchase more than 90 days ago
      ((ifNull((`total_spend` > 2000), 0) = 1) AND (ifNull((`last_purchase` < toDate('2026-08-25')), 0) = 1)),
      -- segment new_customers = signup_date within 180 days
      (ifNull((`signup_date` >= toDate('2026-05-27') AND `signup_date` <= toDate('2026-11-23')), 0) = 1),
      -- segment nordic = country in ("SE", "NO", "DK", "FI")
      (isNotNull(`country`) AND lowerUTF8(`country`) IN ('se', 'no', 'dk', 'fi')),
      -- segment young = age < 30
      (ifNull((`age` < 30), 0) = 1)
    ] AS hits,
    ['vip', 'lapsing_vip', 'new_customers', 'nordic', 'young'] AS names
  FROM `customers`
) ARRAY JOIN hits AS hit, names AS segment, arrayEnumerate(names) AS n
WHERE hit = 1
ORDER BY n, key;
