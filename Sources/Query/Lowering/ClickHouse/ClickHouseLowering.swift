import IPG

/// `QueryPlan` → ClickHouse SQL (dialect "clickhouse"), for the schema of
/// `Migrations/clickhouse/`: one row per trace, its node values as `layer_values[L + 1]`.
/// Written for ClickHouse 18.16 and later, and for the cluster's `Distributed` table: no table
/// common expressions, no window functions, no correlated subqueries, at most one JOIN per
/// SELECT (a `GLOBAL` one, so that each shard receives the joined rows). Values stay `?`
/// placeholders; the backend writes them as literals.
///
/// It writes trace listings and trace measures (`+Measures`), node values, summaries and
/// their comparisons (`+Summary`, `+Sides`), dense edges (`+Edges`) and lineage walks
/// (`+Lineage`); `refusal(of:)` (`+Support`) names anything else, and the compiler reports
/// it as a diagnostic.
public struct ClickHouseLowering: QueryLowering {
    public let dialectName = "clickhouse"

    public init() {}

    public func refusal(of plan: QueryPlan, catalog: Catalog) -> String? {
        Support.refusal(of: plan, catalog: catalog)
    }

    /// The plan's SQL; the plan must be one `refusal(of:)` accepts.
    public func lower(_ plan: QueryPlan) -> CompiledQuery {
        let sql = Writer(columns: plan.source.columns).statement(plan)
        return CompiledQuery(sql: sql.text, arguments: sql.arguments, plan: plan, split: nil)
    }
}

extension ClickHouseLowering {
    /// Writes one supported plan.
    struct Writer {
        /// The plan's source columns (what an output's type is read from).
        var columns: [OutputColumn]

        func statement(_ plan: QueryPlan) -> SQLFragment {
            let traces = plan.source.traces
            var sql: SQLFragment
            switch plan.source.shape {
            case .traces(let columns):
                let select = columns.map { field -> SQLFragment in
                    switch field.value {
                    case .column where field.ofParent:
                        return "if(parent_found = 1, \(raw: Self.quoted("parent_column_" + field.name)), NULL) AS \(raw: Self.quoted(field.name))"
                    case .column(let column): return "\(raw: column == .model ? "model_name" : Self.expression(for: column)) AS \(raw: Self.quoted(field.name))"
                    case .measure(let measure): return "\(self.measure(measure)) AS \(raw: Self.quoted(field.name))"
                    }
                }
                sql = "SELECT \(select, separator: ", ") FROM traces AS t"
                // Models and layers live on the server the URL names, a parent seldom on its
                // child's shard: what the columns read of them goes to every shard.
                let names = columns.contains { $0.value == .column(.model) }
                let thresholds = columns.contains { if case .measure(.activeNodes) = $0.value { return true } else { return false } }
                let parentColumns = columns.compactMap { field -> (name: String, column: TraceColumn)? in
                    guard field.ofParent, case .column(let column) = field.value else { return nil }
                    return (field.name, column)
                }
                let distances = columns.contains { if case .measure(.distance(_, .parent, _)) = $0.value { return true } else { return false } }
                var targets: [BoundValue] = []
                for field in columns { if case .measure(.distance(_, .trace(let id), _)) = field.value, !targets.contains(id) { targets.append(id) } }
                sql += listingJoin(names: names, thresholds: thresholds, parentValues: distances, parentColumns: parentColumns, targets: targets, filter: traces)
                sql += whereClause(traces)
            case .nodeValues(let layer):
                sql = nodeValues(of: layer, filter: traces)
            case .summary(let summary):
                sql = self.summary(summary, filter: traces)
            case .comparison(let comparison):
                sql = self.comparison(comparison, filter: traces)
            case .edges(let layer):
                sql = edges(into: layer, filter: traces)
            case .lineage(let walk):
                sql = lineage(walk, filter: traces)
            case .grouped(let summary):
                sql = grouped(summary)
            default:
                preconditionFailure("refused: \(plan.source.shape)")
            }
            // SQLite orders NULL before every value; ClickHouse after, unless told.
            // Node references (`layer:node`) sort by layer, then node, as numbers (as SQLite's).
            let order = plan.order.flatMap { key -> [(SQLFragment, String)] in
                var expressions = [condition(key.expression)]
                if case .output(let name) = key.expression, plan.source.columns.contains(where: { $0.name == name && $0.type == .node }) {
                    expressions = NodePart.allCases.map { Self.nodeReferencePart($0, of: SQLFragment(raw: Self.quoted(name))) }
                }
                return expressions.map { ($0, key.descending ? " DESC NULLS LAST" : " ASC NULLS FIRST") }
            }
            let ordersByNames = plan.order.allSatisfy { if case .output = $0.expression { return true } else { return false } }
            if !plan.keepsSourceColumns {
                // Output columns and sort keys are expressions over the source's columns, read
                // as a subquery, under names of their own; a second level names the columns.
                // An alias is seen by the whole SELECT in ClickHouse, so an output named as a
                // source column (`select node(source) as source`) would hide that column.
                var inner = plan.columns.enumerated().map { column -> SQLFragment in "\(condition(column.element.expression)) AS \(raw: Self.quoted("__column_\(column.offset)"))" }
                inner += order.enumerated().map { key -> SQLFragment in "\(key.element.0) AS \(raw: Self.quoted("__key_\(key.offset)"))" }
                sql = "SELECT \(inner, separator: ", ") FROM (\(sql))"
                if let rowFilter = plan.rowFilter { sql += " WHERE \(condition(rowFilter))" }
                let outer = plan.columns.enumerated().map { "\(Self.quoted("__column_\($0.offset)")) AS \(Self.quoted($0.element.name))" }
                sql = "SELECT \(raw: outer.joined(separator: ", ")) FROM (\(sql))"
                let keys = order.enumerated().map { SQLFragment(raw: Self.quoted("__key_\($0.offset)") + $0.element.1) }
                if !keys.isEmpty { sql += " ORDER BY \(keys, separator: ", ")" }
            } else {
                // Filtered or ordered by expressions: the source's rows as a subquery.
                if plan.rowFilter != nil || !ordersByNames {
                    sql = "SELECT * FROM (\(sql))"
                    if let rowFilter = plan.rowFilter { sql += " WHERE \(condition(rowFilter))" }
                }
                if !order.isEmpty { sql += " ORDER BY \(order.map { $0.0 + SQLFragment(raw: $0.1) }, separator: ", ")" }
            }
            if let limit = plan.limit { sql += " LIMIT \(bind: limit)" }
            return sql
        }

        /// The rows of a query grouped by some of their columns, with a count or a function of a
        /// column per group (population stddev, as SQLite's).
        private func grouped(_ summary: RowSummary) -> SQLFragment {
            let rows = QueryPlanner.plan(summary.rows, ordered: false)
            let keys = summary.keys.map { Self.quoted($0.name) }
            let measures = summary.measures.map { measure -> String in
                let column = measure.argument.map { Self.quoted($0.name) } ?? ""
                let value: String
                switch measure.function {
                case .count: value = "count()"
                case .mean: value = "avg(\(column))"
                case .sum: value = "sum(\(column))"
                case .min: value = "min(\(column))"
                case .max: value = "max(\(column))"
                case .stddev: value = "sqrt(greatest(avg(\(column) * \(column)) - avg(\(column)) * avg(\(column)), 0))"
                }
                return value + " AS " + Self.quoted(measure.column.name)
            }
            let sql: SQLFragment = "SELECT \(raw: (keys + measures).joined(separator: ", ")) FROM (\(Writer(columns: rows.source.columns).statement(rows)))"
            return keys.isEmpty ? sql : sql + " GROUP BY \(raw: keys.joined(separator: ", "))"
        }

        /// One row per node of the layer per selected trace (`trace, tag, input, layer, node, value`).
        private func nodeValues(of layer: BoundValue, filter: BoundCondition?) -> SQLFragment {
            let values: SQLFragment = "t.layer_values[\(bind: layer) + 1]"
            return "SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, \(bind: layer) AS layer, toInt64(node_position) - 1 AS node, node_value AS value"
                + " FROM traces AS t ARRAY JOIN \(values) AS node_value, arrayEnumerate(\(values)) AS node_position"
                + whereClause(filter)
        }

        private func whereClause(_ filter: BoundCondition?) -> SQLFragment {
            filter.map { " WHERE \(condition($0))" } ?? .empty
        }

        func condition(_ condition: BoundCondition) -> SQLFragment {
            switch condition {
            case .column(let column): return SQLFragment(raw: Self.expression(for: column))
            case .output(let name): return SQLFragment(raw: Self.quoted(name))
            case .value(let value): return .bind(value)
            case .attribute(let key):
                // The first value of the key, NULL when the trace has none (as SQLite's).
                return "if(has(t.attribute_keys, \(bind: .string(key))), t.attribute_values[indexOf(t.attribute_keys, \(bind: .string(key)))], NULL)"
            case .absolute(let inner): return "abs(\(self.condition(inner)))"
            case .measure(let measure): return self.measure(measure)
            case .related(let relation, let inner): return related(relation, inner)
            // Bound as the text edge and lineage rows write their nodes in.
            case .node(let layer, let index): return .bind(.string("\(layer):\(index)"))
            case .nodePart(let part, let inner): return Self.nodeReferencePart(part, of: self.condition(inner))
            case .not(let inner): return "NOT (\(self.condition(inner)))"
            case .binary(let op, let left, let right):
                if let (equal, value) = Support.modelComparison(op, left, right) {
                    return "t.model_id GLOBAL \(raw: equal ? "" : "NOT ")IN (SELECT id FROM models FINAL WHERE name = \(bind: value))"
                }
                if op == "/" {
                    // As SQLite: whole numbers divide to a whole number (toward zero), and a
                    // division by zero is NULL.
                    let whole = condition.valueType(columns: columns) == .integer
                    return "\(raw: whole ? "intDiv" : "divide")(\(self.condition(left)), nullIf(\(self.condition(right)), 0))"
                }
                let sqlOperator = ["and": "AND", "or": "OR"][op] ?? op
                return "(\(self.condition(left)) \(raw: sqlOperator) \(self.condition(right)))"
            }
        }

        /// A trace related to `t` meets `inner`, the trace being, as SQLite pairs them, the
        /// first stored one of its (model, tag, input index). Each subquery reads its own
        /// traces as `t` (nothing is correlated) and is gathered once for every shard.
        private func related(_ relation: TraceRelation, _ inner: BoundCondition) -> SQLFragment {
            let first: SQLFragment = "t.model_id, t.tag, t.input_index"
            switch relation {
            case .parent:
                // Parents are those first traces that meet `inner` (NULL: does not).
                return "(t.model_id, t.parent_tag, t.parent_index) GLOBAL IN (SELECT \(first) FROM traces AS t GROUP BY \(first)"
                    + " HAVING argMin(ifNull(toUInt8(\(condition(inner))), 0), t.id) = 1)"
            case .child:
                let children: SQLFragment = "SELECT t.model_id, t.parent_tag, t.parent_index FROM traces AS t WHERE t.parent_index >= 0 AND \(condition(inner))"
                return "t.id GLOBAL IN (SELECT min(t.id) FROM traces AS t WHERE (\(first)) GLOBAL IN (\(children)) GROUP BY \(first))"
            }
        }

        /// A trace column of `t`, as SQLite's lowering gives it (NULL for no parent). Qualified:
        /// an alias of a column's own name (`parent_tag`) would otherwise read itself.
        static func expression(for column: TraceColumn) -> String {
            switch column {
            case .trace: return "t.id"
            case .input: return "t.input_index"
            case .tag: return "t.tag"
            case .label: return "t.true_label"
            case .predicted: return "t.predicted_label"
            case .confidence: return "t.confidence"
            case .correct: return "(t.predicted_label = t.true_label)"
            case .run: return "t.run_id"
            case .parent: return "nullIf(t.parent_index, -1)"
            case .parentTag: return "nullIf(t.parent_tag, '')"
            case .model: preconditionFailure("refused: model")
            }
        }

        /// The layer or the node of a node reference `layer:node`, as a whole number.
        static func nodeReferencePart(_ part: NodePart, of reference: SQLFragment) -> SQLFragment {
            "toInt64(splitByChar(':', \(reference))[\(raw: part == .layer ? "1" : "2")])"
        }

        /// Names are letters, digits and underscores (the lexer's identifiers): never a quote.
        static func quoted(_ name: String) -> String { "\"\(name)\"" }
    }
}
