import IPG

extension ParentComparison {
    /// `subject` beside its clean `parent`: distances per layer and in `nearestLayer`, the
    /// largest paired differences of hidden nodes, and where their strongest paths part.
    init(subject: ForensicsSubject, parent: ForensicsSubject, nearestLayer: Int, differences count: Int, graph: DenseFlowGraph?) throws {
        trace = parent.id
        layers = subject.nodeValues.indices.map { layer in
            LayerDistance(layer: layer, distance: LayerMeasures.euclideanDistance(subject.nodeValues[layer], parent.nodeValues[layer]))
        }
        distance = layers[nearestLayer].distance
        let hidden = 1..<max(1, subject.outputLayer)
        differences = Array(hidden.flatMap { layer in
            subject.nodeValues[layer].indices.map { node in
                let value = subject.nodeValues[layer][node], parentValue = parent.nodeValues[layer][node]
                return PairedDifference(layer: layer, node: node, value: value, parentValue: parentValue, difference: value - parentValue)
            }
        }.sorted { abs($0.difference) > abs($1.difference) }.prefix(count))
        partingLayer = nil
        if let graph, let parentGraph = try? DenseFlowGraph(topology: parent.topology, nodeValues: parent.nodeValues) {
            let start = NodeID(layer: subject.outputLayer, index: subject.label ?? subject.predicted)
            let mine = graph.strongestPaths(from: start, count: 1).first?.nodes ?? []
            let theirs = parentGraph.strongestPaths(from: start, count: 1).first?.nodes ?? []
            // Both paths run from the same output node down to layer 0, one node a layer.
            partingLayer = zip(mine, theirs).first { $0 != $1 }?.0.layer
        }
    }
}
