SELECT *
FROM (WITH RECURSIVE chosen(id, model_id, tag, input_index, node_values, value_encoding, predicted_label) AS MATERIALIZED (SELECT t.id, t.model_id, t.tag, t.input_index, t.node_values, t.value_encoding, t.predicted_label
FROM traces t
WHERE ((t.tag = ?) AND (t.input_index = ?))), vals(trace_id, layer, node, value) AS MATERIALIZED (SELECT c.id, l.layer, CAST(j.key AS INTEGER), j.value
FROM chosen c
JOIN layers l ON l.model_id = c.model_id
CROSS JOIN json_each(ipg_nodes(c.node_values, c.value_encoding, l.layer, l.node_size)) AS j), walk(trace_id, step, layer, node, source, target, contribution, path, flow) AS (SELECT c.id, 0, (SELECT MAX(layer)
FROM layers
WHERE model_id = c.model_id), c.predicted_label, NULL, NULL, NULL, NULL, NULL
FROM chosen c UNION ALL
SELECT g.trace_id, g.step + 1, s.layer, w.source, s.layer || ':' || w.source, g.layer || ':' || g.node, w.weight * a.value, COALESCE(g.path, g.layer || ':' || g.node) || ' <- ' || s.layer || ':' || w.source, CASE WHEN g.step = 0 THEN w.weight * a.value ELSE g.flow * w.weight * a.value / NULLIF((SELECT SUM(v.weight * x.value)
FROM layers p
JOIN dense_weights v ON v.model_id = p.model_id AND v.layer = l.layer AND v.target = g.node
JOIN vals x ON x.trace_id = g.trace_id AND x.layer = p.layer AND x.node = v.source
WHERE p.model_id = c.model_id AND p.layer = l.source_layer AND abs(x.value) > p.threshold), 0) END
FROM walk g
JOIN chosen c ON c.id = g.trace_id
JOIN layers l ON l.model_id = c.model_id AND l.layer = g.layer
JOIN layers s ON s.model_id = c.model_id AND s.layer = l.source_layer
JOIN dense_weights w ON w.model_id = c.model_id AND w.layer = g.layer AND w.target = g.node
JOIN vals a ON a.trace_id = g.trace_id AND a.layer = s.layer AND a.node = w.source
WHERE g.step < ? AND abs(a.value) > s.threshold AND (SELECT COUNT(*)
FROM dense_weights v
JOIN vals x ON x.trace_id = g.trace_id AND x.layer = s.layer AND x.node = v.source
WHERE v.model_id = c.model_id AND v.layer = g.layer AND v.target = g.node AND abs(x.value) > s.threshold AND v.weight * x.value > w.weight * a.value) < ?)
SELECT c.id AS trace, c.tag AS tag, c.input_index AS input, g.step AS step, g.target AS target, g.source AS source, g.contribution AS contribution, g.path AS path, g.flow AS flow
FROM walk g
JOIN chosen c ON c.id = g.trace_id
WHERE g.step > 0) AS r
WHERE (r.target = ?)
ORDER BY r.input, r.trace, r.step, r.contribution DESC, CAST(substr(r.target, 1, instr(r.target, ':') - 1) AS INTEGER), CAST(substr(r.target, instr(r.target, ':') + 1) AS INTEGER), CAST(substr(r.source, 1, instr(r.source, ':') - 1) AS INTEGER), CAST(substr(r.source, instr(r.source, ':') + 1) AS INTEGER)
-- arguments: $tag, $input, 2, 2, '2:1'
