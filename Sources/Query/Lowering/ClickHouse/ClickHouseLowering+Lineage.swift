import IPG

/// Lineage walks back through dense layers, unrolled: 18.16 has no recursive common table
/// and no window function. Every step is two `SELECT`s over the paths the step before
/// reached (each row carrying its trace's node values, `walk_values`): the first joins each
/// path's node to its weights row (the sources' weights) and computes every candidate edge's
/// contribution, the node's inflow (the sum of its active sources' contributions) and the
/// smallest contribution kept (the `top`-th largest, so that ties at the last place are all
/// kept, as SQLite's `RANK()`); the second unrolls the candidates kept into the next paths.
/// The selected traces are read once, on every shard; the steps run where the query started,
/// beside the weights.
extension ClickHouseLowering.Writer {
    /// One row per edge walked: trace, tag, input, step, target, source, contribution, path and flow.
    func lineage(_ walk: LineageWalk, filter: BoundCondition?) -> SQLFragment {
        // A start node given is made a column: 18.16 joins constant keys wrongly.
        let startLayer: SQLFragment = walk.start.map { "materialize(toInt64(\(bind: $0.layer)))" } ?? "toInt64(length(t.layer_values) - 1)"
        let startNode: SQLFragment = walk.start.map { "materialize(toInt64(\(bind: $0.node)))" } ?? "t.predicted_label"
        var paths: SQLFragment = "SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, t.model_id AS model_id, t.layer_values AS walk_values,"
            + " \(startLayer) AS walk_layer, \(startNode) AS walk_node, '' AS walk_path, CAST(NULL AS Nullable(Float64)) AS walk_flow"
            + " FROM traces AS t"
        if let filter { paths += " WHERE \(condition(filter))" }
        var steps: [SQLFragment] = []
        for step in 1...max(1, walk.maxSteps) {
            paths = walk.direction == .backward ? self.step(step, from: paths, walk) : forwardStep(step, from: paths, walk)
            steps.append("SELECT trace, tag, input, toInt64(\(raw: String(step))) AS step, step_target AS target, step_source AS source,"
                + " step_contribution AS contribution, walk_path AS path, walk_flow AS flow FROM (\(paths))")
        }
        return "SELECT * FROM (\(steps, separator: " UNION ALL "))"
    }

    /// Step `step` from the paths `before`, forward: each path's `top` strongest edges into
    /// active targets, when the node it reached is active. From the second step on, a path's
    /// flow is shared by the inflow of the node it leaves: that node's weights row is joined
    /// first, a level below the targets'.
    private func forwardStep(_ step: Int, from before: SQLFragment, _ walk: LineageWalk) -> SQLFragment {
        var paths = before
        var inflow = "CAST(NULL AS Nullable(Float64))"
        if step > 1 {
            let sources = "walk_values[edge_source_layer + 1]"
            paths = "SELECT trace, tag, input, model_id, walk_values, walk_layer, walk_node, walk_path, walk_flow,"
            paths += "\(raw: " arraySum(arrayFilter((c, a) -> a, arrayMap((w, x) -> toFloat64(w) * toFloat64(x), edge_weights, \(sources)),")"
            paths += "\(raw: " arrayMap((x, h) -> abs(x) > h, \(sources), arrayResize(emptyArrayFloat64(), length(edge_weights), source_threshold)))) AS node_inflow")"
            paths += " FROM (\(before)) ANY LEFT JOIN (\(raw: Self.weightRows)) USING model_id, walk_layer, walk_node"
            inflow = "node_inflow"
        }
        var candidates: SQLFragment = "SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path,"
        candidates += "\(raw: " walk_flow AS from_flow, \(inflow) AS inflow, forward_layer, forward_targets, toFloat64(walk_values[walk_layer + 1][walk_node + 1]) AS source_value,")"
        candidates += " arrayMap((w, x) -> toFloat64(w) * x, forward_weights, arrayResize(emptyArrayFloat64(), length(forward_weights), source_value)) AS candidate_contributions,"
        candidates += " arrayMap((j, values) -> values[j + 1], forward_targets, replicate(walk_values[forward_layer + 1], forward_targets)) AS target_values,"
        candidates += " arrayMap((x, h) -> abs(x) > h, target_values, arrayResize(emptyArrayFloat64(), length(forward_targets), target_threshold)) AS candidate_active,"
        candidates += " arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions,"
        candidates += " if(length(active_contributions) >= \(bind: walk.top), arrayReverseSort(active_contributions)[\(bind: walk.top)], -inf) AS kept_from"
        candidates += " FROM (\(paths)) ALL INNER JOIN (\(raw: Self.columnRows)) USING model_id, walk_layer, walk_node"
        candidates += " WHERE \(bind: walk.depth) >= \(raw: String(step)) AND abs(source_value) > source_threshold"
        let reached = "if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path)"
        let target = "concat(toString(forward_layer), ':', toString(forward_target))"
        let flow = step == 1 ? "CAST(contribution AS Nullable(Float64))" : "from_flow * contribution / nullIf(inflow, 0)"
        var next: SQLFragment = "SELECT trace, tag, input, model_id, walk_values, forward_layer AS walk_layer, forward_target AS walk_node,"
        next += "\(raw: " concat(\(reached), ' -> ', \(target)) AS walk_path, \(flow) AS walk_flow,")"
        next += "\(raw: " concat(toString(from_layer), ':', toString(from_node)) AS step_source, \(target) AS step_target, contribution AS step_contribution")"
        next += " FROM (\(candidates)) ARRAY JOIN candidate_contributions AS contribution, candidate_active AS active, forward_targets AS forward_target"
        return next + " WHERE active AND contribution >= kept_from"
    }

    /// Step `step` from the paths `before`: each path's `top` strongest active sources.
    private func step(_ step: Int, from before: SQLFragment, _ walk: LineageWalk) -> SQLFragment {
        let sourceValues = "walk_values[edge_source_layer + 1]"
        var candidates: SQLFragment = "SELECT trace, tag, input, model_id, walk_values, walk_layer AS from_layer, walk_node AS from_node, walk_path AS from_path,"
        candidates += " walk_flow AS from_flow, edge_source_layer,"
        candidates += "\(raw: " arrayMap((w, x) -> toFloat64(w) * toFloat64(x), edge_weights, \(sourceValues)) AS candidate_contributions,")"
        candidates += "\(raw: " arrayMap((x, h) -> abs(x) > h, \(sourceValues), arrayResize(emptyArrayFloat64(), length(edge_weights), source_threshold)) AS candidate_active,")"
        candidates += " arrayFilter((c, a) -> a, candidate_contributions, candidate_active) AS active_contributions, arraySum(active_contributions) AS inflow,"
        candidates += " if(length(active_contributions) >= \(bind: walk.top), arrayReverseSort(active_contributions)[\(bind: walk.top)], -inf) AS kept_from"
        candidates += " FROM (\(before)) ANY INNER JOIN (\(raw: Self.weightRows)) USING model_id, walk_layer, walk_node"
        candidates += " WHERE \(bind: walk.depth) >= \(raw: String(step))"
        let reached = "if(from_path = '', concat(toString(from_layer), ':', toString(from_node)), from_path)"
        let source = "concat(toString(edge_source_layer), ':', toString(source_position - 1))"
        // The first edge's flow is its contribution; then the path's flow times the edge's
        // share of the node's inflow.
        let flow = step == 1 ? "CAST(contribution AS Nullable(Float64))" : "from_flow * contribution / nullIf(inflow, 0)"
        var next: SQLFragment = "SELECT trace, tag, input, model_id, walk_values, edge_source_layer AS walk_layer, toInt64(source_position) - 1 AS walk_node,"
        next += "\(raw: " concat(\(reached), ' <- ', \(source)) AS walk_path, \(flow) AS walk_flow,")"
        next += "\(raw: " concat(toString(from_layer), ':', toString(from_node)) AS step_target, \(source) AS step_source, contribution AS step_contribution")"
        next += " FROM (\(candidates)) ARRAY JOIN candidate_contributions AS contribution, candidate_active AS active, arrayEnumerate(candidate_contributions) AS source_position"
        return next + " WHERE active AND contribution >= kept_from"
    }

    /// Every dense layer's weights rows (`walk_layer`, target `walk_node`) with the layer's
    /// source layer and its threshold.
    private static let weightRows = "SELECT model_id, walk_layer, walk_node, edge_weights, edge_source_layer, source_threshold"
        + " FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(target) AS walk_node, weights AS edge_weights FROM dense_weights FINAL)"
        + " ANY INNER JOIN (SELECT model_id, walk_layer, edge_source_layer, source_threshold"
        + " FROM (SELECT model_id, toInt64(layer) AS walk_layer, toInt64(assumeNotNull(source_layer)) AS edge_source_layer FROM layers FINAL WHERE edge_rule = 'dense')"
        + " ANY INNER JOIN (SELECT model_id, toInt64(layer) AS edge_source_layer, threshold AS source_threshold FROM layers FINAL) USING model_id, edge_source_layer)"
        + " USING model_id, walk_layer"

    /// Every dense layer's weights by source (`walk_layer`, source `walk_node`): the layer
    /// (`forward_layer`), its targets and their weights from that source, its threshold and
    /// the source layer's.
    private static let columnRows = "SELECT model_id, walk_layer, walk_node, forward_layer, forward_targets, forward_weights, target_threshold, source_threshold"
        + " FROM (SELECT model_id, toInt64(layer) AS forward_layer, toInt64(source_position) - 1 AS walk_node, groupArray(toInt64(target)) AS forward_targets,"
        + " groupArray(weight) AS forward_weights FROM dense_weights FINAL ARRAY JOIN weights AS weight, arrayEnumerate(weights) AS source_position"
        + " GROUP BY model_id, forward_layer, walk_node)"
        + " ANY INNER JOIN (SELECT model_id, forward_layer, walk_layer, target_threshold, source_threshold"
        + " FROM (SELECT model_id, toInt64(layer) AS forward_layer, toInt64(assumeNotNull(source_layer)) AS walk_layer, threshold AS target_threshold FROM layers FINAL WHERE edge_rule = 'dense')"
        + " ANY INNER JOIN (SELECT model_id, toInt64(layer) AS walk_layer, threshold AS source_threshold FROM layers FINAL) USING model_id, walk_layer)"
        + " USING model_id, forward_layer"
}
