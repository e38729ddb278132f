import IPG

/// Base rows of edge summaries for layers whose edges are derived from maps (conv, batch norm,
/// pooling, reshape, merge: one aggregate per source). A conv edge's contribution is not a multiple of its source node's value
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
        derivedEdgeRows(summary, filter: filter, into: into, paired: false,
                        statistics: Self.statisticsNames.map { "\(Spelling.derivedEdgeStatistic(.field($0.field), of: "j.value")) AS \($0.name)" })
    }

    /// The same for the selected traces paired with their parents: the child's statistics,
    /// the parent's (`b_…`), the paired differences' (`d_…`) and `d_absolute_mean`, from one
    /// `ipg_edge_pair_stats` aggregate per group.
    mutating func pairedDerivedEdgeRows(_ summary: Summary, filter: BoundCondition?, into: BoundValue) -> SQLFragment {
        var statistics: [String] = []
        let parts: [(NodeStatisticsLayout.PairPart, String)] = [(.first, ""), (.second, "b_"), (.difference, "d_")]
        for (part, prefix) in parts {
            statistics += Self.statisticsNames.map { "\(Spelling.derivedEdgeStatistic(.pairField(part, $0.field), of: "j.value")) AS \(prefix)\($0.name)" }
        }
        statistics.append("\(Spelling.derivedEdgeStatistic(.pairAbsoluteMean, of: "j.value")) AS d_absolute_mean")
        return derivedEdgeRows(summary, filter: filter, into: into, paired: true, statistics: statistics)
    }

    /// One aggregate (`ipg_edge_pair_stats` over each trace and its parent when `paired`, else
    /// `ipg_edge_stats`) per model, group and source of the layer, unnested into a row per edge
    /// with the keys and the `statistics` columns read from its array `j.value`.
    private mutating func derivedEdgeRows(_ summary: Summary, filter: BoundCondition?, into: BoundValue, paired: Bool, statistics: [String]) -> SQLFragment {
        let groups = summary.groups.map { (Self.expression(for: $0.column), $0.rawValue) }
        // A split query's parts also name each group's source by its position (merged per source).
        let keys = ["t.model_id AS model_id"] + groups.map { "\($0.0) AS \($0.1)" } + ["l.layer AS layer", "s.layer AS source_layer"]
            + (partialScans == nil ? [] : ["ls.position AS position"])
        let aggregate = paired
            ? Spelling.derivedEdgePairStatistics(trace: "t", parent: "p", source: "s", via: "ls", target: "l", kernel: "k")
            : Spelling.derivedEdgeStatistics(trace: "t", source: "s", via: "ls", target: "l", kernel: "k")
        var grouped: SQLFragment = "SELECT \(raw: keys.joined(separator: ", ")), \(raw: aggregate) AS stats"
        grouped += " FROM layers l CROSS JOIN traces t ON t.model_id = l.model_id"
        if paired { grouped += " JOIN traces p ON p.id = \(raw: Self.parentID(of: "t"))" }
        grouped += " \(raw: Self.derivedEdgeJoins(trace: "t", alias: nil))"
        grouped += " WHERE l.layer = \(bind: into) AND \(raw: Spelling.hasDerivedEdges("l"))"
        if partialScans != nil {
            grouped += " AND \(partConditions(filter, part: .valueBlocks), separator: " AND ")"
        } else if let filter {
            grouped += " AND (\(condition(filter)))"
        }
        grouped += " GROUP BY \(raw: (["t.model_id"] + groups.map(\.0) + ["l.layer", "ls.position"]).joined(separator: ", "))"
        if partialScans != nil {
            grouped = partialScan(grouped, keys: ["model_id"] + summary.groups.map(\.rawValue) + ["layer", "source_layer", "position"], value: "stats", merge: .edgeStatistics)
        }
        var columns = ["g.model_id AS model_id"] + summary.groups.map { "g.\($0.rawValue) AS \($0.rawValue)" } + ["g.layer AS layer", "g.source_layer AS source_layer"]
        columns += [("source", Spelling.DerivedEdgeStatistic.source), ("target", .target)].map { "\(Spelling.integer(Spelling.derivedEdgeStatistic($0.1, of: "j.value"))) AS \($0.0)" }
        columns += statistics
        return "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(grouped)) AS g, \(raw: Spelling.arrayRows("g.stats", alias: "j"))"
    }
}
