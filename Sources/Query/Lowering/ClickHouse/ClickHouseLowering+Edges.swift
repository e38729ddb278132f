import IPG

/// Dense edges, derived from the weights (`dense_weights`, one row per target with its
/// weights by source) and the traces' node values: edge source → target carries weight ×
/// source value, between active nodes only. The weights live on the server the URL names, so
/// they reach the shards with the query (`GLOBAL` join); each trace meets every target row of
/// its model, and the sources are unrolled (`ARRAY JOIN`) one level up (18.16 applies `ARRAY
/// JOIN` before `JOIN`, so the joined weights cannot be unrolled in the same `SELECT`).
extension ClickHouseLowering.Writer {
    /// One row per active edge into dense layer `layer`, per selected trace: trace, tag,
    /// input, source and target (`layer:node`) and contribution.
    func edges(into layer: BoundValue, filter: BoundCondition?) -> SQLFragment {
        // The traces are selected before they meet their model's target rows: 18.16 joins
        // first and filters after, so a filter in the same SELECT would pair every stored
        // trace with every target (out of memory on a million traces).
        var conditions: [SQLFragment] = ["length(t.layer_values) > \(bind: layer)"]
        if let filter { conditions.append(condition(filter)) }
        let selected: SQLFragment = "SELECT * FROM traces AS t WHERE \(conditions, separator: " AND ")"
        let targets: SQLFragment = "SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, edge_source_layer, edge_target,"
            + " t.layer_values[edge_source_layer + 1] AS source_values, edge_weights, source_threshold"
            + " FROM (\(selected)) AS t GLOBAL ALL INNER JOIN (\(denseWeights(into: layer))) USING model_id"
            + " WHERE abs(t.layer_values[\(bind: layer) + 1][edge_target + 1]) > target_threshold"
        return "SELECT trace, tag, input, \(Self.nodeReference(layer: "edge_source_layer", node: "source_position - 1")) AS source,"
            + " \(Self.nodeReference(layer: layer, node: "edge_target")) AS target, toFloat64(edge_weight) * toFloat64(source_value) AS contribution"
            + " FROM (\(targets)) ARRAY JOIN source_values AS source_value, edge_weights AS edge_weight, arrayEnumerate(source_values) AS source_position"
            + " WHERE abs(source_value) > source_threshold"
    }

    /// Per edge into `summary.layer` (and group): the statistics of weight × source value,
    /// from the source node's over the sides `from` computed over every layer (`prefixes`:
    /// the sides' column prefixes): mean and sum scale by the weight, squares by its square,
    /// and a negative weight swaps minimum and maximum. Then `columns`, the measures over
    /// the edge's statistics named as a node's.
    func edgeRows(_ summary: Summary, from sides: SQLFragment, prefixes: [String], columns: [SQLFragment]) -> SQLFragment {
        let layer = summary.layer!
        let groups = summary.groups.map { Self.quoted($0.rawValue) }
        let arrays = prefixes.flatMap { p in ["sums", "squares", "minima", "maxima"].map { "\(p)node_\($0)" } + ["\(p)node_traces"] }
        let weights: SQLFragment = "SELECT model_id, toUInt32(edge_source_layer + 1) AS layer_position, edge_source_layer, edge_target, edge_weights FROM (\(denseWeights(into: layer)))"
        let targets: SQLFragment = "SELECT \(raw: (groups + arrays + ["edge_source_layer", "edge_target", "edge_weights"]).joined(separator: ", "))"
            + " FROM (\(sides)) ALL INNER JOIN (\(weights)) USING model_id, layer_position"
        var edge: [SQLFragment] = groups.map { SQLFragment(raw: $0) }
        edge.append("\(Self.nodeReference(layer: "edge_source_layer", node: "source_position - 1")) AS source")
        edge.append("\(Self.nodeReference(layer: layer, node: "edge_target")) AS target")
        var unrolled = ["edge_weights AS edge_weight"]
        for p in prefixes {
            let w = "toFloat64(edge_weight)"
            edge.append(SQLFragment(raw: "\(p)node_traces, \(w) * \(p)source_sum AS \(p)node_sum, \(w) * \(w) * \(p)source_square AS \(p)node_square,"
                + " least(\(w) * \(p)source_minimum, \(w) * \(p)source_maximum) AS \(p)node_minimum, greatest(\(w) * \(p)source_minimum, \(w) * \(p)source_maximum) AS \(p)node_maximum"))
            unrolled += ["\(p)node_sums AS \(p)source_sum", "\(p)node_squares AS \(p)source_square", "\(p)node_minima AS \(p)source_minimum", "\(p)node_maxima AS \(p)source_maximum"]
        }
        unrolled.append("arrayEnumerate(node_sums) AS source_position")
        let edges: SQLFragment = "SELECT \(edge, separator: ", ") FROM (\(targets)) ARRAY JOIN \(raw: unrolled.joined(separator: ", "))"
        let keys: [SQLFragment] = groups.map { SQLFragment(raw: $0) } + ["source", "target"]
        return "SELECT \(keys + columns, separator: ", ") FROM (\(edges))"
    }

    /// Per model, one row per target node of dense layer `layer`: its weights by source
    /// (`edge_weights`), the source layer and both layers' thresholds.
    private func denseWeights(into layer: BoundValue) -> SQLFragment {
        let layers: SQLFragment = "SELECT model_id, edge_source_layer, target_threshold, source_threshold"
            + " FROM (SELECT model_id, toInt64(assumeNotNull(source_layer)) AS edge_source_layer, threshold AS target_threshold"
            + " FROM layers FINAL WHERE layer = \(bind: layer) AND edge_rule = 'dense')"
            + " ANY INNER JOIN (SELECT model_id, toInt64(layer) AS edge_source_layer, threshold AS source_threshold FROM layers FINAL) USING model_id, edge_source_layer"
        return "SELECT model_id, edge_target, edge_weights, edge_source_layer, target_threshold, source_threshold"
            + " FROM (SELECT model_id, toInt64(target) AS edge_target, weights AS edge_weights FROM dense_weights FINAL WHERE layer = \(bind: layer))"
            + " ANY INNER JOIN (\(layers)) USING model_id"
    }

    /// `layer:node`, as SQLite writes a node reference.
    static func nodeReference(layer: String, node: String) -> SQLFragment {
        SQLFragment(raw: "concat(toString(\(layer)), ':', toString(\(node)))")
    }

    static func nodeReference(layer: BoundValue, node: String) -> SQLFragment {
        "concat(toString(\(bind: layer)), ':', toString(\(raw: node)))"
    }
}
