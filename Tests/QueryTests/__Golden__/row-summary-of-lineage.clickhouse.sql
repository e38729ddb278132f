SELECT "path", count() AS "count", sum("flow") AS "sum_flow"
FROM (SELECT *
FROM (SELECT *
FROM (SELECT trace, tag, input, toInt64(1) AS step, step_target AS target, step_source AS source, step_contribution AS contribution, walk_path AS path, walk_flow AS flow
FROM (SELECT trace, tag, input, model_id, walk_values, edge_source_layer AS walk_layer, toInt64(source_position) - 1 AS walk_node, concat(if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path), ' <- ', concat(toString(edge_source_layer), ':', toString(source_position - 1))) AS walk_path, CAST(contribution AS Nullable(Float64)) AS walk_flow, concat(toString(from_layer), ':', toString(from_node)) AS step_target, concat(toString(edge_source_layer), ':', toString(source_position - 1)) AS step_source, contribution AS step_contribution
FROM (SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path, walk_flow AS from_flow, edge_source_layer, arrayMap((w, x) -> toFloat64(w) * toFloat64(x), edge_weights, walk_values[edge_source_layer + 1]) AS candidate_contributions, arrayMap((x, h) -> abs(x) > h, walk_values[edge_source_layer + 1], arrayResize(emptyArrayFloat64(), length(edge_weights), source_threshold)) AS candidate_active, arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions, arraySum(active_contributions) AS inflow, if(length(active_contributions) >= ?, arrayReverseSort(active_contributions)[?], -inf) AS kept_from
FROM (SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, t.model_id AS model_id, t.layer_values AS walk_values, toInt64(length(t.layer_values) - 1) AS walk_layer, t.predicted_label AS walk_node, '' AS walk_path, CAST(NULL AS Nullable(Float64)) AS walk_flow
FROM traces AS t
WHERE ((t.tag = ?) AND NOT ((t.predicted_label = t.true_label)))) ANY INNER
JOIN (SELECT model_id, walk_layer, walk_node, edge_weights, edge_source_layer, source_threshold
FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(target) AS walk_node, weights AS edge_weights
FROM dense_weights FINAL) ANY INNER
JOIN (SELECT model_id, walk_layer, edge_source_layer, source_threshold
FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(assumeNotNull(source_layer)) AS edge_source_layer
FROM layers FINAL
WHERE edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS edge_source_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, edge_source_layer) USING model_id, walk_layer) USING model_id, walk_layer, walk_node
WHERE ? >= 1)
ARRAY JOIN candidate_contributions AS contribution, candidate_active AS active, arrayEnumerate(candidate_contributions) AS source_position
WHERE active AND contribution >= kept_from) UNION ALL
SELECT trace, tag, input, toInt64(2) AS step, step_target AS target, step_source AS source, step_contribution AS contribution, walk_path AS path, walk_flow AS flow
FROM (SELECT trace, tag, input, model_id, walk_values, edge_source_layer AS walk_layer, toInt64(source_position) - 1 AS walk_node, concat(if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path), ' <- ', concat(toString(edge_source_layer), ':', toString(source_position - 1))) AS walk_path, from_flow * contribution / nullIf(inflow, 0) AS walk_flow, concat(toString(from_layer), ':', toString(from_node)) AS step_target, concat(toString(edge_source_layer), ':', toString(source_position - 1)) AS step_source, contribution AS step_contribution
FROM (SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path, walk_flow AS from_flow, edge_source_layer, arrayMap((w, x) -> toFloat64(w) * toFloat64(x), edge_weights, walk_values[edge_source_layer + 1]) AS candidate_contributions, arrayMap((x, h) -> abs(x) > h, walk_values[edge_source_layer + 1], arrayResize(emptyArrayFloat64(), length(edge_weights), source_threshold)) AS candidate_active, arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions, arraySum(active_contributions) AS inflow, if(length(active_contributions) >= ?, arrayReverseSort(active_contributions)[?], -inf) AS kept_from
FROM (SELECT trace, tag, input, model_id, walk_values, edge_source_layer AS walk_layer, toInt64(source_position) - 1 AS walk_node, concat(if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path), ' <- ', concat(toString(edge_source_layer), ':', toString(source_position - 1))) AS walk_path, CAST(contribution AS Nullable(Float64)) AS walk_flow, concat(toString(from_layer), ':', toString(from_node)) AS step_target, concat(toString(edge_source_layer), ':', toString(source_position - 1)) AS step_source, contribution AS step_contribution
FROM (SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path, walk_flow AS from_flow, edge_source_layer, arrayMap((w, x) -> toFloat64(w) * toFloat64(x), edge_weights, walk_values[edge_source_layer + 1]) AS candidate_contributions, arrayMap((x, h) -> abs(x) > h, walk_values[edge_source_layer + 1], arrayResize(emptyArrayFloat64(), length(edge_weights), source_threshold)) AS candidate_active, arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions, arraySum(active_contributions) AS inflow, if(length(active_contributions) >= ?, arrayReverseSort(active_contributions)[?], -inf) AS kept_from
FROM (SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, t.model_id AS model_id, t.layer_values AS walk_values, toInt64(length(t.layer_values) - 1) AS walk_layer, t.predicted_label AS walk_node, '' AS walk_path, CAST(NULL AS Nullable(Float64)) AS walk_flow
FROM traces AS t
WHERE ((t.tag = ?) AND NOT ((t.predicted_label = t.true_label)))) ANY INNER
JOIN (SELECT model_id, walk_layer, walk_node, edge_weights, edge_source_layer, source_threshold
FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(target) AS walk_node, weights AS edge_weights
FROM dense_weights FINAL) ANY INNER
JOIN (SELECT model_id, walk_layer, edge_source_layer, source_threshold
FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(assumeNotNull(source_layer)) AS edge_source_layer
FROM layers FINAL
WHERE edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS edge_source_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, edge_source_layer) USING model_id, walk_layer) USING model_id, walk_layer, walk_node
WHERE ? >= 1)
ARRAY JOIN candidate_contributions AS contribution, candidate_active AS active, arrayEnumerate(candidate_contributions) AS source_position
WHERE active AND contribution >= kept_from) ANY INNER
JOIN (SELECT model_id, walk_layer, walk_node, edge_weights, edge_source_layer, source_threshold
FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(target) AS walk_node, weights AS edge_weights
FROM dense_weights FINAL) ANY INNER
JOIN (SELECT model_id, walk_layer, edge_source_layer, source_threshold
FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(assumeNotNull(source_layer)) AS edge_source_layer
FROM layers FINAL
WHERE edge_rule = 'dense') ANY INNER
JOIN (SELECT model_id, toInt64(layer) AS edge_source_layer, threshold AS source_threshold
FROM layers FINAL) USING model_id, edge_source_layer) USING model_id, walk_layer) USING model_id, walk_layer, walk_node
WHERE ? >= 2)
ARRAY JOIN candidate_contributions AS contribution, candidate_active AS active, arrayEnumerate(candidate_contributions) AS source_position
WHERE active AND contribution >= kept_from)))
WHERE ("step" = ?))
GROUP BY "path"
ORDER BY "count" DESC NULLS LAST, "path" ASC NULLS FIRST
LIMIT ?
-- arguments: 2, 2, 'fgsm', 2, 2, 2, 2, 2, 'fgsm', 2, 2, 2, 5
