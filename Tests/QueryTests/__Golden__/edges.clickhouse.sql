SELECT trace, tag, input, concat(toString(edge_source_layer), ':', toString(source_position - 1)) AS source, concat(toString(?), ':', toString(edge_target)) AS target, toFloat64(edge_weight) * toFloat64(source_value) AS contribution
FROM (SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, edge_source_layer, edge_target, t.layer_values[edge_source_layer + 1] AS source_values, edge_weights, source_threshold
FROM (SELECT *
FROM traces AS t
WHERE length(t.layer_values) > ? AND ((t.tag = ?) AND (t.input_index = ?))) AS t GLOBAL ALL INNER
JOIN (SELECT model_id, edge_target, edge_weights, edge_source_layer, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(target) AS edge_target, weights AS edge_weights
FROM dense_weights FINAL
WHERE layer = ?) ANY INNER
JOIN (SELECT model_id, edge_source_layer, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(assumeNotNull(source_layer)) AS edge_source_layer, threshold AS target_threshold
FROM layers FINAL
WHERE layer = ? AND edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS edge_source_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, edge_source_layer) USING model_id) USING model_id
WHERE abs(t.layer_values[? + 1][edge_target + 1]) > target_threshold)
ARRAY JOIN source_values AS source_value, edge_weights AS edge_weight, arrayEnumerate(source_values) AS source_position
WHERE abs(source_value) > source_threshold
ORDER BY "contribution" DESC NULLS LAST, "input" ASC NULLS FIRST, "trace" ASC NULLS FIRST, toInt64(splitByChar(':', "target")[1]) ASC NULLS FIRST, toInt64(splitByChar(':', "target")[2]) ASC NULLS FIRST, toInt64(splitByChar(':', "source")[1]) ASC NULLS FIRST, toInt64(splitByChar(':', "source")[2]) ASC NULLS FIRST
LIMIT ?
-- arguments: 2, 2, 'clean', 3, 2, 2, 2, 2
