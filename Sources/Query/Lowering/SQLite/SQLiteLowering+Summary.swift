import IPG

/// Summaries and comparisons. Each trace set first becomes *base rows*: `model_id`, the
/// groups, the unit's key (`layer, node`, `layer`, or `layer, source_layer, source, target`) and the
/// mergeable statistics `traces, n, mean, m2, active, minimum, maximum` (plus `q<percent>`
/// columns for quantiles) — read from `node_statistics` or computed by scanning. Measures are
/// then expressions over those columns, so both paths and every unit share them.
extension SQLiteLowering.Conditions {
    private typealias Spelling = SQLiteLowering.Spelling

    /// The base-row statistics columns, each with the `NodeStatisticsLayout` field it is read from.
    static let statisticsNames: [(name: String, field: NodeStatisticsLayout.Field)] = [
        ("traces", .count), ("n", .count), ("mean", .mean), ("m2", .m2), ("active", .activeCount), ("minimum", .minimum), ("maximum", .maximum),
    ]

    mutating func summary(_ summary: Summary, filter: BoundCondition?) -> SQLFragment {
        let base = baseRows(summary, filter: filter, path: summary.path)
        let measures = summary.measures.map { "\(measure($0, of: { "a.\($0)" })) AS \($0.name)" }
        return "SELECT \(raw: (keyColumns(summary) + measures).joined(separator: ", ")) FROM (\(base)) AS a"
    }

    mutating func comparison(_ comparison: Comparison, filter: BoundCondition?) -> SQLFragment {
        let first = comparison.first
        let a = { (column: String) in "a.\(column)" }
        let b: (String) -> String
        var with = SQLFragment.empty
        let from: SQLFragment
        switch comparison.second {
        case .traces(let secondFilter, let path):
            // Each side computed once, then joined row by row.
            let baseA = baseRows(first, filter: filter, path: first.path)
            let baseB = baseRows(first, filter: secondFilter, path: path)
            let keys = ["model_id", "layer"] + first.groups.map(\.rawValue) + (first.unit == .edge ? ["source", "target"] : first.unit == .node ? ["node"] : [])
            with = "WITH \(Spelling.materialized("a", baseA)), \(Spelling.materialized("b", baseB)) "
            from = " FROM a JOIN b ON \(raw: keys.map { "b.\($0) = a.\($0)" }.joined(separator: " AND "))"
            b = { "b.\($0)" }
        case .parents:
            from = " FROM (\(pairedRows(first, filter: filter))) AS a"
            b = { "a.b_\($0)" }
        }
        var columns = keyColumns(first)
        for measure in first.measures {
            let (valueA, valueB) = (self.measure(measure, of: a), self.measure(measure, of: b))
            // Paired: the mean of the per-pair differences (equal to mean_a − mean_b).
            let difference = comparison.second == .parents && measure == .mean ? "a.d_mean" : "\(valueA) - \(valueB)"
            columns += ["\(valueA) AS \(measure.name)_a", "\(valueB) AS \(measure.name)_b", "\(difference) AS \(measure.name)_diff"]
        }
        for extra in comparison.extras {
            switch (extra, comparison.second) {
            case (.effect, .traces):
                // Cohen's d with the pooled sample standard deviation.
                columns.append("(a.mean - b.mean) / NULLIF(\(Spelling.squareRoot("(a.m2 + b.m2) / (a.n + b.n - 2)")), 0) AS effect")
            case (.effect, .parents):
                // d_z: the mean paired difference over its sample standard deviation.
                columns.append("a.d_mean / NULLIF(\(Spelling.squareRoot("a.d_m2 / (a.d_n - 1)")), 0) AS effect")
            case (.distance, _):
                columns.append("a.d_absolute_mean AS distance")
            case (.maxDistance, _):
                columns.append("\(Spelling.greatest("abs(a.d_minimum)", "abs(a.d_maximum)")) AS max_distance")
            }
        }
        return with + "SELECT \(raw: columns.joined(separator: ", "))\(from)"
    }

    /// The key columns of base rows `a`; an edge's ends as node references.
    private func keyColumns(_ summary: Summary) -> [String] {
        summary.keyColumns.map { column in
            switch (summary.unit, column.name) {
            case (.edge, "source"): return "a.source_layer || ':' || a.source AS source"
            case (.edge, "target"): return "a.layer || ':' || a.target AS target"
            default: return "a.\(column.name) AS \(column.name)"
            }
        }
    }

    /// A measure over base-row columns (`column("mean")` gives the column's SQL).
    private func measure(_ measure: NodeMeasure, of column: (String) -> String) -> String {
        switch measure {
        case .count: return column("traces")
        case .mean: return column("mean")
        case .stddev: return Spelling.squareRoot("\(column("m2")) / \(column("n"))")
        case .freq: return "\(Spelling.real(column("active"))) / \(column("n"))"
        case .min: return column("minimum")
        case .max: return column("maximum")
        case .dispersion: return "(\(column("m2")) / \(column("n"))) / NULLIF(\(column("mean")), 0)"
        case .entropy: return column("entropy")
        case .quantile(let percent): return column("q\(percent)")
        }
    }

    // MARK: Base rows

    /// Base rows of one trace set for the summary's unit.
    private mutating func baseRows(_ summary: Summary, filter: BoundCondition?, path: SummaryPath) -> SQLFragment {
        let groups = summary.groups.map { "r.\($0.rawValue) AS \($0.rawValue)" }
        let groupBy = (["r.model_id"] + summary.groups.map { "r.\($0.rawValue)" } + ["r.layer"]).joined(separator: ", ")
        switch summary.unit {
        case .node:
            return nodeRows(summary, filter: filter, path: path, layer: summary.layer.map { .equal($0) } ?? .every)
        case .layer:
            let nodes = nodeRows(summary, filter: filter, path: path, layer: summary.layer.map { .equal($0) } ?? .every)
            let columns = ["r.model_id AS model_id"] + groups + ["r.layer AS layer"] + Self.pooled(prefix: "")
                + (summary.measures.contains(.entropy) ? ["MAX(r.entropy) AS entropy"] : [])
            return "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(nodes)) AS r GROUP BY \(raw: groupBy)"
        case .edge:
            // A dense edge carries weight × source value: its statistics follow from the
            // source node's (a negative weight swaps minimum and maximum). Its activity — both
            // ends active — does not: with `freq`, it is counted while scanning.
            let into = summary.layer!
            // w: the target's row of weights (dense_weight_rows), r: the source node's rows.
            let columns = { (active: String) in
                (["r.model_id AS model_id"] + groups + ["l.layer AS layer", "l.source_layer AS source_layer", "r.node AS source", "w.target AS target"]
                    + Self.weighted(prefix: "", active: active)).joined(separator: ", ")
            }
            // Then (one of the two is empty) the edges derived from maps, always scanned.
            let derived = derivedEdgeRows(summary, filter: filter, into: into)
            guard summary.measures.contains(.freq) else {
                let sources = nodeRows(summary, filter: filter, path: path, layer: .sourceOf(into))
                let dense: SQLFragment = "SELECT \(raw: columns("r.active")) FROM (\(sources)) AS r" + Self.weightsOfEdges(into: into)
                return "SELECT * FROM (\(dense)) UNION ALL SELECT * FROM (\(derived))"
            }
            // One count per (target, source) pair and group, as JSON rows; each row finds its
            // target's weights by primary key and its source's statistics (CROSS JOIN keeps
            // that order).
            let sources = nodeRows(summary, filter: filter, path: path, layer: .sourceOf(into))
            let activity = edgeActivity(summary, filter: filter, into: into)
            let sameGroup = summary.groups.map { " AND r.\($0.rawValue) = e.\($0.rawValue)" }.joined()
            let dense: SQLFragment = "WITH \(Spelling.materialized("r", sources)), \(Spelling.materialized("e", activity))"
                + " SELECT \(raw: columns("k.value")) FROM e"
                + " CROSS JOIN \(raw: Spelling.arrayRows("e.activity", alias: "k"))"
                + " CROSS JOIN layers l ON l.model_id = e.model_id AND l.layer = \(bind: into)"
                + " CROSS JOIN layers s ON s.model_id = l.model_id AND s.layer = l.source_layer"
                + " CROSS JOIN \(raw: Spelling.denseWeightRows(alias: "w", model: "l.model_id", layer: "l.layer", target: "(k.key) / (s.node_count)"))"
                + " CROSS JOIN r ON r.model_id = e.model_id AND r.node = k.key % s.node_count\(raw: sameGroup)"
            return "SELECT * FROM (\(dense)) UNION ALL SELECT * FROM (\(derived))"
        }
    }

    /// The statistics columns (`prefix`ed) of every value of a layer's node rows `r` pooled
    /// (grouped by layer): M2 = Σ m2ᵢ + Σ nᵢ·meanᵢ² − N·mean².
    private static func pooled(prefix p: String) -> [String] {
        ["MAX(r.\(p)traces) AS \(p)traces", "SUM(r.\(p)n) AS \(p)n", "SUM(r.\(p)n * r.\(p)mean) / SUM(r.\(p)n) AS \(p)mean",
         "SUM(r.\(p)m2) + SUM(r.\(p)n * r.\(p)mean * r.\(p)mean) - SUM(r.\(p)n * r.\(p)mean) * SUM(r.\(p)n * r.\(p)mean) / SUM(r.\(p)n) AS \(p)m2",
         "SUM(r.\(p)active) AS \(p)active", "MIN(r.\(p)minimum) AS \(p)minimum", "MAX(r.\(p)maximum) AS \(p)maximum"]
    }

    /// The statistics columns (`prefix`ed) of the edges from source node rows `r` along their
    /// targets' weights `w` (`dense_weight_rows`): an edge carries weight × source value (a
    /// negative weight swaps minimum and maximum); `active` is what counts as the edge's activity.
    private static func weighted(prefix p: String, active: String) -> [String] {
        let weight = Spelling.denseWeight("w", source: "r.node")
        return ["r.\(p)traces AS \(p)traces", "r.\(p)n AS \(p)n", "\(weight) * r.\(p)mean AS \(p)mean", "\(weight) * \(weight) * r.\(p)m2 AS \(p)m2",
                "\(active) AS \(p)active",
                "\(Spelling.least("\(weight) * r.\(p)minimum", "\(weight) * r.\(p)maximum")) AS \(p)minimum",
                "\(Spelling.greatest("\(weight) * r.\(p)minimum", "\(weight) * r.\(p)maximum")) AS \(p)maximum"]
    }

    /// Joins source node rows `r` to the dense layer `into` (`l`) and the rows of weights of
    /// its targets (`w`), each holding the weight from every source. CROSS JOIN keeps the
    /// source rows outermost: the edges come out by source, then target, the order in which a
    /// comparison (`versus`) finds its other side's edges fastest (with the weights first, 1.6
    /// times the time of diverging-edges into the 350-node layer on the 1M-trace store).
    private static func weightsOfEdges(into: BoundValue) -> SQLFragment {
        " JOIN layers l ON l.model_id = r.model_id AND l.layer = \(bind: into) AND l.source_layer = r.layer"
            + " CROSS JOIN \(raw: Spelling.denseWeightRows(alias: "w", model: "l.model_id", layer: "l.layer"))"
    }

    /// Per model and group, the co-activity counts of every edge into `into`.
    private mutating func edgeActivity(_ summary: Summary, filter: BoundCondition?, into: BoundValue) -> SQLFragment {
        let groups = summary.groups.map { (Self.expression(for: $0.column), $0.rawValue) }
        let columns = ["t.model_id AS model_id"] + groups.map { "\($0.0) AS \($0.1)" } + ["\(Spelling.edgeActivity(source: "s", target: "l")) AS activity"]
        var sql: SQLFragment = "SELECT \(raw: columns.joined(separator: ", "))"
        sql += " FROM traces t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(bind: into) AND l.edge_rule = 'dense'"
        sql += " JOIN layers s ON s.model_id = t.model_id AND s.layer = l.source_layer"
        sql += whereClause(filter, part: .valueBlocks)
        sql += " GROUP BY \(raw: (["t.model_id"] + groups.map(\.0)).joined(separator: ", "))"
        return partialScans == nil ? sql : partialScan(sql, keys: ["model_id"] + summary.groups.map(\.rawValue), value: "activity", merge: .edgeActivity)
    }

    /// Which layers node rows cover.
    private enum LayerChoice {
        case equal(BoundValue)
        /// The source layer of the given layer, when it is dense (else none: edges derived
        /// from maps need no node rows).
        case sourceOf(BoundValue)
        case every
    }

    private func layerCondition(_ choice: LayerChoice, layer: String, model: String) -> SQLFragment? {
        switch choice {
        case .equal(let value): return "\(raw: layer) = \(bind: value)"
        case .sourceOf(let value): return "\(raw: layer) = (SELECT x.source_layer FROM layers x WHERE x.model_id = \(raw: model) AND x.layer = \(bind: value) AND x.edge_rule = 'dense')"
        case .every: return nil
        }
    }

    /// Per node rows of one trace set: from the statistics, or by scanning.
    private mutating func nodeRows(_ summary: Summary, filter: BoundCondition?, path: SummaryPath, layer: LayerChoice) -> SQLFragment {
        switch path {
        case .statistics(let tag, let label):
            let groups = summary.groups.map { _ in "s.tag AS tag" }  // only tag groups reach the statistics path
            var conditions: [SQLFragment] = []
            if let tag { conditions.append("s.tag = \(bind: tag)") }
            if let label { conditions.append("s.label = \(bind: label)") }
            if let condition = layerCondition(layer, layer: "s.layer", model: "s.model_id") { conditions.append(condition) }
            let columns = ["s.model_id AS model_id"] + groups + [
                "s.layer AS layer", "s.node AS node", "s.count AS traces", "s.count AS n", "s.mean AS mean", "s.m2 AS m2",
                "s.active_count AS active", "s.minimum AS minimum", "s.maximum AS maximum",
            ]
            let sql: SQLFragment = "SELECT \(raw: columns.joined(separator: ", ")) FROM \(raw: label == nil ? "node_statistics" : "node_label_statistics") s"
            return conditions.isEmpty ? sql : sql + " WHERE \(conditions, separator: " AND ")"
        case .scan:
            let quantiles = summary.measures.compactMap { if case .quantile(let percent) = $0 { return percent } else { return nil } }
            var aggregates: [SQLFragment] = ["\(raw: Spelling.nodeStatistics(layer: "l")) AS stats"]
            for percent in quantiles {
                let quantile = SQLFragment.bind(.number(Double(percent) / 100))
                aggregates.append("\(Spelling.nodeQuantile(layer: "l", quantile: quantile)) AS q\(raw: String(percent))")
            }
            let entropy = summary.measures.contains(.entropy)
            if entropy { aggregates.append("AVG(\(raw: Spelling.layerEntropy(layer: "l"))) AS entropy") }
            let grouped = scanGroups(summary, aggregates: aggregates, filter: filter, layer: layer, joinParents: false)
            var columns = ["g.model_id AS model_id"] + summary.groups.map { "g.\($0.rawValue) AS \($0.rawValue)" }
            columns += ["g.layer AS layer", "\(Spelling.integer("j.key")) AS node"]
            columns += Self.statisticsNames.map { "\(Spelling.element("j.value", $0.field.rawValue)) AS \($0.name)" }
            columns += quantiles.map { "\(Spelling.element("g.q\($0)", at: "j.key")) AS q\($0)" }
            if entropy { columns.append("g.entropy AS entropy") }
            return "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(grouped)) AS g, \(raw: Spelling.arrayRows("g.stats", alias: "j"))"
        }
    }

    /// The summary's rows of the selected traces paired with their parents: the child's
    /// statistics, the parent's (`b_…`) and those of the differences (`d_…`, with
    /// `d_absolute_mean`) per node, pooled per layer, or along each edge's weight.
    private mutating func pairedRows(_ summary: Summary, filter: BoundCondition?) -> SQLFragment {
        let prefixes = ["", "b_", "d_"]
        let groups = summary.groups.map { "r.\($0.rawValue) AS \($0.rawValue)" }
        switch summary.unit {
        case .node:
            return pairedNodeRows(summary, filter: filter, layer: .equal(summary.layer!))
        case .layer:
            let nodes = pairedNodeRows(summary, filter: filter, layer: summary.layer.map { .equal($0) } ?? .every)
            let columns = ["r.model_id AS model_id"] + groups + ["r.layer AS layer"] + prefixes.flatMap { Self.pooled(prefix: $0) }
                + ["SUM(r.d_n * r.d_absolute_mean) / SUM(r.d_n) AS d_absolute_mean"]
            let groupBy = (["r.model_id"] + summary.groups.map { "r.\($0.rawValue)" } + ["r.layer"]).joined(separator: ", ")
            return "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(nodes)) AS r GROUP BY \(raw: groupBy)"
        case .edge:
            let into = summary.layer!
            let sources = pairedNodeRows(summary, filter: filter, layer: .sourceOf(into))
            let columns = ["r.model_id AS model_id"] + groups + ["l.layer AS layer", "l.source_layer AS source_layer", "r.node AS source", "w.target AS target"]
                + prefixes.flatMap { Self.weighted(prefix: $0, active: "r.\($0)active") }
                + ["abs(\(Spelling.denseWeight("w", source: "r.node"))) * r.d_absolute_mean AS d_absolute_mean"]
            let dense: SQLFragment = "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(sources)) AS r" + Self.weightsOfEdges(into: into)
            return "SELECT * FROM (\(dense)) UNION ALL SELECT * FROM (\(pairedDerivedEdgeRows(summary, filter: filter, into: into)))"
        }
    }

    /// Node rows of the selected traces paired with their parents, in the layers chosen.
    private mutating func pairedNodeRows(_ summary: Summary, filter: BoundCondition?, layer: LayerChoice) -> SQLFragment {
        let grouped = scanGroups(summary, aggregates: ["\(raw: Spelling.nodePairStatistics(layer: "l")) AS stats"], filter: filter,
                                 layer: layer, joinParents: true)
        var columns = ["g.model_id AS model_id"] + summary.groups.map { "g.\($0.rawValue) AS \($0.rawValue)" }
        columns += ["g.layer AS layer", "\(Spelling.integer("j.key")) AS node"]
        let parts: [(NodeStatisticsLayout.PairPart, String)] = [(.first, ""), (.second, "b_"), (.difference, "d_")]
        for (part, prefix) in parts {
            columns += Self.statisticsNames.map { statistic in
                "\(Spelling.element("j.value", NodeStatisticsLayout.pairIndex(part, statistic.field))) AS \(prefix)\(statistic.name)"
            }
        }
        columns.append("\(Spelling.element("j.value", NodeStatisticsLayout.pairAbsoluteMeanIndex)) AS d_absolute_mean")
        return "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(grouped)) AS g, \(raw: Spelling.arrayRows("g.stats", alias: "j"))"
    }

    /// The traces `filter` selects (with their parents, `p`, when pairing), joined to the
    /// layers chosen and aggregated per model, group and layer.
    private mutating func scanGroups(_ summary: Summary, aggregates: [SQLFragment], filter: BoundCondition?, layer: LayerChoice, joinParents: Bool) -> SQLFragment {
        let groupExpressions = summary.groups.map { (Self.expression(for: $0.column), $0.rawValue) }
        let select = (["t.model_id AS model_id"] + groupExpressions.map { "\($0.0) AS \($0.1)" } + ["l.layer AS layer"]).map { SQLFragment(raw: $0) } + aggregates
        var sql: SQLFragment = "SELECT \(select, separator: ", ") FROM traces t"
        if joinParents {
            sql += " JOIN traces p ON p.id = \(raw: Self.parentID(of: "t"))"
        }
        sql += " JOIN layers l ON l.model_id = t.model_id"
        if let condition = layerCondition(layer, layer: "l.layer", model: "t.model_id") { sql += " AND \(condition)" }
        sql += whereClause(filter, part: .valueBlocks)
        // Grouped by the traces' columns behind a unary `+`, which SQLite reads as the column
        // but cannot serve from an index: grouping by `t.model_id` made it walk the traces
        // through an index on (model, tag, labels), dropped since (migration 0011), whatever
        // the filter, visiting the value blocks out of order and decoding each of them again
        // and again (5× slower over 1M traces). A filter on an index's columns (a tag) still
        // uses that index.
        sql += " GROUP BY \(raw: (["+t.model_id"] + groupExpressions.map { "+" + $0.0 } + ["l.layer"]).joined(separator: ", "))"
        return partialScans == nil ? sql : partialScan(sql, keys: ["model_id"] + summary.groups.map(\.rawValue) + ["layer"], value: "stats", merge: .nodeStatistics)
    }
}
