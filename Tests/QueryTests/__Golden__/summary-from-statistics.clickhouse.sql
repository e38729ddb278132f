SELECT ? AS layer, toInt64(node_position) - 1 AS node, node_traces AS "count", node_sum / node_traces AS "mean", sqrt(greatest(node_square / node_traces - (node_sum / node_traces) * (node_sum / node_traces), 0)) AS "stddev", node_act / node_traces AS "freq"
FROM (SELECT t.model_id AS model_id, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS node_squares, minForEach(t.layer_values[? + 1]) AS node_minima, maxForEach(t.layer_values[? + 1]) AS node_maxima, sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), t.layer_values[? + 1], arrayResize(emptyArrayFloat64(), length(t.layer_values[? + 1]), layer_threshold))) AS node_active
FROM traces AS t
GLOBAL ANY INNER JOIN (SELECT model_id, threshold AS layer_threshold
FROM layers FINAL
WHERE layer = ?) USING model_id
WHERE length(t.layer_values) > ? AND (t.tag = ?)
GROUP BY model_id)
ARRAY JOIN node_sums AS node_sum, node_squares AS node_square, node_minima AS node_minimum, node_maxima AS node_maximum, node_active AS node_act, arrayEnumerate(node_sums) AS node_position
ORDER BY "node" ASC NULLS FIRST
-- arguments: $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $layer, $tag
