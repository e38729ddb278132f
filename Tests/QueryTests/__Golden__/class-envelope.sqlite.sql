SELECT a.layer AS layer, a.node AS node, a.traces AS count, a.mean AS mean, sqrt(a.m2 / a.n) AS stddev
FROM (SELECT s.model_id AS model_id, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_label_statistics s
WHERE s.tag = ? AND s.label = ? AND s.layer = ?) AS a
ORDER BY node
-- arguments: $tag, $label, $layer
