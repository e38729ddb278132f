/// `QueryPlan` → SQLite SQL, for the store's schema and its `ipg_*` functions (registered by
/// the store on every connection). Every SQLite statement shape lives here: common tables
/// computed once (`AS MATERIALIZED`), the recursive lineage walk, JSON rows (`json_each`),
/// `CROSS JOIN` to fix the join order, index hints. One type over several files: summaries and
/// comparisons (`+Summary`), edges and lineage (`+Graph`), SQLite's spellings (`+Spellings`).
public struct SQLiteLowering: QueryLowering {
    public let dialectName = "sqlite"

    public init() {}

    public func lower(_ plan: QueryPlan) -> CompiledQuery {
        var lowering = Conditions()
        let sql = lowering.statement(plan)
        return CompiledQuery(sql: sql.text, arguments: sql.arguments, plan: plan, split: split(plan))
    }
}

extension SQLiteLowering {
    /// Lowers one plan. Its state names the traces that `parent(…)` and `child(…)` conditions
    /// read (`parent1`, `child2`, …), numbered in text order.
    struct Conditions {
        /// The alias of the trace a condition is about: `t`, or a related trace's inside
        /// `parent(…)` / `child(…)`.
        private var traceAlias = "t"
        private var relatedCount = 0
        /// When lowering the statements of a split query (`SQLiteLowering+Split`): the scans of
        /// one part found so far, each a statement of partial states; nil for the single statement.
        var partialScans: [SQLFragment]?

        mutating func statement(_ plan: QueryPlan) -> SQLFragment {
            let traces = plan.source.traces
            var sql: SQLFragment
            switch plan.source.shape {
            case .traces(let columns):
                // A parent's columns come from one join per trace, by the parent's id.
                let readsParents = columns.contains(where: \.ofParent)
                let select = columns.map { field -> SQLFragment in
                    switch field.value {
                    case .column(let column): return "\(raw: Self.expression(for: column, of: field.ofParent ? "pt" : "t")) AS \(raw: field.name)"
                    case .measure(let measure): return "\(self.measure(measure)) AS \(raw: field.name)"
                    }
                }
                sql = "SELECT \(select, separator: ", ") FROM traces t"
                if readsParents { sql += " LEFT JOIN traces pt ON pt.id = \(raw: Self.parentID(of: "t"))" }
                sql += whereClause(traces, part: .traceRange)
            case .summary(let summary):
                sql = self.summary(summary, filter: traces)
            case .comparison(let comparison):
                sql = self.comparison(comparison, filter: traces)
            case .grouped(let summary):
                sql = grouped(summary)
            case .nodeValues(let layer):
                sql = nodeValues(of: layer, filter: traces)
            case .nearest(let search):
                sql = nearest(search, filter: traces)
            case .edges(let layer):
                sql = edges(into: layer, filter: traces)
            case .lineage(let walk):
                sql = lineage(walk, filter: traces)
            }
            // Ordered by the source's columns alone, the rows are ordered by their names;
            // anything else reads the source's rows as `r`, whose columns a derived, renamed
            // or dropped column cannot hide.
            // Node references (`layer:node`) sort by layer, then node, as numbers: read as `r`'s.
            let nodeColumns = Set(plan.source.columns.filter { $0.type == .node }.map(\.name))
            let ordersByNames = plan.order.allSatisfy { key in
                if case .output(let name) = key.expression { return !nodeColumns.contains(name) }
                return false
            }
            // A nearest search orders and limits its own rows.
            var limitsItself = false
            if case .nearest = plan.source.shape { limitsItself = true }
            let wrapped = plan.rowFilter != nil || !plan.keepsSourceColumns || !ordersByNames || limitsItself
            if wrapped {
                let columns: SQLFragment = plan.keepsSourceColumns
                    ? "*" : plan.columns.map { "\(condition($0.expression)) AS \(raw: Self.quoted($0.name))" }.joined(separator: ", ")
                sql = "SELECT \(columns) FROM (\(sql)) AS r"
                if let rowFilter = plan.rowFilter { sql += " WHERE \(condition(rowFilter))" }
            }
            let order = plan.order.flatMap { key -> [SQLFragment] in
                let expressions: [SQLFragment]
                if case .output(let name) = key.expression, nodeColumns.contains(name) {
                    expressions = NodePart.allCases.map { Spelling.nodeReferencePart($0, of: SQLFragment(raw: "r.\(name)")) }
                } else if !wrapped, case .output(let name) = key.expression {
                    expressions = [SQLFragment(raw: name)]
                } else {
                    expressions = [condition(key.expression)]
                }
                return expressions.map { key.descending ? $0 + " DESC" : $0 }
            }
            if !order.isEmpty { sql += " ORDER BY \(order, separator: ", ")" }
            if let limit = plan.limit { sql += " LIMIT \(bind: limit)" }
            return sql
        }

        /// The rows of a query grouped by some of their columns, with a count or a function of a
        /// column per group.
        private mutating func grouped(_ summary: RowSummary) -> SQLFragment {
            let rows = statement(QueryPlanner.plan(summary.rows, ordered: false))
            let keys = summary.keys.map { "r.\(Self.quoted($0.name))" }
            let measures = summary.measures.map { measure -> String in
                let column = measure.argument.map { "r.\(Self.quoted($0.name))" } ?? ""
                let value: String
                switch measure.function {
                case .count: value = "COUNT(*)"
                case .mean: value = "AVG(\(column))"
                case .sum: value = "SUM(\(column))"
                case .min: value = "MIN(\(column))"
                case .max: value = "MAX(\(column))"
                case .stddev: value = Spelling.squareRoot(Spelling.greatest("AVG(\(column) * \(column)) - AVG(\(column)) * AVG(\(column))", "0"))
                }
                return value + " AS " + Self.quoted(measure.column.name)
            }
            let columns = zip(keys, summary.keys).map { "\($0) AS \(Self.quoted($1.name))" } + measures
            let sql: SQLFragment = "SELECT \(raw: columns.joined(separator: ", ")) FROM (\(rows)) AS r"
            return keys.isEmpty ? sql : sql + " GROUP BY \(raw: keys.joined(separator: ", "))"
        }

        /// An output column's name as an SQL identifier: a name a query gave (`derive order = …`)
        /// may be an SQL keyword. Names are letters, digits and underscores (the lexer's
        /// identifiers), so they never hold a quote.
        private static func quoted(_ name: String) -> String { "\"\(name)\"" }

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

        /// The id of trace `t`'s parent: the first stored trace of the model with its parent's
        /// tag and input index (NULL when it has none). `versus parent` and `parent(…)`/`child(…)`
        /// all pair traces this way. Found by (tag, index): the unique index's (model, tag)
        /// prefix would visit every trace of the tag.
        static func parentID(of t: String) -> String {
            "(SELECT MIN(q.id) FROM traces q INDEXED BY traces_by_input WHERE q.tag = \(t).parent_tag AND q.input_index = \(t).parent_index AND q.model_id = \(t).model_id)"
        }

        /// A trace related to the current one meets `inner`. The parent is one lookup per
        /// trace; children are gathered once, as the parents of every trace that has one and
        /// meets `inner` (read through the partial index of traces with parents): SQLite probes
        /// that index per trace by a range, not by the parent's index. A child whose parent is
        /// not stored gives -1, not NULL, so that `not child(…)` stays true or false.
        private mutating func related(_ relation: TraceRelation, _ inner: BoundCondition) -> SQLFragment {
            let outer = traceAlias
            let (alias, meets) = aboutAnotherTrace(relation.rawValue, inner)
            switch relation {
            case .parent:
                return "EXISTS (SELECT 1 FROM traces \(raw: alias) WHERE \(raw: alias).id = \(raw: Self.parentID(of: outer)) AND \(meets))"
            case .child:
                return "\(raw: outer).id IN (SELECT COALESCE(\(raw: Self.parentID(of: alias)), -1) FROM traces \(raw: alias) WHERE \(raw: alias).parent_index >= 0 AND \(meets))"
            }
        }

        /// A fresh alias (`prefix` and a number) for a trace a subquery reads, and `inner`
        /// lowered as a condition on that trace.
        private mutating func aboutAnotherTrace(_ prefix: String, _ inner: BoundCondition) -> (alias: String, condition: SQLFragment) {
            let outer = traceAlias
            relatedCount += 1
            let alias = "\(prefix)\(relatedCount)"
            traceAlias = alias
            defer { traceAlias = outer }
            return (alias, condition(inner))
        }

        /// A measure of the current trace, from its node values in one layer (`ml`): the output
        /// layer for a class's probability or margin.
        mutating func measure(_ measure: TraceMeasure) -> SQLFragment {
            let t = traceAlias
            let values = "\(Spelling.traceValues(t)), ml.layer, ml.node_size"
            let output: SQLFragment = "FROM layers ml WHERE ml.model_id = \(raw: t).model_id ORDER BY ml.layer DESC LIMIT 1)"
            let layer = { (value: BoundValue) -> SQLFragment in "FROM layers ml WHERE ml.model_id = \(raw: t).model_id AND ml.layer = \(bind: value))" }
            switch measure {
            case .probability(let label): return "(SELECT ipg_probability(\(raw: values), \(condition(label))) \(output)"
            case .margin(let label): return "(SELECT ipg_margin(\(raw: values), \(label.map { condition($0) } ?? "NULL")) \(output)"
            case .activeNodes(let index): return "(SELECT ipg_active_count(\(raw: values), ml.threshold) \(layer(index))"
            case .l1(let index): return "(SELECT ipg_l1(\(raw: values)) \(layer(index))"
            case .entropy(let index): return "(SELECT ipg_entropy(\(raw: values)) \(layer(index))"
            case .distance(let index, .centroid(let selection), let metric):
                // The centroids of every model's selected traces, computed once (the subquery
                // does not depend on the trace), each trace measured from its model's.
                let (alias, chosen) = aboutAnotherTrace("centroid", selection)
                let centroids: SQLFragment = "(SELECT json_group_object(model_id, json(stats)) FROM (SELECT \(raw: alias).model_id AS model_id,"
                    + " ipg_node_means(\(raw: Spelling.traceValues(alias)), cl.layer, cl.node_size) AS stats"
                    + " FROM traces \(raw: alias) JOIN layers cl ON cl.model_id = \(raw: alias).model_id AND cl.layer = \(bind: index)"
                    + " WHERE \(chosen) GROUP BY \(raw: alias).model_id))"
                return "(SELECT ipg_centroid_distance(\(raw: values), \(centroids), \(raw: t).model_id, \(bind: .string(metric.rawValue))) \(layer(index))"
            case .distance(let index, let target, let metric):
                let other: SQLFragment
                if case .trace(let trace) = target { other = .bind(trace) } else { other = SQLFragment(raw: Self.parentID(of: t)) }
                let function = metric == .cosine ? "ipg_cosine_distance" : "ipg_distance"
                return "(SELECT \(raw: function)(\(raw: Spelling.traceValues(t)), \(raw: Spelling.traceValues("mq")), ml.layer, ml.node_size)"
                    + " FROM layers ml JOIN traces mq ON mq.id = \(other) WHERE ml.model_id = \(raw: t).model_id AND ml.layer = \(bind: index))"
            }
        }

        mutating func condition(_ condition: BoundCondition) -> SQLFragment {
            switch condition {
            case .column(let column): return SQLFragment(raw: Self.expression(for: column, of: traceAlias))
            case .output(let column): return "r.\(raw: column)"
            case .attribute(let key):
                return "(SELECT a.value FROM trace_attributes a WHERE a.trace_id = \(raw: traceAlias).id AND a.key = \(bind: .string(key)) ORDER BY a.position LIMIT 1)"
            case .value(let value): return .bind(value)
            // Bound as the text a lineage writes its nodes in.
            case .node(let layer, let index): return .bind(.string("\(layer):\(index)"))
            case .absolute(let inner): return "abs(\(self.condition(inner)))"
            case .nodePart(let part, let inner): return Spelling.nodeReferencePart(part, of: self.condition(inner))
            case .measure(let measure): return self.measure(measure)
            case .related(let relation, let inner): return related(relation, inner)
            case .not(let inner): return "NOT (\(self.condition(inner)))"
            case .binary(let op, let left, let right):
                let sqlOperator = ["and": "AND", "or": "OR"][op] ?? op
                return "(\(self.condition(left)) \(raw: sqlOperator) \(self.condition(right)))"
            }
        }
    }
}
