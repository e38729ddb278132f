import IPG

/// How a model's computation maps onto IPG layers: the layer table plus, per layer, which
/// tensors hold its node values and its operand.
struct CapturePlan {
    struct PlannedLayer {
        var layer: Layer
        /// The tensor holding the layer's node values (after any fused activation).
        var valueName: String
        /// The tensor the layer operator consumed (nil for layer 0).
        var operandName: String?
        /// For `.explicit` layers: the rule to evaluate on the operand instead of the source
        /// layer's values, and the tensor whose values play the target's part.
        var explicitRule: EdgeRule?
        var explicitTargetName: String?
    }

    var layers: [PlannedLayer]

    var topology: [Layer] { layers.map(\.layer) }
}
