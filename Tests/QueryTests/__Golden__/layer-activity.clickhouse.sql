SELECT toInt64(layer_position) - 1 AS layer, node_traces AS "count", arraySum(node_sums) / (node_traces * length(node_sums)) AS "mean", sqrt(greatest(arraySum(node_squares) / (node_traces * length(node_sums)) - (arraySum(node_sums) / (node_traces * length(node_sums))) * (arraySum(node_sums) / (node_traces * length(node_sums))), 0)) AS "stddev", arraySum(node_active) / (node_traces * length(node_sums)) AS "freq", arrayReduce('min', node_minima) AS "min", arrayReduce('max', node_maxima) AS "max"
FROM (SELECT t.model_id AS model_id, layer_position, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), layer_value_array)) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), layer_value_array)) AS node_squares, minForEach(layer_value_array) AS node_minima, maxForEach(layer_value_array) AS node_maxima, sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), layer_value_array, arrayResize(emptyArrayFloat64(), length(layer_value_array), layer_thresholds[layer_position]))) AS node_active
FROM traces AS t
ARRAY JOIN t.layer_values AS layer_value_array, arrayEnumerate(t.layer_values) AS layer_position
GLOBAL ANY INNER JOIN (SELECT model_id, arrayMap(pair -> tupleElement(pair, 2), arraySort(groupArray((layer, threshold)))) AS layer_thresholds
FROM layers FINAL
GROUP BY model_id) USING model_id
WHERE (t.tag = ?)
GROUP BY model_id, layer_position)
ORDER BY "layer" ASC NULLS FIRST
-- arguments: $tag
