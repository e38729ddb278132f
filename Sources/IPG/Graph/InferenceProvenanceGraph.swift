/// One input's Inference Provenance Graph: its active nodes (with their values) and the
/// weighted edges between them, derived from a trace and its model's layer table (from every
/// source of a merge layer).
public struct InferenceProvenanceGraph: Sendable {
    public struct Node: Sendable, Equatable {
        public var id: NodeID
        /// One element for a unit, the flattened map (row-major) for a channel.
        public var value: [Float]
    }

    public var metadata: TraceMetadata
    public var nodes: [Node]
    public var edges: [Edge]

    /// Builds the IPG of `trace` under `topology`.
    public init(topology: ModelTopology, trace: Trace) {
        metadata = trace.metadata
        var nodes: [Node] = []
        var edges: [Edge] = []
        var activity: [[Bool]] = []
        for layer in topology.layers {
            let values = trace.layerValues[layer.index]
            let active = layer.activeNodes(in: values)
            activity.append(active)
            for index in active.indices where active[index] {
                let start = index * layer.nodeSize
                nodes.append(Node(id: NodeID(layer: layer.index, index: index), value: Array(values[start..<(start + layer.nodeSize)])))
            }
            if layer.sources.contains(where: { $0.edgeRule == .explicit }) {
                edges += (trace.explicitEdges[layer.index] ?? []).filter {
                    activity[$0.source.layer][$0.source.index] && active[$0.target.index]
                }
            }
            for source in layer.sources where source.edgeRule != .explicit {
                edges += EdgeDerivation.edges(
                    rule: source.edgeRule, source: topology.layers[source.layer], target: layer,
                    sourceValues: trace.layerValues[source.layer], targetValues: values,
                    sourceActive: activity[source.layer], targetActive: active)
            }
        }
        self.nodes = nodes
        self.edges = edges
    }
}
