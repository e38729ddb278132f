import IPG

/// The sides of summaries and comparisons: one aggregating `SELECT` over the traces (the
/// `Distributed` table on a cluster), grouped by model and group, with at most one `GLOBAL`
/// join — what a layer's threshold needs, or each trace's parent.
extension ClickHouseLowering.Writer {
    /// Per model and group (and layer, over every layer) of the traces `filter` selects: the
    /// traces and per-node arrays, each `prefix`ed. `paired`: only traces whose parent is
    /// stored, with the parents' arrays (`b_`) and the differences' (`d_`).
    ///
    /// A parent is the first stored trace of the model with the child's parent tag and input
    /// index, as SQLite pairs them. Traces are sharded by their id, so a parent is seldom on
    /// its child's shard: the parents of the selected traces are gathered once (`GLOBAL IN`),
    /// keyed by (model, tag, input index), and sent with the query to every shard (`GLOBAL
    /// JOIN`), where each child meets its parent and only the aggregates travel back. The
    /// sharding key is fixed by the shipped schema (`intHash64(id)`), and a trace's parent
    /// is not known when its children are sharded by id alone.
    func side(_ summary: Summary, filter: BoundCondition?, prefix p: String, paired: Bool) -> Side {
        let freq = summary.measures.contains(.freq)
        let groups = summary.groups.map { (Self.expression(for: $0.column), Self.quoted($0.rawValue)) }
        var keys = ["t.model_id AS model_id"] + groups.map { "\($0.0) AS \($0.1)" }
        var groupBy = ["model_id"] + groups.map(\.1)
        let values: SQLFragment, threshold: SQLFragment
        var conditions: [SQLFragment] = []
        var join: SQLFragment = .empty
        var arrayJoin: SQLFragment = .empty
        if let layer = summary.layer {
            values = "t.layer_values[\(bind: layer) + 1]"
            threshold = "layer_threshold"
            // Traces of models without the layer have no values there.
            conditions.append("length(t.layer_values) > \(bind: layer)")
            if paired {
                join = " GLOBAL ANY INNER JOIN (\(parents(of: layer, filter: filter, thresholds: freq))) USING model_id, parent_tag, parent_index"
            } else if freq {
                // The layer's threshold per model, sent to every shard with the query.
                join = " GLOBAL ANY INNER JOIN (SELECT model_id, threshold AS layer_threshold FROM layers FINAL WHERE layer = \(bind: layer)) USING model_id"
            }
        } else {
            // One row per layer of each trace.
            values = "layer_value_array"
            threshold = "layer_thresholds[layer_position]"
            arrayJoin = " ARRAY JOIN t.layer_values AS layer_value_array, arrayEnumerate(t.layer_values) AS layer_position"
            keys.append("layer_position")
            groupBy.append("layer_position")
            if freq {
                // Every layer's threshold per model, by layer.
                join = " GLOBAL ANY INNER JOIN (SELECT model_id, arrayMap(pair -> tupleElement(pair, 2), arraySort(groupArray((layer, threshold))))"
                    + " AS layer_thresholds FROM layers FINAL GROUP BY model_id) USING model_id"
            }
        }
        var aggregates = Self.aggregates(of: values, prefix: p)
        let thresholds = { (values: SQLFragment) -> SQLFragment in "arrayResize(emptyArrayFloat64(), length(\(values)), \(threshold))" }
        // Passed to a lambda as an array: 18.16's lambdas do not read other columns.
        let active = { (values: SQLFragment, prefix: String) -> SQLFragment in
            "sumForEach(arrayMap((x, h) -> toUInt64(abs(x) > h), \(values), \(thresholds(values)))) AS \(raw: prefix)node_active"
        }
        if freq { aggregates.append(active(values, p)) }
        if paired {
            let parent: SQLFragment = "parent_values"
            let differences: SQLFragment = "arrayMap((x, y) -> toFloat64(x) - toFloat64(y), \(values), \(parent))"
            aggregates += Self.aggregates(of: parent, prefix: "b_").dropFirst()
            if freq { aggregates.append(active(parent, "b_")) }
            aggregates += Self.aggregates(of: differences, prefix: "d_").dropFirst()
            aggregates.append("sumForEach(arrayMap((x, y) -> abs(toFloat64(x) - toFloat64(y)), \(values), \(parent))) AS d_node_absolute")
        }
        if let filter { conditions.append(condition(filter)) }
        var sql: SQLFragment = "SELECT \(raw: keys.joined(separator: ", ")), \(aggregates, separator: ", ") FROM traces AS t" + arrayJoin + join
        if !conditions.isEmpty { sql += " WHERE \(conditions, separator: " AND ")" }
        sql += " GROUP BY \(raw: groupBy.joined(separator: ", "))"
        // Each aggregate ends with ` AS name`.
        return Side(sql: sql, keys: groupBy, columns: aggregates.map { String($0.text.split(separator: " ").last!) })
    }

    /// A side's statement, the columns it is grouped by and its other columns' names (what a
    /// join lists: `SELECT *` would list the `USING` columns twice).
    struct Side {
        var sql: SQLFragment
        var keys: [String]
        var columns: [String]
    }

    /// Per model, parent tag and parent index of the traces `filter` selects: the parent's
    /// values in `layer` (`parent_values`) and, with `thresholds`, the layer's threshold.
    private func parents(of layer: BoundValue, filter: BoundCondition?, thresholds: Bool) -> SQLFragment {
        let wanted: SQLFragment = "SELECT t.model_id, t.parent_tag, t.parent_index FROM traces AS t WHERE t.parent_index >= 0"
            + (filter.map { " AND \(condition($0))" } ?? .empty)
        let parents: SQLFragment = "SELECT t.model_id AS model_id, t.tag AS parent_tag, t.input_index AS parent_index,"
            + " argMin(t.layer_values[\(bind: layer) + 1], t.id) AS parent_values FROM traces AS t"
            + " WHERE (t.model_id, t.tag, t.input_index) GLOBAL IN (\(wanted)) GROUP BY t.model_id, t.tag, t.input_index"
        guard thresholds else { return parents }
        return "SELECT model_id, parent_tag, parent_index, parent_values, layer_threshold FROM (\(parents)) ANY INNER JOIN (SELECT model_id, threshold AS layer_threshold FROM layers FINAL WHERE layer = \(bind: layer)) USING model_id"
    }

    /// Per node, over the rows' node values `values`: traces, sums, sums of squares, minima,
    /// maxima, each `prefix`ed.
    private static func aggregates(of values: SQLFragment, prefix p: String) -> [SQLFragment] {
        ["count() AS \(raw: p)node_traces",
         "sumForEach(arrayMap(x -> toFloat64(x), \(values))) AS \(raw: p)node_sums",
         "sumForEach(arrayMap(x -> toFloat64(x) * toFloat64(x), \(values))) AS \(raw: p)node_squares",
         "minForEach(\(values)) AS \(raw: p)node_minima",
         "maxForEach(\(values)) AS \(raw: p)node_maxima"]
    }
}
