SELECT *
FROM (WITH chosen AS MATERIALIZED (SELECT t.id, t.model_id, t.tag, t.input_index, t.value_block, t.value_row
FROM traces t
WHERE ((t.tag = ?) AND (t.input_index < ?)))
SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, l.layer AS layer, CAST(v.key AS INTEGER) AS node, v.value AS value
FROM chosen t
JOIN layers l ON l.model_id = t.model_id AND l.layer = ?
CROSS JOIN json_each(ipg_nodes(t.value_block, t.value_row, l.layer, l.node_size)) AS v) AS r
WHERE (r.value > ?)
ORDER BY r.input, r.trace, r.node
-- arguments: 'clean', 2, 1, 0
