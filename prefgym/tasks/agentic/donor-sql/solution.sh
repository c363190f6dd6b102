#!/usr/bin/env bash
# Reference solution for donor-sql.
set -euo pipefail
cat > query.sql <<'SQL'
SELECT d.name AS name,
       d.region AS region,
       printf('%.2f', SUM(g.amount_cents) / 100.0) AS total_usd
FROM gifts AS g
JOIN donors AS d ON d.id = g.donor_id
WHERE g.gift_date >= '2025-01-01' AND g.gift_date < '2026-01-01'
GROUP BY d.id, d.name, d.region
ORDER BY SUM(g.amount_cents) DESC, d.name ASC
LIMIT 5;
SQL
sqlite3 -header -csv donors.db < query.sql | tr -d '\r' > top_donors.csv
cat top_donors.csv
