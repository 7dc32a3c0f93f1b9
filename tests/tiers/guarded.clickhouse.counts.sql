-- seg sql --dialect clickhouse --shape counts: tests/tiers/guarded.seg, today 2026-11-23
-- require email_opt_in is true
-- ClickHouse's NULL logic is not SQL's: every condition is written out as true (1) or not
SELECT segment, customers, priority FROM (
  SELECT
    [
      -- segment gold = loyalty_tier = "gold"
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((lowerUTF8(`loyalty_tier`) = 'gold'), 0) = 1))),
      -- segment big = total_spend >= 3000
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`total_spend` >= 3000), 0) = 1))),
      -- segment gold_recent = gold and last_purchase within 60 days
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull((lowerUTF8(`loyalty_tier`) = 'gold'), 0) = 1) AND (ifNull((`last_purchase` >= toDate('2026-09-24') AND `last_purchase` <= toDate('2026-11-23')), 0) = 1)))),
      -- segment active = purchases_90d > 0
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`purchases_90d` > 0), 0) = 1))),
      countIf(`seg$p0` = 'gold_recent'),
      countIf(`seg$p0` = 'big'),
      countIf(`seg$p0` = 'active'),
      countIf(`seg$p0` = 'dormant'),
      countIf(`seg$p1` = 'gold'),
      countIf(`seg$p1` = 'big')
    ] AS counts,
    ['gold', 'big', 'gold_recent', 'active', 'gold_recent', 'big', 'active', 'dormant', 'gold', 'big'] AS names,
    ['', '', '', '', 'loyalty', 'loyalty', 'loyalty', 'loyalty', 'metal', 'metal'] AS prios
  FROM (
    SELECT *,
      -- priority loyalty = gold_recent, big, active, else dormant
      multiIf(((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull((lowerUTF8(`loyalty_tier`) = 'gold'), 0) = 1) AND (ifNull((`last_purchase` >= toDate('2026-09-24') AND `last_purchase` <= toDate('2026-11-23')), 0) = 1))), 'gold_recent', ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`total_spend` >= 3000), 0) = 1)), 'big', ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`purchases_90d` > 0), 0) = 1)), 'active', (ifNull(`email_opt_in`, 0) = 1), 'dormant', '') AS `seg$p0`,
      -- priority metal = gold, big
      multiIf(((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((lowerUTF8(`loyalty_tier`) = 'gold'), 0) = 1)), 'gold', ((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`total_spend` >= 3000), 0) = 1)), 'big', '') AS `seg$p1`
    FROM `customers`
  )
) ARRAY JOIN counts AS customers, names AS segment, prios AS priority, arrayEnumerate(names) AS n
ORDER BY n;
