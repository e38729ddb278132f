/// `BoundQuery` → `CompiledQuery`. Every value, literal or parameter, becomes a `?`
/// placeholder: nothing a user typed is pasted into the SQL text.
public struct SQLGenerator {
    private let dialect: any SQLDialect
    private var arguments: [CompiledQuery.Argument] = []

    public static func generate(_ query: BoundQuery, dialect: any SQLDialect = SQLiteDialect()) -> CompiledQuery {
        var generator = SQLGenerator(dialect: dialect)
        let sql = generator.statement(query)
        return CompiledQuery(sql: sql, arguments: generator.arguments, columns: query.columns)
    }

    private init(dialect: any SQLDialect) {
        self.dialect = dialect
    }

    private mutating func statement(_ query: BoundQuery) -> String {
        var sql: String
        switch query.shape {
        case .traces(let columns):
            sql = "SELECT " + columns.map { "\(Self.expression(for: $0)) AS \($0.rawValue)" }.joined(separator: ", ")
            sql += " FROM traces t"
            if let filter = query.filter { sql += " WHERE " + condition(filter) }
        case .nodeSummary(let layer, let measures, .statistics(let tag)):
            let selected = measures.map { "\(statisticsExpression($0)) AS \($0.rawValue)" }
            sql = "SELECT " + (["s.layer AS layer", "s.node AS node"] + selected).joined(separator: ", ")
            sql += " FROM node_statistics s WHERE s.tag = \(placeholder(tag)) AND s.layer = \(placeholder(layer))"
        case .nodeSummary(let layer, let measures, .scan):
            let selected = measures.map { "\(scanExpression($0, "j.value")) AS \($0.rawValue)" }
            let outerLayer = placeholder(layer)  // placeholders are numbered in text order
            let aggregate = dialect.nodeStatisticsAggregate(
                values: "t.node_values", encoding: "t.value_encoding", layer: "l.layer", nodeSize: "l.node_size", threshold: "l.threshold")
            var inner = "SELECT \(aggregate) FROM traces t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(placeholder(layer))"
            if let filter = query.filter { inner += " WHERE " + condition(filter) }
            sql = "SELECT " + (["\(outerLayer) AS layer", "CAST(j.key AS INTEGER) AS node"] + selected).joined(separator: ", ")
            sql += " FROM " + dialect.jsonArrayRows(inner, alias: "j")
        }
        var order = query.sort.map { "\($0.column)\($0.descending ? " DESC" : "")" }
        if case .nodeSummary = query.shape, !order.contains(where: { $0.hasPrefix("node") }) { order.append("node") }
        if !order.isEmpty { sql += " ORDER BY " + order.joined(separator: ", ") }
        if let limit = query.limit { sql += " LIMIT \(placeholder(limit))" }
        return sql
    }

    private static func expression(for column: TraceColumn) -> String {
        switch column {
        case .input: return "t.input_index"
        case .tag: return "t.tag"
        case .label: return "t.true_label"
        case .predicted: return "t.predicted_label"
        case .confidence: return "t.confidence"
        case .correct: return "(t.predicted_label = t.true_label)"
        case .run: return "t.run_id"
        case .parent: return "NULLIF(t.parent_index, -1)"
        case .parentTag: return "NULLIF(t.parent_tag, '')"
        }
    }

    private func statisticsExpression(_ measure: NodeMeasure) -> String {
        switch measure {
        case .count: return "s.count"
        case .mean: return "s.mean"
        case .stddev: return dialect.squareRoot("s.m2 / s.count")
        case .freq: return "CAST(s.active_count AS REAL) / s.count"
        case .min: return "s.minimum"
        case .max: return "s.maximum"
        }
    }

    private func scanExpression(_ measure: NodeMeasure, _ value: String) -> String {
        let element = { (index: Int) in dialect.jsonElement(value, index) }
        switch measure {
        case .count: return element(0)
        case .mean: return element(1)
        case .stddev: return dialect.squareRoot("\(element(2)) / \(element(0))")
        case .freq: return "CAST(\(element(3)) AS REAL) / \(element(0))"
        case .min: return element(4)
        case .max: return element(5)
        }
    }

    private mutating func condition(_ condition: BoundCondition) -> String {
        switch condition {
        case .column(let column): return Self.expression(for: column)
        case .value(let value): return placeholder(value)
        case .not(let inner): return "NOT (\(self.condition(inner)))"
        case .binary(let op, let left, let right):
            let sqlOperator = ["and": "AND", "or": "OR"][op] ?? op
            return "(\(self.condition(left)) \(sqlOperator) \(self.condition(right)))"
        }
    }

    private mutating func placeholder(_ value: BoundValue) -> String {
        switch value {
        case .integer(let number): arguments.append(.integer(number))
        case .number(let number): arguments.append(.number(number))
        case .string(let text): arguments.append(.string(text))
        case .parameter(let name): arguments.append(.parameter(name))
        }
        return "?"
    }
}
