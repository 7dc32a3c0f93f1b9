-- seg sql --dialect clickhouse --shape counts: tests/sql/constructs.seg, today 2026-11-23
-- ClickHouse's NULL logic is not SQL's: every condition is written out as true (1) or not
SELECT segment, customers FROM (
  SELECT
    [
      -- segment ints = age 25..40 and purchases_90d > 3 and age not in (30, 31)
      countIf(((((ifNull((`age` >= 25), 0) = 1) AND (ifNull((`age` <= 40), 0) = 1)) AND (ifNull((`purchases_90d` > 3), 0) = 1)) AND (isNotNull(`age`) AND `age` NOT IN (30, 31)))),
      -- let floor = 1000
      -- segment nums = total_spend >= floor and total_spend < 2500.75
      countIf(((ifNull((`total_spend` >= 1000), 0) = 1) AND (ifNull((`total_spend` < 2500.75), 0) = 1))),
      -- segment division = total_spend / purchases_90d > 500
      countIf((ifNull(((toFloat64(`total_spend`) / nullIf(`purchases_90d`, 0)) > 500), 0) = 1)),
      -- segment arithmetic = (age + purchases_90d) * 2 > 100 and -age < -60 and abs(age - 50) <= 3
      countIf((((ifNull((((`age` + `purchases_90d`) * 2) > 100), 0) = 1) AND (ifNull(((-`age`) < -60), 0) = 1)) AND (ifNull((abs((`age` - 50)) <= 3), 0) = 1))),
      -- let nordics = "SE"
      -- segment text_eq = country = nordics or lower(city) = "malmö" or upper(gender) = "F"
      countIf((((ifNull((lowerUTF8(`country`) = 'se'), 0) = 1) OR (ifNull((lowerUTF8(lowerUTF8(`city`)) = 'malmö'), 0) = 1)) OR (ifNull((lowerUTF8(upperUTF8(`gender`)) = 'f'), 0) = 1))),
      -- segment text_in = loyalty_tier in ("Gold", "PLATINUM") and country not in ("dk")
      countIf(((isNotNull(`loyalty_tier`) AND lowerUTF8(`loyalty_tier`) IN ('gold', 'platinum')) AND (isNotNull(`country`) AND lowerUTF8(`country`) NOT IN ('dk')))),
      -- segment text_order = first_name < "B" and city >= "S" or country "N".."S"
      countIf((((ifNull((lowerUTF8(`first_name`) < 'b'), 0) = 1) AND (ifNull((lowerUTF8(`city`) >= 's'), 0) = 1)) OR ((ifNull((lowerUTF8(`country`) >= 'n'), 0) = 1) AND (ifNull((lowerUTF8(`country`) <= 's'), 0) = 1)))),
      -- segment text_ops = email contains "%_" or email starts with "anna" or email ends with ".se" or first_name not contains "a"
      countIf(((((ifNull((lowerUTF8(`email`) LIKE '%\\%\\_%'), 0) = 1) OR (ifNull((lowerUTF8(`email`) LIKE 'anna%'), 0) = 1)) OR (ifNull((lowerUTF8(`email`) LIKE '%.se'), 0) = 1)) OR (ifNull((lowerUTF8(`first_name`) LIKE '%a%'), 1) = 0))),
      -- segment lengths = length(first_name) > 6 and length(city) between 3 and 5
      countIf(((ifNull((lengthUTF8(`first_name`) > 6), 0) = 1) AND ((ifNull((lengthUTF8(`city`) >= 3), 0) = 1) AND (ifNull((lengthUTF8(`city`) <= 5), 0) = 1)))),
      -- segment missing = email is missing or age is not missing and last_purchase is missing
      countIf((isNull(`email`) OR (isNotNull(`age`) AND isNull(`last_purchase`)))),
      -- segment is_true = (age > 60) is true and (purchases_90d > 0) is not false
      countIf(((ifNull((`age` > 60), 0) = 1) AND ((ifNull((`purchases_90d` > 0), 1) = 0) = 0))),
      -- segment bools = email_opt_in and not (email_opt_in = false)
      countIf(((ifNull(`email_opt_in`, 0) = 1) AND (ifNull((`email_opt_in` = 0), 1) = 0))),
      -- segment dates = last_purchase within 90 days or signup_date more than 3 years ago or signup_date less than 30 days ago
      countIf((((ifNull((`last_purchase` >= toDate('2026-08-25') AND `last_purchase` <= toDate('2026-11-23')), 0) = 1) OR (ifNull((`signup_date` < toDate('2023-11-23')), 0) = 1)) OR (ifNull((`signup_date` > toDate('2026-10-24')), 0) = 1))),
      -- segment date_edges = last_purchase >= today - 6 months and signup_date before 2024-01-01
      countIf(((ifNull((`last_purchase` >= toDate('2026-05-23')), 0) = 1) AND (ifNull((`signup_date` < toDate('2024-01-01')), 0) = 1))),
      -- segment date_math = days_since(last_purchase) > 100 and year(signup_date) = 2025 and month(signup_date) in (1, 2, 3)
      countIf((((ifNull((dateDiff('day', `last_purchase`, toDate('2026-11-23')) > 100), 0) = 1) AND (ifNull((toYear(`signup_date`) = 2025), 0) = 1)) AND (isNotNull(toMonth(`signup_date`)) AND toMonth(`signup_date`) IN (1, 2, 3)))),
      -- segment date_diff = last_purchase - signup_date > 365 and signup_date + 30 days < last_purchase
      countIf(((ifNull((dateDiff('day', `signup_date`, `last_purchase`) > 365), 0) = 1) AND (ifNull((addDays(`signup_date`, 30) < `last_purchase`), 0) = 1))),
      -- segment coalesce_ = coalesce(age, 0) = 0
      countIf((ifNull((COALESCE(`age`, 0) = 0), 0) = 1)),
      -- let nordics = "SE"
      -- segment refs = ints or (dates and not text_eq)
      countIf((((((ifNull((`age` >= 25), 0) = 1) AND (ifNull((`age` <= 40), 0) = 1)) AND (ifNull((`purchases_90d` > 3), 0) = 1)) AND (isNotNull(`age`) AND `age` NOT IN (30, 31))) OR ((((ifNull((`last_purchase` >= toDate('2026-08-25') AND `last_purchase` <= toDate('2026-11-23')), 0) = 1) OR (ifNull((`signup_date` < toDate('2023-11-23')), 0) = 1)) OR (ifNull((`signup_date` > toDate('2026-10-24')), 0) = 1)) AND (((ifNull((lowerUTF8(`country`) = 'se'), 1) = 0) AND (ifNull((lowerUTF8(lowerUTF8(`city`)) = 'malmö'), 1) = 0)) AND (ifNull((lowerUTF8(upperUTF8(`gender`)) = 'f'), 1) = 0))))),
      -- segment lists = country in nordic_list or age not in young
      countIf(((isNotNull(`country`) AND lowerUTF8(`country`) IN ('se', 'no', 'dk')) OR (isNotNull(`age`) AND `age` NOT IN (25, 26, 27)))),
      -- segment periods = signup_date in last year or last_purchase in this month or last_purchase not in last week
      countIf(((((ifNull((`signup_date` >= toDate('2025-01-01')), 0) = 1) AND (ifNull((`signup_date` <= toDate('2025-12-31')), 0) = 1)) OR ((ifNull((`last_purchase` >= toDate('2026-11-01')), 0) = 1) AND (ifNull((`last_purchase` <= toDate('2026-11-30')), 0) = 1))) OR ((ifNull((`last_purchase` >= toDate('2026-11-16')), 1) = 0) OR (ifNull((`last_purchase` <= toDate('2026-11-22')), 1) = 0)))),
      -- segment since_ = last_purchase since 01.09.2026 or signup_date = yesterday or signup_date in this year
      countIf((((ifNull((`last_purchase` >= toDate('2026-09-01')), 0) = 1) OR (ifNull((`signup_date` = toDate('2026-11-22')), 0) = 1)) OR ((ifNull((`signup_date` >= toDate('2026-01-01')), 0) = 1) AND (ifNull((`signup_date` <= toDate('2026-12-31')), 0) = 1))))
    ] AS counts,
    ['ints', 'nums', 'division', 'arithmetic', 'text_eq', 'text_in', 'text_order', 'text_ops', 'lengths', 'missing', 'is_true', 'bools', 'dates', 'date_edges', 'date_math', 'date_diff', 'coalesce_', 'refs', 'lists', 'periods', 'since_'] AS names
  FROM `customers`
) ARRAY JOIN counts AS customers, names AS segment, arrayEnumerate(names) AS n
ORDER BY n;
