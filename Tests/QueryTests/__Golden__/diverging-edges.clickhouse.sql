SELECT *
FROM (SELECT source, target, node_sum / node_traces AS "mean_a", b_node_sum / b_node_traces AS "mean_b", node_sum / node_traces - b_node_sum / b_node_traces AS "mean_diff"
FROM (SELECT concat(toString(edge_source_layer), ':', toString(source_position - 1)) AS source, concat(toString(?), ':', toString(edge_target)) AS target, node_traces, toFloat64(edge_weight) * source_sum AS node_sum, toFloat64(edge_weight) * toFloat64(edge_weight) * source_square AS node_square, least(toFloat64(edge_weight) * source_minimum, toFloat64(edge_weight) * source_maximum) AS node_minimum, greatest(toFloat64(edge_weight) * source_minimum, toFloat64(edge_weight) * source_maximum) AS node_maximum, b_node_traces, toFloat64(edge_weight) * b_source_sum AS b_node_sum, toFloat64(edge_weight) * toFloat64(edge_weight) * b_source_square AS b_node_square, least(toFloat64(edge_weight) * b_source_minimum, toFloat64(edge_weight) * b_source_maximum) AS b_node_minimum, greatest(toFloat64(edge_weight) * b_source_minimum, toFloat64(edge_weight) * b_source_maximum) AS b_node_maximum
FROM (SELECT node_sums, node_squares, node_minima, node_maxima, node_traces, b_node_sums, b_node_squares, b_node_minima, b_node_maxima, b_node_traces, edge_source_layer, edge_target, edge_weights
FROM (SELECT model_id, layer_position, node_traces, node_sums, node_squares, node_minima, node_maxima, b_node_traces, b_node_sums, b_node_squares, b_node_minima, b_node_maxima
FROM (SELECT t.model_id AS model_id, layer_position, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), layer_value_array)) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), layer_value_array)) AS node_squares, minForEach(layer_value_array) AS node_minima, maxForEach(layer_value_array) AS node_maxima
FROM traces AS t
ARRAY JOIN t.layer_values AS layer_value_array, arrayEnumerate(t.layer_values) AS layer_position
WHERE (t.tag = ?)
GROUP BY model_id, layer_position) ANY INNER
JOIN (SELECT t.model_id AS model_id, layer_position, count() AS b_node_traces, sumForEach(arrayMap(x -> toFloat64(x), layer_value_array)) AS b_node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), layer_value_array)) AS b_node_squares, minForEach(layer_value_array) AS b_node_minima, maxForEach(layer_value_array) AS b_node_maxima
FROM traces AS t
ARRAY JOIN t.layer_values AS layer_value_array, arrayEnumerate(t.layer_values) AS layer_position
WHERE (t.tag = ?)
GROUP BY model_id, layer_position) USING model_id, layer_position) ALL INNER
JOIN (SELECT model_id, toUInt32(edge_source_layer + 1) AS layer_position, edge_source_layer, edge_target, edge_weights
FROM (SELECT model_id, edge_target, edge_weights, edge_source_layer, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(target) AS edge_target, weights AS edge_weights
FROM dense_weights FINAL
WHERE layer = ?) ANY INNER
JOIN (SELECT model_id, edge_source_layer, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(assumeNotNull(source_layer)) AS edge_source_layer, threshold AS target_threshold
FROM layers FINAL
WHERE layer = ? AND edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS edge_source_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, edge_source_layer) USING model_id)) USING model_id, layer_position)
ARRAY JOIN edge_weights AS edge_weight, node_sums AS source_sum, node_squares AS source_square, node_minima AS source_minimum, node_maxima AS source_maximum, b_node_sums AS b_source_sum, b_node_squares AS b_source_square, b_node_minima AS b_source_minimum, b_node_maxima AS b_source_maximum, arrayEnumerate(node_sums) AS source_position))
ORDER BY abs("mean_diff") DESC NULLS LAST, toInt64(splitByChar(':', "target")[1]) ASC NULLS FIRST, toInt64(splitByChar(':', "target")[2]) ASC NULLS FIRST, toInt64(splitByChar(':', "source")[1]) ASC NULLS FIRST, toInt64(splitByChar(':', "source")[2]) ASC NULLS FIRST
LIMIT ?
-- arguments: $layer, $a, $b, $layer, $layer, $k
