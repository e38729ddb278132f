/// `BoundQuery` → `CompiledQuery`. Every value, literal or parameter, becomes a `?`
/// placeholder: nothing a user typed is pasted into the SQL text. Placeholders are numbered in
/// text order, so each clause is generated in the order it appears. One type over several
/// files: summaries and comparisons (`SQLGenerator+Summary`), edges and lineage
/// (`SQLGenerator+Graph`).
public struct SQLGenerator {
    let dialect: any SQLDialect
    private(set) var arguments: [CompiledQuery.Argument] = []
    /// The alias of the trace a condition is about: `t`, or a related trace's inside
    /// `parent(…)` / `child(…)`.
    private var traceAlias = "t"
    private var relatedCount = 0

    public static func generate(_ query: BoundQuery, dialect: any SQLDialect = SQLiteDialect()) -> CompiledQuery {
        var generator = SQLGenerator(dialect: dialect)
        let sql = generator.statement(query)
        return CompiledQuery(sql: sql, arguments: generator.arguments, columns: query.columns, requirements: query.requirements)
    }

    private init(dialect: any SQLDialect) {
        self.dialect = dialect
    }

    private mutating func statement(_ query: BoundQuery) -> String {
        var sql: String
        let tieBreak: [String]
        switch query.shape {
        case .traces(let columns):
            sql = "SELECT " + columns.map { "\(Self.expression(for: $0)) AS \($0.rawValue)" }.joined(separator: ", ")
            sql += " FROM traces t"
            if let filter = query.filter { sql += " WHERE " + condition(filter) }
            tieBreak = []
        case .summary(let summary):
            sql = self.summary(summary, filter: query.filter)
            tieBreak = Self.rowOrder(summary)
        case .comparison(let comparison):
            sql = self.comparison(comparison, filter: query.filter)
            tieBreak = Self.rowOrder(comparison.first)
        case .edges(let layer):
            sql = edges(into: layer, filter: query.filter)
            tieBreak = ["input", "trace", "target", "source"]
        case .lineage(let start, let direction, let depth, let top):
            sql = lineage(start: start, direction: direction, depth: depth, top: top, filter: query.filter)
            tieBreak = ["input", "trace", "step", "contribution DESC", "target", "source"]
        }
        // Sorted by output columns alone, the rows are ordered by their names; anything else
        // reads the shape's rows as `r`, whose columns a derived, renamed or dropped column
        // cannot hide.
        let sortsByNames = query.sort.allSatisfy { if case .output = $0.expression { return true } else { return false } }
        let wrapped = query.rowFilter != nil || query.projection != nil || !sortsByNames
        if wrapped {
            let inner = arguments
            arguments = []
            let columns = query.projection.map { columns in
                columns.map { "\(condition($0.expression)) AS \(Self.quoted($0.name))" }.joined(separator: ", ")
            }
            arguments += inner
            sql = "SELECT \(columns ?? "*") FROM (\(sql)) AS r"
            if let rowFilter = query.rowFilter { sql += " WHERE " + condition(rowFilter) }
        }
        var order = query.sort.map { key in
            (wrapped ? condition(key.expression) : Self.outputName(key.expression) ?? "") + (key.descending ? " DESC" : "")
        }
        order += tieBreak.filter { column in
            !query.sort.contains { Self.outputName($0.expression) == column.split(separator: " ").first.map(String.init) }
        }.map { wrapped ? "r.\($0)" : $0 }
        if !order.isEmpty { sql += " ORDER BY " + order.joined(separator: ", ") }
        if let limit = query.limit { sql += " LIMIT \(placeholder(limit))" }
        return sql
    }

    /// The name of the shape's column an expression is, nil for anything else.
    private static func outputName(_ expression: BoundCondition) -> String? {
        if case .output(let name) = expression { return name }
        return nil
    }

    /// An output column's name as an SQL identifier: a name a query gave (`derive order = …`)
    /// may be an SQL keyword. Names are letters, digits and underscores (the lexer's
    /// identifiers), so they never hold a quote.
    private static func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// Rows of a summary come ordered by their groups, then node, layer or edge.
    private static func rowOrder(_ summary: Summary) -> [String] {
        let unit: [String]
        switch summary.unit {
        case .node: unit = ["node"]
        case .layer: unit = ["layer"]
        case .edge: unit = ["target", "source"]
        }
        return summary.groups.map(\.rawValue) + unit
    }

    static func expression(for column: TraceColumn, of t: String = "t") -> String {
        switch column {
        case .trace: return "\(t).id"
        case .input: return "\(t).input_index"
        case .tag: return "\(t).tag"
        case .label: return "\(t).true_label"
        case .predicted: return "\(t).predicted_label"
        case .confidence: return "\(t).confidence"
        case .correct: return "(\(t).predicted_label = \(t).true_label)"
        case .run: return "\(t).run_id"
        case .parent: return "NULLIF(\(t).parent_index, -1)"
        case .parentTag: return "NULLIF(\(t).parent_tag, '')"
        case .model: return "(SELECT m.name FROM models m WHERE m.id = \(t).model_id)"
        }
    }

    /// The id of trace `t`'s parent: the first stored trace of the model with its parent's tag
    /// and input index (NULL when it has none). `versus parent` and `parent(…)`/`child(…)` all
    /// pair traces this way. Found by (tag, index): the unique index's (model, tag) prefix
    /// would visit every trace of the tag.
    func parentID(of t: String) -> String {
        "(SELECT MIN(q.id) FROM traces q\(dialect.indexHint("traces_by_input")) WHERE q.tag = \(t).parent_tag AND q.input_index = \(t).parent_index AND q.model_id = \(t).model_id)"
    }

    /// A trace related to the current one meets `inner`. The parent is one lookup per trace;
    /// children are gathered once, as the parents of every trace that has one and meets
    /// `inner` (read through the partial index of traces with parents): SQLite probes that
    /// index per trace by a range, not by the parent's index. A child whose parent is not
    /// stored gives -1, not NULL, so that `not child(…)` stays true or false.
    private mutating func related(_ relation: TraceRelation, _ inner: BoundCondition) -> String {
        let outer = traceAlias
        relatedCount += 1
        let alias = "\(relation.rawValue)\(relatedCount)"
        traceAlias = alias
        defer { traceAlias = outer }
        switch relation {
        case .parent:
            return "EXISTS (SELECT 1 FROM traces \(alias) WHERE \(alias).id = \(parentID(of: outer)) AND \(condition(inner)))"
        case .child:
            return "\(outer).id IN (SELECT COALESCE(\(parentID(of: alias)), -1) FROM traces \(alias) WHERE \(alias).parent_index >= 0 AND \(condition(inner)))"
        }
    }

    mutating func condition(_ condition: BoundCondition) -> String {
        switch condition {
        case .column(let column): return Self.expression(for: column, of: traceAlias)
        case .output(let column): return "r.\(column)"
        case .attribute(let key):
            return "(SELECT a.value FROM trace_attributes a WHERE a.trace_id = \(traceAlias).id AND a.key = \(placeholder(.string(key))) ORDER BY a.position LIMIT 1)"
        case .value(let value): return placeholder(value)
        // Bound as the text a lineage writes its nodes in.
        case .node(let layer, let index): return placeholder(.string("\(layer):\(index)"))
        case .absolute(let inner): return "abs(\(self.condition(inner)))"
        case .related(let relation, let inner): return related(relation, inner)
        case .not(let inner): return "NOT (\(self.condition(inner)))"
        case .binary(let op, let left, let right):
            let sqlOperator = ["and": "AND", "or": "OR"][op] ?? op
            return "(\(self.condition(left)) \(sqlOperator) \(self.condition(right)))"
        }
    }

    mutating func placeholder(_ value: BoundValue) -> String {
        switch value {
        case .integer(let number): arguments.append(.integer(number))
        case .number(let number): arguments.append(.number(number))
        case .string(let text): arguments.append(.string(text))
        case .parameter(let name): arguments.append(.parameter(name))
        }
        return "?"
    }
}
