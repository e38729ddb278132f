SELECT *
FROM (SELECT trace, tag, input, toInt64(1) AS step, step_target AS target, step_source AS source, step_contribution AS contribution, walk_path AS path, walk_flow AS flow
FROM (SELECT trace, tag, input, model_id, walk_values, forward_layer AS walk_layer, forward_target AS walk_node, concat(if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path), ' -> ', concat(toString(forward_layer), ':', toString(forward_target))) AS walk_path, CAST(contribution AS Nullable(Float64)) AS walk_flow, concat(toString(from_layer), ':', toString(from_node)) AS step_source, concat(toString(forward_layer), ':', toString(forward_target)) AS step_target, contribution AS step_contribution
FROM (SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path, walk_flow AS from_flow, CAST(NULL AS Nullable(Float64)) AS inflow, forward_layer, forward_targets, toFloat64(walk_values[walk_layer + 1][walk_node + 1]) AS source_value, arrayMap((w, x) -> toFloat64(w) * x, forward_weights, arrayResize(emptyArrayFloat64(), length(forward_weights), source_value)) AS candidate_contributions, arrayMap((j, values) -> values[j + 1], forward_targets, replicate(walk_values[forward_layer + 1], forward_targets)) AS target_values, arrayMap((x, h) -> abs(x) > h, target_values, arrayResize(emptyArrayFloat64(), length(forward_targets), target_threshold)) AS candidate_active, arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions, if(length(active_contributions) >= ?, arrayReverseSort(active_contributions)[?], -inf) AS kept_from
FROM (SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, t.model_id AS model_id, t.layer_values AS walk_values, materialize(toInt64(?)) AS walk_layer, materialize(toInt64(?)) AS walk_node, '' AS walk_path, CAST(NULL AS Nullable(Float64)) AS walk_flow
FROM traces AS t
WHERE (t.tag = ?)) ALL INNER
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
WHERE active AND contribution >= kept_from))
ORDER BY "input" ASC NULLS FIRST, "trace" ASC NULLS FIRST, "step" ASC NULLS FIRST, "contribution" DESC NULLS LAST, toInt64(splitByChar(':', "target")[1]) ASC NULLS FIRST, toInt64(splitByChar(':', "target")[2]) ASC NULLS FIRST, toInt64(splitByChar(':', "source")[1]) ASC NULLS FIRST, toInt64(splitByChar(':', "source")[2]) ASC NULLS FIRST
-- arguments: 2, 2, 1, 0, 'clean', 1
