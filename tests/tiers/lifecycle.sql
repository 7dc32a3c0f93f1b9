-- priority: lifecycle
CASE WHEN total_spend > 5000 THEN 'vip'
     WHEN total_spend > 2000 AND last_purchase < date('2026-11-23', '-90 days') THEN 'lapsing_vip'
     WHEN signup_date BETWEEN date('2026-11-23', '-180 days') AND '2026-11-23' THEN 'new_customers'
     ELSE 'everyone_else' END
-- priority: reach
CASE WHEN age < 30 THEN 'young'
     WHEN upper(country) IN ('SE', 'NO', 'DK', 'FI') THEN 'nordic'
     WHEN total_spend > 5000 THEN 'vip' END
