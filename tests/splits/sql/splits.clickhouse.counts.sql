-- seg sql --dialect clickhouse --shape counts: tests/splits/splits.seg, today 2026-11-23
-- ClickHouse's NULL logic is not SQL's: every condition is written out as true (1) or not
SELECT segment, customers FROM (
  SELECT
    [
      -- segment newsletter = email_opt_in is true
      countIf((ifNull(`email_opt_in`, 0) = 1)),
      --     test 45%, control 45%, holdout 10%
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('q4_newsletter', ':', toString(`customer_id`))), 1, 4))) % 10000) >= 0), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('q4_newsletter', ':', toString(`customer_id`))), 1, 4))) % 10000) <= 4499), 0) = 1)))),
      --     test 45%, control 45%, holdout 10%
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('q4_newsletter', ':', toString(`customer_id`))), 1, 4))) % 10000) >= 4500), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('q4_newsletter', ':', toString(`customer_id`))), 1, 4))) % 10000) <= 8999), 0) = 1)))),
      --     test 45%, control 45%, holdout 10%
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('q4_newsletter', ':', toString(`customer_id`))), 1, 4))) % 10000) >= 9000), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('q4_newsletter', ':', toString(`customer_id`))), 1, 4))) % 10000) <= 9999), 0) = 1)))),
      -- split promo = everyone by email salt "2026-q4": a 50%, b 50%
      countIf(((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('2026-q4', ':', `email`)), 1, 4))) % 10000) >= 0), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('2026-q4', ':', `email`)), 1, 4))) % 10000) <= 4999), 0) = 1))),
      -- split promo = everyone by email salt "2026-q4": a 50%, b 50%
      countIf(((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('2026-q4', ':', `email`)), 1, 4))) % 10000) >= 5000), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('2026-q4', ':', `email`)), 1, 4))) % 10000) <= 9999), 0) = 1))),
      --     early 33.33%, mid 33.33%, late 33.34%
      countIf(((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('år:ö', ':', toString(`signup_date`))), 1, 4))) % 10000) >= 0), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('år:ö', ':', toString(`signup_date`))), 1, 4))) % 10000) <= 3332), 0) = 1))),
      --     early 33.33%, mid 33.33%, late 33.34%
      countIf(((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('år:ö', ':', toString(`signup_date`))), 1, 4))) % 10000) >= 3333), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('år:ö', ':', toString(`signup_date`))), 1, 4))) % 10000) <= 6665), 0) = 1))),
      --     early 33.33%, mid 33.33%, late 33.34%
      countIf(((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('år:ö', ':', toString(`signup_date`))), 1, 4))) % 10000) >= 6666), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('år:ö', ':', toString(`signup_date`))), 1, 4))) % 10000) <= 9999), 0) = 1))),
      -- split tiny = newsletter by customer_id: one 0.01%, rest 99.99%
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('tiny', ':', toString(`customer_id`))), 1, 4))) % 10000) >= 0), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('tiny', ':', toString(`customer_id`))), 1, 4))) % 10000) <= 0), 0) = 1)))),
      -- split tiny = newsletter by customer_id: one 0.01%, rest 99.99%
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('tiny', ':', toString(`customer_id`))), 1, 4))) % 10000) >= 1), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('tiny', ':', toString(`customer_id`))), 1, 4))) % 10000) <= 9999), 0) = 1)))),
      -- segment test_se = q4_newsletter.test and country = "SE"
      countIf((((ifNull(`email_opt_in`, 0) = 1) AND ((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('q4_newsletter', ':', toString(`customer_id`))), 1, 4))) % 10000) >= 0), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('q4_newsletter', ':', toString(`customer_id`))), 1, 4))) % 10000) <= 4499), 0) = 1))) AND (ifNull((lowerUTF8(`country`) = 'se'), 0) = 1))),
      -- segment promo_b_vip = promo.b and total_spend > 5000
      countIf((((ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('2026-q4', ':', `email`)), 1, 4))) % 10000) >= 5000), 0) = 1) AND (ifNull(((reinterpretAsUInt32(reverse(substring(MD5(concat('2026-q4', ':', `email`)), 1, 4))) % 10000) <= 9999), 0) = 1)) AND (ifNull((`total_spend` > 5000), 0) = 1)))
    ] AS counts,
    ['newsletter', 'q4_newsletter.test', 'q4_newsletter.control', 'q4_newsletter.holdout', 'promo.a', 'promo.b', 'cohort.early', 'cohort.mid', 'cohort.late', 'tiny.one', 'tiny.rest', 'test_se', 'promo_b_vip'] AS names
  FROM `customers`
) ARRAY JOIN counts AS customers, names AS segment, arrayEnumerate(names) AS n
ORDER BY n;
