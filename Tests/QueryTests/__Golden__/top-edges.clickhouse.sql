SELECT "__column_0" AS "source", "__column_1" AS "target", "__column_2" AS "weight"
FROM (SELECT toInt64(splitByChar(':', "source")[2]) AS "__column_0", toInt64(splitByChar(':', "target")[2]) AS "__column_1", "contribution" AS "__column_2", "contribution" AS "__key_0", "input" AS "__key_1", "trace" AS "__key_2", toInt64(splitByChar(':', "target")[1]) AS "__key_3", toInt64(splitByChar(':', "target")[2]) AS "__key_4", toInt64(splitByChar(':', "source")[1]) AS "__key_5", toInt64(splitByChar(':', "source")[2]) AS "__key_6"
FROM (SELECT trace, tag, input, concat(toString(edge_source_layer), ':', toString(source_position - 1)) AS source, concat(toString(?), ':', toString(edge_target)) AS target, toFloat64(edge_weight) * toFloat64(source_value) AS contribution
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
WHERE abs(source_value) > source_threshold))
ORDER BY "__key_0" DESC NULLS LAST, "__key_1" ASC NULLS FIRST, "__key_2" ASC NULLS FIRST, "__key_3" ASC NULLS FIRST, "__key_4" ASC NULLS FIRST, "__key_5" ASC NULLS FIRST, "__key_6" ASC NULLS FIRST
LIMIT ?
-- arguments: $layer, $layer, $tag, $input, $layer, $layer, $layer, $k
