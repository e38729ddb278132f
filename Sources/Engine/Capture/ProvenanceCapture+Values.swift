extension ProvenanceCapture {
    /// Per IPG layer (index = layer), the name of the graph value holding its node values
    /// (after a fused activation): where repair reads a layer and inserts actions after it.
    public var layerValueNames: [String] {
        plan.layers.map(\.valueName)
    }
}
