import IPG

/// Summaries and comparisons. Each trace set becomes one *side*: per model and group (and,
/// over every layer, per layer: `layer_position`, the layer + 1) the number of traces
/// `node_traces` and per-node arrays `node_sums`, `node_squares`, `node_minima`,
/// `node_maxima`, `node_active`, from array aggregates (`sumForEach`, …) that each shard
/// computes and the initiator merges. A second set's columns are prefixed `b_`; a pairing with
/// parents adds the parents' (`b_`) and the differences' (`d_`, with `d_node_absolute`, the
/// sums of |difference|). Measures are expressions over those arrays: per node after an
/// `ARRAY JOIN`, or pooled per layer by array functions.
extension ClickHouseLowering.Writer {
    func summary(_ summary: Summary, filter: BoundCondition?) -> SQLFragment {
        let side = self.side(Self.sides(of: summary), filter: filter, prefix: "", paired: false).sql
        let measures = summary.measures.map { SQLFragment(raw: "\(Self.measure($0, of: statistics(summary, prefix: ""))) AS \(Self.quoted($0.name))") }
        return unitRows(summary, from: side, prefixes: [""], columns: measures)
    }

    /// What a side aggregates: the summary's own nodes, or for edges every layer's (the
    /// source layer's are then joined to the weights).
    private static func sides(of summary: Summary) -> Summary {
        guard summary.unit == .edge else { return summary }
        var sources = summary
        sources.layer = nil
        sources.unit = .layer
        return sources
    }

    /// `versus traces`: both sides joined by model, group (and layer), then compared per
    /// row. `versus parent`: one side of the selected traces, each beside its parent.
    func comparison(_ comparison: Comparison, filter: BoundCondition?) -> SQLFragment {
        let first = comparison.first
        let paired = comparison.second == .parents
        let from: SQLFragment
        switch comparison.second {
        case .traces(let secondFilter, _):
            let sides = Self.sides(of: first)
            let a = side(sides, filter: filter, prefix: "", paired: false), b = side(sides, filter: secondFilter, prefix: "b_", paired: false)
            let columns = (a.keys + a.columns + b.columns).joined(separator: ", ")
            from = "SELECT \(raw: columns) FROM (\(a.sql)) ANY INNER JOIN (\(b.sql)) USING \(raw: a.keys.joined(separator: ", "))"
        case .parents:
            from = side(first, filter: filter, prefix: "", paired: true).sql
        }
        let a = statistics(first, prefix: ""), b = statistics(first, prefix: "b_", sharedCount: paired)
        var columns: [SQLFragment] = []
        for measure in first.measures {
            let (valueA, valueB) = (Self.measure(measure, of: a), Self.measure(measure, of: b))
            // Paired: the mean of the per-pair differences (equal to mean_a − mean_b).
            let difference = paired && measure == .mean ? Self.measure(.mean, of: statistics(first, prefix: "d_", sharedCount: true)) : "\(valueA) - \(valueB)"
            columns += [(valueA, "_a"), (valueB, "_b"), (difference, "_diff")].map { SQLFragment(raw: "\($0.0) AS \(Self.quoted(measure.name + $0.1))") }
        }
        let d = statistics(first, prefix: "d_", sharedCount: true)
        for extra in comparison.extras {
            let value: String
            switch (extra, comparison.second) {
            case (.effect, .traces):
                // Cohen's d with the pooled sample standard deviation (NULL for fewer than
                // three traces, as SQLite's division by zero gives).
                let pooled = "sqrt(greatest((\(Self.m2(a)) + \(Self.m2(b))) / (\(a.n) + \(b.n) - 2), 0))"
                value = "if(\(a.n) + \(b.n) > 2, (\(Self.mean(a)) - \(Self.mean(b))) / nullIf(\(pooled), 0), NULL)"
            case (.effect, .parents):
                // d_z: the mean paired difference over its sample standard deviation.
                value = "if(\(d.n) > 1, \(Self.mean(d)) / nullIf(sqrt(greatest(\(Self.m2(d)) / (\(d.n) - 1), 0)), 0), NULL)"
            case (.distance, _):
                value = "\(d.absoluteSum) / \(d.n)"
            case (.maxDistance, _):
                value = "greatest(abs(\(d.minimum)), abs(\(d.maximum)))"
            }
            columns.append(SQLFragment(raw: "\(value) AS \(Self.quoted(extra.rawValue))"))
        }
        var prefixes = ["", "b_"]
        if paired { prefixes.append("d_") }
        return unitRows(first, from: from, prefixes: prefixes, columns: columns)
    }

    /// The summary's rows from its sides' rows `from`: the groups, the unit's key and `columns`.
    private func unitRows(_ summary: Summary, from: SQLFragment, prefixes: [String], columns: [SQLFragment]) -> SQLFragment {
        if summary.unit == .edge { return edgeRows(summary, from: from, prefixes: prefixes, columns: columns) }
        var keys: [SQLFragment] = summary.groups.map { SQLFragment(raw: Self.quoted($0.rawValue)) }
        let layer: SQLFragment = summary.layer.map { "\(bind: $0)" } ?? "toInt64(layer_position) - 1"
        keys.append("\(layer) AS layer")
        guard summary.unit == .node else {
            return "SELECT \(keys + columns, separator: ", ") FROM (\(from))"
        }
        keys.append("toInt64(node_position) - 1 AS node")
        var arrays: [String] = []
        for prefix in prefixes {
            // Active counts exist with `freq`, and never for differences.
            let names = Self.arrayNames.filter { $0.array != "active" || (summary.measures.contains(.freq) && prefix != "d_") }
            arrays += names.map { "\(prefix)node_\($0.array) AS \(prefix)node_\($0.element)" }
            if prefix == "d_" { arrays.append("d_node_absolute AS d_node_absolute_sum") }
        }
        arrays.append("arrayEnumerate(node_sums) AS node_position")
        return "SELECT \(keys + columns, separator: ", ") FROM (\(from)) ARRAY JOIN \(raw: arrays.joined(separator: ", "))"
    }

    /// The per-node arrays of a side and the name of one element after an `ARRAY JOIN`.
    private static let arrayNames: [(array: String, element: String)] = [("sums", "sum"), ("squares", "square"), ("minima", "minimum"), ("maxima", "maximum"), ("active", "act")]

    /// The statistics of the unit of a side's columns `prefix`ed: one node's (or edge's) after
    /// the `ARRAY JOIN`, or a layer's pooled. With `sharedCount`, the traces are the pairs' (unprefixed).
    private func statistics(_ summary: Summary, prefix p: String, sharedCount: Bool = false) -> Statistics {
        let traces = (sharedCount ? "" : p) + "node_traces"
        if summary.unit != .layer {
            return Statistics(traces: traces, n: traces, sum: "\(p)node_sum", squares: "\(p)node_square", active: "\(p)node_act",
                              minimum: "\(p)node_minimum", maximum: "\(p)node_maximum", absoluteSum: "\(p)node_absolute_sum")
        }
        // Every value of the layer pooled (18.16 has no arrayMin: arrayReduce).
        return Statistics(traces: traces, n: "(\(traces) * length(\(p)node_sums))", sum: "arraySum(\(p)node_sums)", squares: "arraySum(\(p)node_squares)",
                          active: "arraySum(\(p)node_active)", minimum: "arrayReduce('min', \(p)node_minima)",
                          maximum: "arrayReduce('max', \(p)node_maxima)", absoluteSum: "arraySum(\(p)node_absolute)")
    }

    /// A unit's statistics as SQL expressions: its traces, values `n`, their sum, sum of
    /// squares, active count and extremes, and (paired differences) the sum of |difference|.
    struct Statistics {
        var traces, n, sum, squares, active, minimum, maximum, absoluteSum: String
    }

    private static func mean(_ s: Statistics) -> String { "\(s.sum) / \(s.n)" }

    /// The sum of squared deviations from the mean.
    private static func m2(_ s: Statistics) -> String { "(\(s.squares) - \(s.sum) * \(s.sum) / \(s.n))" }

    /// A measure over a unit's statistics (population stddev, as SQLite's).
    private static func measure(_ measure: NodeMeasure, of s: Statistics) -> String {
        let variance = "greatest(\(s.squares) / \(s.n) - (\(mean(s))) * (\(mean(s))), 0)"
        switch measure {
        case .count: return s.traces
        case .mean: return mean(s)
        case .stddev: return "sqrt(\(variance))"
        case .freq: return "\(s.active) / \(s.n)"
        case .min: return s.minimum
        case .max: return s.maximum
        case .dispersion: return "\(variance) / nullIf(\(mean(s)), 0)"
        case .entropy, .quantile: preconditionFailure("refused: \(measure)")
        }
    }
}
