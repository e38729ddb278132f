SELECT "tag", ? AS layer, arraySum(node_sums) / (node_traces * length(node_sums)) AS "mean", arraySum(node_active) / (node_traces * length(node_sums)) AS "freq"
FROM (SELECT t.model_id AS model_id, t.tag AS "tag", count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS node_squares, minForEach(t.layer_values[? + 1]) AS node_minima, maxForEach(t.layer_values[? + 1]) AS node_maxima, sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), t.layer_values[? + 1], arrayResize(emptyArrayFloat64(), length(t.layer_values[? + 1]), layer_threshold))) AS node_active
FROM traces AS t
GLOBAL ANY INNER JOIN (SELECT model_id, threshold AS layer_threshold
FROM layers FINAL
WHERE layer = ?) USING model_id
WHERE length(t.layer_values) > ?
GROUP BY model_id, "tag")
ORDER BY "tag" ASC NULLS FIRST, "layer" ASC NULLS FIRST
-- arguments: 2, 2, 2, 2, 2, 2, 2, 2, 2
