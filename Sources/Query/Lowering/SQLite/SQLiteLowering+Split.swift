/// Splitting a query over parts of the traces (`SplitQuery`). Two forms split:
/// - a trace listing ordered by trace id first: each part's statement is the listing with
///   `t.id BETWEEN ? AND ?` added, and the ranges' rows, one after another, are its rows;
/// - summaries and comparisons of nodes, layers or edges whose scans compute only the
///   mergeable statistics (count, mean, m2, active count, min, max: no quantiles, no entropy):
///   each part (every N-th value block) gives every scan's per-group statistics as partial
///   states, and the final statement reads them, merged per group in part order
///   (`ipg_merge_node_stats`, `ipg_merge_edge_stats`; edge activity counts added up by
///   `ipg_merge_edge_activity`), where the single statement reads its scans. Statistics served
///   by the store's tables stay as they are.
/// Anything else (edge lists, lineage, nearest, grouped rows, other orders) has no split.
extension SQLiteLowering {
    func split(_ plan: QueryPlan) -> SplitQuery? {
        guard let form = Self.splitForm(plan) else { return nil }
        var lowering = Conditions(partialScans: [])
        let statement = lowering.statement(plan)
        let extent = Self.extent(plan)
        switch form {
        case .listing:
            return SplitQuery(part: SplitQuery.Statement(statement), merge: .concatenate(limit: plan.limit.map { .query($0.argument) }), extent: extent)
        case .scans:
            guard let scans = lowering.partialScans, !scans.isEmpty else { return nil }
            return SplitQuery(part: SplitQuery.Statement(scans.joined(separator: " UNION ALL ")), merge: .final(SplitQuery.Statement(statement)), extent: extent)
        }
    }

    private enum SplitForm {
        case listing, scans
    }

    /// How `plan` splits, if it does.
    private static func splitForm(_ plan: QueryPlan) -> SplitForm? {
        switch plan.source.shape {
        case .traces(let columns):
            guard let first = plan.order.first, !first.descending else { return nil }
            let isTraceID: Bool
            switch first.expression {
            case .column(.trace): isTraceID = true
            case .output(let name): isTraceID = columns.contains { $0.name == name && $0.value == .column(.trace) && !$0.ofParent }
            default: isTraceID = false
            }
            return isTraceID ? .listing : nil
        case .summary(let summary):
            return mergesScans(summary) && summary.path == .scan ? .scans : nil
        case .comparison(let comparison):
            guard mergesScans(comparison.first) else { return nil }
            switch comparison.second {
            case .traces(_, let path): return comparison.first.path == .scan || path == .scan ? .scans : nil
            case .parents: return .scans
            }
        default:
            return nil
        }
    }

    /// Whether a summary's scans compute only statistics whose partial results merge.
    private static func mergesScans(_ summary: Summary) -> Bool {
        summary.measures.allSatisfy { measure in
            if case .quantile = measure { return false }
            return measure != .entropy
        }
    }
}

extension SplitQuery.Statement {
    init(_ fragment: SQLFragment) {
        self.init(sql: fragment.text, arguments: fragment.bindings)
    }
}

extension SQLiteLowering.Conditions {
    init(partialScans: [SQLFragment]) {
        self.init()
        self.partialScans = partialScans
    }

    /// Which traces a part of a split query reads.
    enum Part {
        /// A range of trace ids (a listing's parts, concatenated in order).
        case traceRange
        /// The value blocks whose number modulo the parts' count is the part's index: every
        /// part reads whole blocks (decoded once), and a selection of nearby traces (one tag's,
        /// stored together) is shared out evenly. Up to the range's last trace id, so that
        /// every part reads the traces stored when the query began, whatever an ingest adds.
        case valueBlocks
    }

    /// ` WHERE` the trace set's condition, and in a split query's statements the part's.
    mutating func whereClause(_ traces: BoundCondition?, part: Part) -> SQLFragment {
        let conditions = partConditions(traces, part: part)
        return conditions.isEmpty ? .empty : " WHERE \(conditions, separator: " AND ")"
    }

    /// The trace set's condition, and in a split query's statements the part's before it.
    mutating func partConditions(_ traces: BoundCondition?, part: Part) -> [SQLFragment] {
        var conditions: [SQLFragment] = []
        if partialScans != nil {
            switch part {
            case .traceRange:
                conditions.append("t.id BETWEEN \(SQLFragment.placeholder(.traceRangeStart)) AND \(SQLFragment.placeholder(.traceRangeEnd))")
            case .valueBlocks:
                conditions.append("t.id <= \(SQLFragment.placeholder(.traceRangeEnd))")
                conditions.append("abs(t.value_block) % \(SQLFragment.placeholder(.partCount)) = \(SQLFragment.placeholder(.partIndex))")
            }
            if let traces { conditions.append("(\(condition(traces)))") }
        } else if let traces {
            conditions.append(condition(traces))
        }
        return conditions
    }

    /// How the partial states of one scan's column merge per group.
    enum PartialMerge {
        /// `ipg_node_stats` / `ipg_node_pair_stats` arrays.
        case nodeStatistics
        /// `ipg_edge_stats` / `ipg_edge_pair_stats` arrays.
        case edgeStatistics
        /// `ipg_edge_activity` counts.
        case edgeActivity
    }

    /// Registers `scan` (one row per group: its `keys` and the column `value`) as the next scan
    /// of a part's statement — one row per group: `[scan, keys…, value]` — and returns what
    /// reads its groups back from every part's rows, merged by `merge`, with the scan's columns.
    mutating func partialScan(_ scan: SQLFragment, keys: [String], value: String, merge: PartialMerge) -> SQLFragment {
        let index = partialScans!.count
        let state = (["\(index)"] + keys.map { "g.\($0)" } + ["json(g.\(value))"]).joined(separator: ", ")
        partialScans!.append("SELECT json_array(\(raw: state)) FROM (\(scan)) AS g")
        typealias Spelling = SQLiteLowering.Spelling
        let keyExpressions = keys.indices.map { Spelling.element("p.value", 1 + $0) }
        let part = Spelling.element("p.value", 1 + keys.count)
        let merged: String
        switch merge {
        case .nodeStatistics: merged = Spelling.mergedNodeStatistics(order: "p.key", statistics: part)
        case .edgeStatistics: merged = Spelling.mergedEdgeStatistics(order: "p.key", statistics: part)
        case .edgeActivity: merged = Spelling.mergedEdgeActivity(part)
        }
        let columns = zip(keyExpressions, keys).map { "\($0) AS \($1)" } + [merged + " AS " + value]
        return "SELECT \(raw: columns.joined(separator: ", ")) FROM \(Spelling.partialStateRows(alias: "p"))"
            + " WHERE \(raw: Spelling.element("p.value", 0)) = \(raw: "\(index)") GROUP BY \(raw: keyExpressions.joined(separator: ", "))"
    }
}
