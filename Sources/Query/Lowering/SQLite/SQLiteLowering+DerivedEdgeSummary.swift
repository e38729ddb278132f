import IPG

/// Base rows of edge summaries for layers whose edges are derived from maps (conv, batch norm,
/// pooling, reshape). A conv edge's contribution is not a multiple of its source node's value
/// (it weighs each element by the kernel offsets that see it), so no node statistics give it:
/// these rows always scan the selected traces and aggregate every pair of nodes the layer
/// connects (its contribution counted in every trace, as a dense edge's is; `active` counts
/// the traces where both ends are active).
extension SQLiteLowering.Conditions {
    private typealias Spelling = SQLiteLowering.Spelling

    /// Per model, group and edge into `into` (when its rule is derived from maps): the base-row
    /// columns `model_id`, the groups, `layer, source_layer, source, target, traces, n, mean,
    /// m2, active, minimum, maximum`, from one `ipg_edge_stats` aggregate per group.
    mutating func derivedEdgeRows(_ summary: Summary, filter: BoundCondition?, into: BoundValue) -> SQLFragment {
        let groups = summary.groups.map { (Self.expression(for: $0.column), $0.rawValue) }
        let keys = ["t.model_id AS model_id"] + groups.map { "\($0.0) AS \($0.1)" } + ["l.layer AS layer", "l.source_layer AS source_layer"]
        var grouped: SQLFragment = "SELECT \(raw: keys.joined(separator: ", ")), \(raw: Spelling.derivedEdgeStatistics(trace: "t", source: "s", target: "l", kernel: "k")) AS stats"
        grouped += " FROM layers l CROSS JOIN traces t ON t.model_id = l.model_id \(raw: Self.derivedEdgeJoins(trace: "t", alias: nil))"
        grouped += " WHERE l.layer = \(bind: into) AND l.edge_rule IN \(raw: Spelling.derivedEdgeRules)"
        if let filter { grouped += " AND (\(condition(filter)))" }
        grouped += " GROUP BY \(raw: (["t.model_id"] + groups.map(\.0) + ["l.layer"]).joined(separator: ", "))"
        var columns = ["g.model_id AS model_id"] + summary.groups.map { "g.\($0.rawValue) AS \($0.rawValue)" } + ["g.layer AS layer", "g.source_layer AS source_layer"]
        columns += [("source", Spelling.DerivedEdgeStatistic.source), ("target", .target)].map { "\(Spelling.integer(Spelling.derivedEdgeStatistic($0.1, of: "j.value"))) AS \($0.0)" }
        columns += Self.statisticsNames.map { "\(Spelling.derivedEdgeStatistic(.field($0.field), of: "j.value")) AS \($0.name)" }
        return "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(grouped)) AS g, \(raw: Spelling.arrayRows("g.stats", alias: "j"))"
    }

    /// The same for the selected traces paired with their parents: the child's statistics,
    /// the parent's (`b_…`), the paired differences' (`d_…`) and `d_absolute_mean`. Both
    /// traces' edges come in the same order (every pair the layer connects), so they pair by
    /// position.
    mutating func pairedDerivedEdgeRows(_ summary: Summary, filter: BoundCondition?, into: BoundValue) -> SQLFragment {
        var inner: SQLFragment = "SELECT \(raw: edgeKeyColumns(summary, edges: "e")), \(raw: Spelling.derivedEdge(.contribution, of: "e")) AS c,"
        inner += " \(raw: Spelling.derivedEdge(.contribution, of: "f")) AS b,"
        inner += " (\(raw: Spelling.derivedEdge(.sourceActive, of: "e")) AND \(raw: Spelling.derivedEdge(.targetActive, of: "e"))) AS c_active,"
        inner += " (\(raw: Spelling.derivedEdge(.sourceActive, of: "f")) AND \(raw: Spelling.derivedEdge(.targetActive, of: "f"))) AS b_active"
        inner += " FROM layers l CROSS JOIN traces t ON t.model_id = l.model_id JOIN traces p ON p.id = \(raw: Self.parentID(of: "t"))"
        inner += " \(raw: Self.derivedEdgeJoins(trace: "t", alias: "e"))"
        inner += " CROSS JOIN \(raw: Spelling.derivedEdgeRows(trace: "p", source: "s", target: "l", kernel: "k", alias: "f"))"
        inner += " WHERE l.layer = \(bind: into) AND l.edge_rule IN \(raw: Spelling.derivedEdgeRules) AND f.key = e.key"
        if let filter { inner += " AND (\(condition(filter)))" }
        let columns = groupedKeys(summary) + Self.aggregates(of: "x.c", active: "x.c_active", prefix: "")
            + Self.aggregates(of: "x.b", active: "x.b_active", prefix: "b_")
            + Self.aggregates(of: "(x.c - x.b)", active: "(x.c_active AND x.b_active)", prefix: "d_")
            + ["AVG(abs(x.c - x.b)) AS d_absolute_mean"]
        return "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(inner)) AS x GROUP BY \(raw: groupBy(summary))"
    }

    /// The inner rows' keys: model, groups, layer, source layer, and the edge's ends from
    /// `derivedEdgeRows` rows `edges`.
    private func edgeKeyColumns(_ summary: Summary, edges: String) -> String {
        (["t.model_id AS model_id"] + summary.groups.map { "\(Self.expression(for: $0.column)) AS \($0.rawValue)" }
            + ["l.layer AS layer", "l.source_layer AS source_layer",
               "\(Spelling.integer(Spelling.derivedEdge(.source, of: edges))) AS source", "\(Spelling.integer(Spelling.derivedEdge(.target, of: edges))) AS target"])
            .joined(separator: ", ")
    }

    private func groupedKeys(_ summary: Summary) -> [String] {
        ["x.model_id AS model_id"] + summary.groups.map { "x.\($0.rawValue) AS \($0.rawValue)" }
            + ["x.layer AS layer", "x.source_layer AS source_layer", "x.source AS source", "x.target AS target"]
    }

    private func groupBy(_ summary: Summary) -> String {
        (["x.model_id"] + summary.groups.map { "x.\($0.rawValue)" } + ["x.layer", "x.source_layer", "x.source", "x.target"]).joined(separator: ", ")
    }

    /// The base-row statistics of `value` over a group's rows (`prefix`ed): M2 = Σv² − (Σv)²/n.
    private static func aggregates(of value: String, active: String, prefix p: String) -> [String] {
        ["COUNT(*) AS \(p)traces", "COUNT(*) AS \(p)n", "AVG(\(value)) AS \(p)mean",
         "SUM(\(value) * \(value)) - SUM(\(value)) * SUM(\(value)) / COUNT(*) AS \(p)m2",
         "SUM(\(active)) AS \(p)active", "MIN(\(value)) AS \(p)minimum", "MAX(\(value)) AS \(p)maximum"]
    }
}
