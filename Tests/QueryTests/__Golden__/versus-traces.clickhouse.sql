SELECT *
FROM (SELECT ? AS layer, toInt64(node_position) - 1 AS node, node_sum / node_traces AS "mean_a", b_node_sum / b_node_traces AS "mean_b", node_sum / node_traces - b_node_sum / b_node_traces AS "mean_diff"
FROM (SELECT model_id, node_traces, node_sums, node_squares, node_minima, node_maxima, b_node_traces, b_node_sums, b_node_squares, b_node_minima, b_node_maxima
FROM (SELECT t.model_id AS model_id, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS node_squares, minForEach(t.layer_values[? + 1]) AS node_minima, maxForEach(t.layer_values[? + 1]) AS node_maxima
FROM traces AS t
WHERE length(t.layer_values) > ? AND (t.tag = ?)
GROUP BY model_id) ANY INNER
JOIN (SELECT t.model_id AS model_id, count() AS b_node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS b_node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS b_node_squares, minForEach(t.layer_values[? + 1]) AS b_node_minima, maxForEach(t.layer_values[? + 1]) AS b_node_maxima
FROM traces AS t
WHERE length(t.layer_values) > ? AND (t.tag = ?)
GROUP BY model_id) USING model_id)
ARRAY JOIN node_sums AS node_sum, node_squares AS node_square, node_minima AS node_minimum, node_maxima AS node_maximum, b_node_sums AS b_node_sum, b_node_squares AS b_node_square, b_node_minima AS b_node_minimum, b_node_maxima AS b_node_maximum, arrayEnumerate(node_sums) AS node_position)
ORDER BY abs("mean_diff") DESC NULLS LAST, "node" ASC NULLS FIRST
LIMIT ?
-- arguments: $layer, $layer, $layer, $layer, $layer, $layer, $a, $layer, $layer, $layer, $layer, $layer, $b, $k
