/// SQL text for a query, the values to bind to its `?` placeholders in order, and its columns.
public struct CompiledQuery: Sendable, Equatable {
    /// A value for one placeholder: a literal of the query, or a `$parameter` given at run time.
    public enum Argument: Sendable, Equatable {
        case integer(Int)
        case number(Double)
        case string(String)
        case parameter(String)
    }

    public var sql: String
    public var arguments: [Argument]
    public var columns: [String]

    /// The `$parameters` the query needs, in first-use order.
    public var parameterNames: [String] {
        var seen: [String] = []
        for case .parameter(let name) in arguments where !seen.contains(name) { seen.append(name) }
        return seen
    }
}
