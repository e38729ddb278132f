/// The part of a graph after one of its values: what repair runs to score candidate actions
/// from activations cached at that value, instead of a full forward pass per candidate.
extension ModelGraph {
    /// A graph whose input is `valueName` (per-sample shape `sampleShape`, dynamic batch) and
    /// whose nodes are those after the node computing it (and every Constant node). Fails
    /// when a later node reads a value computed before `valueName` (a skip connection).
    public func suffix(from valueName: String, sampleShape: [Int]) throws -> ModelGraph {
        guard let producerIndex = nodes.firstIndex(where: { $0.outputs.contains(valueName) }) else {
            throw EngineError("suffix: no node computes '\(valueName)'")
        }
        var available = Set(initializers.keys).union([valueName])
        var kept: [GraphNode] = []
        for (index, node) in nodes.enumerated() where index > producerIndex || node.opType == "Constant" {
            if let missing = node.inputs.first(where: { !$0.isEmpty && !available.contains($0) }) {
                throw EngineError("suffix from '\(valueName)': node '\(node.name)' (\(node.opType)) reads '\(missing)', computed before it")
            }
            kept.append(node)
            available.formUnion(node.outputs)
        }
        return ModelGraph(
            name: name, opset: opset, inputs: [ValueInfo(name: valueName, shape: [nil] + sampleShape.map { Optional($0) })],
            outputs: outputs, nodes: kept, initializers: initializers)
    }
}
