SELECT r.node AS "node", r.mean_a AS "mean_a", r.mean_b AS "mean_b", r.mean_diff AS "diff"
FROM (WITH a AS MATERIALIZED (SELECT s.model_id AS model_id, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_statistics s
WHERE s.tag = ? AND s.layer = ?), b AS MATERIALIZED (SELECT s.model_id AS model_id, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_statistics s
WHERE s.tag = ? AND s.layer = ?)
SELECT a.layer AS layer, a.node AS node, a.mean AS mean_a, b.mean AS mean_b, a.mean - b.mean AS mean_diff
FROM a
JOIN b ON b.model_id = a.model_id AND b.layer = a.layer AND b.node = a.node) AS r
ORDER BY abs(r.mean_diff) DESC, r.node
LIMIT ?
-- arguments: $a, $layer, $b, $layer, $k
