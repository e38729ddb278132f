import IPG

/// Finds the IPG layers of a graph (the contract in DEEPPROV.md and the Engine issue):
/// layer 0 is the model input; layer k is the k-th layer operator in topological order
/// (Gemm, MatMul with an optional bias Add, Conv, pooling, ReduceMean over spatial axes,
/// BatchNormalization, Flatten/Reshape, and the merges: Add/Sum of several layers' outputs,
/// Concat along channels), with an activation that directly and solely follows it fused in. An
/// activation that follows no layer operator is a layer of its own. Other operators
/// (elementwise arithmetic, Softmax, Identity, Dropout, Constant) are transparent: the next
/// layer's edges come from the layer they started from, stored explicitly when they changed
/// the values on the way.
struct LayerPlanner {
    static let layerOperators: Set<String> = [
        "Gemm", "MatMul", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool",
        "BatchNormalization", "Flatten", "Reshape", "ReduceMean",
    ]
    static let activations: [String: ActivationFunction] = [
        "Relu": .relu, "LeakyRelu": .leakyRelu, "Sigmoid": .sigmoid, "Tanh": .tanh,
    ]
    static let passthrough: Set<String> = ["Identity", "Dropout"]

    let graph: ModelGraph
    let source: String
    /// Per-sample shape of every value, from a probe run.
    let sampleShapes: [String: [Int]]
    let thresholds: ActivationThresholds

    private(set) var producers: [String: GraphNode] = [:]
    private var consumers: [String: [GraphNode]] = [:]
    private(set) var constantNames: Set<String>

    init(graph: ModelGraph, source: String, sampleShapes: [String: [Int]], thresholds: ActivationThresholds) {
        self.graph = graph
        self.source = source
        self.sampleShapes = sampleShapes
        self.thresholds = thresholds
        constantNames = Set(graph.initializers.keys)
        for node in graph.nodes {
            for output in node.outputs { producers[output] = node }
            for input in node.inputs where !input.isEmpty { consumers[input, default: []].append(node) }
            if node.opType == "Constant" { constantNames.formUnion(node.outputs) }
        }
    }

    func plan() throws -> CapturePlan {
        let inputName = graph.inputs[0].name
        var planned = [try inputLayer(named: inputName)]
        var layerOfValue: [String: Int] = [inputName: 0]
        var fused: Set<String> = []
        for node in graph.nodes where !fused.contains(node.name) {
            let merges = try isMergeOperator(node, layerOfValue: layerOfValue)
            let isLayerOperator = Self.layerOperators.contains(node.opType) || merges
            guard isLayerOperator || Self.activations[node.opType] != nil else { continue }
            let operands = merges ? try mergeOperands(of: node) : [node.inputs[0]]
            let origins = try operands.map { try origin(of: $0, layerOfValue: layerOfValue, node: node) }
            var valueName = node.outputs[0]
            var preActivationName: String?
            var activation = ActivationFunction.identity
            if isLayerOperator {
                if ["Gemm", "MatMul", "Conv"].contains(node.opType), let bias = soleConsumer(of: valueName),
                   bias.opType == "Add", bias.inputs.contains(where: constantNames.contains) {
                    fused.insert(bias.name)
                    valueName = bias.outputs[0]
                }
                if let next = soleConsumer(of: valueName), let function = Self.activations[next.opType] {
                    fused.insert(next.name)
                    preActivationName = valueName
                    valueName = next.outputs[0]
                    activation = function
                }
            } else {
                activation = Self.activations[node.opType]!
            }
            let index = planned.count
            let layer = merges
                ? try makeMergeLayer(
                    index: index, node: node, activation: activation, valueName: valueName,
                    operands: operands, sourceLayers: origins.map { planned[$0.layer].layer })
                : try makeLayer(
                    index: index, node: node, activation: activation, valueName: valueName,
                    sourceLayer: planned[origins[0].layer].layer)
            var entry = CapturePlan.PlannedLayer(layer: layer, valueName: valueName, operandNames: operands)
            let needsPreActivation = layer.edgeRule == .channelOutput && activation != .identity
            entry.explicitTargetName = needsPreActivation ? preActivationName : valueName
            for (position, origin) in origins.enumerated() where !origin.exact || needsPreActivation {
                entry.makeExplicit(sourcePosition: position)
            }
            planned.append(entry)
            layerOfValue[valueName] = index
        }
        guard planned.count > 1 else {
            throw EngineError("\(source): the model has no layer operator (Gemm, MatMul, Conv, pooling, BatchNormalization, Flatten, Reshape)")
        }
        return CapturePlan(layers: planned)
    }

    /// The node reading `value`, when exactly one node does and the value is not a graph output.
    private func soleConsumer(of value: String) -> GraphNode? {
        guard let readers = consumers[value], readers.count == 1,
              !graph.outputs.contains(where: { $0.name == value }) else { return nil }
        return readers[0]
    }

    /// The layer a value comes from, and whether it still equals that layer's values
    /// (only Identity/Dropout in between).
    func origin(of value: String, layerOfValue: [String: Int], node: GraphNode) throws -> (layer: Int, exact: Bool) {
        if let layer = layerOfValue[value] { return (layer, true) }
        guard let producer = producers[value] else {
            throw EngineError("\(source): node '\(node.name)' (\(node.opType)) reads '\(value)', which comes from no layer")
        }
        let computed = producer.inputs.filter { !$0.isEmpty && !constantNames.contains($0) }
        let origins = try Set(computed.map { try origin(of: $0, layerOfValue: layerOfValue, node: node).layer })
        guard origins.count == 1, let layer = origins.first else {
            throw EngineError(
                "\(source): node '\(producer.name)' (\(producer.opType)) combines values from \(origins.count) layers; "
                + "IPG capture merges layers only with Add, Sum or Concat (other operators must read one earlier layer)")
        }
        guard Self.passthrough.contains(producer.opType) else { return (layer, false) }
        return (layer, try origin(of: computed[0], layerOfValue: layerOfValue, node: node).exact)
    }

    private func inputLayer(named name: String) throws -> CapturePlan.PlannedLayer {
        let (count, shape) = try nodeLayout(of: name)
        let layer = Layer(
            index: 0, name: name, kind: .input, activation: .identity, threshold: thresholds[.identity],
            nodeCount: count, nodeShape: shape, source: nil, edgeRule: .none)
        return CapturePlan.PlannedLayer(layer: layer, valueName: name, operandNames: [])
    }

    /// Nodes of a value: one per unit for [F], one per channel (a map) for [C, …].
    func nodeLayout(of value: String) throws -> (count: Int, shape: [Int]) {
        guard let shape = sampleShapes[value] else {
            throw EngineError("\(source): no shape known for '\(value)'")
        }
        switch shape.count {
        case 0: return (1, [])
        case 1: return (shape[0], [])
        default: return (shape[0], Array(shape.dropFirst()))
        }
    }
}
