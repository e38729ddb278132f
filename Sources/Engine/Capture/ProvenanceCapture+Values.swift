extension ProvenanceCapture {
    /// Per IPG layer (index = layer), the name of the graph value holding its node values
    /// (after a fused activation): where repair reads a layer and inserts actions after it.
    public var layerValueNames: [String] {
        plan.layers.map(\.valueName)
    }
}

extension CapturePlan {
    /// Every graph value a capture reads (layer values, operands, explicit edges' targets): the
    /// values an evaluation for capture must keep; the others are let go as soon as they are used.
    var valuesRead: Set<String> {
        Set(layers.flatMap { [$0.valueName] + $0.operandNames + [$0.explicitTargetName].compactMap { $0 } })
    }
}
