-- seg sql --dialect clickhouse --shape members: tests/tiers/guarded.seg, today 2026-11-23
-- require email_opt_in is true
-- ClickHouse's NULL logic is not SQL's: every condition is written out as true (1) or not
SELECT segment, key, `loyalty`, `metal` FROM (
  SELECT
    `customer_id` AS key,
    -- priority loyalty = gold_recent, big, active, else dormant
    multiIf(((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull((lowerUTF8(`loyalty_tier`) = 'gold'), 0) = 1) AND (ifNull((`last_purchase` >= toDate('2026-09-24') AND `last_purchase` <= toDate('2026-11-23')), 0) = 1))), 'gold_recent', ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`total_spend` >= 3000), 0) = 1)), 'big', ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`purchases_90d` > 0), 0) = 1)), 'active', (ifNull(`email_opt_in`, 0) = 1), 'dormant', '') AS `loyalty`,
    -- priority metal = gold, big
    multiIf(((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((lowerUTF8(`loyalty_tier`) = 'gold'), 0) = 1)), 'gold', ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`total_spend` >= 3000), 0) = 1)), 'big', '') AS `metal`,
    [
      -- segment gold = loyalty_tier = "gold"
      ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((lowerUTF8(`loyalty_tier`) = 'gold'), 0) = 1)),
      -- segment big = total_spend >= 3000
      ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`total_spend` >= 3000), 0) = 1)),
      -- segment gold_recent = gold and last_purchase within 60 days
      ((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull((lowerUTF8(`loyalty_tier`) = 'gold'), 0) = 1) AND (ifNull((`last_purchase` >= toDate('2026-09-24') AND `last_purchase` <= toDate('2026-11-23')), 0) = 1))),
      -- segment active = purchases_90d > 0
      ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`purchases_90d` > 0), 0) = 1))
    ] AS hits,
    ['gold', 'big', 'gold_recent', 'active'] AS names
  FROM `customers`
) ARRAY JOIN hits AS hit, names AS segment, arrayEnumerate(names) AS n
WHERE hit = 1
ORDER BY n, key;
