SELECT a.predicted AS predicted, a.layer AS layer, a.node AS node, a.q90 AS p90, a.q50 AS median
FROM (SELECT g.model_id AS model_id, g.predicted AS predicted, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum, json_extract(g.q90, '$' || '[' || j.key || ']') AS q90, json_extract(g.q50, '$' || '[' || j.key || ']') AS q50
FROM (SELECT t.model_id AS model_id, t.predicted_label AS predicted, l.layer AS layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats, ipg_node_quantile(t.value_block, t.value_row, l.layer, l.node_size, ?) AS q90, ipg_node_quantile(t.value_block, t.value_row, l.layer, l.node_size, ?) AS q50
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
WHERE ((SELECT a.value
FROM trace_attributes a
WHERE a.trace_id = t.id AND a.key = ?
ORDER BY a.position
LIMIT 1) = ?)
GROUP BY +t.model_id, +t.predicted_label, l.layer) AS g, json_each(g.stats) AS j) AS a
ORDER BY predicted, node
-- arguments: 0.9, 0.5, 1, 'camera id', $camera
