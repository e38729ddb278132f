/// What a query computes, independent of any database engine: where its rows come from (a
/// trace listing, a summary, a comparison, edges or a lineage walk over the selected traces),
/// which of those rows it keeps, its output columns — each named and typed here, once, as an
/// expression over the source's columns — their complete order and how many it returns.
///
/// A lowering turns a plan into one engine's SQL (`SQLiteLowering`); how an engine spells the
/// work (common tables, recursion, JSON rows, window functions, index hints) belongs to its
/// lowering, never to the plan. Made by `QueryPlanner.plan` from a bound query.
public struct QueryPlan: Sendable, Equatable {
    /// Where the rows come from.
    public var source: RowSource
    /// A condition on the source's rows (`where` after the shape), over `source.columns`.
    public var rowFilter: BoundCondition?
    /// The output columns, in order, each an expression over the source's columns.
    public var columns: [ProjectedColumn]
    /// The complete row order: the query's sort keys, then the source's keys for ties, so that
    /// every engine returns the rows in the same order.
    public var order: [SortKey]
    public var limit: BoundValue?
    /// What `$parameters` must be where they are used, checked when they have values.
    public var requirements: [ValueRequirement]

    /// The output columns' names and types.
    public var outputColumns: [OutputColumn] {
        columns.map { OutputColumn($0.name, $0.type) }
    }

    /// Whether the output columns are the source's columns as they are (no `derive` or `select`).
    public var keepsSourceColumns: Bool {
        columns.count == source.columns.count && zip(columns, source.columns).allSatisfy { column, sourceColumn in
            column.name == sourceColumn.name && column.expression == .output(sourceColumn.name)
        }
    }
}

/// The rows a plan starts from: one per selected trace, or what the shape computes over the
/// selected traces.
public struct RowSource: Sendable, Equatable {
    /// The traces selected (`from traces where …`); nil for every trace.
    public var traces: BoundCondition?
    public var shape: BoundQuery.Shape

    /// The columns of the rows, each with the type of its values.
    public var columns: [OutputColumn] { shape.columns }

    /// The columns that identify a row, in the order that breaks ties: a summary's groups then
    /// node, layer or edge; an edge's trace and ends; a lineage's trace, step and strongest
    /// contribution first. A trace listing has none (it keeps the store's order).
    public var keys: [SortKey] {
        let names: [(String, Bool)]
        switch shape {
        case .traces: names = []
        case .summary(let summary): names = Self.keys(of: summary)
        case .comparison(let comparison): names = Self.keys(of: comparison.first)
        case .grouped(let summary): names = summary.keys.map { ($0.name, false) }
        case .nodeValues: names = [("input", false), ("trace", false), ("node", false)]
        case .nearest: names = [("distance", false), ("trace", false)]
        case .edges: names = [("input", false), ("trace", false), ("target", false), ("source", false)]
        case .lineage(let walk) where walk.versusParent: names = [("input", false), ("trace", false), ("step", false), ("path", false)]
        case .lineage: names = [("input", false), ("trace", false), ("step", false), ("contribution", true), ("target", false), ("source", false)]
        }
        return names.map { SortKey(expression: .output($0.0), descending: $0.1) }
    }

    private static func keys(of summary: Summary) -> [(String, Bool)] {
        let unit: [String]
        switch summary.unit {
        case .node: unit = ["node"]
        case .layer: unit = ["layer"]
        case .edge: unit = ["target", "source"]
        }
        return (summary.groups.map(\.rawValue) + unit).map { ($0, false) }
    }
}
