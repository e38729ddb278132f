SELECT *
FROM (WITH a AS MATERIALIZED (SELECT s.model_id AS model_id, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_statistics s
WHERE s.tag = ? AND s.layer = ?), b AS MATERIALIZED (SELECT s.model_id AS model_id, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_statistics s
WHERE s.tag = ? AND s.layer = ?)
SELECT a.layer AS layer, a.node AS node, CAST(a.active AS REAL) / a.n AS freq_a, CAST(b.active AS REAL) / b.n AS freq_b, CAST(a.active AS REAL) / a.n - CAST(b.active AS REAL) / b.n AS freq_diff, a.mean AS mean_a, b.mean AS mean_b, a.mean - b.mean AS mean_diff, sqrt(a.m2 / a.n) AS stddev_a, sqrt(b.m2 / b.n) AS stddev_b, sqrt(a.m2 / a.n) - sqrt(b.m2 / b.n) AS stddev_diff, (a.mean - b.mean) / NULLIF(sqrt((a.m2 + b.m2) / (a.n + b.n - 2)), 0) AS effect
FROM a
JOIN b ON b.model_id = a.model_id AND b.layer = a.layer AND b.node = a.node) AS r
ORDER BY abs(r.freq_diff) DESC, abs(r.effect) DESC, r.node
LIMIT ?
-- arguments: $adv, $layer, $clean, $layer, $k
