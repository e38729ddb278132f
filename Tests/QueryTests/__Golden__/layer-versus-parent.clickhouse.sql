SELECT ? AS layer, arraySum(node_sums) / (node_traces * length(node_sums)) AS "mean_a", arraySum(b_node_sums) / (node_traces * length(b_node_sums)) AS "mean_b", arraySum(d_node_sums) / (node_traces * length(d_node_sums)) AS "mean_diff", arraySum(d_node_absolute) / (node_traces * length(d_node_sums)) AS "distance"
FROM (SELECT t.model_id AS model_id, count() AS node_traces, sumForEach(arrayMap(x -> toFloat64(x), t.layer_values[? + 1])) AS node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), t.layer_values[? + 1])) AS node_squares, minForEach(t.layer_values[? + 1]) AS node_minima, maxForEach(t.layer_values[? + 1]) AS node_maxima, sumForEach(arrayMap(x -> toFloat64(x), parent_values)) AS b_node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), parent_values)) AS b_node_squares, minForEach(parent_values) AS b_node_minima, maxForEach(parent_values) AS b_node_maxima, sumForEach(arrayMap(x -> toFloat64(x), arrayMap((x, y) -> toFloat64(x) - toFloat64(y), t.layer_values[? + 1], parent_values))) AS d_node_sums, sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), arrayMap((x, y) -> toFloat64(x) - toFloat64(y), t.layer_values[? + 1], parent_values))) AS d_node_squares, minForEach(arrayMap((x, y) -> toFloat64(x) - toFloat64(y), t.layer_values[? + 1], parent_values)) AS d_node_minima, maxForEach(arrayMap((x, y) -> toFloat64(x) - toFloat64(y), t.layer_values[? + 1], parent_values)) AS d_node_maxima, sumForEach(arrayMap((x, y) -> abs(toFloat64(x) - toFloat64(y)), t.layer_values[? + 1], parent_values)) AS d_node_absolute
FROM traces AS t
GLOBAL ANY INNER JOIN (SELECT t.model_id AS model_id, t.tag AS parent_tag, t.input_index AS parent_index, argMin(t.layer_values[? + 1], t.id) AS parent_values
FROM traces AS t
WHERE (t.model_id, t.tag, t.input_index) GLOBAL IN (SELECT t.model_id, t.parent_tag, t.parent_index
FROM traces AS t
WHERE t.parent_index >= 0 AND (t.tag = ?))
GROUP BY t.model_id, t.tag, t.input_index) USING model_id, parent_tag, parent_index
WHERE length(t.layer_values) > ? AND (t.tag = ?)
GROUP BY model_id)
ORDER BY "layer" ASC NULLS FIRST
-- arguments: 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 'fgsm', 2, 'fgsm'
