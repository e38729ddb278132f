SELECT CAST(substr(r.source, instr(r.source, ':') + 1) AS INTEGER) AS "source", CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER) AS "target", r.contribution AS "weight"
FROM (WITH chosen AS MATERIALIZED (SELECT t.id, t.model_id, t.tag, t.input_index, t.value_block, t.value_row
FROM traces t
WHERE ((t.tag = ?) AND (t.input_index = ?)))
SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, s.layer || ':' || json_extract(e.value, '$[0]') AS source, l.layer || ':' || json_extract(e.value, '$[1]') AS target, json_extract(e.value, '$[2]') AS contribution
FROM chosen t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ? AND (l.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape') OR l.kind IN ('add', 'concat'))
JOIN layer_sources ls ON ls.model_id = l.model_id AND ls.layer = l.layer AND ls.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape', 'concat')
JOIN layers s ON s.model_id = l.model_id AND s.layer = ls.source_layer LEFT
JOIN layer_kernels k ON k.model_id = l.model_id AND k.layer = l.layer
CROSS JOIN json_each(ipg_edges(t.value_block, t.value_row, ls.edge_rule, s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold, k.geometry, k.weights, CASE WHEN l.kind IN ('add', 'concat') THEN ls.channel_offset END)) AS e
WHERE json_extract(e.value, '$[3]') AND json_extract(e.value, '$[4]') UNION ALL
SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, s.layer || ':' || sv.key AS source, l.layer || ':' || lv.key AS target, ipg_float32_at(w.weights, sv.key) * sv.value AS contribution
FROM chosen t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ? AND l.edge_rule = 'dense'
JOIN layers s ON s.model_id = t.model_id AND s.layer = l.source_layer
CROSS JOIN json_each(ipg_nodes(t.value_block, t.value_row, l.layer, l.node_size)) AS lv
CROSS JOIN dense_weight_rows w ON w.model_id = t.model_id AND w.layer = l.layer AND w.target = lv.key
CROSS JOIN json_each(ipg_nodes(t.value_block, t.value_row, s.layer, s.node_size)) AS sv
WHERE abs(lv.value) > l.threshold AND abs(sv.value) > s.threshold) AS r
ORDER BY r.contribution DESC, r.input, r.trace, CAST(substr(r.target, 1, instr(r.target, ':') - 1) AS INTEGER), CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER), CAST(substr(r.source, 1, instr(r.source, ':') - 1) AS INTEGER), CAST(substr(r.source, instr(r.source, ':') + 1) AS INTEGER)
LIMIT ?
-- arguments: $tag, $input, $layer, $layer, $k
