import IPG

/// Merge layers: `Add`/`Sum` of several layers' outputs (a residual connection) and `Concat`
/// along channels. Each source gets its own edge rule: an addend feeds the same node of the
/// sum with its whole map (`channelScale` of 1), a concatenated source feeds the node it became.
extension LayerPlanner {
    /// Whether `node` merges layers: a Concat, or an Add/Sum whose computed inputs come from two
    /// or more layers (an Add within one layer's values stays transparent).
    func isMergeOperator(_ node: GraphNode, layerOfValue: [String: Int]) throws -> Bool {
        switch node.opType {
        case "Concat":
            return true
        case "Add", "Sum":
            let operands = node.inputs.filter { !$0.isEmpty && !constantNames.contains($0) }
            guard operands.count >= 2 else { return false }
            let layers = try Set(operands.map { try origin(of: $0, layerOfValue: layerOfValue, node: node).layer })
            return layers.count >= 2
        default:
            return false
        }
    }

    /// The merged values, in operand order; constants cannot be merged.
    func mergeOperands(of node: GraphNode) throws -> [String] {
        let operands = node.inputs.filter { !$0.isEmpty }
        if let constant = operands.first(where: constantNames.contains) {
            throw NodeAttributes(node).error("IPG capture merges computed values only, but '\(constant)' is a constant")
        }
        return operands
    }

    /// The merge layer `node` starts, reading `sourceLayers` (one per operand).
    func makeMergeLayer(
        index: Int, node: GraphNode, activation: ActivationFunction, valueName: String,
        operands: [String], sourceLayers: [Layer]
    ) throws -> Layer {
        let attributes = NodeAttributes(node)
        let (count, shape) = try nodeLayout(of: valueName)
        let concatenates = node.opType == "Concat"
        var rules: [EdgeRule] = []
        var offset = 0
        for (operand, source) in zip(operands, sourceLayers) {
            let layout = try nodeLayout(of: operand)
            guard layout.count == source.nodeCount, layout.shape.reduce(1, *) == source.nodeSize else {
                throw attributes.error("its operand '\(operand)' \(sampleShapes[operand] ?? []) does not line up with source layer \(source.index) (\(source.nodeCount) nodes of size \(source.nodeSize))")
            }
            if concatenates {
                guard layout.shape == shape else {
                    throw attributes.error("IPG capture concatenates along channels (axis 1) only, but operand '\(operand)' has nodes of shape \(layout.shape) and the result \(shape)")
                }
                rules.append(.concat(channelOffset: offset))
                offset += layout.count
            } else {
                guard layout.count == count, layout.shape == shape else {
                    throw attributes.error("IPG capture adds layers of one shape only (no broadcasting), but operand '\(operand)' is \(sampleShapes[operand] ?? []) and the sum \(sampleShapes[valueName] ?? [])")
                }
                rules.append(.channelScale(scales: [Float](repeating: 1, count: count)))
            }
        }
        if concatenates {
            guard offset == count else {
                throw attributes.error("IPG capture concatenates along channels (axis 1) only, but the operands' \(offset) channels make \(count)")
            }
        } else {
            let repeated = sourceLayers.map(\.index).filter { layer in sourceLayers.filter { $0.index == layer }.count > 1 }
            guard repeated.isEmpty else {
                throw attributes.error("adds layer \(repeated[0])'s values more than once; IPG capture needs each addend from its own layer")
            }
        }
        return Layer(
            index: index, name: node.name, kind: concatenates ? .concat : .add, activation: activation,
            threshold: thresholds[activation], nodeCount: count, nodeShape: shape,
            source: sourceLayers[0].index, edgeRule: rules[0],
            mergedSources: zip(sourceLayers.dropFirst(), rules.dropFirst()).map { LayerSource(layer: $0.index, edgeRule: $1) })
    }
}
