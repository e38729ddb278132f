SELECT "__column_0" AS "input", "__column_1" AS "step", "__column_2" AS "target", "__column_3" AS "source", "__column_4" AS "contribution", "__column_5" AS "path", "__column_6" AS "flow"
FROM (SELECT "input" AS "__column_0", "step" AS "__column_1", "target" AS "__column_2", "source" AS "__column_3", "contribution" AS "__column_4", "path" AS "__column_5", "flow" AS "__column_6", "step" AS "__key_0", "flow" AS "__key_1", "input" AS "__key_2", "trace" AS "__key_3", "contribution" AS "__key_4", toInt64(splitByChar(':', "target")[1]) AS "__key_5", toInt64(splitByChar(':', "target")[2]) AS "__key_6", toInt64(splitByChar(':', "source")[1]) AS "__key_7", toInt64(splitByChar(':', "source")[2]) AS "__key_8"
FROM (SELECT *
FROM (SELECT trace, tag, input, toInt64(1) AS step, step_target AS target, step_source AS source, step_contribution AS contribution, walk_path AS path, walk_flow AS flow
FROM (SELECT trace, tag, input, model_id, walk_values, forward_layer AS walk_layer, forward_target AS walk_node, concat(if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path), ' -> ', concat(toString(forward_layer), ':', toString(forward_target))) AS walk_path, CAST(contribution AS Nullable(Float64)) AS walk_flow, concat(toString(from_layer), ':', toString(from_node)) AS step_source, concat(toString(forward_layer), ':', toString(forward_target)) AS step_target, contribution AS step_contribution
FROM (SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path, walk_flow AS from_flow, CAST(NULL AS Nullable(Float64)) AS inflow, forward_layer, forward_targets, toFloat64(walk_values[walk_layer + 1][walk_node + 1]) AS source_value, arrayMap((w, x) -> toFloat64(w) * x, forward_weights, arrayResize(emptyArrayFloat64(), length(forward_weights), source_value)) AS candidate_contributions, arrayMap((j, values) -> values[j + 1], forward_targets, replicate(walk_values[forward_layer + 1], forward_targets)) AS target_values, arrayMap((x, h) -> abs(x) > h, target_values, arrayResize(emptyArrayFloat64(), length(forward_targets), target_threshold)) AS candidate_active, arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions, if(length(active_contributions) >= ?, arrayReverseSort(active_contributions)[?], -inf) AS kept_from
FROM (SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, t.model_id AS model_id, t.layer_values AS walk_values, materialize(toInt64(?)) AS walk_layer, materialize(toInt64(?)) AS walk_node, '' AS walk_path, CAST(NULL AS Nullable(Float64)) AS walk_flow
FROM traces AS t
WHERE ((t.tag = ?) AND (t.input_index = ?))) ALL INNER
JOIN (SELECT model_id, walk_layer, walk_node, forward_layer, forward_targets, forward_weights, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(layer) AS forward_layer, toInt64(source_position) - 1 AS walk_node, groupArray(toInt64(target)) AS forward_targets, groupArray(weight) AS forward_weights
FROM dense_weights FINAL
ARRAY JOIN weights AS weight, arrayEnumerate(weights) AS source_position
GROUP BY model_id, forward_layer, walk_node) ANY INNER
JOIN (SELECT model_id, forward_layer, walk_layer, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(layer) AS forward_layer, toInt64(assumeNotNull(source_layer)) AS walk_layer, threshold AS target_threshold
FROM layers FINAL
WHERE edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS walk_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, walk_layer) USING model_id, forward_layer) USING model_id, walk_layer, walk_node
WHERE ? >= 1 AND abs(source_value) > source_threshold)
ARRAY JOIN candidate_contributions AS contribution, candidate_active AS active, forward_targets AS forward_target
WHERE active AND contribution >= kept_from) UNION ALL
SELECT trace, tag, input, toInt64(2) AS step, step_target AS target, step_source AS source, step_contribution AS contribution, walk_path AS path, walk_flow AS flow
FROM (SELECT trace, tag, input, model_id, walk_values, forward_layer AS walk_layer, forward_target AS walk_node, concat(if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path), ' -> ', concat(toString(forward_layer), ':', toString(forward_target))) AS walk_path, from_flow * contribution / nullIf(inflow, 0) AS walk_flow, concat(toString(from_layer), ':', toString(from_node)) AS step_source, concat(toString(forward_layer), ':', toString(forward_target)) AS step_target, contribution AS step_contribution
FROM (SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path, walk_flow AS from_flow, node_inflow AS inflow, forward_layer, forward_targets, toFloat64(walk_values[walk_layer + 1][walk_node + 1]) AS source_value, arrayMap((w, x) -> toFloat64(w) * x, forward_weights, arrayResize(emptyArrayFloat64(), length(forward_weights), source_value)) AS candidate_contributions, arrayMap((j, values) -> values[j + 1], forward_targets, replicate(walk_values[forward_layer + 1], forward_targets)) AS target_values, arrayMap((x, h) -> abs(x) > h, target_values, arrayResize(emptyArrayFloat64(), length(forward_targets), target_threshold)) AS candidate_active, arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions, if(length(active_contributions) >= ?, arrayReverseSort(active_contributions)[?], -inf) AS kept_from
FROM (SELECT trace, tag, input, model_id, walk_values, walk_layer, walk_node, walk_path, walk_flow, arraySum(arrayFilter((c, a) -> a, arrayMap((w, x) -> toFloat64(w) * toFloat64(x), edge_weights, walk_values[edge_source_layer + 1]), arrayMap((x, h) -> abs(x) > h, walk_values[edge_source_layer + 1], arrayResize(emptyArrayFloat64(), length(edge_weights), source_threshold)))) AS node_inflow
FROM (SELECT trace, tag, input, model_id, walk_values, forward_layer AS walk_layer, forward_target AS walk_node, concat(if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path), ' -> ', concat(toString(forward_layer), ':', toString(forward_target))) AS walk_path, CAST(contribution AS Nullable(Float64)) AS walk_flow, concat(toString(from_layer), ':', toString(from_node)) AS step_source, concat(toString(forward_layer), ':', toString(forward_target)) AS step_target, contribution AS step_contribution
FROM (SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path, walk_flow AS from_flow, CAST(NULL AS Nullable(Float64)) AS inflow, forward_layer, forward_targets, toFloat64(walk_values[walk_layer + 1][walk_node + 1]) AS source_value, arrayMap((w, x) -> toFloat64(w) * x, forward_weights, arrayResize(emptyArrayFloat64(), length(forward_weights), source_value)) AS candidate_contributions, arrayMap((j, values) -> values[j + 1], forward_targets, replicate(walk_values[forward_layer + 1], forward_targets)) AS target_values, arrayMap((x, h) -> abs(x) > h, target_values, arrayResize(emptyArrayFloat64(), length(forward_targets), target_threshold)) AS candidate_active, arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions, if(length(active_contributions) >= ?, arrayReverseSort(active_contributions)[?], -inf) AS kept_from
FROM (SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, t.model_id AS model_id, t.layer_values AS walk_values, materialize(toInt64(?)) AS walk_layer, materialize(toInt64(?)) AS walk_node, '' AS walk_path, CAST(NULL AS Nullable(Float64)) AS walk_flow
FROM traces AS t
WHERE ((t.tag = ?) AND (t.input_index = ?))) ALL INNER
JOIN (SELECT model_id, walk_layer, walk_node, forward_layer, forward_targets, forward_weights, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(layer) AS forward_layer, toInt64(source_position) - 1 AS walk_node, groupArray(toInt64(target)) AS forward_targets, groupArray(weight) AS forward_weights
FROM dense_weights FINAL
ARRAY JOIN weights AS weight, arrayEnumerate(weights) AS source_position
GROUP BY model_id, forward_layer, walk_node) ANY INNER
JOIN (SELECT model_id, forward_layer, walk_layer, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(layer) AS forward_layer, toInt64(assumeNotNull(source_layer)) AS walk_layer, threshold AS target_threshold
FROM layers FINAL
WHERE edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS walk_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, walk_layer) USING model_id, forward_layer) USING model_id, walk_layer, walk_node
WHERE ? >= 1 AND abs(source_value) > source_threshold)
ARRAY JOIN candidate_contributions AS contribution, candidate_active AS active, forward_targets AS forward_target
WHERE active AND contribution >= kept_from) ANY LEFT
JOIN (SELECT model_id, walk_layer, walk_node, edge_weights, edge_source_layer, source_threshold
FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(target) AS walk_node, weights AS edge_weights
FROM dense_weights FINAL) ANY INNER
JOIN (SELECT model_id, walk_layer, edge_source_layer, source_threshold
FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(assumeNotNull(source_layer)) AS edge_source_layer
FROM layers FINAL
WHERE edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS edge_source_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, edge_source_layer) USING model_id, walk_layer) USING model_id, walk_layer, walk_node) ALL INNER
JOIN (SELECT model_id, walk_layer, walk_node, forward_layer, forward_targets, forward_weights, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(layer) AS forward_layer, toInt64(source_position) - 1 AS walk_node, groupArray(toInt64(target)) AS forward_targets, groupArray(weight) AS forward_weights
FROM dense_weights FINAL
ARRAY JOIN weights AS weight, arrayEnumerate(weights) AS source_position
GROUP BY model_id, forward_layer, walk_node) ANY INNER
JOIN (SELECT model_id, forward_layer, walk_layer, target_threshold, source_threshold
FROM (SELECT model_id, toInt64(layer) AS forward_layer, toInt64(assumeNotNull(source_layer)) AS walk_layer, threshold AS target_threshold
FROM layers FINAL
WHERE edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS walk_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, walk_layer) USING model_id, forward_layer) USING model_id, walk_layer, walk_node
WHERE ? >= 2 AND abs(source_value) > source_threshold)
ARRAY JOIN candidate_contributions AS contribution, candidate_active AS active, forward_targets AS forward_target
WHERE active AND contribution >= kept_from))))
ORDER BY "__key_0" ASC NULLS FIRST, "__key_1" DESC NULLS LAST, "__key_2" ASC NULLS FIRST, "__key_3" ASC NULLS FIRST, "__key_4" DESC NULLS LAST, "__key_5" ASC NULLS FIRST, "__key_6" ASC NULLS FIRST, "__key_7" ASC NULLS FIRST, "__key_8" ASC NULLS FIRST
-- arguments: $k, $k, 0, $feature, $tag, $input, $depth, $k, $k, $k, $k, 0, $feature, $tag, $input, $depth, $depth
