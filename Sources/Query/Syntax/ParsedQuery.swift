/// The syntax tree of a query, as written (names not yet resolved).
///
/// ```
/// from traces [where <condition>]
///   | where <condition>
///   | select <name>, …
///   | nodes of layer <value>
///   | summarize <measure>, … by node
///   | sort [-]<name>, …
///   | take <value>
/// ```
public struct ParsedQuery: Sendable, Equatable {
    public var source: Span
    public var stages: [ParsedStage]
}

/// One `|` stage.
public enum ParsedStage: Sendable, Equatable {
    case filter(ParsedExpression)
    case select([ParsedName])
    case nodes(layer: ParsedExpression, span: Span)
    case summarize(measures: [ParsedName], by: ParsedName)
    case sort([(name: ParsedName, descending: Bool)])
    case take(ParsedExpression)

    public static func == (lhs: ParsedStage, rhs: ParsedStage) -> Bool {
        switch (lhs, rhs) {
        case let (.filter(a), .filter(b)): return a == b
        case let (.select(a), .select(b)): return a == b
        case let (.nodes(a, s), .nodes(b, t)): return a == b && s == t
        case let (.summarize(a, x), .summarize(b, y)): return a == b && x == y
        case let (.sort(a), .sort(b)): return a.map(\.name) == b.map(\.name) && a.map(\.descending) == b.map(\.descending)
        case let (.take(a), .take(b)): return a == b
        default: return false
        }
    }
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
    case not(ParsedExpression, Span)
    /// `and`, `or`, `=`, `!=`, `<`, `<=`, `>`, `>=`, `+`, `-`, `*`, `/`.
    case binary(String, ParsedExpression, ParsedExpression)

    public var span: Span {
        switch self {
        case .name(let name): return name.span
        case .integer(_, let span), .number(_, let span), .string(_, let span), .parameter(_, let span), .not(_, let span): return span
        case .binary(_, let left, let right): return Span(left.span.start, right.span.end)
        }
    }
}
