/// A query with its names resolved against the catalog and its shape decided: what the SQL
/// generator turns into SQL.
public struct BoundQuery: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        /// One row per trace, with these columns.
        case traces(columns: [TraceField])
        /// One row per node, layer or edge (and group): measures over the selected traces.
        case summary(Summary)
        /// The same rows with measures over the selected traces (`_a`) and over a second set or
        /// each trace's parent (`_b`), their differences and optionally the effect size.
        case comparison(Comparison)
        /// One row per node of a layer, per selected trace: the trace, the node and its value
        /// (`nodes of layer N` with no summary after it).
        case nodeValues(layer: BoundValue)
        /// One row per dense edge into a layer, per selected trace: the trace, source, target,
        /// contribution.
        case edges(layer: BoundValue)
        /// The rows of the query so far grouped by some of their columns, with counts and
        /// functions of columns per group (`summarize count, mean(flow) by path`).
        indirect case grouped(RowSummary)
        /// From a node, `depth` dense layers back (default start: the predicted output) or
        /// forward, following the `top` strongest contributions at every node reached.
        case lineage(LineageWalk)
        /// The selected traces nearest one trace by their node values in a layer.
        case nearest(NearestSearch)
    }

    public var filter: BoundCondition?
    public var shape: Shape
    /// `where` after the shape: a condition on the rows the shape computes (over
    /// `shapeColumns`; derived and renamed columns are written out as what they stand for).
    public var rowFilter: BoundCondition?
    /// What `derive` and `select` make of the shape's rows: the output columns, each an
    /// expression over `shapeColumns`; nil when the output is the shape's columns as they are.
    public var projection: [ProjectedColumn]?
    public var sort: [SortKey]
    public var limit: BoundValue?
    /// What `$parameters` must be where they are used, checked when they have values.
    public var requirements: [ValueRequirement] = []

    /// The output columns, in order, each with the type of its values: the shape's columns, or
    /// what `derive` and `select` made of them (as the plan spells them out).
    public var outputColumns: [OutputColumn] { QueryPlanner.plan(self).outputColumns }

    /// The columns of the rows the shape computes: what a `where` on the rows compares with.
    public var shapeColumns: [OutputColumn] { shape.columns }
}

extension BoundQuery.Shape {
    /// What an edge or lineage row says about its trace: its id in the store, its tag and its
    /// input, so that rows of several traces (a clean input and its attacks) tell theirs apart.
    static let traceIdentity = [OutputColumn("trace", .integer), OutputColumn("tag", .string), OutputColumn("input", .integer)]

    /// The columns of the rows the shape computes, each with the type of its values — the one
    /// place they are named. Counts and keys (`input`, `step`, `layer`, `node`, `trace`, an
    /// edge's `source` and `target`) are integers; measures numbers; a lineage's `source` and
    /// `target` node references (`layer:node`); tags and paths text.
    public var columns: [OutputColumn] {
        switch self {
        case .traces(let columns): return columns.map { OutputColumn($0.name, $0.type) }
        case .summary(let summary): return summary.keyColumns + summary.measures.map { OutputColumn($0.name, $0.type) }
        case .comparison(let comparison): return comparison.outputColumns
        case .grouped(let summary): return summary.keys + summary.measures.map(\.column)
        case .nearest:
            return Self.traceIdentity + [OutputColumn("label", .integer), OutputColumn("predicted", .integer), OutputColumn("correct", .boolean), OutputColumn("distance", .number)]
        case .nodeValues: return Self.traceIdentity + [OutputColumn("layer", .integer), OutputColumn("node", .integer), OutputColumn("value", .number)]
        case .edges: return Self.traceIdentity + [OutputColumn("source", .node), OutputColumn("target", .node), OutputColumn("contribution", .number)]
        case .lineage(let walk) where walk.versusParent:
            return Self.traceIdentity + [OutputColumn("step", .integer), OutputColumn("target", .node), OutputColumn("source", .node), OutputColumn("path", .string)]
                + ["contribution", "flow"].flatMap { measure in ["a", "b", "diff"].map { OutputColumn("\(measure)_\($0)", .number) } }
                + [OutputColumn("shared", .boolean)]
        case .lineage:
            return Self.traceIdentity + [OutputColumn("step", .integer), OutputColumn("target", .node), OutputColumn("source", .node),
                    OutputColumn("contribution", .number), OutputColumn("path", .string), OutputColumn("flow", .number)]
        }
    }
}

/// `summarize count, mean(flow), … by path, …` over the rows a query computed so far.
public struct RowSummary: Sendable, Equatable {
    /// The rows summarized: the query before this `summarize` (its traces, shape, row filter
    /// and derived or selected columns; its order does not matter).
    public var rows: BoundQuery
    /// The columns of `rows` grouped by (none: one row over all of them).
    public var keys: [OutputColumn]
    public var measures: [RowMeasure]
}

/// A count, or a function of one column, per group of rows.
public struct RowMeasure: Sendable, Equatable {
    public enum Function: String, Sendable, CaseIterable {
        /// Rows in the group.
        case count
        /// Mean (of a condition: the share of rows where it holds).
        case mean
        /// Sum (of a condition: the rows where it holds).
        case sum
        case min, max
        /// Population standard deviation.
        case stddev
    }

    public var function: Function
    /// The column of the rows it reads (nil for `count`).
    public var argument: OutputColumn?

    /// The output column: `count`, or `<function>_<column>` (`mean_flow`), with its type.
    public var column: OutputColumn {
        guard let argument else { return OutputColumn(function.rawValue, .integer) }
        switch function {
        case .count: return OutputColumn(function.rawValue, .integer)
        case .mean, .stddev: return OutputColumn("\(function.rawValue)_\(argument.name)", .number)
        case .sum: return OutputColumn("sum_\(argument.name)", argument.type == .boolean ? .integer : argument.type)
        case .min, .max: return OutputColumn("\(function.rawValue)_\(argument.name)", argument.type)
        }
    }
}

/// Measures per node, layer or edge over one set of traces.
public struct Summary: Sendable, Equatable {
    /// The layer summarised (for edges: the layer they go into); nil for every layer.
    public var layer: BoundValue?
    public var measures: [NodeMeasure]
    /// Trace columns to group by, before the unit.
    public var groups: [TraceGroup]
    public var unit: SummaryUnit
    public var path: SummaryPath

    /// Columns naming a row: the groups, then `layer, node` (whole numbers), `layer`, or an
    /// edge's `source, target` (node references, `layer:node`, as in edge and lineage rows).
    var keyColumns: [OutputColumn] {
        let unitColumns: [OutputColumn]
        switch unit {
        case .node: unitColumns = [OutputColumn("layer", .integer), OutputColumn("node", .integer)]
        case .layer: unitColumns = [OutputColumn("layer", .integer)]
        case .edge: unitColumns = [OutputColumn("source", .node), OutputColumn("target", .node)]
        }
        return groups.map { OutputColumn($0.rawValue, $0.column.type) } + unitColumns
    }
}

/// What a summary row is about.
public enum SummaryUnit: String, Sendable, Equatable {
    /// A node of a layer.
    case node
    /// A whole layer: every value of its nodes pooled.
    case layer
    /// A dense edge: its contribution weight × source value.
    case edge
}

/// How a summary is computed: from the statistics the store keeps per (tag, node), or by
/// scanning the traces' node values.
public enum SummaryPath: Sendable, Equatable {
    /// All traces of one tag (`tag` given), or every tag grouped by tag (`tag` nil); with a
    /// `label`, the traces of one tag whose true label is that class (the per-label statistics).
    case statistics(tag: BoundValue?, label: BoundValue? = nil)
    case scan
}

/// Two trace sets compared row by row.
public struct Comparison: Sendable, Equatable {
    /// The selected traces' summary (`_a`).
    public var first: Summary
    public var second: ComparedSet
    /// Columns that exist only when comparing, after the per-measure ones, in the order asked.
    public var extras: [ComparisonMeasure]

    /// What the selected traces are compared with.
    public enum ComparedSet: Sendable, Equatable {
        /// `versus traces where …`: a second set, summarised the same way.
        case traces(filter: BoundCondition?, path: SummaryPath)
        /// `versus parent`: each trace's own parent (an adversarial input's clean original).
        case parents
    }

    /// The summary's keys, then per measure `m_a, m_b` and their difference `m_diff`, then the
    /// extras (`effect`, `distance`, …); a count's `_a`, `_b` and difference are integers.
    var outputColumns: [OutputColumn] {
        first.keyColumns
            + first.measures.flatMap { measure in
                [OutputColumn("\(measure.name)_a", measure.type), OutputColumn("\(measure.name)_b", measure.type),
                 OutputColumn("\(measure.name)_diff", measure.type)]
            }
            + extras.map { OutputColumn($0.rawValue, .number) }
    }
}

/// Measures of a comparison itself, asked for in `summarize` beside the per-set measures.
public enum ComparisonMeasure: String, Sendable, Equatable, CaseIterable {
    /// The effect size: Cohen's d for two sets, d_z (mean / sd of the paired differences) for
    /// parents.
    case effect
    /// Paired only: the mean |value − parent's value| (the activation distance).
    case distance
    /// Paired only: the largest |value − parent's value|.
    case maxDistance = "max_distance"

    /// Whether it needs each trace paired with its parent (`versus parent`).
    var isPaired: Bool { self != .effect }
}

/// `nearest K to trace ID in layer N [by euclidean|cosine]`: exact, by a scan of the selected
/// traces of the trace's model (the trace itself left out).
public struct NearestSearch: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable {
        case euclidean
        /// 1 − cosine similarity.
        case cosine
    }

    public var count: BoundValue
    /// The store id of the trace the others are measured from.
    public var trace: BoundValue
    public var layer: BoundValue
    public var metric: Metric
}

/// `lineage [forward] [from <node>] depth D top K`.
public struct LineageWalk: Sendable, Equatable {
    /// Where the walk starts; nil for each trace's predicted output.
    public var start: NodeAddress?
    public var direction: LineageDirection
    /// Backward from the difference of the predicted and the true class's outputs: step 1's
    /// edges carry value × (weight into the predicted − weight into the true class).
    public var contrast: Bool = false
    /// `| versus parent`: each trace's walk beside its parent's, path by path.
    public var versusParent: Bool = false
    public var depth: BoundValue
    public var top: BoundValue
    /// The most steps the walk can take: its depth when written as a number, else as many as
    /// the models' dense layers allow (what a `$depth` is checked against).
    public var maxSteps: Int
}

/// Which way a lineage walks.
public enum LineageDirection: String, Sendable, Equatable {
    /// From a node to the sources that contributed most to it.
    case backward
    /// From a node to the targets it contributed most to.
    case forward
}

/// A node by layer and index.
public struct NodeAddress: Sendable, Equatable {
    public var layer: BoundValue
    public var node: BoundValue
}

/// An order of the output rows: an expression over the shape's columns.
public struct SortKey: Sendable, Equatable {
    public var expression: BoundCondition
    public var descending: Bool
}

/// Trace metadata a query can read; `trace` is the trace's id in the store (what edge and
/// lineage rows name their trace by).
public enum TraceColumn: String, Sendable, CaseIterable {
    case trace, input, tag, label, predicted, confidence, correct, run, parent, parentTag = "parent_tag", model

    /// What the column holds, for type checks.
    public var type: ValueType {
        switch self {
        case .trace, .input, .label, .predicted, .run, .parent: return .integer
        case .confidence: return .number
        case .correct: return .boolean
        case .tag, .parentTag, .model: return .string
        }
    }
}

/// A column of a trace listing: the trace's own, its parent's (`select parent.confidence`,
/// the column `parent_confidence`, empty for a trace without a stored parent), or a measure of
/// the trace (`select prob(3)`, the column `prob_3`).
public struct TraceField: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case column(TraceColumn)
        case measure(TraceMeasure)
    }

    public var value: Value
    public var ofParent: Bool
    /// The output column's name.
    public var name: String

    public init(_ column: TraceColumn, ofParent: Bool = false) {
        value = .column(column)
        self.ofParent = ofParent
        name = ofParent ? "parent_" + column.rawValue : column.rawValue
    }

    public init(_ measure: TraceMeasure, name: String) {
        value = .measure(measure)
        ofParent = false
        self.name = name
    }

    /// What the column holds.
    public var type: ValueType {
        switch value {
        case .column(let column): return column.type
        case .measure(let measure): return measure.type
        }
    }
}

/// A measure of one trace, computed from its node values.
public indirect enum TraceMeasure: Sendable, Equatable {
    /// The softmax of the output layer's values at a class (an integer expression, `label` say).
    case probability(BoundCondition)
    /// The largest output value minus a class's (nil: minus the runner-up's).
    case margin(BoundCondition?)
    /// Active nodes of a layer.
    case activeNodes(layer: BoundValue)
    /// Σ |node value| of a layer.
    case l1(layer: BoundValue)
    /// The Shannon entropy in bits of a layer's |node values| taken as a distribution.
    case entropy(layer: BoundValue)
    /// The distance of a layer's node values to another trace's, the parent's, or the mean of
    /// the traces a condition selects (of the same model).
    case distance(layer: BoundValue, to: DistanceTarget, metric: NearestSearch.Metric)

    public var type: ValueType { if case .activeNodes = self { return .integer } else { return .number } }
}

/// The type of a value in a condition or an output column; `unknown` for `$parameters`
/// (bound at run time).
public enum ValueType: String, Sendable {
    case integer, number, string, boolean
    /// A node reference, `layer:node` (a lineage's `source` and `target`).
    case node
    /// A `$parameter` (or arithmetic on one alone): known when the query runs.
    case unknown

    var isNumeric: Bool { self == .integer || self == .number }
}

/// Trace columns a summary can be grouped by.
public enum TraceGroup: String, Sendable, CaseIterable {
    case label, predicted, tag

    /// The trace column grouped by.
    var column: TraceColumn {
        switch self {
        case .label: return .label
        case .predicted: return .predicted
        case .tag: return .tag
        }
    }
}

/// What `summarize` computes per node (per layer: over every value of the layer's nodes).
public enum NodeMeasure: Sendable, Equatable {
    /// Traces summarised.
    case count
    /// Mean value (an inactive node counts as its value, 0 after ReLU).
    case mean
    /// Population standard deviation.
    case stddev
    /// Share of the traces in which the node is active.
    case freq
    case min, max
    /// Variance over mean (the index of dispersion); null when the mean is 0.
    case dispersion
    /// Per layer only: the mean over the traces of each trace's Shannon entropy in bits of the
    /// layer's |node values| taken as a distribution (0 when silent). Scans the traces.
    case entropy
    /// The value below which `percent`% of the values fall (`median` = 50; `p90` = 90),
    /// linear between ranks. Scans the traces: the statistics keep no quantiles.
    case quantile(percent: Int)

    /// What the measure's column holds: `count` is a whole number, the others numbers.
    public var type: ValueType { self == .count ? .integer : .number }

    /// The name a query writes and the column it gives.
    public var name: String {
        switch self {
        case .count: return "count"
        case .mean: return "mean"
        case .stddev: return "stddev"
        case .freq: return "freq"
        case .min: return "min"
        case .max: return "max"
        case .dispersion: return "dispersion"
        case .entropy: return "entropy"
        case .quantile(let percent): return percent == 50 ? "median" : "p\(percent)"
        }
    }

    /// `count`, `mean`, `stddev`, `freq`, `min`, `max`, `dispersion`, `entropy`, `median`, `p1` … `p99`.
    public init?(name: String) {
        let lowered = name.lowercased()
        if let simple = (Self.fixed + [.entropy]).first(where: { $0.name == lowered }) {
            self = simple
        } else if lowered == "median" {
            self = .quantile(percent: 50)
        } else if lowered.hasPrefix("p"), let percent = Int(lowered.dropFirst()), (1...99).contains(percent), !lowered.hasPrefix("p0") {
            self = .quantile(percent: percent)
        } else {
            return nil
        }
    }

    /// The measures the store's node statistics answer.
    static let fixed: [NodeMeasure] = [.count, .mean, .stddev, .freq, .min, .max, .dispersion]

    /// Names to suggest and complete.
    public static let names = fixed.map(\.name) + ["entropy", "median", "p90"] + ComparisonMeasure.allCases.map(\.rawValue)
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
    /// An output column of a summary, comparison, edge list or lineage.
    case output(String)
    /// The value of a trace's key/value attribute (NULL when the trace has none).
    case attribute(String)
    case value(BoundValue)
    /// A node reference literal, `layer:node`, compared with a lineage's `source` or `target`.
    case node(layer: Int, index: Int)
    case absolute(BoundCondition)
    /// The layer or the node index of a node reference.
    case nodePart(NodePart, BoundCondition)
    /// A measure of the trace (in a condition on traces).
    case measure(TraceMeasure)
    /// True when the trace's parent (or one of its children) meets the condition.
    case related(TraceRelation, BoundCondition)
    case not(BoundCondition)
    case binary(String, BoundCondition, BoundCondition)
}

/// What `distance(layer, …)` measures a trace's node values from.
public enum DistanceTarget: Sendable, Equatable {
    /// The trace with this store id.
    case trace(BoundValue)
    case parent
    /// The mean node values (per node) of the traces the condition selects.
    case centroid(BoundCondition)
}
