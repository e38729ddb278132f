import IPG

/// Trace measures from a trace's own row: `prob`, `margin`, `l1`, `entropy` from the node
/// values of a layer (`t.layer_values[L + 1]`, the last one for the output layer) with array
/// functions, computed as `LayerMeasures` computes them for SQLite; `active` and `distance`
/// also read the layer's threshold or the other trace's values, which only a trace listing's
/// columns join (`listingJoin`). NULL where SQLite's is: a layer the trace's model does not
/// have, a class outside the output layer, a parent or a trace not stored.
extension ClickHouseLowering.Writer {
    func measure(_ measure: TraceMeasure) -> SQLFragment {
        let output: SQLFragment = "t.layer_values[length(t.layer_values)]"
        switch measure {
        case .probability(let label):
            let index = condition(label)
            let peak: SQLFragment = "toFloat64(arrayReduce('max', \(output)))"
            let total: SQLFragment = "arraySum(arrayMap((x, p) -> exp(toFloat64(x) - p), \(output), \(Self.repeated(peak, as: output))))"
            return "if(\(index) >= 0 AND \(index) < length(\(output)), exp(toFloat64(\(output)[\(index) + 1]) - \(peak)) / \(total), NULL)"
        case .margin(let label?):
            let index = condition(label)
            return "if(\(index) >= 0 AND \(index) < length(\(output)), toFloat64(arrayReduce('max', \(output))) - toFloat64(\(output)[\(index) + 1]), NULL)"
        case .margin(nil):
            // The largest value minus the runner-up (the largest again when it is there twice).
            return "if(length(\(output)) >= 2, toFloat64(arrayReverseSort(\(output))[1]) - toFloat64(arrayReverseSort(\(output))[2]), NULL)"
        case .l1(let layer):
            return Self.ofLayer(layer, Self.l1(Self.values(layer)))
        case .entropy(let layer):
            let values = Self.values(layer), total = Self.l1(values)
            // Each |value|'s share of the total, as a lambda sees it: in an array.
            let share: SQLFragment = "(abs(toFloat64(x)) / s)"
            let entropy: SQLFragment = "arraySum(arrayMap((x, s) -> if(\(share) > 0, -\(share) * log2(\(share)), 0), \(values), \(Self.repeated(total, as: values))))"
            return Self.ofLayer(layer, "if(\(total) > 0, \(entropy), 0)")
        case .activeNodes(let layer):
            let values = Self.values(layer)
            let thresholds = Self.repeated("layer_thresholds[\(bind: layer) + 1]", as: values)
            return Self.ofLayer(layer, "arraySum(arrayMap((x, h) -> toUInt64(abs(x) > h), \(values), \(thresholds)))")
        case .distance(let layer, let target, let metric):
            // The other trace's values padded or cut to the trace's (arrayMap wants equal
            // lengths); NULL when they differ, as when that trace is not stored (no values).
            let other: SQLFragment
            switch target {
            case .parent: other = "parent_layer_values"
            case .trace(let id): other = SQLFragment(raw: Self.quoted(Self.targetName(id)))
            case .centroid: preconditionFailure("refused: distance to a centroid")
            }
            let values = Self.values(layer), parent: SQLFragment = "\(other)[\(bind: layer) + 1]"
            let paired: SQLFragment = "arrayResize(\(parent), length(\(values)))"
            let sum = { (term: String) -> SQLFragment in "arraySum(arrayMap((a, b) -> \(raw: term), \(values), \(paired)))" }
            let distance: SQLFragment
            switch metric {
            case .euclidean:
                distance = "sqrt(\(sum("(toFloat64(a) - toFloat64(b)) * (toFloat64(a) - toFloat64(b))")))"
            case .cosine:
                let norms: SQLFragment = "sqrt(\(sum("toFloat64(a) * toFloat64(a)")) * \(sum("toFloat64(b) * toFloat64(b)")))"
                distance = "if(\(norms) > 0, 1 - \(sum("toFloat64(a) * toFloat64(b)")) / \(norms), NULL)"
            }
            return Self.ofLayer(layer, "if(length(\(parent)) = length(\(values)), \(distance), NULL)")
        }
    }

    /// What a trace listing's columns read besides the trace, in one join sent with the query
    /// to every shard: by model, the models' names (`names`) and every layer's threshold in
    /// layer order (`thresholds`); by model, parent tag and parent index, what the listing
    /// reads of each selected trace's parent, found as `+Sides` finds them: its values
    /// (`parentValues`: `parent_layer_values`, empty when it is not stored) and its columns
    /// (each `parent_column_<name>`, and `parent_found`, 1 or 0 when it is not stored). With
    /// the models, the values of each trace in `targets` (`targetName`, empty when it is not
    /// stored).
    func listingJoin(names: Bool, thresholds: Bool, parentValues: Bool, parentColumns: [(name: String, column: TraceColumn)],
                     targets: [BoundValue], filter: BoundCondition?) -> SQLFragment {
        let targetNames = targets.map { Self.quoted(Self.targetName($0)) }
        // As text: 18.16 writes a scalar subquery's value into the statement, and cannot read
        // back an empty array of arrays (a trace not stored) as one.
        let targetColumns = zip(targets, targetNames).map {
            ", CAST((SELECT if(count() = 0, '[]', toString(any(layer_values))) FROM traces WHERE id = \(bind: $0)) AS Array(Array(Float32))) AS \(raw: $1)" as SQLFragment
        }
        let models: SQLFragment = "SELECT id AS model_id, name AS model_name\(targetColumns, separator: "") FROM models FINAL"
        let names = names || !targets.isEmpty
        let modelColumns = (names ? ["model_name"] + targetNames : []) + (thresholds ? ["layer_thresholds"] : [])
        let layers: SQLFragment = "SELECT model_id, arrayMap(pair -> tupleElement(pair, 2), arraySort(groupArray((layer, threshold)))) AS layer_thresholds"
            + " FROM layers FINAL GROUP BY model_id"
        var byModel: SQLFragment?
        switch (names, thresholds) {
        case (false, false): byModel = nil
        case (true, false): byModel = models
        case (false, true): byModel = layers
        case (true, true): byModel = "SELECT model_id, \(raw: modelColumns.joined(separator: ", ")) FROM (\(models)) ANY LEFT JOIN (\(layers)) USING model_id"
        }
        guard parentValues || !parentColumns.isEmpty else { return byModel.map { " GLOBAL ANY LEFT JOIN (\($0)) USING model_id" } ?? .empty }
        // Keyed by `found_tag` and `found_index` until the end: an alias is seen by the whole
        // SELECT in ClickHouse, and one named `parent_tag` would hide the parent's own.
        let wanted: SQLFragment = "SELECT DISTINCT t.model_id AS model_id, t.parent_tag AS found_tag, t.parent_index AS found_index FROM traces AS t"
            + (filter.map { " WHERE \(condition($0))" } ?? .empty)
        let read = (parentValues ? ["parent_layer_values"] : []) + ["parent_found"] + parentColumns.map { Self.quoted("parent_column_" + $0.name) }
        let columns = (parentValues ? ["argMin(t.layer_values, t.id) AS parent_layer_values"] : []) + ["1 AS parent_found"]
            + parentColumns.map { "argMin(\(Self.expression(for: $0.column)), t.id) AS \(Self.quoted("parent_column_" + $0.name))" }
        let found: SQLFragment = "SELECT t.model_id AS model_id, t.tag AS found_tag, t.input_index AS found_index, \(raw: columns.joined(separator: ", ")) FROM traces AS t WHERE (t.model_id, t.tag, t.input_index) GLOBAL IN (SELECT model_id, found_tag, found_index FROM (\(wanted)) WHERE found_index >= 0)"
            + " GROUP BY t.model_id, t.tag, t.input_index"
        var keyed: SQLFragment = "SELECT model_id, found_tag AS parent_tag, found_index AS parent_index, \(raw: read.joined(separator: ", "))"
            + " FROM (\(wanted)) ANY LEFT JOIN (\(found)) USING model_id, found_tag, found_index"
        if let byModel {
            let columns = read + modelColumns
            keyed = "SELECT model_id, parent_tag, parent_index, \(raw: columns.joined(separator: ", ")) FROM (\(keyed)) ANY LEFT JOIN (\(byModel)) USING model_id"
        }
        return " GLOBAL ANY LEFT JOIN (\(keyed)) USING model_id, parent_tag, parent_index"
    }

    /// The column of the values of the trace `id` that `distance(L, id)` reads.
    static func targetName(_ id: BoundValue) -> String {
        switch id {
        case .integer(let value): return "target_values_\(value)"
        case .parameter(let name): return "target_values_\(name)"
        case .number, .string: preconditionFailure("a trace id is a whole number")
        }
    }

    private static func values(_ layer: BoundValue) -> SQLFragment { "t.layer_values[\(bind: layer) + 1]" }

    private static func l1(_ values: SQLFragment) -> SQLFragment { "arraySum(arrayMap(x -> abs(toFloat64(x)), \(values)))" }

    /// NULL for a trace whose model has no such layer.
    private static func ofLayer(_ layer: BoundValue, _ value: SQLFragment) -> SQLFragment {
        "if(length(t.layer_values) > \(bind: layer), \(value), NULL)"
    }

    /// An array of `value`, as long as `array`: what a lambda reads instead of another column.
    private static func repeated(_ value: SQLFragment, as array: SQLFragment) -> SQLFragment {
        "arrayResize(emptyArrayFloat64(), length(\(array)), \(value))"
    }
}
