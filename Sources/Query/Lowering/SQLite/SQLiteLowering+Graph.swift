/// Edge and lineage queries: dense edges are derived from the weights and the traces' node
/// values (edge source → target carries weight × source value), joining active nodes only;
/// the edges into conv, batch-norm, pooling, reshape and merge layers from the source layer's
/// full map (and the layer's stored kernel) by the store's `ipg_edges`, one call per trace,
/// layer and source (a merge layer's sources from `layer_sources`).
extension SQLiteLowering.Conditions {
    private typealias Spelling = SQLiteLowering.Spelling

    /// The selected traces' id, model, tag, input and node values (and the columns in
    /// `alsoReading`): what node, edge and lineage rows read, chosen first (a materialised table
    /// the shapes join), so the filter uses the indexes before any node value is decoded.
    private mutating func chosenTraces(_ filter: BoundCondition?, alsoReading extra: [String] = []) -> SQLFragment {
        let columns = ["id", "model_id", "tag", "input_index"] + Spelling.traceValueColumns + extra
        var chosen: SQLFragment = "SELECT \(raw: columns.map { "t." + $0 }.joined(separator: ", ")) FROM traces t"
        if let filter { chosen += " WHERE \(condition(filter))" }
        return chosen
    }

    /// One row per node of `layer`, per selected trace, with the trace's id, tag and input.
    mutating func nodeValues(of layer: BoundValue, filter: BoundCondition?) -> SQLFragment {
        let chosen = chosenTraces(filter)
        var sql: SQLFragment = "WITH \(Spelling.materialized("chosen", chosen))"
        sql += " SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, l.layer AS layer, \(raw: Spelling.integer("v.key")) AS node, v.value AS value"
        sql += " FROM chosen t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(bind: layer)"
        sql += " CROSS JOIN \(raw: Spelling.nodeValueRows(trace: "t", layer: "l", alias: "v"))"
        return sql
    }

    /// The `count` selected traces of the model of trace `search.trace` nearest it by their node
    /// values in the layer (exact: every selected trace is measured), the trace itself left out.
    mutating func nearest(_ search: NearestSearch, filter: BoundCondition?) -> SQLFragment {
        let function = search.metric == .cosine ? "ipg_cosine_distance" : "ipg_distance"
        var sql: SQLFragment = "SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, t.true_label AS label, t.predicted_label AS predicted,"
        sql += " \(raw: Self.expression(for: .correct)) AS correct,"
        sql += " \(raw: function)(\(raw: Spelling.traceValues("t")), \(raw: Spelling.traceValues("q")), l.layer, l.node_size) AS distance"
        sql += " FROM traces q JOIN layers l ON l.model_id = q.model_id AND l.layer = \(bind: search.layer)"
        sql += " JOIN traces t ON t.model_id = q.model_id AND t.id != q.id"
        sql += " WHERE q.id = \(bind: search.trace)"
        if let filter { sql += " AND \(condition(filter))" }
        return sql + " ORDER BY distance IS NULL, distance, t.id LIMIT \(bind: search.count)"
    }

    /// One row per active edge into `layer`, per selected trace, with the trace's id, tag and
    /// input: dense edges, then (one of the two is empty) the edges derived from maps.
    mutating func edges(into layer: BoundValue, filter: BoundCondition?) -> SQLFragment {
        let chosen = chosenTraces(filter)
        var sql: SQLFragment = "WITH \(Spelling.materialized("chosen", chosen))"
        let part = { (part: Spelling.DerivedEdgePart) in Spelling.derivedEdge(part, of: "e") }
        sql += " SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, s.layer || ':' || \(raw: part(.source)) AS source,"
        sql += " l.layer || ':' || \(raw: part(.target)) AS target, \(raw: part(.contribution)) AS contribution"
        sql += " FROM chosen t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(bind: layer) AND \(raw: Spelling.hasDerivedEdges("l"))"
        sql += " \(raw: Self.derivedEdgeJoins(trace: "t", alias: "e"))"
        sql += " WHERE \(raw: part(.sourceActive)) AND \(raw: part(.targetActive))"
        sql += " UNION ALL"
        let weight = Spelling.denseWeight("w", source: "sv.key")
        sql += " SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, s.layer || ':' || sv.key AS source, l.layer || ':' || lv.key AS target, \(raw: weight) * sv.value AS contribution"
        sql += " FROM chosen t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(bind: layer) AND l.edge_rule = 'dense'"
        sql += " JOIN layers s ON s.model_id = t.model_id AND s.layer = l.source_layer"
        // Edges of the IPG join active nodes only (units: |value| above the threshold): each
        // trace's active targets, each one's row of weights (by primary key), then the active
        // sources, whose weights the row gives by position (CROSS JOIN keeps that order).
        sql += " CROSS JOIN \(raw: Spelling.nodeValueRows(trace: "t", layer: "l", alias: "lv"))"
        sql += " CROSS JOIN \(raw: Spelling.denseWeightRows(alias: "w", model: "t.model_id", layer: "l.layer", target: "lv.key"))"
        sql += " CROSS JOIN \(raw: Spelling.nodeValueRows(trace: "t", layer: "s", alias: "sv"))"
        sql += " WHERE abs(lv.value) > l.threshold AND abs(sv.value) > s.threshold"
        return sql
    }

    /// After `layers l` (a layer whose edges are derived from maps), one row per source: its
    /// `layer_sources` row `ls` (a merge layer has several), its source layer `s`, its kernel
    /// `k` and (with an `alias`) the edges from that source for trace `trace`.
    static func derivedEdgeJoins(trace: String, alias: String?) -> String {
        "JOIN layer_sources ls ON ls.model_id = l.model_id AND ls.layer = l.layer AND \(Spelling.derivedSource("ls"))"
            + " JOIN layers s ON s.model_id = l.model_id AND s.layer = ls.source_layer"
            + " LEFT JOIN layer_kernels k ON k.model_id = l.model_id AND k.layer = l.layer"
            + (alias.map { " CROSS JOIN " + Spelling.derivedEdgeRows(trace: trace, source: "s", via: "ls", target: "l", kernel: "k", alias: $0) } ?? "")
    }

    /// A walk from the start node (default: each trace's predicted output), back to the sources
    /// or forward to the targets, keeping at every node reached its `top` strongest active
    /// dense contributions (ties at the k-th place all kept), for `depth` steps. One row per
    /// edge walked, with the path's flow: its first edge's contribution, times, at every node
    /// passed through, the share of that node's inflow (the sum of its active incoming
    /// contributions) carried by the next edge. Backward, the flows of all paths of one length
    /// add up to the start node's inflow; forward, a path's flow is the part of its last node's
    /// inflow that comes from the start node along it.
    ///
    /// The walk is unrolled, one common table per step up to `maxSteps` (each step past
    /// `depth` empty): a step ranks each path's candidate edges with a window function and,
    /// backward, sums the same window for the inflow — once per node reached, where a recursive
    /// walk (which allows no window function) would compare every edge with every other.
    ///
    /// A contrast walks back from the predicted output minus the true class's (traces the
    /// model gets wrong only). Beside the parent (`versusParent`), both traces walk — from
    /// the same start node, or each from its own prediction — and the rows are the paths
    /// either walked, with both sides' contribution and flow (empty on the side that did not
    /// walk the path) and whether both did (`shared`).
    mutating func lineage(_ walk: LineageWalk, filter: BoundCondition?) -> SQLFragment {
        let read = ["predicted_label"] + (walk.contrast ? ["true_label"] : [])
        let columns = ["id", "model_id", "tag", "input_index"] + Spelling.traceValueColumns + read
        var sql: SQLFragment = "WITH "
        if walk.versusParent {
            // The selected traces that have a parent, then they and their parents walk.
            var selected: SQLFragment = "SELECT t.id AS id, \(raw: Self.parentID(of: "t")) AS parent_id FROM traces t"
            if let filter { selected += " WHERE \(condition(filter))" }
            sql += "\(Spelling.materialized("sel", columns: ["id", "parent_id"], "SELECT * FROM (\(selected)) WHERE parent_id IS NOT NULL")), "
            let both: SQLFragment = "SELECT \(raw: columns.map { "t." + $0 }.joined(separator: ", ")) FROM traces t WHERE t.id IN (SELECT id FROM sel UNION SELECT parent_id FROM sel)"
            sql += "\(Spelling.materialized("chosen", columns: columns, both)), "
        } else {
            sql += "\(Spelling.materialized("chosen", columns: columns, chosenTraces(filter, alsoReading: read))), "
        }
        let startLayer: SQLFragment = walk.start.map { .bind($0.layer) } ?? "(SELECT MAX(layer) FROM layers WHERE model_id = c.model_id)"
        let startNode: SQLFragment = walk.start.map { .bind($0.node) } ?? "c.predicted_label"
        // Every node value of the chosen traces, decoded once, for the walk to look up.
        let decoded: SQLFragment = "SELECT c.id, l.layer, \(raw: Spelling.integer("j.key")), j.value FROM chosen c JOIN layers l ON l.model_id = c.model_id CROSS JOIN \(raw: Spelling.nodeValueRows(trace: "c", layer: "l", alias: "j"))"
        sql += "\(Spelling.materialized("vals", columns: ["trace_id", "layer", "node", "value"], decoded)), "
        // Every edge into the layers derived from maps, of the chosen traces, derived once.
        let part = { (part: Spelling.DerivedEdgePart) in Spelling.derivedEdge(part, of: "e") }
        let derived: SQLFragment = "SELECT c.id, l.layer, s.layer, \(raw: [part(.source), part(.target), part(.contribution), part(.sourceActive), part(.targetActive)].joined(separator: ", "))"
            + " FROM chosen c JOIN layers l ON l.model_id = c.model_id AND \(raw: Spelling.hasDerivedEdges("l")) \(raw: Self.derivedEdgeJoins(trace: "c", alias: "e"))"
        sql += "\(Spelling.materialized("derived", columns: ["trace_id", "layer", "source_layer", "source", "target", "contribution", "source_active", "target_active"], derived)), "
        let stepColumns = ["trace_id", "layer", "node", "source", "target", "contribution", "path", "flow"]
        var start: SQLFragment = "SELECT c.id, \(startLayer) AS layer, \(startNode) AS node, NULL, NULL, NULL, NULL, NULL FROM chosen c"
        if walk.contrast { start += " WHERE c.true_label IS NOT NULL AND c.true_label != c.predicted_label" }
        sql += "\(Spelling.materialized("step0", columns: stepColumns, start))"
        let steps = max(1, walk.maxSteps)
        for step in 1...steps {
            sql += ", \(Spelling.materialized("step\(step)", columns: stepColumns, lineageStep(step, walk)))"
        }
        let union = (1...steps).map { "SELECT \($0) AS step, * FROM step\($0)" }.joined(separator: " UNION ALL ")
        guard walk.versusParent else {
            sql += " SELECT c.id AS trace, c.tag AS tag, c.input_index AS input, g.step AS step, g.target AS target, g.source AS source, g.contribution AS contribution, g.path AS path, g.flow AS flow"
            return sql + " FROM (\(raw: union)) AS g JOIN chosen c ON c.id = g.trace_id"
        }
        sql += ", \(Spelling.materialized("walked", SQLFragment(raw: union)))"
        // Every path either trace walked, once.
        let walkedBy = { (trace: String) in "SELECT s.id AS trace_id, g.step, g.target, g.source, g.path FROM sel s JOIN walked g ON g.trace_id = s.\(trace)" }
        sql += ", \(Spelling.materialized("paths", "\(raw: walkedBy("id")) UNION \(raw: walkedBy("parent_id"))"))"
        let sides = ["contribution", "flow"].map { "a.\($0) AS \($0)_a, b.\($0) AS \($0)_b, a.\($0) - b.\($0) AS \($0)_diff" }.joined(separator: ", ")
        sql += " SELECT c.id AS trace, c.tag AS tag, c.input_index AS input, k.step AS step, k.target AS target, k.source AS source, k.path AS path, \(raw: sides),"
        sql += " a.trace_id IS NOT NULL AND b.trace_id IS NOT NULL AS shared"
        sql += " FROM paths k JOIN sel s ON s.id = k.trace_id JOIN chosen c ON c.id = s.id"
        sql += " LEFT JOIN walked a ON a.trace_id = s.id AND a.step = k.step AND a.path = k.path"
        return sql + " LEFT JOIN walked b ON b.trace_id = s.parent_id AND b.step = k.step AND b.path = k.path"
    }

    /// Step `step` of a walk: from each path reaching a node in the step before, its `top`
    /// strongest active edges on. g: the path so far; l: the dense layer the edge goes into;
    /// s: its source layer; w: the edge, a and b the values at its ends.
    private func lineageStep(_ step: Int, _ walk: LineageWalk) -> SQLFragment {
        let value = { (alias: String, layer: String, node: String) in "JOIN vals \(alias) ON \(alias).trace_id = g.trace_id AND \(alias).layer = \(layer).layer AND \(alias).node = \(node)" }
        let reached = "COALESCE(g.path, g.layer || ':' || g.node)"
        // The window of one path's candidate edges.
        let partition = "PARTITION BY g.trace_id, \(reached)"
        let window = "OVER (\(partition))"
        var candidates: SQLFragment
        // The dense edges leaving the path's node (forward) or entering it (backward) come from
        // a subquery `g` holding the path's columns, the other end's and the edge's weight:
        // the windows then sort numbers, not the rows of weights the weights are read from.
        let from = "FROM step\(step - 1) g JOIN chosen c ON c.id = g.trace_id"
        let path = "g.trace_id, g.layer, g.node, g.path, g.flow"
        var edges: SQLFragment
        switch walk.direction {
        case .backward:
            // A contrast's first edges go into the difference of the predicted and the true
            // class's outputs: weight into the first minus weight into the second.
            let contrast = walk.contrast && step == 1
            let weight = contrast ? "(g.weight - g.true_weight)" : "g.weight"
            let start = contrast ? "g.layer || ':' || g.node || ' - ' || g.layer || ':' || g.true_label" : reached
            // Flow: the path's flow times this edge's share of the node's inflow, the sum of
            // the same window.
            let flow = step == 1 ? "\(weight) * g.value" : "g.flow * g.weight * g.value / NULLIF(SUM(g.weight * g.value) \(window), 0)"
            candidates = "SELECT g.trace_id, g.source_layer AS layer, g.source AS node, g.source_layer || ':' || g.source AS source, g.layer || ':' || g.node AS target,"
            candidates += " \(raw: weight) * g.value AS contribution, \(raw: start) || ' <- ' || g.source_layer || ':' || g.source AS path, \(raw: flow) AS flow,"
            candidates += " RANK() OVER (\(raw: partition) ORDER BY \(raw: weight) * g.value DESC) AS rank"
            // From each active source a, through the node's row of weights w (and, in a
            // contrast, the true class's row v), the weight at the source's position. (a by
            // l's source layer, which the planner knows before s: by trace and layer.)
            edges = "SELECT \(raw: path), s.layer AS source_layer, a.node AS source, a.value AS value,"
            edges += " \(raw: Spelling.denseWeight("w", source: "a.node")) AS weight"
            if contrast { edges += ", c.true_label AS true_label, \(raw: Spelling.denseWeight("v", source: "a.node")) AS true_weight" }
            edges += " \(raw: from) JOIN layers l ON l.model_id = c.model_id AND l.layer = g.layer"
            edges += " JOIN layers s ON s.model_id = c.model_id AND s.layer = l.source_layer"
            edges += " JOIN \(raw: Spelling.denseWeightRows(alias: "w", model: "c.model_id", layer: "g.layer", target: "g.node"))"
            if contrast { edges += " JOIN \(raw: Spelling.denseWeightRows(alias: "v", model: "c.model_id", layer: "g.layer", target: "c.true_label"))" }
            edges += " JOIN vals a ON a.trace_id = g.trace_id AND a.layer = l.source_layer"
            edges += " WHERE \(bind: walk.depth) >= \(raw: String(step)) AND abs(a.value) > s.threshold"
        case .forward:
            // Flow: the path's flow times this edge's share of the inflow of the node it leaves
            // (the sum of that node's active incoming contributions, p its source layer).
            let inflow = "(SELECT SUM(\(Spelling.denseWeight("v", source: "x.node")) * x.value) FROM layers p"
                + " JOIN \(Spelling.denseWeightRows(alias: "v", model: "p.model_id", layer: "s.layer", target: "g.node"))"
                + " JOIN vals x ON x.trace_id = g.trace_id AND x.layer = p.layer"
                + " WHERE p.model_id = c.model_id AND p.layer = s.source_layer AND abs(x.value) > p.threshold)"
            let flow = step == 1 ? "g.weight * g.value" : "g.flow * g.weight * g.value / NULLIF(g.inflow, 0)"
            candidates = "SELECT g.trace_id, g.target_layer AS layer, g.target AS node, g.layer || ':' || g.node AS source, g.target_layer || ':' || g.target AS target,"
            candidates += " g.weight * g.value AS contribution, \(raw: reached) || ' -> ' || g.target_layer || ':' || g.target AS path, \(raw: flow) AS flow,"
            candidates += " RANK() OVER (\(raw: partition) ORDER BY g.weight * g.value DESC) AS rank"
            // The node's weights to every target of the layer: its position in each target's
            // row, once the layer is known (CROSS JOIN keeps SQLite's planner from reading
            // the weights first).
            edges = "SELECT \(raw: path), l.layer AS target_layer, w.target AS target, a.value AS value,"
            edges += " \(raw: Spelling.denseWeight("w", source: "g.node")) AS weight\(raw: step == 1 ? "" : ", \(inflow) AS inflow")"
            edges += " \(raw: from) JOIN layers s ON s.model_id = c.model_id AND s.layer = g.layer"
            edges += " JOIN layers l ON l.model_id = c.model_id AND l.source_layer = g.layer AND l.edge_rule = 'dense'"
            edges += " \(raw: value("a", "s", "g.node"))"
            edges += " CROSS JOIN \(raw: Spelling.denseWeightRows(alias: "w", model: "c.model_id", layer: "l.layer"))"
            edges += " \(raw: value("b", "l", "w.target"))"
            // Every outgoing edge carries the same source value, so the strongest are those
            // with the largest weight × value into an active target.
            edges += " WHERE \(bind: walk.depth) >= \(raw: String(step)) AND abs(a.value) > s.threshold AND abs(b.value) > l.threshold"
        }
        candidates += " FROM (\(edges)) AS g"
        candidates += " UNION ALL \(derivedCandidates(step, walk))"
        return "SELECT trace_id, layer, node, source, target, contribution, path, flow FROM (\(candidates)) WHERE rank <= \(bind: walk.top)"
    }

    /// The same candidates along edges derived from maps (`derived` rows e; a contrast's v:
    /// the edge from the same source into the true class), ranked within the same windows (a
    /// layer's edges are all dense or all derived, so no window holds both kinds).
    private func derivedCandidates(_ step: Int, _ walk: LineageWalk) -> SQLFragment {
        let reached = "COALESCE(g.path, g.layer || ':' || g.node)"
        let partition = "PARTITION BY g.trace_id, \(reached)"
        var candidates: SQLFragment
        switch walk.direction {
        case .backward:
            let contrast = walk.contrast && step == 1
            let contribution = contrast ? "(e.contribution - v.contribution)" : "e.contribution"
            let start = contrast ? "g.layer || ':' || g.node || ' - ' || g.layer || ':' || c.true_label" : reached
            let flow = step == 1 ? contribution : "g.flow * e.contribution / NULLIF(SUM(e.contribution) OVER (\(partition)), 0)"
            candidates = "SELECT g.trace_id, s.layer AS layer, e.source AS node, s.layer || ':' || e.source AS source, g.layer || ':' || g.node AS target,"
            candidates += " \(raw: contribution) AS contribution, \(raw: start) || ' <- ' || s.layer || ':' || e.source AS path, \(raw: flow) AS flow,"
            candidates += " RANK() OVER (\(raw: partition) ORDER BY \(raw: contribution) DESC) AS rank"
            candidates += " FROM step\(raw: String(step - 1)) g JOIN chosen c ON c.id = g.trace_id"
            candidates += " JOIN derived e ON e.trace_id = g.trace_id AND e.layer = g.layer AND e.target = g.node"
            candidates += " JOIN layers s ON s.model_id = c.model_id AND s.layer = e.source_layer"
            if contrast { candidates += " JOIN derived v ON v.trace_id = g.trace_id AND v.layer = g.layer AND v.target = c.true_label AND v.source_layer = e.source_layer AND v.source = e.source" }
            candidates += " WHERE \(bind: walk.depth) >= \(raw: String(step)) AND e.source_active"
        case .forward:
            // The inflow of the node an edge goes into: its active incoming contributions.
            let inflow = "(SELECT SUM(x.contribution) FROM derived x WHERE x.trace_id = g.trace_id AND x.layer = l.layer AND x.target = e.target AND x.source_active)"
            let flow = step == 1 ? "e.contribution" : "g.flow * e.contribution / NULLIF(\(inflow), 0)"
            candidates = "SELECT g.trace_id, l.layer AS layer, e.target AS node, g.layer || ':' || g.node AS source, l.layer || ':' || e.target AS target,"
            candidates += " e.contribution AS contribution, \(raw: reached) || ' -> ' || l.layer || ':' || e.target AS path, \(raw: flow) AS flow,"
            candidates += " RANK() OVER (\(raw: partition) ORDER BY e.contribution DESC) AS rank"
            candidates += " FROM step\(raw: String(step - 1)) g JOIN chosen c ON c.id = g.trace_id"
            candidates += " JOIN layer_sources ls ON ls.model_id = c.model_id AND ls.source_layer = g.layer AND \(raw: Spelling.derivedSource("ls"))"
            candidates += " JOIN layers l ON l.model_id = c.model_id AND l.layer = ls.layer AND \(raw: Spelling.hasDerivedEdges("l"))"
            candidates += " JOIN derived e ON e.trace_id = g.trace_id AND e.layer = l.layer AND e.source_layer = g.layer AND e.source = g.node"
            candidates += " WHERE \(bind: walk.depth) >= \(raw: String(step)) AND e.source_active AND e.target_active"
        }
        return candidates
    }
}
