SELECT *
FROM (SELECT a.source_layer || ':' || a.source AS source, a.layer || ':' || a.target AS target, a.mean AS mean_a, a.b_mean AS mean_b, a.d_mean AS mean_diff, a.d_mean / NULLIF(sqrt(a.d_m2 / (a.d_n - 1)), 0) AS effect, max(abs(a.d_minimum), abs(a.d_maximum)) AS max_distance
FROM (SELECT *
FROM (SELECT r.model_id AS model_id, l.layer AS layer, l.source_layer AS source_layer, r.node AS source, w.target AS target, r.traces AS traces, r.n AS n, ipg_float32_at(w.weights, r.node) * r.mean AS mean, ipg_float32_at(w.weights, r.node) * ipg_float32_at(w.weights, r.node) * r.m2 AS m2, r.active AS active, min(ipg_float32_at(w.weights, r.node) * r.minimum, ipg_float32_at(w.weights, r.node) * r.maximum) AS minimum, max(ipg_float32_at(w.weights, r.node) * r.minimum, ipg_float32_at(w.weights, r.node) * r.maximum) AS maximum, r.b_traces AS b_traces, r.b_n AS b_n, ipg_float32_at(w.weights, r.node) * r.b_mean AS b_mean, ipg_float32_at(w.weights, r.node) * ipg_float32_at(w.weights, r.node) * r.b_m2 AS b_m2, r.b_active AS b_active, min(ipg_float32_at(w.weights, r.node) * r.b_minimum, ipg_float32_at(w.weights, r.node) * r.b_maximum) AS b_minimum, max(ipg_float32_at(w.weights, r.node) * r.b_minimum, ipg_float32_at(w.weights, r.node) * r.b_maximum) AS b_maximum, r.d_traces AS d_traces, r.d_n AS d_n, ipg_float32_at(w.weights, r.node) * r.d_mean AS d_mean, ipg_float32_at(w.weights, r.node) * ipg_float32_at(w.weights, r.node) * r.d_m2 AS d_m2, r.d_active AS d_active, min(ipg_float32_at(w.weights, r.node) * r.d_minimum, ipg_float32_at(w.weights, r.node) * r.d_maximum) AS d_minimum, max(ipg_float32_at(w.weights, r.node) * r.d_minimum, ipg_float32_at(w.weights, r.node) * r.d_maximum) AS d_maximum, abs(ipg_float32_at(w.weights, r.node)) * r.d_absolute_mean AS d_absolute_mean
FROM (SELECT g.model_id AS model_id, g.layer AS layer, CAST(j.key AS INTEGER) AS node, json_extract(j.value, '$[0]') AS traces, json_extract(j.value, '$[0]') AS n, json_extract(j.value, '$[1]') AS mean, json_extract(j.value, '$[2]') AS m2, json_extract(j.value, '$[3]') AS active, json_extract(j.value, '$[4]') AS minimum, json_extract(j.value, '$[5]') AS maximum, json_extract(j.value, '$[6]') AS b_traces, json_extract(j.value, '$[6]') AS b_n, json_extract(j.value, '$[7]') AS b_mean, json_extract(j.value, '$[8]') AS b_m2, json_extract(j.value, '$[9]') AS b_active, json_extract(j.value, '$[10]') AS b_minimum, json_extract(j.value, '$[11]') AS b_maximum, json_extract(j.value, '$[12]') AS d_traces, json_extract(j.value, '$[12]') AS d_n, json_extract(j.value, '$[13]') AS d_mean, json_extract(j.value, '$[14]') AS d_m2, json_extract(j.value, '$[15]') AS d_active, json_extract(j.value, '$[16]') AS d_minimum, json_extract(j.value, '$[17]') AS d_maximum, json_extract(j.value, '$[18]') AS d_absolute_mean
FROM (SELECT t.model_id AS model_id, l.layer AS layer, ipg_node_pair_stats(t.value_block, t.value_row, p.value_block, p.value_row, l.layer, l.node_size, l.threshold) AS stats
FROM traces t
JOIN traces p ON p.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = t.parent_tag AND q.input_index = t.parent_index AND q.model_id = t.model_id)
JOIN layers l ON l.model_id = t.model_id AND l.layer = (SELECT x.source_layer
FROM layers x
WHERE x.model_id = t.model_id AND x.layer = ? AND x.edge_rule = 'dense')
WHERE (t.tag = ?)
GROUP BY +t.model_id, l.layer) AS g, json_each(g.stats) AS j) AS r
JOIN layers l ON l.model_id = r.model_id AND l.layer = ? AND l.source_layer = r.layer
CROSS JOIN dense_weight_rows w ON w.model_id = l.model_id AND w.layer = l.layer) UNION ALL
SELECT *
FROM (SELECT g.model_id AS model_id, g.layer AS layer, g.source_layer AS source_layer, CAST(json_extract(j.value, '$[0]') AS INTEGER) AS source, CAST(json_extract(j.value, '$[1]') AS INTEGER) AS target, json_extract(j.value, '$[2]') AS traces, json_extract(j.value, '$[2]') AS n, json_extract(j.value, '$[3]') AS mean, json_extract(j.value, '$[4]') AS m2, json_extract(j.value, '$[5]') AS active, json_extract(j.value, '$[6]') AS minimum, json_extract(j.value, '$[7]') AS maximum, json_extract(j.value, '$[8]') AS b_traces, json_extract(j.value, '$[8]') AS b_n, json_extract(j.value, '$[9]') AS b_mean, json_extract(j.value, '$[10]') AS b_m2, json_extract(j.value, '$[11]') AS b_active, json_extract(j.value, '$[12]') AS b_minimum, json_extract(j.value, '$[13]') AS b_maximum, json_extract(j.value, '$[14]') AS d_traces, json_extract(j.value, '$[14]') AS d_n, json_extract(j.value, '$[15]') AS d_mean, json_extract(j.value, '$[16]') AS d_m2, json_extract(j.value, '$[17]') AS d_active, json_extract(j.value, '$[18]') AS d_minimum, json_extract(j.value, '$[19]') AS d_maximum, json_extract(j.value, '$[20]') AS d_absolute_mean
FROM (SELECT t.model_id AS model_id, l.layer AS layer, s.layer AS source_layer, ipg_edge_pair_stats(t.value_block, t.value_row, p.value_block, p.value_row, ls.edge_rule, s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold, k.geometry, k.weights, CASE WHEN l.kind IN ('add', 'concat') THEN ls.channel_offset END) AS stats
FROM layers l
CROSS JOIN traces t ON t.model_id = l.model_id
JOIN traces p ON p.id = (SELECT MIN(q.id)
FROM traces q INDEXED BY traces_by_input
WHERE q.tag = t.parent_tag AND q.input_index = t.parent_index AND q.model_id = t.model_id)
JOIN layer_sources ls ON ls.model_id = l.model_id AND ls.layer = l.layer AND ls.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape', 'concat')
JOIN layers s ON s.model_id = l.model_id AND s.layer = ls.source_layer LEFT
JOIN layer_kernels k ON k.model_id = l.model_id AND k.layer = l.layer
WHERE l.layer = ? AND (l.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape') OR l.kind IN ('add', 'concat')) AND ((t.tag = ?))
GROUP BY t.model_id, l.layer, ls.position) AS g, json_each(g.stats) AS j)) AS a) AS r
ORDER BY CAST(substr(r.target, 1, instr(r.target, ':') - 1) AS INTEGER), CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER), CAST(substr(r.source, 1, instr(r.source, ':') - 1) AS INTEGER), CAST(substr(r.source, instr(r.source, ':') + 1) AS INTEGER)
-- arguments: 2, 'fgsm', 2, 2, 'fgsm'
