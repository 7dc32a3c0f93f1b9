-- priority: loyalty
CASE WHEN email_opt_in IS NOT 1 THEN NULL
     WHEN lower(loyalty_tier) = 'gold' AND last_purchase BETWEEN date('2026-11-23', '-60 days') AND '2026-11-23' THEN 'gold_recent'
     WHEN total_spend >= 3000 THEN 'big'
     WHEN purchases_90d > 0 THEN 'active'
     ELSE 'dormant' END
-- priority: metal
CASE WHEN email_opt_in IS NOT 1 THEN NULL
     WHEN lower(loyalty_tier) = 'gold' THEN 'gold'
     WHEN total_spend >= 3000 THEN 'big' END
