/// A query with its names resolved against the catalog and its shape decided: what the SQL
/// generator turns into SQL.
public struct BoundQuery: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        /// One row per trace, with these columns.
        case traces(columns: [TraceColumn])
        /// One row per node of a layer, with these measures over the selected traces.
        case nodeSummary(layer: BoundValue, measures: [NodeMeasure], path: SummaryPath)
    }

    /// How a node summary is computed: from the statistics the store keeps (when the traces are
    /// exactly one tag's), or by scanning the traces' node values.
    public enum SummaryPath: Sendable, Equatable {
        case statistics(tag: BoundValue)
        case scan
    }

    public var filter: BoundCondition?
    public var shape: Shape
    public var sort: [(column: String, descending: Bool)]
    public var limit: BoundValue?

    public static func == (lhs: BoundQuery, rhs: BoundQuery) -> Bool {
        lhs.filter == rhs.filter && lhs.shape == rhs.shape && lhs.limit == rhs.limit
            && lhs.sort.map(\.column) == rhs.sort.map(\.column) && lhs.sort.map(\.descending) == rhs.sort.map(\.descending)
    }

    /// The output columns, in order.
    public var columns: [String] {
        switch shape {
        case .traces(let columns): return columns.map(\.rawValue)
        case .nodeSummary(_, let measures, _): return ["layer", "node"] + measures.map(\.rawValue)
        }
    }
}

/// Trace metadata a query can read.
public enum TraceColumn: String, Sendable, CaseIterable {
    case input, tag, label, predicted, confidence, correct, run, parent, parentTag = "parent_tag"
}

/// What `summarize … by node` can compute per node.
public enum NodeMeasure: String, Sendable, CaseIterable {
    /// Traces summarised.
    case count
    /// Mean node value (an inactive node counts as its value, 0 after ReLU).
    case mean
    /// Population standard deviation of the node value.
    case stddev
    /// Share of the traces in which the node is active.
    case freq
    case min, max
}

/// A literal or a `$parameter`.
public enum BoundValue: Sendable, Equatable {
    case integer(Int)
    case number(Double)
    case string(String)
    case parameter(String)
}

/// A condition over trace metadata.
public indirect enum BoundCondition: Sendable, Equatable {
    case column(TraceColumn)
    case value(BoundValue)
    case not(BoundCondition)
    case binary(String, BoundCondition, BoundCondition)
}
