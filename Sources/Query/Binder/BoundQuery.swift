/// A query with its names resolved against the catalog and its shape decided: what the SQL
/// generator turns into SQL.
public struct BoundQuery: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        /// One row per trace, with these columns.
        case traces(columns: [TraceColumn])
        /// One row per node of a layer, with these measures over the selected traces.
        case nodeSummary(layer: BoundValue, measures: [NodeMeasure], path: SummaryPath)
        /// One row per node: a measure over the selected traces (`_a`) and over a second set
        /// (`_b`), and their difference.
        case comparison(layer: BoundValue, measure: NodeMeasure, first: SummaryPath, second: SummaryPath, secondFilter: BoundCondition?)
        /// One row per dense edge into a layer, per selected trace: source, target, contribution.
        case edges(layer: BoundValue)
        /// From a node (default: the predicted output) back `depth` dense layers, following the
        /// `top` strongest incoming contributions of every node reached.
        case lineage(start: NodeAddress?, depth: BoundValue, top: BoundValue)
    }

    /// How a node summary is computed: from the statistics the store keeps (when the traces are
    /// exactly one tag's), or by scanning the traces' node values.
    public enum SummaryPath: Sendable, Equatable {
        case statistics(tag: BoundValue)
        case scan
    }

    public var filter: BoundCondition?
    public var shape: Shape
    public var sort: [SortKey]
    public var limit: BoundValue?

    public static func == (lhs: BoundQuery, rhs: BoundQuery) -> Bool {
        lhs.filter == rhs.filter && lhs.shape == rhs.shape && lhs.limit == rhs.limit && lhs.sort == rhs.sort
    }

    /// The output columns, in order.
    public var columns: [String] {
        switch shape {
        case .traces(let columns): return columns.map(\.rawValue)
        case .nodeSummary(_, let measures, _): return ["layer", "node"] + measures.map(\.rawValue)
        case .comparison(_, let measure, _, _, _): return ["node", "\(measure.rawValue)_a", "\(measure.rawValue)_b", "diff"]
        case .edges: return ["source", "target", "weight"]
        case .lineage: return ["input", "step", "target", "source", "contribution"]
        }
    }
}

/// A node by layer and index.
public struct NodeAddress: Sendable, Equatable {
    public var layer: Int
    public var node: Int
}

/// An output column to order by, possibly by its absolute value.
public struct SortKey: Sendable, Equatable {
    public var column: String
    public var descending: Bool
    public var absolute: Bool
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
