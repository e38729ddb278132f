SELECT a.tag AS tag, a.layer AS layer, a.mean AS mean, CAST(a.active AS REAL) / a.n AS freq
FROM (SELECT r.model_id AS model_id, r.tag AS tag, r.layer AS layer, MAX(r.traces) AS traces, SUM(r.n) AS n, SUM(r.n * r.mean) / SUM(r.n) AS mean, SUM(r.m2) + SUM(r.n * r.mean * r.mean) - SUM(r.n * r.mean) * SUM(r.n * r.mean) / SUM(r.n) AS m2, SUM(r.active) AS active, MIN(r.minimum) AS minimum, MAX(r.maximum) AS maximum
FROM (SELECT s.model_id AS model_id, s.tag AS tag, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_statistics s
WHERE s.layer = ?) AS r
GROUP BY r.model_id, r.tag, r.layer) AS a
ORDER BY tag, layer
-- arguments: 2
