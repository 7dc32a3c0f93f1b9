-- seg sql --dialect clickhouse --shape counts: examples/newsletter.seg, today 2026-11-23
-- ClickHouse's NULL logic is not SQL's: every condition is written out as true (1) or not
SELECT segment, customers FROM (
  SELECT
    [
      -- segment goteborg_edition "Opted-in readers in Göteborg" =
      --     city = "GÖTEBORG" and email_opt_in
      countIf(((ifNull((lowerUTF8(`city`) = 'göteborg'), 0) = 1) AND (ifNull(`email_opt_in`, 0) = 1))),
      -- segment stockholm_edition =
      --     city in ("STOCKHOLM", "solna", "Nacka", "TÄBY", "sollentuna")
      --     and email_opt_in
      countIf(((isNotNull(`city`) AND lowerUTF8(`city`) IN ('stockholm', 'solna', 'nacka', 'täby', 'sollentuna')) AND (ifNull(`email_opt_in`, 0) = 1))),
      -- segment nordic_initial "First names starting with Å, Ä or Ö" =
      --     first_name starts with "å"
      --     or first_name starts with "ä"
      --     or first_name starts with "ö"
      countIf((((ifNull((lowerUTF8(`first_name`) LIKE 'å%'), 0) = 1) OR (ifNull((lowerUTF8(`first_name`) LIKE 'ä%'), 0) = 1)) OR (ifNull((lowerUTF8(`first_name`) LIKE 'ö%'), 0) = 1))),
      -- segment short_names "Names that fit the 3-letter subject-line badge" =
      --     length(first_name) <= 3 and email_opt_in
      countIf(((ifNull((lengthUTF8(`first_name`) <= 3), 0) = 1) AND (ifNull(`email_opt_in`, 0) = 1))),
      -- segment isp_mail "Addresses at Swedish and Norwegian providers" =
      --     email contains "@telia."
      --     or email contains "bredband"
      --     or email ends with ".no"
      countIf((((ifNull((lowerUTF8(`email`) LIKE '%@telia.%'), 0) = 1) OR (ifNull((lowerUTF8(`email`) LIKE '%bredband%'), 0) = 1)) OR (ifNull((lowerUTF8(`email`) LIKE '%.no'), 0) = 1))),
      -- segment mill_towns "Towns ending in -köping or -hamn" =
      --     city matches "(köping|hamn)$"
      countIf((ifNull(match(`city`, '(köping|hamn)$'), 0) = 1)),
      -- segment north_south_towns "Norr- and Söder- towns with long names" =
      --     (lower(city) starts with "norr" or lower(city) starts with "söder")
      --     and length(city) >= 10
      countIf((((ifNull((lowerUTF8(lowerUTF8(`city`)) LIKE 'norr%'), 0) = 1) OR (ifNull((lowerUTF8(lowerUTF8(`city`)) LIKE 'söder%'), 0) = 1)) AND (ifNull((lengthUTF8(`city`) >= 10), 0) = 1))),
      -- segment big_baskets "More than 200 per order this quarter" =
      --     total_spend / purchases_90d > 200 and email_opt_in
      countIf(((ifNull(((toFloat64(`total_spend`) / nullIf(`purchases_90d`, 0)) > 200), 0) = 1) AND (ifNull(`email_opt_in`, 0) = 1))),
      -- segment around_forty = abs(age - 40) <= 5 and email_opt_in
      countIf(((ifNull((abs((`age` - 40)) <= 5), 0) = 1) AND (ifNull(`email_opt_in`, 0) = 1))),
      -- segment recently_active = coalesce(last_purchase, signup_date) within 60 days
      countIf((ifNull((COALESCE(`last_purchase`, `signup_date`) >= toDate('2026-09-24') AND COALESCE(`last_purchase`, `signup_date`) <= toDate('2026-11-23')), 0) = 1))
    ] AS counts,
    ['goteborg_edition', 'stockholm_edition', 'nordic_initial', 'short_names', 'isp_mail', 'mill_towns', 'north_south_towns', 'big_baskets', 'around_forty', 'recently_active'] AS names
  FROM `customers`
) ARRAY JOIN counts AS customers, names AS segment, arrayEnumerate(names) AS n
ORDER BY n;
