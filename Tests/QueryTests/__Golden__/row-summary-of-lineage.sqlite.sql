SELECT r."path" AS "path", COUNT(*) AS "count", SUM(r."flow") AS "sum_flow"
FROM (SELECT *
FROM (WITH chosen(id, model_id, tag, input_index, value_block, value_row, predicted_label) AS MATERIALIZED (SELECT t.id, t.model_id, t.tag, t.input_index, t.value_block, t.value_row, t.predicted_label
FROM traces t
WHERE ((t.tag = ?) AND NOT ((t.predicted_label = t.true_label)))), vals(trace_id, layer, node, value) AS MATERIALIZED (SELECT c.id, l.layer, CAST(j.key AS INTEGER), j.value
FROM chosen c
JOIN layers l ON l.model_id = c.model_id
CROSS JOIN json_each(ipg_nodes(c.value_block, c.value_row, l.layer, l.node_size)) AS j), derived(trace_id, layer, source_layer, source, target, contribution, source_active, target_active) AS MATERIALIZED (SELECT c.id, l.layer, s.layer, json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]'), json_extract(e.value, '$[2]'), json_extract(e.value, '$[3]'), json_extract(e.value, '$[4]')
FROM chosen c
JOIN layers l ON l.model_id = c.model_id AND (l.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape') OR l.kind IN ('add', 'concat'))
JOIN layer_sources ls ON ls.model_id = l.model_id AND ls.layer = l.layer AND ls.edge_rule IN ('conv', 'channel_scale', 'channel_output', 'reshape', 'concat')
JOIN layers s ON s.model_id = l.model_id AND s.layer = ls.source_layer LEFT
JOIN layer_kernels k ON k.model_id = l.model_id AND k.layer = l.layer
CROSS JOIN json_each(ipg_edges(c.value_block, c.value_row, ls.edge_rule, s.layer, s.node_size, s.threshold, l.layer, l.node_size, l.threshold, k.geometry, k.weights, CASE WHEN l.kind IN ('add', 'concat') THEN ls.channel_offset END)) AS e), step0(trace_id, layer, node, source, target, contribution, path, flow) AS MATERIALIZED (SELECT c.id, (SELECT MAX(layer)
FROM layers
WHERE model_id = c.model_id) AS layer, c.predicted_label AS node, NULL, NULL, NULL, NULL, NULL
FROM chosen c), step1(trace_id, layer, node, source, target, contribution, path, flow) AS MATERIALIZED (SELECT trace_id, layer, node, source, target, contribution, path, flow
FROM (SELECT g.trace_id, g.source_layer AS layer, g.source AS node, g.source_layer || ':' || g.source AS source, g.layer || ':' || g.node AS target, g.weight * g.value AS contribution, COALESCE(g.path, g.layer || ':' || g.node) || ' <- ' || g.source_layer || ':' || g.source AS path, g.weight * g.value AS flow, RANK() OVER (PARTITION BY g.trace_id, COALESCE(g.path, g.layer || ':' || g.node)
ORDER BY g.weight * g.value DESC) AS rank
FROM (SELECT g.trace_id, g.layer, g.node, g.path, g.flow, s.layer AS source_layer, a.node AS source, a.value AS value, ipg_float32_at(w.weights, a.node) AS weight
FROM step0 g
JOIN chosen c ON c.id = g.trace_id
JOIN layers l ON l.model_id = c.model_id AND l.layer = g.layer
JOIN layers s ON s.model_id = c.model_id AND s.layer = l.source_layer
JOIN dense_weight_rows w ON w.model_id = c.model_id AND w.layer = g.layer AND w.target = g.node
JOIN vals a ON a.trace_id = g.trace_id AND a.layer = l.source_layer
WHERE ? >= 1 AND abs(a.value) > s.threshold) AS g UNION ALL
SELECT g.trace_id, s.layer AS layer, e.source AS node, s.layer || ':' || e.source AS source, g.layer || ':' || g.node AS target, e.contribution AS contribution, COALESCE(g.path, g.layer || ':' || g.node) || ' <- ' || s.layer || ':' || e.source AS path, e.contribution AS flow, RANK() OVER (PARTITION BY g.trace_id, COALESCE(g.path, g.layer || ':' || g.node)
ORDER BY e.contribution DESC) AS rank
FROM step0 g
JOIN chosen c ON c.id = g.trace_id
JOIN derived e ON e.trace_id = g.trace_id AND e.layer = g.layer AND e.target = g.node
JOIN layers s ON s.model_id = c.model_id AND s.layer = e.source_layer
WHERE ? >= 1 AND e.source_active)
WHERE rank <= ?), step2(trace_id, layer, node, source, target, contribution, path, flow) AS MATERIALIZED (SELECT trace_id, layer, node, source, target, contribution, path, flow
FROM (SELECT g.trace_id, g.source_layer AS layer, g.source AS node, g.source_layer || ':' || g.source AS source, g.layer || ':' || g.node AS target, g.weight * g.value AS contribution, COALESCE(g.path, g.layer || ':' || g.node) || ' <- ' || g.source_layer || ':' || g.source AS path, g.flow * g.weight * g.value / NULLIF(SUM(g.weight * g.value) OVER (PARTITION BY g.trace_id, COALESCE(g.path, g.layer || ':' || g.node)), 0) AS flow, RANK() OVER (PARTITION BY g.trace_id, COALESCE(g.path, g.layer || ':' || g.node)
ORDER BY g.weight * g.value DESC) AS rank
FROM (SELECT g.trace_id, g.layer, g.node, g.path, g.flow, s.layer AS source_layer, a.node AS source, a.value AS value, ipg_float32_at(w.weights, a.node) AS weight
FROM step1 g
JOIN chosen c ON c.id = g.trace_id
JOIN layers l ON l.model_id = c.model_id AND l.layer = g.layer
JOIN layers s ON s.model_id = c.model_id AND s.layer = l.source_layer
JOIN dense_weight_rows w ON w.model_id = c.model_id AND w.layer = g.layer AND w.target = g.node
JOIN vals a ON a.trace_id = g.trace_id AND a.layer = l.source_layer
WHERE ? >= 2 AND abs(a.value) > s.threshold) AS g UNION ALL
SELECT g.trace_id, s.layer AS layer, e.source AS node, s.layer || ':' || e.source AS source, g.layer || ':' || g.node AS target, e.contribution AS contribution, COALESCE(g.path, g.layer || ':' || g.node) || ' <- ' || s.layer || ':' || e.source AS path, g.flow * e.contribution / NULLIF(SUM(e.contribution) OVER (PARTITION BY g.trace_id, COALESCE(g.path, g.layer || ':' || g.node)), 0) AS flow, RANK() OVER (PARTITION BY g.trace_id, COALESCE(g.path, g.layer || ':' || g.node)
ORDER BY e.contribution DESC) AS rank
FROM step1 g
JOIN chosen c ON c.id = g.trace_id
JOIN derived e ON e.trace_id = g.trace_id AND e.layer = g.layer AND e.target = g.node
JOIN layers s ON s.model_id = c.model_id AND s.layer = e.source_layer
WHERE ? >= 2 AND e.source_active)
WHERE rank <= ?)
SELECT c.id AS trace, c.tag AS tag, c.input_index AS input, g.step AS step, g.target AS target, g.source AS source, g.contribution AS contribution, g.path AS path, g.flow AS flow
FROM (SELECT 1 AS step, *
FROM step1 UNION ALL
SELECT 2 AS step, *
FROM step2) AS g
JOIN chosen c ON c.id = g.trace_id) AS r
WHERE (r.step = ?)) AS r
GROUP BY r."path"
ORDER BY count DESC, path
LIMIT ?
-- arguments: 'fgsm', 2, 2, 2, 2, 2, 2, 2, 5
