SELECT ? AS layer, toInt64(node_position) - 1 AS node, node_sum / node_traces AS "mean", node_maximum AS "max"
FROM (SELECT t.model_id AS model_id, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS node_squares, minForEach(t.layer_values[? + 1]) AS node_minima, maxForEach(t.layer_values[? + 1]) AS node_maxima
FROM traces AS t
WHERE length(t.layer_values) > ? AND ((t.tag = ?) AND NOT ((t.predicted_label = t.true_label)))
GROUP BY model_id)
ARRAY JOIN node_sums AS node_sum, node_squares AS node_square, node_minima AS node_minimum, node_maxima AS node_maximum, arrayEnumerate(node_sums) AS node_position
ORDER BY "mean" DESC NULLS LAST, "node" ASC NULLS FIRST
LIMIT ?
-- arguments: 2, 2, 2, 2, 2, 2, 'clean', 1
