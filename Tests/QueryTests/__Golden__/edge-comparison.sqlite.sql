SELECT *
FROM (WITH a AS MATERIALIZED (SELECT *
FROM (WITH r AS MATERIALIZED (SELECT g.model_id AS model_id, g.label AS label, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum
FROM (SELECT t.model_id AS model_id, t.true_label AS label, l.layer AS layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = (SELECT x.source_layer
FROM layers x
WHERE x.model_id = t.model_id AND x.layer = ? AND x.edge_rule = 'dense')
WHERE (t.tag = ?)
GROUP BY +t.model_id, +t.true_label, l.layer) AS g, json_each(g.stats) AS j), e AS MATERIALIZED (SELECT t.model_id AS model_id, t.true_label AS label, ipg_edge_activity(t.value_block, t.value_row, s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold) AS activity
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ? AND l.edge_rule = 'dense'
JOIN layers s ON s.model_id = t.model_id AND s.layer = l.source_layer
WHERE (t.tag = ?)
GROUP BY t.model_id, t.true_label)
SELECT r.model_id AS model_id, r.label AS label, l.layer AS layer, l.source_layer AS source_layer, r.node AS source, w.target AS target, r.traces AS traces, r.n AS n, ipg_float32_at(w.weights, r.node) * r.mean AS mean, ipg_float32_at(w.weights, r.node) * ipg_float32_at(w.weights, r.node) * r.m2 AS m2, k.value AS active, min(ipg_float32_at(w.weights, r.node) * r.minimum, ipg_float32_at(w.weights, r.node) * r.maximum) AS minimum, max(ipg_float32_at(w.weights, r.node) * r.minimum, ipg_float32_at(w.weights, r.node) * r.maximum) AS maximum
FROM e
CROSS JOIN json_each(e.activity) AS k
CROSS JOIN layers l ON l.model_id = e.model_id AND l.layer = ?
CROSS JOIN layers s ON s.model_id = l.model_id AND s.layer = l.source_layer
CROSS JOIN dense_weight_rows w ON w.model_id = l.model_id AND w.layer = l.layer AND w.target = (k.key) / (s.node_count)
CROSS JOIN r ON r.model_id = e.model_id AND r.node = k.key % s.node_count AND r.label = e.label) UNION ALL
SELECT *
FROM (SELECT g.model_id AS model_id, g.label AS label, g.layer AS layer, g.source_layer AS source_layer, CAST(json_extract(j.value, '$[0]') AS INTEGER) AS source, CAST(json_extract(j.value, '$[1]') AS INTEGER) AS target, json_extract(j.value, '$[2]') AS traces, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS mean, json_extract(j.value, '$[4]') AS m2, json_extract(j.value, '$[5]') AS active, json_extract(j.value, '$[6]') AS minimum, json_extract(j.value, '$[7]') AS maximum
FROM (SELECT t.model_id AS model_id, t.true_label AS label, l.layer AS layer, s.layer AS source_layer, ipg_edge_stats(t.value_block, t.value_row, ls.edge_rule, s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold, k.geometry, k.weights, CASE WHEN l.kind IN ('add', 'concat') THEN ls.channel_offset END) AS stats
FROM layers l
CROSS JOIN traces t ON t.model_id = l.model_id
JOIN layer_sources ls ON ls.model_id = l.model_id AND ls.layer = l.layer AND ls.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape', 'concat')
JOIN layers s ON s.model_id = l.model_id AND s.layer = ls.source_layer LEFT
JOIN layer_kernels k ON k.model_id = l.model_id AND k.layer = l.layer
WHERE l.layer = ? AND (l.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape') OR l.kind IN ('add', 'concat')) AND ((t.tag = ?))
GROUP BY t.model_id, t.true_label, l.layer, ls.position) AS g, json_each(g.stats) AS j)), b AS MATERIALIZED (SELECT *
FROM (WITH r AS MATERIALIZED (SELECT g.model_id AS model_id, g.label AS label, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum
FROM (SELECT t.model_id AS model_id, t.true_label AS label, l.layer AS layer, ipg_node_stats(t.value_block, t.value_row, l.layer, l.node_size, l.threshold) AS stats
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = (SELECT x.source_layer
FROM layers x
WHERE x.model_id = t.model_id AND x.layer = ? AND x.edge_rule = 'dense')
WHERE (t.tag = ?)
GROUP BY +t.model_id, +t.true_label, l.layer) AS g, json_each(g.stats) AS j), e AS MATERIALIZED (SELECT t.model_id AS model_id, t.true_label AS label, ipg_edge_activity(t.value_block, t.value_row, s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold) AS activity
FROM traces t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ? AND l.edge_rule = 'dense'
JOIN layers s ON s.model_id = t.model_id AND s.layer = l.source_layer
WHERE (t.tag = ?)
GROUP BY t.model_id, t.true_label)
SELECT r.model_id AS model_id, r.label AS label, l.layer AS layer, l.source_layer AS source_layer, r.node AS source, w.target AS target, r.traces AS traces, r.n AS n, ipg_float32_at(w.weights, r.node) * r.mean AS mean, ipg_float32_at(w.weights, r.node) * ipg_float32_at(w.weights, r.node) * r.m2 AS m2, k.value AS active, min(ipg_float32_at(w.weights, r.node) * r.minimum, ipg_float32_at(w.weights, r.node) * r.maximum) AS minimum, max(ipg_float32_at(w.weights, r.node) * r.minimum, ipg_float32_at(w.weights, r.node) * r.maximum) AS maximum
FROM e
CROSS JOIN json_each(e.activity) AS k
CROSS JOIN layers l ON l.model_id = e.model_id AND l.layer = ?
CROSS JOIN layers s ON s.model_id = l.model_id AND s.layer = l.source_layer
CROSS JOIN dense_weight_rows w ON w.model_id = l.model_id AND w.layer = l.layer AND w.target = (k.key) / (s.node_count)
CROSS JOIN r ON r.model_id = e.model_id AND r.node = k.key % s.node_count AND r.label = e.label) UNION ALL
SELECT *
FROM (SELECT g.model_id AS model_id, g.label AS label, g.layer AS layer, g.source_layer AS source_layer, CAST(json_extract(j.value, '$[0]') AS INTEGER) AS source, CAST(json_extract(j.value, '$[1]') AS INTEGER) AS target, json_extract(j.value, '$[2]') AS traces, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS mean, json_extract(j.value, '$[4]') AS m2, json_extract(j.value, '$[5]') AS active, json_extract(j.value, '$[6]') AS minimum, json_extract(j.value, '$[7]') AS maximum
FROM (SELECT t.model_id AS model_id, t.true_label AS label, l.layer AS layer, s.layer AS source_layer, ipg_edge_stats(t.value_block, t.value_row, ls.edge_rule, s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold, k.geometry, k.weights, CASE WHEN l.kind IN ('add', 'concat') THEN ls.channel_offset END) AS stats
FROM layers l
CROSS JOIN traces t ON t.model_id = l.model_id
JOIN layer_sources ls ON ls.model_id = l.model_id AND ls.layer = l.layer AND ls.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape', 'concat')
JOIN layers s ON s.model_id = l.model_id AND s.layer = ls.source_layer LEFT
JOIN layer_kernels k ON k.model_id = l.model_id AND k.layer = l.layer
WHERE l.layer = ? AND (l.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape') OR l.kind IN ('add', 'concat')) AND ((t.tag = ?))
GROUP BY t.model_id, t.true_label, l.layer, ls.position) AS g, json_each(g.stats) AS j))
SELECT a.label AS label, a.source_layer || ':' || a.source AS source, a.layer || ':' || a.target AS target, CAST(a.active AS REAL) / a.n AS freq_a, CAST(b.active AS REAL) / b.n AS freq_b, CAST(a.active AS REAL) / a.n - CAST(b.active AS REAL) / b.n AS freq_diff, a.mean AS mean_a, b.mean AS mean_b, a.mean - b.mean AS mean_diff, (a.mean - b.mean) / NULLIF(sqrt((a.m2 + b.m2) / (a.n + b.n - 2)), 0) AS effect
FROM a
JOIN b ON b.model_id = a.model_id AND b.layer = a.layer AND b.label = a.label AND b.source = a.source AND b.target = a.target) AS r
ORDER BY r.label, CAST(substr(r.target, 1, instr(r.target, ':') - 1) AS INTEGER), CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER), CAST(substr(r.source, 1, instr(r.source, ':') - 1) AS INTEGER), CAST(substr(r.source, instr(r.source, ':') + 1) AS INTEGER)
-- arguments: 2, 'clean', 2, 'clean', 2, 2, 'clean', 2, 'fgsm', 2, 'fgsm', 2, 2, 'fgsm'
