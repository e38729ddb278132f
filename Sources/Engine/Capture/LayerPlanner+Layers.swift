import IPG

extension LayerPlanner {
    /// The layer a node starts, with its edge rule computed as if its operand were the
    /// source layer's values.
    func makeLayer(index: Int, node: GraphNode, activation: ActivationFunction, valueName: String, sourceLayer: Layer) throws -> Layer {
        let (count, shape) = try nodeLayout(of: valueName)
        let (kind, rule) = try kindAndRule(of: node, sourceLayer: sourceLayer, targetCount: count)
        return Layer(
            index: index, name: node.name, kind: kind, activation: activation,
            threshold: thresholds[activation], nodeCount: count, nodeShape: shape,
            source: sourceLayer.index, edgeRule: rule)
    }

    private func kindAndRule(of node: GraphNode, sourceLayer: Layer, targetCount: Int) throws -> (LayerKind, EdgeRule) {
        let attributes = NodeAttributes(node)
        let operandShape = sampleShapes[node.inputs[0]] ?? []
        func requireOperand(nodes: Int, size: Int) throws {
            let operandLayout = try nodeLayout(of: node.inputs[0])
            guard operandLayout.count == nodes, operandLayout.shape.reduce(1, *) == size,
                  sourceLayer.nodeCount == nodes, sourceLayer.nodeSize == size else {
                throw attributes.error("its operand \(operandShape) does not line up with source layer \(sourceLayer.index) (\(sourceLayer.nodeCount) nodes of size \(sourceLayer.nodeSize))")
            }
        }
        switch node.opType {
        case "Gemm":
            guard try attributes.int("transA", default: 0) == 0 else {
                throw attributes.error("IPG capture needs samples on rows (transA=0)")
            }
            let weights = try constant(node, 1)
            let alpha = try attributes.float("alpha", default: 1)
            let transposed = try attributes.int("transB", default: 0) == 1
            return (.dense, .dense(weights: try denseWeights(weights, transposed: transposed, scale: alpha, targets: targetCount, node: node, sourceLayer: sourceLayer)))
        case "MatMul":
            guard operandShape.count == 1 else {
                throw attributes.error("IPG capture needs a [N, features] operand, got per-sample shape \(operandShape)")
            }
            let weights = try constant(node, 1)
            return (.dense, .dense(weights: try denseWeights(weights, transposed: false, scale: 1, targets: targetCount, node: node, sourceLayer: sourceLayer)))
        case "Conv":
            let weights = try constant(node, 1)
            let conv = try Conv(OperatorContext(node: node, opset: graph.opset, integerConstants: [:]))
            let window = try conv.window(weightShape: weights.shape)
            let inputSpatial = Array(operandShape.dropFirst())
            let (begin, end) = window.pads(for: inputSpatial)
            let geometry = ConvolutionGeometry(
                inputChannels: operandShape[0], outputChannels: weights.shape[0], groups: conv.groups,
                kernelShape: window.kernel, strides: window.strides, dilations: window.dilations,
                padsBegin: begin, padsEnd: end, inputSpatial: inputSpatial,
                outputSpatial: try window.outputSize(for: inputSpatial))
            try requireOperand(nodes: operandShape[0], size: inputSpatial.reduce(1, *))
            return (.conv, .conv(geometry, weights: weights.values))
        case "MaxPool", "AveragePool", "GlobalAveragePool":
            try requireOperand(nodes: targetCount, size: sourceLayer.nodeSize)
            return (.pool, .channelOutput)
        case "ReduceMean":
            let axes = try reducedAxes(of: node)
            let rank = operandShape.count + 1
            guard !axes.isEmpty, axes.allSatisfy({ (2..<rank).contains($0 < 0 ? $0 + rank : $0) }) else {
                throw attributes.error("IPG capture needs a mean over spatial axes (2 and later) of [N, C, spatial…], got axes \(axes) of per-sample shape \(operandShape)")
            }
            try requireOperand(nodes: targetCount, size: sourceLayer.nodeSize)
            return (.pool, .channelOutput)
        case "BatchNormalization":
            let batchNorm = try BatchNormalization(OperatorContext(node: node, opset: graph.opset, integerConstants: [:]))
            let parameters = try (0...4).map { $0 == 0 ? nil : try constant(node, $0) }
            let (scales, _) = try batchNorm.affine(parameters, channels: targetCount)
            try requireOperand(nodes: targetCount, size: sourceLayer.nodeSize)
            return (.batchNorm, .channelScale(scales: scales))
        case "Flatten", "Reshape":
            try requireOperand(nodes: sourceLayer.nodeCount, size: sourceLayer.nodeSize)
            return (.reshape, .reshape)
        default:
            try requireOperand(nodes: targetCount, size: sourceLayer.nodeSize)
            return (.activation, .channelScale(scales: [Float](repeating: 1, count: targetCount)))
        }
    }

    /// ReduceMean's axes: the attribute (opset < 18) or a constant int64 input (opset 18);
    /// empty when none are given (a mean over every axis).
    private func reducedAxes(of node: GraphNode) throws -> [Int] {
        if let axes = try NodeAttributes(node).ints("axes") { return axes }
        guard let name = node.input(1) else { return [] }
        if case .integer(_, let values)? = graph.initializers[name] { return values.map { Int($0) } }
        if let producer = producers[name], producer.opType == "Constant",
           case .integer(_, let values)? = try Constant.value(of: producer) {
            return values.map { Int($0) }
        }
        throw NodeAttributes(node).error("IPG capture needs constant axes, but '\(name)' is computed")
    }

    /// A float constant input (initializer or Constant node) of `node`.
    private func constant(_ node: GraphNode, _ position: Int) throws -> Tensor {
        guard let name = node.input(position) else {
            throw NodeAttributes(node).error("input \(position) is required")
        }
        if let tensor = graph.floatInitializer(name) { return tensor }
        if let producer = producers[name], producer.opType == "Constant",
           case .float(let tensor)? = try Constant.value(of: producer) {
            return tensor
        }
        throw NodeAttributes(node).error("IPG capture needs constant weights, but '\(name)' is computed")
    }

    /// W as [targets × sources] row-major, scaled: W[j, i] = scale · B'[i, j].
    private func denseWeights(_ weights: Tensor, transposed: Bool, scale: Float, targets: Int, node: GraphNode, sourceLayer: Layer) throws -> [Float] {
        guard weights.rank == 2 else {
            throw NodeAttributes(node).error("weights must be 2-D, got \(weights.shape)")
        }
        let sources = transposed ? weights.shape[1] : weights.shape[0]
        guard sources == sourceLayer.valueCount, sourceLayer.nodeSize == 1,
              (transposed ? weights.shape[0] : weights.shape[1]) == targets else {
            throw NodeAttributes(node).error("weights \(weights.shape) do not connect source layer \(sourceLayer.index) (\(sourceLayer.nodeCount) units) to \(targets) units")
        }
        var matrix = [Float](repeating: 0, count: targets * sources)
        for target in 0..<targets {
            for source in 0..<sources {
                let value = transposed ? weights.values[target * sources + source] : weights.values[source * targets + target]
                matrix[target * sources + source] = scale * value
            }
        }
        return matrix
    }
}
