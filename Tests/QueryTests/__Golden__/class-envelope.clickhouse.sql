SELECT ? AS layer, toInt64(node_position) - 1 AS node, node_traces AS "count", node_sum / node_traces AS "mean", sqrt(greatest(node_square / node_traces - (node_sum / node_traces) * (node_sum / node_traces), 0)) AS "stddev"
FROM (SELECT t.model_id AS model_id, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS node_squares, minForEach(t.layer_values[? + 1]) AS node_minima, maxForEach(t.layer_values[? + 1]) AS node_maxima
FROM traces AS t
WHERE length(t.layer_values) > ? AND ((t.tag = ?) AND (t.true_label = ?))
GROUP BY model_id)
ARRAY JOIN node_sums AS node_sum, node_squares AS node_square, node_minima AS node_minimum, node_maxima AS node_maximum, arrayEnumerate(node_sums) AS node_position
ORDER BY "node" ASC NULLS FIRST
-- arguments: $layer, $layer, $layer, $layer, $layer, $layer, $tag, $label
