/// Inserting node actions into a graph as standard ONNX operators, so that the repaired
/// model runs anywhere (onnxruntime included) and every original initializer keeps its name,
/// shape and values.
extension ModelGraph {
    /// The graph with `actions` applied to the value `valueName` (a [N, width] layer value,
    /// after its activation): `y = Where(Less(Abs(x − b), β), x − α·(x − b), x)` with b, α, β
    /// new initializers of shape [width], and every reader of `valueName` reading `y` instead.
    /// `label` names the new nodes and constants (made unique if taken).
    public func applyingNodeActions(_ actions: [NodeAction], after valueName: String, width: Int, label: String) throws -> ModelGraph {
        guard opset >= 9 else {
            throw EngineError("node actions need ONNX opset 9 or later (Where); the model declares opset \(opset)")
        }
        guard let producerIndex = nodes.firstIndex(where: { $0.outputs.contains(valueName) }) else {
            throw EngineError("node actions: no node computes '\(valueName)'")
        }
        guard !outputs.contains(where: { $0.name == valueName }) else {
            throw EngineError("node actions after the model's output '\(valueName)' would change what the model returns; choose a hidden layer")
        }
        let constants = try LayerActionConstants(actions: actions, width: width)
        var graph = self
        var taken = Set(initializers.keys).union(nodes.flatMap(\.outputs)).union(nodes.map(\.name)).union(inputs.map(\.name))
        func fresh(_ suffix: String) -> String {
            var name = "\(label)_\(suffix)", counter = 1
            while taken.contains(name) {
                counter += 1
                name = "\(label)_\(suffix)_\(counter)"
            }
            taken.insert(name)
            return name
        }
        let target = fresh("target"), strength = fresh("strength"), window = fresh("window")
        graph.initializers[target] = .float(Tensor(shape: [width], values: constants.targets))
        graph.initializers[strength] = .float(Tensor(shape: [width], values: constants.strengths))
        graph.initializers[window] = .float(Tensor(shape: [width], values: constants.windows))
        let offset = fresh("offset"), distance = fresh("distance"), inside = fresh("inside")
        let pull = fresh("pull"), pulled = fresh("pulled"), acted = fresh("acted")
        let inserted = [
            GraphNode(name: offset, opType: "Sub", inputs: [valueName, target], outputs: [offset]),
            GraphNode(name: distance, opType: "Abs", inputs: [offset], outputs: [distance]),
            GraphNode(name: inside, opType: "Less", inputs: [distance, window], outputs: [inside]),
            GraphNode(name: pull, opType: "Mul", inputs: [strength, offset], outputs: [pull]),
            GraphNode(name: pulled, opType: "Sub", inputs: [valueName, pull], outputs: [pulled]),
            GraphNode(name: acted, opType: "Where", inputs: [inside, pulled, valueName], outputs: [acted]),
        ]
        for index in graph.nodes.indices where index > producerIndex {
            graph.nodes[index].inputs = graph.nodes[index].inputs.map { $0 == valueName ? acted : $0 }
        }
        graph.nodes.insert(contentsOf: inserted, at: producerIndex + 1)
        return graph
    }
}
