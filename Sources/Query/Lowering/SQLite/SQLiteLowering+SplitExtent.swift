/// How much of the store a split query reads (`SplitQuery.Extent`): the traces its scanned
/// selections hold at most, counted through the indexes of `traces` — a tag (`traces_by_input`,
/// with a range of its inputs), a range of trace ids (the table's key) — and whether it reads
/// more than the traces' own columns. Conditions no index serves (a confidence, a label, a
/// measure) are left out of the count: it may only overestimate.
extension SQLiteLowering {
    static func extent(_ plan: QueryPlan) -> SplitQuery.Extent {
        let traces = plan.source.traces
        // Each scanned selection, as often as the query reads its traces (pairs: the parents too).
        var selections: [BoundCondition?] = []
        var readsOnlyTraceColumns = false
        switch plan.source.shape {
        case .traces(let columns):
            selections = [traces]
            readsOnlyTraceColumns = columns.allSatisfy { field in
                if case .column = field.value { return !field.ofParent }
                return false
            } && !(traces.map(readsBeyondTraceColumns) ?? false)
        case .summary(let summary):
            selections = summary.path == .scan ? [traces] : []
        case .comparison(let comparison):
            switch comparison.second {
            case .traces(let second, let path):
                selections = (comparison.first.path == .scan ? [traces] : []) + (path == .scan ? [second] : [])
            case .parents:
                selections = [traces, traces]
            }
        default:
            break
        }
        var counts: [SQLFragment] = []
        for selection in selections {
            guard let selection else { return SplitQuery.Extent(count: nil, readsOnlyTraceColumns: readsOnlyTraceColumns) }
            let indexed = indexedConjuncts(selection)
            guard !indexed.isEmpty else { return SplitQuery.Extent(count: nil, readsOnlyTraceColumns: readsOnlyTraceColumns) }
            var lowering = Conditions()
            counts.append("(SELECT COUNT(*) FROM traces t WHERE \(indexed.map { lowering.condition($0) }, separator: " AND "))")
        }
        let count: SQLFragment = counts.isEmpty ? "SELECT 0" : "SELECT \(counts, separator: " + ")"
        return SplitQuery.Extent(count: SplitQuery.Statement(count), readsOnlyTraceColumns: readsOnlyTraceColumns)
    }

    /// The conjuncts of `condition` that an index serves: a tag's equality, comparisons of the
    /// trace id, and with a tag's equality comparisons of the input index. Together they hold
    /// every trace `condition` selects.
    static func indexedConjuncts(_ condition: BoundCondition) -> [BoundCondition] {
        let conjuncts = conjuncts(condition)
        let namesTag = conjuncts.contains { comparesColumn($0, .tag, operators: ["="]) }
        let ordering: Set<String> = ["=", "<", "<=", ">", ">="]
        return conjuncts.filter { conjunct in
            comparesColumn(conjunct, .tag, operators: ["="]) || comparesColumn(conjunct, .trace, operators: ordering)
                || (namesTag && comparesColumn(conjunct, .input, operators: ordering))
        }
    }

    /// `condition` as the terms its top-level `and`s join.
    private static func conjuncts(_ condition: BoundCondition) -> [BoundCondition] {
        if case .binary("and", let left, let right) = condition { return conjuncts(left) + conjuncts(right) }
        return [condition]
    }

    /// Whether `condition` compares `column` with a value by one of `operators`.
    private static func comparesColumn(_ condition: BoundCondition, _ column: TraceColumn, operators: Set<String>) -> Bool {
        guard case .binary(let op, let left, let right) = condition, operators.contains(op) else { return false }
        switch (left, right) {
        case (.column(column), .value), (.value, .column(column)): return true
        default: return false
        }
    }

    /// Whether a condition on traces reads more than their own columns: node values (a
    /// measure), a related trace or an attribute, each a lookup per trace.
    private static func readsBeyondTraceColumns(_ condition: BoundCondition) -> Bool {
        switch condition {
        case .measure, .related, .attribute: return true
        case .absolute(let inner), .nodePart(_, let inner), .not(let inner): return readsBeyondTraceColumns(inner)
        case .binary(_, let left, let right): return readsBeyondTraceColumns(left) || readsBeyondTraceColumns(right)
        case .column, .output, .value, .node: return false
        }
    }
}
