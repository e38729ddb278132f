import IPG

/// Trace measures from a trace's own row: `prob`, `margin`, `l1`, `entropy` from the node
/// values of a layer (`t.layer_values[L + 1]`, the last one for the output layer) with array
/// functions, computed as `LayerMeasures` computes them for SQLite; `active` also reads the
/// layer's threshold, which only a trace listing joins (`layer_thresholds`). NULL where SQLite's
/// is: a layer the trace's model does not have, a class outside the output layer.
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
        case .distance:
            preconditionFailure("refused: distance")
        }
    }

    /// The per-model thresholds of every layer, in layer order, joined by model (`model_name`
    /// too when `names`): sent with the query to every shard.
    static func modelsJoin(names: Bool, thresholds: Bool) -> SQLFragment {
        let models: SQLFragment = "SELECT id AS model_id, name AS model_name FROM models FINAL"
        let layers: SQLFragment = "SELECT model_id, arrayMap(pair -> tupleElement(pair, 2), arraySort(groupArray((layer, threshold)))) AS layer_thresholds"
            + " FROM layers FINAL GROUP BY model_id"
        switch (names, thresholds) {
        case (true, false): return " GLOBAL ANY LEFT JOIN (\(models)) USING model_id"
        case (false, true): return " GLOBAL ANY LEFT JOIN (\(layers)) USING model_id"
        default: return " GLOBAL ANY LEFT JOIN (SELECT model_id, model_name, layer_thresholds FROM (\(models)) ANY LEFT JOIN (\(layers)) USING model_id) USING model_id"
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
