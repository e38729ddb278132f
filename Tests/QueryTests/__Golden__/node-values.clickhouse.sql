SELECT *
FROM (SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, ? AS layer, toInt64(node_position) - 1 AS node, node_value AS value
FROM traces AS t
ARRAY JOIN t.layer_values[? + 1] AS node_value, arrayEnumerate(t.layer_values[? + 1]) AS node_position
WHERE ((t.tag = ?) AND (t.input_index < ?)))
WHERE ("value" > ?)
ORDER BY "input" ASC NULLS FIRST, "trace" ASC NULLS FIRST, "node" ASC NULLS FIRST
-- arguments: 1, 1, 1, 'clean', 2, 0
