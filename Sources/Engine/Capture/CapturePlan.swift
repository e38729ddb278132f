import IPG

/// How a model's computation maps onto IPG layers: the layer table plus, per layer, which
/// tensors hold its node values and its operand.
struct CapturePlan {
    struct PlannedLayer {
        var layer: Layer
        /// The tensor holding the layer's node values (after any fused activation).
        var valueName: String
        /// The tensors the layer operator consumed, one per source in `layer.sources` order
        /// (empty for layer 0).
        var operandNames: [String]
        /// Per source, for `.explicit` ones: the rule to evaluate on the operand instead of the
        /// source layer's values.
        var explicitRules: [EdgeRule?]
        /// The tensor whose values play the target's part in `explicitRules`.
        var explicitTargetName: String?

        init(layer: Layer, valueName: String, operandNames: [String]) {
            self.layer = layer
            self.valueName = valueName
            self.operandNames = operandNames
            explicitRules = operandNames.map { _ in nil }
        }

        /// Keeps source `position`'s rule for the capture and marks it `.explicit` in the layer.
        mutating func makeExplicit(sourcePosition position: Int) {
            if position == 0 {
                explicitRules[0] = layer.edgeRule
                layer.edgeRule = .explicit
            } else {
                explicitRules[position] = layer.mergedSources[position - 1].edgeRule
                layer.mergedSources[position - 1].edgeRule = .explicit
            }
        }
    }

    var layers: [PlannedLayer]

    var topology: [Layer] { layers.map(\.layer) }
}
