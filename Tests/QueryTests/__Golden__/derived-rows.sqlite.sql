SELECT r.node AS "node", (r.mean_diff / r.stddev_b) AS "score"
FROM (WITH a AS MATERIALIZED (SELECT s.model_id AS model_id, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_statistics s
WHERE s.tag = ? AND s.layer = ?), b AS MATERIALIZED (SELECT s.model_id AS model_id, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_statistics s
WHERE s.tag = ? AND s.layer = ?)
SELECT a.layer AS layer, a.node AS node, a.mean AS mean_a, b.mean AS mean_b, a.mean - b.mean AS mean_diff, sqrt(a.m2 / a.n) AS stddev_a, sqrt(b.m2 / b.n) AS stddev_b, sqrt(a.m2 / a.n) - sqrt(b.m2 / b.n) AS stddev_diff
FROM a
JOIN b ON b.model_id = a.model_id AND b.layer = a.layer AND b.node = a.node) AS r
WHERE (abs((r.mean_diff / r.stddev_b)) > ?)
ORDER BY abs((r.mean_diff / r.stddev_b)) DESC, r.node
LIMIT ?
-- arguments: 'fgsm', 1, 'clean', 1, 1, 3
