SELECT ? AS layer, toInt64(node_position) - 1 AS node, node_sum / node_traces AS "mean_a", b_node_sum / node_traces AS "mean_b", d_node_sum / node_traces AS "mean_diff", node_act / node_traces AS "freq_a", b_node_act / node_traces AS "freq_b", node_act / node_traces - b_node_act / node_traces AS "freq_diff", if(node_traces > 1, d_node_sum / node_traces / nullIf(sqrt(greatest((d_node_square - d_node_sum * d_node_sum / node_traces) / (node_traces - 1), 0)), 0), NULL) AS "effect", d_node_absolute_sum / node_traces AS "distance", greatest(abs(d_node_minimum), abs(d_node_maximum)) AS "max_distance"
FROM (SELECT t.model_id AS model_id, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS node_squares, minForEach(t.layer_values[? + 1]) AS node_minima, maxForEach(t.layer_values[? + 1]) AS node_maxima, sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), t.layer_values[? + 1], arrayResize(emptyArrayFloat64(), length(t.layer_values[? + 1]), layer_threshold))) AS node_active, sumForEach(arrayMap(x -> toFloat64(x), parent_values)) AS b_node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), parent_values)) AS b_node_squares, minForEach(parent_values) AS b_node_minima, maxForEach(parent_values) AS b_node_maxima, sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), parent_values, arrayResize(emptyArrayFloat64(), length(parent_values), layer_threshold))) AS b_node_active, sumForEach(arrayMap(x -> toFloat64(x), arrayMap((x, y) -> toFloat64(x) - toFloat64(y), t.layer_values[? + 1], parent_values))) AS d_node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), arrayMap((x, y) -> toFloat64(x) - toFloat64(y), t.layer_values[? + 1], parent_values))) AS d_node_squares, minForEach(arrayMap((x, y) -> toFloat64(x) - toFloat64(y), t.layer_values[? + 1], parent_values)) AS d_node_minima, maxForEach(arrayMap((x, y) -> toFloat64(x) - toFloat64(y), t.layer_values[? + 1], parent_values)) AS d_node_maxima, sumForEach(arrayMap((x, y) -> abs(toFloat64(x) - toFloat64(y)), t.layer_values[? + 1], parent_values)) AS d_node_absolute
FROM traces AS t
GLOBAL ANY INNER JOIN (SELECT model_id, parent_tag, parent_index, parent_values, layer_threshold
FROM (SELECT t.model_id AS model_id, t.tag AS parent_tag, t.input_index AS parent_index, argMin(t.layer_values[? + 1], t.id) AS parent_values
FROM traces AS t
WHERE (t.model_id, t.tag, t.input_index) GLOBAL IN (SELECT t.model_id, t.parent_tag, t.parent_index
FROM traces AS t
WHERE t.parent_index >= 0 AND (t.tag = ?))
GROUP BY t.model_id, t.tag, t.input_index) ANY INNER
JOIN (SELECT model_id, threshold AS layer_threshold
FROM layers FINAL
WHERE layer = ?) USING model_id) USING model_id, parent_tag, parent_index
WHERE length(t.layer_values) > ? AND (t.tag = ?)
GROUP BY model_id)
ARRAY JOIN node_sums AS node_sum, node_squares AS node_square, node_minima AS node_minimum, node_maxima AS node_maximum, node_active AS node_act, b_node_sums AS b_node_sum, b_node_squares AS b_node_square, b_node_minima AS b_node_minimum, b_node_maxima AS b_node_maximum, b_node_active AS b_node_act, d_node_sums AS d_node_sum, d_node_squares AS d_node_square, d_node_minima AS d_node_minimum, d_node_maxima AS d_node_maximum, d_node_absolute AS d_node_absolute_sum, arrayEnumerate(node_sums) AS node_position
ORDER BY "distance" DESC NULLS LAST, "node" ASC NULLS FIRST
LIMIT ?
-- arguments: $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $adv, $layer, $layer, $adv, $k
