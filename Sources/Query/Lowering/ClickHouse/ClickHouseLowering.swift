import IPG

/// `QueryPlan` → ClickHouse SQL (dialect "clickhouse"), for the schema of
/// `Migrations/clickhouse/`: one row per trace, its node values as `layer_values[L + 1]`.
/// Written for ClickHouse 18.16 and later, and for the cluster's `Distributed` table: no table
/// common expressions, no window functions, no correlated subqueries, at most one JOIN per
/// SELECT (a `GLOBAL` one, so that each shard receives the joined rows). Values stay `?`
/// placeholders; the backend writes them as literals.
///
/// This first slice writes trace listings, node values and per-node or per-layer summaries
/// of one layer;
/// `refusal(of:)` names anything else, and the compiler reports it as a diagnostic.
public struct ClickHouseLowering: QueryLowering {
    public let dialectName = "clickhouse"

    public init() {}

    public func refusal(of plan: QueryPlan, catalog: Catalog) -> String? {
        Support.refusal(of: plan, catalog: catalog)
    }

    /// The plan's SQL; the plan must be one `refusal(of:)` accepts.
    public func lower(_ plan: QueryPlan) -> CompiledQuery {
        let sql = Writer().statement(plan)
        return CompiledQuery(sql: sql.text, arguments: sql.arguments, plan: plan, split: nil)
    }
}

extension ClickHouseLowering {
    /// Writes one supported plan.
    struct Writer {
        func statement(_ plan: QueryPlan) -> SQLFragment {
            let traces = plan.source.traces
            var sql: SQLFragment
            switch plan.source.shape {
            case .traces(let columns):
                let select = columns.map { field -> SQLFragment in
                    guard case .column(let column) = field.value else { preconditionFailure("refused: a measure column") }
                    return "\(raw: Self.expression(for: column)) AS \(raw: Self.quoted(field.name))"
                }
                sql = "SELECT \(select, separator: ", ") FROM traces AS t" + whereClause(traces)
            case .nodeValues(let layer):
                sql = nodeValues(of: layer, filter: traces)
            case .summary(let summary):
                sql = self.summary(summary, filter: traces)
            default:
                preconditionFailure("refused: \(plan.source.shape)")
            }
            // Anything but the source's columns ordered by their names reads the source's rows
            // as a subquery (names are unqualified: ClickHouse aliases are query-wide).
            let ordersByNames = plan.order.allSatisfy { if case .output = $0.expression { return true } else { return false } }
            if plan.rowFilter != nil || !plan.keepsSourceColumns || !ordersByNames {
                let columns: SQLFragment = plan.keepsSourceColumns
                    ? "*" : plan.columns.map { "\(condition($0.expression)) AS \(raw: Self.quoted($0.name))" }.joined(separator: ", ")
                sql = "SELECT \(columns) FROM (\(sql))"
                if let rowFilter = plan.rowFilter { sql += " WHERE \(condition(rowFilter))" }
            }
            // SQLite orders NULL before every value; ClickHouse after, unless told.
            let order = plan.order.map { key -> SQLFragment in
                condition(key.expression) + (key.descending ? " DESC NULLS LAST" : " ASC NULLS FIRST")
            }
            if !order.isEmpty { sql += " ORDER BY \(order, separator: ", ")" }
            if let limit = plan.limit { sql += " LIMIT \(bind: limit)" }
            return sql
        }

        /// One row per node of the layer per selected trace (`trace, tag, input, layer, node, value`).
        private func nodeValues(of layer: BoundValue, filter: BoundCondition?) -> SQLFragment {
            let values: SQLFragment = "t.layer_values[\(bind: layer) + 1]"
            return "SELECT t.id AS trace, t.tag AS tag, t.input_index AS input, \(bind: layer) AS layer, toInt64(node_position) - 1 AS node, node_value AS value"
                + " FROM traces AS t ARRAY JOIN \(values) AS node_value, arrayEnumerate(\(values)) AS node_position"
                + whereClause(filter)
        }

        /// Per node (or the whole layer) of one layer, per model and group: the statistics of the
        /// selected traces' values, from array aggregates (`sumForEach`, …) over the traces,
        /// which each shard computes and the initiator merges, then one row per node (`ARRAY
        /// JOIN`) or per layer (array functions over the per-node arrays).
        private func summary(_ summary: Summary, filter: BoundCondition?) -> SQLFragment {
            let layer = summary.layer!
            let values: SQLFragment = "t.layer_values[\(bind: layer) + 1]"
            let groups = summary.groups.map { (Self.expression(for: $0.column), Self.quoted($0.rawValue)) }
            var aggregates = Self.aggregates(of: values)
            let freq = summary.measures.contains(.freq)
            if freq {
                aggregates.append("sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), \(values), arrayResize(emptyArrayFloat64(), length(\(values)), layer_threshold))) AS node_active")
            }
            let keys = (["t.model_id AS model_id"] + groups.map { "\($0.0) AS \($0.1)" }).joined(separator: ", ")
            // Traces of models without the layer have no values there.
            var conditions: [SQLFragment] = ["length(t.layer_values) > \(bind: layer)"]
            if let filter { conditions.append(condition(filter)) }
            var inner: SQLFragment = "SELECT \(raw: keys), \(aggregates, separator: ", ") FROM traces AS t"
            if freq {
                // The layer's threshold per model, sent to every shard with the query. Passed
                // to the lambda as an array: 18.16's lambdas do not read other columns.
                inner += " GLOBAL ANY INNER JOIN (SELECT model_id, threshold AS layer_threshold FROM layers FINAL WHERE layer = \(bind: layer)) USING model_id"
            }
            inner += " WHERE \(conditions, separator: " AND ")"
            inner += " GROUP BY \(raw: (["model_id"] + groups.map(\.1)).joined(separator: ", "))"
            var columns: [SQLFragment] = groups.map { SQLFragment(raw: $0.1) }
            columns.append("\(bind: layer) AS layer")
            guard summary.unit == .node else {
                // The layer's values pooled: the per-node arrays summed, or their extremes (18.16 has
                // no arrayMin: arrayReduce).
                columns += Self.measures(summary.measures, count: "node_traces", n: "(node_traces * length(node_sums))", sum: "arraySum(node_sums)",
                                         squares: "arraySum(node_squares)", active: "arraySum(node_active)", min: "arrayReduce('min', node_minima)", max: "arrayReduce('max', node_maxima)")
                return "SELECT \(columns, separator: ", ") FROM (\(inner))"
            }
            columns.append("toInt64(node_position) - 1 AS node")
            columns += Self.measures(summary.measures, count: "node_traces", n: "node_traces", sum: "node_sum", squares: "node_square",
                                     active: "node_act", min: "node_minimum", max: "node_maximum")
            var arrays = ["node_sums AS node_sum", "node_squares AS node_square", "node_minima AS node_minimum", "node_maxima AS node_maximum"]
            if freq { arrays.append("node_active AS node_act") }
            arrays.append("arrayEnumerate(node_sums) AS node_position")
            return "SELECT \(columns, separator: ", ") FROM (\(inner)) ARRAY JOIN \(raw: arrays.joined(separator: ", "))"
        }

        /// The summary's measures over a unit's traces `count`, values `n`, their `sum`, sum of
        /// `squares`, `active` count and extremes (population stddev, as SQLite's).
        private static func measures(_ measures: [NodeMeasure], count: String, n: String, sum: String, squares: String, active: String,
                                     min: String, max: String) -> [SQLFragment] {
            measures.map { measure in
                let value: String
                switch measure {
                case .count: value = count
                case .mean: value = "\(sum) / \(n)"
                case .stddev: value = "sqrt(greatest(\(squares) / \(n) - (\(sum) / \(n)) * (\(sum) / \(n)), 0))"
                case .freq: value = "\(active) / \(n)"
                case .min: value = min
                case .max: value = max
                default: preconditionFailure("refused: \(measure)")
                }
                return SQLFragment(raw: "\(value) AS \(quoted(measure.name))")
            }
        }

        /// Per node, over the rows' node values `values`: traces, sums, sums of squares, minima, maxima.
        private static func aggregates(of values: SQLFragment) -> [SQLFragment] {
            ["count() AS node_traces",
             "sumForEach(arrayMap(x -> toFloat64(x), \(values))) AS node_sums",
             "sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), \(values))) AS node_squares",
             "minForEach(\(values)) AS node_minima",
             "maxForEach(\(values)) AS node_maxima"]
        }

        private func whereClause(_ filter: BoundCondition?) -> SQLFragment {
            filter.map { " WHERE \(condition($0))" } ?? .empty
        }

        func condition(_ condition: BoundCondition) -> SQLFragment {
            switch condition {
            case .column(let column): return SQLFragment(raw: Self.expression(for: column))
            case .output(let name): return SQLFragment(raw: Self.quoted(name))
            case .value(let value): return .bind(value)
            case .absolute(let inner): return "abs(\(self.condition(inner)))"
            case .not(let inner): return "NOT (\(self.condition(inner)))"
            case .binary(let op, let left, let right):
                let sqlOperator = ["and": "AND", "or": "OR"][op] ?? op
                return "(\(self.condition(left)) \(raw: sqlOperator) \(self.condition(right)))"
            default: preconditionFailure("refused: \(condition)")
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

        /// Names are letters, digits and underscores (the lexer's identifiers): never a quote.
        static func quoted(_ name: String) -> String { "\"\(name)\"" }
    }
}
