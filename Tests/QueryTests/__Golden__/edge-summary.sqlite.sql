SELECT *
FROM (SELECT a.source_layer || ':' || a.source AS source, a.layer || ':' || a.target AS target, a.minimum AS min, a.maximum AS max
FROM (SELECT *
FROM (SELECT r.model_id AS model_id, l.layer AS layer, l.source_layer AS source_layer, r.node AS source, w.target AS target, r.traces AS traces, r.n AS n, ipg_float32_at(w.weights, r.node) * r.mean AS mean, ipg_float32_at(w.weights, r.node) * ipg_float32_at(w.weights, r.node) * r.m2 AS m2, r.active AS active, min(ipg_float32_at(w.weights, r.node) * r.minimum, ipg_float32_at(w.weights, r.node) * r.maximum) AS minimum, max(ipg_float32_at(w.weights, r.node) * r.minimum, ipg_float32_at(w.weights, r.node) * r.maximum) AS maximum
FROM (SELECT s.model_id AS model_id, s.layer AS layer, s.node AS node, s.count AS traces, s.count AS n, s.mean AS mean, s.m2 AS m2, s.active_count AS active, s.minimum AS minimum, s.maximum AS maximum
FROM node_statistics s
WHERE s.tag = ? AND s.layer = (SELECT x.source_layer
FROM layers x
WHERE x.model_id = s.model_id AND x.layer = ? AND x.edge_rule = 'dense')) AS r
JOIN layers l ON l.model_id = r.model_id AND l.layer = ? AND l.source_layer = r.layer
CROSS JOIN dense_weight_rows w ON w.model_id = l.model_id AND w.layer = l.layer) UNION ALL
SELECT *
FROM (SELECT g.model_id AS model_id, g.layer AS layer, g.source_layer AS source_layer, CAST(json_extract(j.value, '$[0]') AS INTEGER) AS source, CAST(json_extract(j.value, '$[1]') AS INTEGER) AS target, json_extract(j.value, '$[2]') AS traces, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS mean, json_extract(j.value, '$[4]') AS m2, json_extract(j.value, '$[5]') AS active, json_extract(j.value, '$[6]') AS minimum, json_extract(j.value, '$[7]') AS maximum
FROM (SELECT t.model_id AS model_id, l.layer AS layer, s.layer AS source_layer, ipg_edge_stats(t.value_block, t.value_row, ls.edge_rule, s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold, k.geometry, k.weights, CASE WHEN l.kind IN ('add', 'concat') THEN ls.channel_offset END) AS stats
FROM layers l
CROSS JOIN traces t ON t.model_id = l.model_id
JOIN layer_sources ls ON ls.model_id = l.model_id AND ls.layer = l.layer AND ls.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape', 'concat')
JOIN layers s ON s.model_id = l.model_id AND s.layer = ls.source_layer LEFT
JOIN layer_kernels k ON k.model_id = l.model_id AND k.layer = l.layer
WHERE l.layer = ? AND (l.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape') OR l.kind IN ('add', 'concat')) AND ((t.tag = ?))
GROUP BY t.model_id, l.layer, ls.position) AS g, json_each(g.stats) AS j)) AS a) AS r
ORDER BY CAST(substr(r.target, 1, instr(r.target, ':') - 1) AS INTEGER), CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER), CAST(substr(r.source, 1, instr(r.source, ':') - 1) AS INTEGER), CAST(substr(r.source, instr(r.source, ':') + 1) AS INTEGER)
-- arguments: 'clean', 2, 2, 2, 'clean'
