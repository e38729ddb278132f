/// The syntax tree of a query, as written (names not yet resolved).
///
/// ```
/// from traces [where <condition>]
///   | where <condition>                      (on traces; after a summary, comparison,
///                                             edges or lineage: on the output rows)
///   | select <name> [as <name>], …           (on traces: their columns; after rows are
///                                             computed: which columns to keep, in order)
///   | nodes of layer <value>
///   | summarize <measure>, … by [label|predicted|tag, …] node|layer|edge
///                                            (measures of node values or edge contributions)
///   | summarize count|<fn>(<column>), … [by <column>, …]
///                                            (a summary of the rows so far: traces, node
///                                             values, edges, lineage or summary rows;
///                                             fn: mean, sum, min, max, stddev)
///   | versus traces [where <condition>]      (after summarize: compare with a second set)
///   | versus parent                          (… or with each trace's own parent, paired)
///   | edges into layer <value>               (dense edges of the selected traces)
///   | lineage [forward | contrast] [from <layer:node> | from layer <value> node <value>] depth <value> top <value>
///                                            (strongest paths back from the predicted output,
///                                             or forward from a node)
///   | nearest <value> to trace <value> in layer <value> [by euclidean|cosine]
///                                            (the selected traces nearest a trace by their
///                                             node values in a layer)
///   | derive <name> = <expression>, …        (computed columns of the output rows)
///   | sort [-]<expression>, …
///   | take <value>
/// ```
/// A condition's values are numbers, strings, `$parameters` and node references (`2:0`, compared
/// with a lineage's `source` and `target`).
public struct ParsedQuery: Sendable, Equatable {
    public var source: Span
    public var stages: [ParsedStage]
}

/// One `|` stage.
public enum ParsedStage: Sendable, Equatable {
    case filter(ParsedExpression)
    case select([ParsedColumnChoice])
    /// `derive name = expression, …`: computed columns.
    case derive([ParsedDerivation])
    case nodes(layer: ParsedExpression, span: Span)
    /// `by` is empty when the query groups nothing (one row over all the rows).
    case summarize(measures: [ParsedMeasure], by: [ParsedName])
    /// `versus traces [where …]` (a condition, or none for all traces) or `versus parent`.
    case versus(ParsedComparedSet, span: Span)
    case edges(layer: ParsedExpression, span: Span)
    /// `start`: `from L:N` or `from layer <value> node <value>`.
    case lineage(start: (layer: ParsedExpression, node: ParsedExpression)?, kind: ParsedLineageKind, depth: ParsedExpression, top: ParsedExpression, span: Span)
    /// `nearest K to trace ID in layer N [by metric]`.
    case nearest(count: ParsedExpression, trace: ParsedExpression, layer: ParsedExpression, metric: ParsedName?, span: Span)
    case sort([ParsedSortKey])
    case take(ParsedExpression)

    public static func == (lhs: ParsedStage, rhs: ParsedStage) -> Bool {
        switch (lhs, rhs) {
        case let (.filter(a), .filter(b)): return a == b
        case let (.select(a), .select(b)): return a == b
        case let (.derive(a), .derive(b)): return a == b
        case let (.nodes(a, s), .nodes(b, t)): return a == b && s == t
        case let (.summarize(a, x), .summarize(b, y)): return a == b && x == y
        case let (.versus(a, s), .versus(b, t)): return a == b && s == t
        case let (.edges(a, s), .edges(b, t)): return a == b && s == t
        case let (.lineage(a, f, d, k, s), .lineage(b, g, e, l, t)):
            return a?.layer == b?.layer && a?.node == b?.node && f == g && d == e && k == l && s == t
        case let (.nearest(a, b, c, d, s), .nearest(e, f, g, h, t)): return a == e && b == f && c == g && d == h && s == t
        case let (.sort(a), .sort(b)): return a == b
        case let (.take(a), .take(b)): return a == b
        default: return false
        }
    }
}

extension ParsedStage {
    /// The stage's first word, for messages.
    var keyword: String {
        switch self {
        case .filter: return "where"
        case .select: return "select"
        case .derive: return "derive"
        case .nodes: return "nodes of layer"
        case .summarize: return "summarize"
        case .versus: return "versus"
        case .edges: return "edges into layer"
        case .lineage: return "lineage"
        case .nearest: return "nearest"
        case .sort: return "sort"
        case .take: return "take"
        }
    }

    /// Where the stage is written (its keyword's span where the parser keeps one, else from
    /// its first part to its last).
    var span: Span {
        switch self {
        case .filter(let expression), .take(let expression): return expression.span
        case .select(let choices): return Span(choices[0].span.start, choices[choices.count - 1].span.end)
        case .derive(let derivations): return Span(derivations[0].name.span.start, derivations[derivations.count - 1].expression.span.end)
        case .summarize(let measures, let keys): return Span(measures[0].span.start, keys.last?.span.end ?? measures[measures.count - 1].span.end)
        case .sort(let keys): return Span(keys[0].expression.span.start, keys[keys.count - 1].expression.span.end)
        case .nodes(_, let span), .versus(_, let span), .edges(_, let span), .lineage(_, _, _, _, let span), .nearest(_, _, _, _, let span): return span
        }
    }

    /// Whether the stage decides what the rows are (rather than filtering, deriving from,
    /// ordering or limiting them). A `select` does on a trace listing; after the rows are
    /// computed it only keeps their columns, which the binder tells apart.
    var shapesRows: Bool {
        switch self {
        case .select, .nodes, .summarize, .versus, .edges, .lineage, .nearest: return true
        case .filter, .derive, .sort, .take: return false
        }
    }
}

/// What `versus` compares with.
public enum ParsedComparedSet: Sendable, Equatable {
    case traces(ParsedExpression?)
    case parent
}

/// A sort key: `[-]expression` (`-` for descending), e.g. `-abs(mean_diff / stddev_b)`.
public struct ParsedSortKey: Sendable, Equatable {
    public var expression: ParsedExpression
    public var descending: Bool
}

/// A column a `select` keeps: `name`, or `name as alias` to rename it; on a trace listing, a
/// measure of the trace too (`prob(3) as p`).
public struct ParsedColumnChoice: Sendable, Equatable {
    public var column: ParsedName
    /// A trace measure's arguments (`column` names the function), nil for a column.
    public var arguments: [ParsedExpression]?
    public var alias: ParsedName?
    /// From the column's name to the alias's end.
    public var span: Span
}

/// A computed column: `name = expression`.
public struct ParsedDerivation: Sendable, Equatable {
    public var name: ParsedName
    public var expression: ParsedExpression
}

/// A measure of `summarize`: a name (`mean`, `count`), or a function of a column of the rows
/// (`mean(flow)`).
public struct ParsedMeasure: Sendable, Equatable {
    public var name: ParsedName
    public var column: ParsedName?
    /// From the name to the closing parenthesis.
    public var span: Span
}

/// A name with where it was written.
public struct ParsedName: Sendable, Equatable {
    public var text: String
    public var span: Span
}

/// A condition or value.
public indirect enum ParsedExpression: Sendable, Equatable {
    case name(ParsedName)
    case integer(Int, Span)
    case number(Double, Span)
    case string(String, Span)
    case parameter(String, Span)
    /// `layer:node`, e.g. `3:7`: a node, compared with a lineage's `source` or `target`.
    case nodeReference(layer: Int, index: Int, Span)
    /// `attr('key')`: a key/value attribute of the trace.
    case attribute(String, Span)
    /// `abs(<expression>)`.
    case absolute(ParsedExpression, Span)
    /// `layer(<node reference>)` or `node(<node reference>)`: a part of a node reference, a whole number.
    case nodePart(NodePart, ParsedExpression, Span)
    /// A measure of a trace: `prob(3)`, `margin(label)`, `entropy(2)`, `distance(2, parent)`, …
    case traceFunction(ParsedName, [ParsedExpression], Span)
    /// `parent(<condition>)` or `child(<condition>)`: a condition on a related trace.
    case related(TraceRelation, ParsedExpression, Span)
    case not(ParsedExpression, Span)
    /// `and`, `or`, `=`, `!=`, `<`, `<=`, `>`, `>=`, `+`, `-`, `*`, `/`.
    case binary(String, ParsedExpression, ParsedExpression)

    public var span: Span {
        switch self {
        case .name(let name): return name.span
        case .integer(_, let span), .number(_, let span), .string(_, let span), .parameter(_, let span), .nodeReference(_, _, let span), .attribute(_, let span), .absolute(_, let span), .nodePart(_, _, let span), .traceFunction(_, _, let span), .related(_, _, let span), .not(_, let span):
            return span
        case .binary(_, let left, let right): return Span(left.span.start, right.span.end)
        }
    }
}

/// The measures of a trace a query can compute: `prob(class)`, `margin([class])`,
/// `active(layer)`, `l1(layer)`, `entropy(layer)`, `distance(layer, trace id | parent |
/// centroid(condition) [, euclidean | cosine])`; `centroid` only as distance's second argument.
public enum TraceFunction: String, Sendable, Equatable, CaseIterable {
    case prob, margin, active, l1, entropy, distance, centroid
}

/// A part of a node reference `layer:node`: its layer or its node's index within the layer.
public enum NodePart: String, Sendable, Equatable, CaseIterable {
    case layer, node
}

/// How a trace in a `parent(…)` or `child(…)` condition relates to the trace being selected:
/// its parent (the clean input an adversarial trace was made from), or one of its children.
public enum TraceRelation: String, Sendable, Equatable, CaseIterable {
    case parent, child
}

/// Which walk `lineage` asks for: back from a node (the default), `forward` from one, or
/// `contrast`: back from the difference of the predicted and the true class's outputs.
public enum ParsedLineageKind: String, Sendable, Equatable {
    case backward, forward, contrast
}
