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
        var tieBreak: [String] = []
        switch query.shape {
        case .traces(let columns):
            sql = "SELECT " + columns.map { "\(Self.expression(for: $0)) AS \($0.rawValue)" }.joined(separator: ", ")
            sql += " FROM traces t"
            if let filter = query.filter { sql += " WHERE " + condition(filter) }
        case .nodeSummary(let layer, let measures, let path):
            sql = summary(layer: layer, measures: measures, path: path, filter: query.filter)
            tieBreak = ["node"]
        case .comparison(let layer, let measure, let first, let second, let secondFilter):
            let name = measure.rawValue
            let a = summary(layer: layer, measures: [measure], path: first, filter: query.filter)
            let b = summary(layer: layer, measures: [measure], path: second, filter: secondFilter)
            sql = "SELECT a.node AS node, a.\(name) AS \(name)_a, b.\(name) AS \(name)_b, a.\(name) - b.\(name) AS diff"
            sql += " FROM (\(a)) AS a JOIN (\(b)) AS b ON b.node = a.node"
            tieBreak = ["node"]
        case .edges(let layer):
            let source = "ipg_node(t.node_values, t.value_encoding, s.layer, s.node_size, w.source)"
            let target = "ipg_node(t.node_values, t.value_encoding, l.layer, l.node_size, w.target)"
            // The traces are chosen first (materialised), so their filter uses the indexes
            // before any node value is decoded.
            var chosen = "SELECT t.id, t.model_id, t.node_values, t.value_encoding FROM traces t"
            if let filter = query.filter { chosen += " WHERE " + condition(filter) }
            sql = "WITH chosen AS MATERIALIZED (\(chosen))"
            sql += " SELECT w.source AS source, w.target AS target, w.weight * \(source) AS weight"
            sql += " FROM chosen t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(placeholder(layer))"
            sql += " JOIN layers s ON s.model_id = t.model_id AND s.layer = l.source_layer"
            sql += " JOIN dense_weights w ON w.model_id = t.model_id AND w.layer = l.layer"
            // Edges of the IPG join active nodes only (units: |value| above the threshold).
            sql += " WHERE abs(\(source)) > s.threshold AND abs(\(target)) > l.threshold"
            tieBreak = ["target", "source"]
        case .lineage(let start, let depth, let top):
            sql = lineage(start: start, depth: depth, top: top, filter: query.filter)
            tieBreak = ["input", "step", "contribution DESC", "target", "source"]
        }
        var order = query.sort.map { ($0.absolute ? "abs(\($0.column))" : $0.column) + ($0.descending ? " DESC" : "") }
        order += tieBreak.filter { column in !query.sort.contains { $0.column == column && !$0.absolute } }
        if !order.isEmpty { sql += " ORDER BY " + order.joined(separator: ", ") }
        if let limit = query.limit { sql += " LIMIT \(placeholder(limit))" }
        return sql
    }

    /// A recursive walk back from the start node (default: each trace's predicted output),
    /// keeping at every node reached its `top` strongest active incoming dense contributions,
    /// for `depth` steps. One row per edge walked.
    private mutating func lineage(start: NodeAddress?, depth: BoundValue, top: BoundValue, filter: BoundCondition?) -> String {
        var chosen = "SELECT t.id, t.model_id, t.input_index, t.node_values, t.value_encoding, t.predicted_label FROM traces t"
        if let filter { chosen += " WHERE " + condition(filter) }
        let startLayer = start.map { placeholder(.integer($0.layer)) } ?? "(SELECT MAX(layer) FROM layers WHERE model_id = c.model_id)"
        let startNode = start.map { placeholder(.integer($0.node)) } ?? "c.predicted_label"
        let sourceValue = { (weights: String) in "ipg_node(c.node_values, c.value_encoding, s.layer, s.node_size, \(weights).source)" }
        var sql = "WITH RECURSIVE chosen(id, model_id, input_index, node_values, value_encoding, predicted_label) AS MATERIALIZED (\(chosen)), "
        sql += "walk(trace_id, step, layer, node, target, contribution) AS ("
        sql += "SELECT c.id, 0, \(startLayer), \(startNode), NULL, NULL FROM chosen c"
        sql += " UNION ALL SELECT g.trace_id, g.step + 1, s.layer, w.source, g.layer || ':' || g.node, w.weight * \(sourceValue("w"))"
        sql += " FROM walk g JOIN chosen c ON c.id = g.trace_id"
        sql += " JOIN layers l ON l.model_id = c.model_id AND l.layer = g.layer"
        sql += " JOIN layers s ON s.model_id = c.model_id AND s.layer = l.source_layer"
        sql += " JOIN dense_weights w ON w.model_id = c.model_id AND w.layer = g.layer AND w.target = g.node"
        // Keep an edge when fewer than `top` active sources contribute more (SQLite allows no
        // outer reference in a subquery's ORDER BY, so the rank is counted).
        sql += " WHERE g.step < \(placeholder(depth)) AND abs(\(sourceValue("w"))) > s.threshold"
        sql += " AND (SELECT COUNT(*) FROM dense_weights v WHERE v.model_id = c.model_id AND v.layer = g.layer AND v.target = g.node"
        sql += " AND abs(\(sourceValue("v"))) > s.threshold AND v.weight * \(sourceValue("v")) > w.weight * \(sourceValue("w"))) < \(placeholder(top)))"
        sql += " SELECT c.input_index AS input, g.step AS step, g.target AS target, g.layer || ':' || g.node AS source, g.contribution AS contribution"
        sql += " FROM walk g JOIN chosen c ON c.id = g.trace_id WHERE g.step > 0"
        return sql
    }

    /// One row per node of `layer`: `layer`, `node` and the measures, from the statistics or
    /// by scanning the traces `filter` selects.
    private mutating func summary(layer: BoundValue, measures: [NodeMeasure], path: BoundQuery.SummaryPath, filter: BoundCondition?) -> String {
        switch path {
        case .statistics(let tag):
            let selected = measures.map { "\(statisticsExpression($0)) AS \($0.rawValue)" }
            return "SELECT " + (["s.layer AS layer", "s.node AS node"] + selected).joined(separator: ", ")
                + " FROM node_statistics s WHERE s.tag = \(placeholder(tag)) AND s.layer = \(placeholder(layer))"
        case .scan:
            let selected = measures.map { "\(scanExpression($0, "j.value")) AS \($0.rawValue)" }
            let outerLayer = placeholder(layer)  // placeholders are numbered in text order
            let aggregate = dialect.nodeStatisticsAggregate(
                values: "t.node_values", encoding: "t.value_encoding", layer: "l.layer", nodeSize: "l.node_size", threshold: "l.threshold")
            var inner = "SELECT \(aggregate) FROM traces t JOIN layers l ON l.model_id = t.model_id AND l.layer = \(placeholder(layer))"
            if let filter { inner += " WHERE " + condition(filter) }
            return "SELECT " + (["\(outerLayer) AS layer", "CAST(j.key AS INTEGER) AS node"] + selected).joined(separator: ", ")
                + " FROM " + dialect.jsonArrayRows(inner, alias: "j")
        }
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
