/// What differs between SQL engines, in one place. SQLite is the first dialect; a ClickHouse
/// one would spell these differently.
public protocol SQLDialect: Sendable {
    /// Square root.
    func squareRoot(_ expression: String) -> String
    /// Element `index` of a JSON array held in `expression`.
    func jsonElement(_ expression: String, _ index: Int) -> String
    /// Rows (`key`, `value`) of the JSON array that `subquery` returns.
    func jsonArrayRows(_ subquery: String, alias: String) -> String
    /// Per-node statistics over a group of traces, as a JSON array of
    /// [count, mean, m2, active count, min, max] per node.
    func nodeStatisticsAggregate(values: String, encoding: String, layer: String, nodeSize: String, threshold: String) -> String
}

/// SQLite with DeepProv's `ipg_*` functions (registered by the store on every connection).
public struct SQLiteDialect: SQLDialect {
    public init() {}

    public func squareRoot(_ expression: String) -> String { "sqrt(\(expression))" }

    public func jsonElement(_ expression: String, _ index: Int) -> String { "json_extract(\(expression), '$[\(index)]')" }

    public func jsonArrayRows(_ subquery: String, alias: String) -> String { "json_each((\(subquery))) AS \(alias)" }

    public func nodeStatisticsAggregate(values: String, encoding: String, layer: String, nodeSize: String, threshold: String) -> String {
        "ipg_node_stats(\(values), \(encoding), \(layer), \(nodeSize), \(threshold))"
    }
}
