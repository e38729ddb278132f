/// Edge and lineage queries: dense edges are derived from the weights and the traces' node
/// values (edge source → target carries weight × source value), joining active nodes only.
extension SQLiteLowering.Conditions {
    private typealias Spelling = SQLiteLowering.Spelling

    /// One row per node of `layer`, per selected trace, with the trace's id, tag and input.
    mutating func nodeValues(of layer: BoundValue, filter: BoundCondition?) -> SQLFragment {
        var chosen: SQLFragment = "SELECT t.id, t.model_id, t.tag, t.input_index, t.node_values, t.value_encoding FROM traces t"
        if let filter { chosen += " WHERE \(condition(filter))" }
        var sql: SQLFragment = "WITH \(Spelling.materialized("chosen", chosen))"
        sql += " SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, l.layer AS layer, \(raw: Spelling.integer("v.key")) AS node, v.value AS value"
        sql += " FROM chosen t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(bind: layer)"
        sql += " CROSS JOIN \(raw: Spelling.nodeValueRows(trace: "t", layer: "l", alias: "v"))"
        return sql
    }

    /// One row per active dense edge into `layer`, per selected trace, with the trace's id,
    /// tag and input.
    mutating func edges(into layer: BoundValue, filter: BoundCondition?) -> SQLFragment {
        // The traces are chosen first (materialised), so their filter uses the indexes
        // before any node value is decoded.
        var chosen: SQLFragment = "SELECT t.id, t.model_id, t.tag, t.input_index, t.node_values, t.value_encoding FROM traces t"
        if let filter { chosen += " WHERE \(condition(filter))" }
        var sql: SQLFragment = "WITH \(Spelling.materialized("chosen", chosen))"
        sql += " SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, s.layer || ':' || w.source AS source, l.layer || ':' || w.target AS target, w.weight * sv.value AS contribution"
        sql += " FROM chosen t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(bind: layer)"
        sql += " JOIN layers s ON s.model_id = t.model_id AND s.layer = l.source_layer"
        // Edges of the IPG join active nodes only (units: |value| above the threshold): each
        // trace's active targets and sources first (CROSS JOIN keeps that order), then the
        // weight of each pair by primary key.
        sql += " CROSS JOIN \(raw: Spelling.nodeValueRows(trace: "t", layer: "l", alias: "lv")) CROSS JOIN \(raw: Spelling.nodeValueRows(trace: "t", layer: "s", alias: "sv"))"
        sql += " CROSS JOIN dense_weights w ON w.model_id = t.model_id AND w.layer = l.layer AND w.target = lv.key AND w.source = sv.key"
        sql += " WHERE abs(lv.value) > l.threshold AND abs(sv.value) > s.threshold"
        return sql
    }

    /// A recursive walk from the start node (default: each trace's predicted output), back to
    /// the sources or forward to the targets, keeping at every node reached its `top`
    /// strongest active dense contributions (ties at the k-th place all kept), for `depth`
    /// steps. One row per edge walked, with the path's flow: its first edge's contribution,
    /// times, at every node passed through, the share of that node's inflow (the sum of its
    /// active incoming contributions) carried by the next edge. Backward, the flows of all
    /// paths of one length add up to the start node's inflow; forward, a path's flow is the
    /// part of its last node's inflow that comes from the start node along it.
    mutating func lineage(start: NodeAddress?, direction: LineageDirection, depth: BoundValue, top: BoundValue, filter: BoundCondition?) -> SQLFragment {
        var chosen: SQLFragment = "SELECT t.id, t.model_id, t.tag, t.input_index, t.node_values, t.value_encoding, t.predicted_label FROM traces t"
        if let filter { chosen += " WHERE \(condition(filter))" }
        let startLayer: SQLFragment = start.map { .bind($0.layer) } ?? "(SELECT MAX(layer) FROM layers WHERE model_id = c.model_id)"
        let startNode: SQLFragment = start.map { .bind($0.node) } ?? "c.predicted_label"
        var sql: SQLFragment = "WITH RECURSIVE \(Spelling.materialized("chosen", columns: ["id", "model_id", "tag", "input_index", "node_values", "value_encoding", "predicted_label"], chosen)), "
        // Every node value of the chosen traces, decoded once, for the walk to look up.
        let decoded: SQLFragment = "SELECT c.id, l.layer, \(raw: Spelling.integer("j.key")), j.value FROM chosen c JOIN layers l ON l.model_id = c.model_id CROSS JOIN \(raw: Spelling.nodeValueRows(trace: "c", layer: "l", alias: "j"))"
        sql += "\(Spelling.materialized("vals", columns: ["trace_id", "layer", "node", "value"], decoded)), "
        sql += "walk(trace_id, step, layer, node, source, target, contribution, path, flow) AS ("
        sql += "SELECT c.id, 0, \(startLayer), \(startNode), NULL, NULL, NULL, NULL, NULL FROM chosen c"
        let path = { (arrow: String, layer: String, node: String) in "COALESCE(g.path, g.layer || ':' || g.node) || '\(arrow)' || \(layer) || ':' || \(node)" }
        // l: the dense layer the edge goes into; s: its source layer; w: the edge walked, and
        // a, b the values at its ends; v: the other edges competing with it, x their values.
        let value = { (alias: String, layer: String, node: String) in "JOIN vals \(alias) ON \(alias).trace_id = g.trace_id AND \(alias).layer = \(layer).layer AND \(alias).node = \(node)" }
        // The flow carried on by an edge of `contribution` out of (forward) or into (backward)
        // g.node, whose layer is `layer`: a share of g.node's inflow, from its active sources p.
        let flow = { (contribution: String, layer: String) in
            "CASE WHEN g.step = 0 THEN \(contribution) ELSE g.flow * \(contribution) / NULLIF((SELECT SUM(v.weight * x.value)"
                + " FROM layers p JOIN dense_weights v ON v.model_id = p.model_id AND v.layer = \(layer).layer AND v.target = g.node "
                + value("x", "p", "v.source")
                + " WHERE p.model_id = c.model_id AND p.layer = \(layer).source_layer AND abs(x.value) > p.threshold), 0) END"
        }
        switch direction {
        case .backward:
            sql += " UNION ALL SELECT g.trace_id, g.step + 1, s.layer, w.source, s.layer || ':' || w.source, g.layer || ':' || g.node, w.weight * a.value, \(raw: path(" <- ", "s.layer", "w.source")), \(raw: flow("w.weight * a.value", "l"))"
            sql += " FROM walk g JOIN chosen c ON c.id = g.trace_id"
            sql += " JOIN layers l ON l.model_id = c.model_id AND l.layer = g.layer"
            sql += " JOIN layers s ON s.model_id = c.model_id AND s.layer = l.source_layer"
            sql += " JOIN dense_weights w ON w.model_id = c.model_id AND w.layer = g.layer AND w.target = g.node"
            sql += " \(raw: value("a", "s", "w.source"))"
            // Keep an edge when fewer than `top` active sources contribute more (SQLite allows
            // no outer reference in a subquery's ORDER BY, so the rank is counted).
            sql += " WHERE g.step < \(bind: depth) AND abs(a.value) > s.threshold"
            sql += " AND (SELECT COUNT(*) FROM dense_weights v \(raw: value("x", "s", "v.source"))"
            sql += " WHERE v.model_id = c.model_id AND v.layer = g.layer AND v.target = g.node"
            sql += " AND abs(x.value) > s.threshold AND v.weight * x.value > w.weight * a.value) < \(bind: top))"
        case .forward:
            sql += " UNION ALL SELECT g.trace_id, g.step + 1, l.layer, w.target, g.layer || ':' || g.node, l.layer || ':' || w.target, w.weight * a.value, \(raw: path(" -> ", "l.layer", "w.target")), \(raw: flow("w.weight * a.value", "s"))"
            // Weights found by source, not by target (the primary key), once the layer is known
            // (CROSS JOIN keeps SQLite's planner from reading the weights first).
            sql += " FROM walk g JOIN chosen c ON c.id = g.trace_id"
            sql += " JOIN layers s ON s.model_id = c.model_id AND s.layer = g.layer"
            sql += " JOIN layers l ON l.model_id = c.model_id AND l.source_layer = g.layer AND l.edge_rule = 'dense'"
            sql += " \(raw: value("a", "s", "g.node"))"
            sql += " CROSS JOIN dense_weights w INDEXED BY dense_weights_by_source ON w.model_id = c.model_id AND w.layer = l.layer AND w.source = g.node"
            sql += " \(raw: value("b", "l", "w.target"))"
            // Every outgoing edge carries the same source value, so the strongest are those
            // with the largest weight × value into an active target.
            sql += " WHERE g.step < \(bind: depth) AND abs(a.value) > s.threshold AND abs(b.value) > l.threshold"
            sql += " AND (SELECT COUNT(*) FROM dense_weights v INDEXED BY dense_weights_by_source \(raw: value("x", "l", "v.target"))"
            sql += " WHERE v.model_id = c.model_id AND v.layer = l.layer AND v.source = g.node"
            sql += " AND abs(x.value) > l.threshold AND v.weight * a.value > w.weight * a.value) < \(bind: top))"
        }
        sql += " SELECT c.id AS trace, c.tag AS tag, c.input_index AS input, g.step AS step, g.target AS target, g.source AS source, g.contribution AS contribution, g.path AS path, g.flow AS flow"
        sql += " FROM walk g JOIN chosen c ON c.id = g.trace_id WHERE g.step > 0"
        return sql
    }
}
