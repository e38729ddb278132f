WITH chosen AS MATERIALIZED (SELECT t.id, t.model_id, t.tag, t.input_index, t.node_values, t.value_encoding
FROM traces t
WHERE ((t.tag = ?) AND (t.input_index = ?)))
SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, w.source AS source, w.target AS target, w.weight * sv.value AS weight
FROM chosen t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
JOIN layers s ON s.model_id = t.model_id AND s.layer = l.source_layer
CROSS JOIN json_each(ipg_nodes(t.node_values, t.value_encoding, l.layer, l.node_size)) AS lv
CROSS JOIN json_each(ipg_nodes(t.node_values, t.value_encoding, s.layer, s.node_size)) AS sv
CROSS JOIN dense_weights w ON w.model_id = t.model_id AND w.layer = l.layer AND w.target = lv.key AND w.source = sv.key
WHERE abs(lv.value) > l.threshold AND abs(sv.value) > s.threshold
ORDER BY weight DESC, input, trace, target, source
LIMIT ?
-- arguments: 'clean', 3, 2, 2
