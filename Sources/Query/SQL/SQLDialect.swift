/// What differs between SQL engines, in one place. SQLite is the first dialect; a ClickHouse
/// one would spell these differently (arrays instead of JSON, its own aggregate functions).
public protocol SQLDialect: Sendable {
    /// Square root.
    func squareRoot(_ expression: String) -> String
    /// `expression` converted to an integer or a floating-point number.
    func cast(_ expression: String, to type: SQLNumberType) -> String
    /// The smaller and the larger of two values.
    func least(_ a: String, _ b: String) -> String
    func greatest(_ a: String, _ b: String) -> String
    /// An element of a JSON array held in `json`, following `path` (constant indices or SQL
    /// expressions giving one).
    func jsonElement(_ json: String, _ path: [JSONIndex]) -> String
    /// Rows (`key`, `value`) of the JSON array in column `json` of the row before it in FROM.
    func jsonArrayRows(_ json: String, alias: String) -> String
    /// Per-node statistics over a group of traces, as a JSON array of
    /// [count, mean, m2, active count, min, max] per node.
    func nodeStatisticsAggregate(values: String, encoding: String, layer: String, nodeSize: String, threshold: String) -> String
    /// The same over pairs of traces, per node 18 numbers: for a, for b, and for the
    /// differences a − b (active count: activity changes).
    func nodePairStatisticsAggregate(a: (values: String, encoding: String), b: (values: String, encoding: String), layer: String, nodeSize: String, threshold: String) -> String
    /// Per node, the `quantile` (0–1) of the node values over a group, as a JSON array.
    func nodeQuantileAggregate(values: String, encoding: String, layer: String, nodeSize: String, quantile: String) -> String
    /// A FROM item giving one row (`key`: the node, `value`) per node of a layer of one trace
    /// (whose columns it may name: it joins after the trace).
    func nodeValueRows(_ values: String, encoding: String, layer: String, nodeSize: String, alias: String) -> String
    /// Per (target, source) pair of a dense layer, the traces of a group in which both nodes are
    /// active, as a JSON array indexed target × source count + source.
    func edgeActivityAggregate(values: String, encoding: String, source: (layer: String, nodeSize: String, threshold: String), target: (layer: String, nodeSize: String, threshold: String)) -> String
    /// A common table computed once (`name[(columns)] AS MATERIALIZED (query)` in SQLite), not
    /// folded into the query that reads it.
    func materializedTable(_ name: String, columns: [String]?, _ query: String) -> String
    /// Integer division (truncating).
    func integerDivision(_ a: String, _ b: String) -> String
    /// Text after a table in FROM telling the engine to read it through `index` (empty where
    /// the engine has no such hint).
    func indexHint(_ index: String) -> String
}

/// Number types a query casts to.
public enum SQLNumberType: Sendable {
    case integer, real
}

/// One step into a JSON array.
public enum JSONIndex: Sendable {
    case constant(Int)
    case expression(String)
}

/// SQLite with DeepProv's `ipg_*` functions (registered by the store on every connection).
public struct SQLiteDialect: SQLDialect {
    public init() {}

    public func squareRoot(_ expression: String) -> String { "sqrt(\(expression))" }

    public func cast(_ expression: String, to type: SQLNumberType) -> String {
        "CAST(\(expression) AS \(type == .integer ? "INTEGER" : "REAL"))"
    }

    public func least(_ a: String, _ b: String) -> String { "min(\(a), \(b))" }

    public func greatest(_ a: String, _ b: String) -> String { "max(\(a), \(b))" }

    public func jsonElement(_ json: String, _ path: [JSONIndex]) -> String {
        let constantOnly = path.allSatisfy { if case .constant = $0 { return true } else { return false } }
        if constantOnly {
            return "json_extract(\(json), '$" + path.map { if case .constant(let index) = $0 { return "[\(index)]" } else { return "" } }.joined() + "')"
        }
        let parts = path.map { step -> String in
            switch step {
            case .constant(let index): return "'[\(index)]'"
            case .expression(let expression): return "'[' || \(expression) || ']'"
            }
        }
        return "json_extract(\(json), '$' || " + parts.joined(separator: " || ") + ")"
    }

    public func jsonArrayRows(_ json: String, alias: String) -> String { "json_each(\(json)) AS \(alias)" }

    public func nodeStatisticsAggregate(values: String, encoding: String, layer: String, nodeSize: String, threshold: String) -> String {
        "ipg_node_stats(\(values), \(encoding), \(layer), \(nodeSize), \(threshold))"
    }

    public func nodePairStatisticsAggregate(a: (values: String, encoding: String), b: (values: String, encoding: String), layer: String, nodeSize: String, threshold: String) -> String {
        "ipg_node_pair_stats(\(a.values), \(a.encoding), \(b.values), \(b.encoding), \(layer), \(nodeSize), \(threshold))"
    }

    public func nodeQuantileAggregate(values: String, encoding: String, layer: String, nodeSize: String, quantile: String) -> String {
        "ipg_node_quantile(\(values), \(encoding), \(layer), \(nodeSize), \(quantile))"
    }

    public func nodeValueRows(_ values: String, encoding: String, layer: String, nodeSize: String, alias: String) -> String {
        "json_each(ipg_nodes(\(values), \(encoding), \(layer), \(nodeSize))) AS \(alias)"
    }

    public func edgeActivityAggregate(values: String, encoding: String, source: (layer: String, nodeSize: String, threshold: String), target: (layer: String, nodeSize: String, threshold: String)) -> String {
        "ipg_edge_activity(\(values), \(encoding), \(source.layer), \(source.nodeSize), \(source.threshold), \(target.layer), \(target.nodeSize), \(target.threshold))"
    }

    public func materializedTable(_ name: String, columns: [String]?, _ query: String) -> String {
        name + (columns.map { "(" + $0.joined(separator: ", ") + ")" } ?? "") + " AS MATERIALIZED (\(query))"
    }

    public func integerDivision(_ a: String, _ b: String) -> String { "(\(a)) / (\(b))" }

    public func indexHint(_ index: String) -> String { " INDEXED BY \(index)" }
}
