SELECT *
FROM (SELECT ? AS layer, toInt64(node_position) - 1 AS node, node_sum / node_traces AS "mean_a", b_node_sum / b_node_traces AS "mean_b", node_sum / node_traces - b_node_sum / b_node_traces AS "mean_diff", node_act / node_traces AS "freq_a", b_node_act / b_node_traces AS "freq_b", node_act / node_traces - b_node_act / b_node_traces AS "freq_diff", if(node_traces + b_node_traces > 2, (node_sum / node_traces - b_node_sum / b_node_traces) / nullIf(sqrt(greatest(((node_square - node_sum * node_sum / node_traces) + (b_node_square - b_node_sum * b_node_sum / b_node_traces)) / (node_traces + b_node_traces - 2), 0)), 0), NULL) AS "effect"
FROM (SELECT model_id, node_traces, node_sums, node_squares, node_minima, node_maxima, node_active, b_node_traces, b_node_sums, b_node_squares, b_node_minima, b_node_maxima, b_node_active
FROM (SELECT t.model_id AS model_id, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS node_squares, minForEach(t.layer_values[? + 1]) AS node_minima, maxForEach(t.layer_values[? + 1]) AS node_maxima, sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), t.layer_values[? + 1], arrayResize(emptyArrayFloat64(), length(t.layer_values[? + 1]), layer_threshold))) AS node_active
FROM traces AS t
GLOBAL ANY INNER JOIN (SELECT model_id, threshold AS layer_threshold
FROM layers FINAL
WHERE layer = ?) USING model_id
WHERE length(t.layer_values) > ? AND (((t.tag = ?) AND (t.predicted_label = t.true_label)) AND (t.true_label = ?))
GROUP BY model_id) ANY INNER
JOIN (SELECT t.model_id AS model_id, count() AS b_node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS b_node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS b_node_squares, minForEach(t.layer_values[? + 1]) AS b_node_minima, maxForEach(t.layer_values[? + 1]) AS b_node_maxima, sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), t.layer_values[? + 1], arrayResize(emptyArrayFloat64(), length(t.layer_values[? + 1]), layer_threshold))) AS b_node_active
FROM traces AS t
GLOBAL ANY INNER JOIN (SELECT model_id, threshold AS layer_threshold
FROM layers FINAL
WHERE layer = ?) USING model_id
WHERE length(t.layer_values) > ? AND (((t.tag = ?) AND (t.predicted_label = t.true_label)) AND (t.true_label = ?))
GROUP BY model_id) USING model_id)
ARRAY JOIN node_sums AS node_sum, node_squares AS node_square, node_minima AS node_minimum, node_maxima AS node_maximum, node_active AS node_act, b_node_sums AS b_node_sum, b_node_squares AS b_node_square, b_node_minima AS b_node_minimum, b_node_maxima AS b_node_maximum, b_node_active AS b_node_act, arrayEnumerate(node_sums) AS node_position)
ORDER BY abs("effect") DESC NULLS LAST, "node" ASC NULLS FIRST
LIMIT ?
-- arguments: $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $tag, $a, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $tag, $b, $k
