/// One input's Inference Provenance Graph: its active nodes (with their values) and the
/// weighted edges between them, derived from a trace and its model's layer table (from every
/// source of a merge layer). A layer the trace keeps at summary resolution gives its nodes
/// (value: the mean; activity: share active above 0) but no edges in or out: those are listed
/// in `underivedEdges` rather than guessed.
public struct InferenceProvenanceGraph: Sendable {
    public struct Node: Sendable, Equatable {
        public var id: NodeID
        /// One element for a unit, the flattened map (row-major) for a channel; for a node of a
        /// summarised layer, its mean alone (see `summary`).
        public var value: [Float]
        /// Mean, max and share active of a summarised layer's node; nil at full resolution.
        public var summary: NodeSummary? = nil
    }

    public var metadata: TraceMetadata
    public var nodes: [Node]
    public var edges: [Edge]
    /// Source/target layer pairs whose edges are left out, and why.
    public var underivedEdges: [UnderivedEdges] = []

    /// Builds the IPG of `trace` under `topology`.
    public init(topology: ModelTopology, trace: Trace) {
        metadata = trace.metadata
        var nodes: [Node] = []
        var edges: [Edge] = []
        var activity: [[Bool]] = []
        var underived: [UnderivedEdges] = []
        for layer in topology.layers {
            let values = trace.layerValues[layer.index]
            if let summary = trace.summaries[layer.index] {
                let active = summary.activeNodes
                activity.append(active)
                for index in active.indices where active[index] {
                    let node = NodeSummary(mean: summary.means[index], maximum: summary.maxima[index], activeShare: summary.activeShares[index])
                    nodes.append(Node(id: NodeID(layer: layer.index, index: index), value: [node.mean], summary: node))
                }
            } else {
                let active = layer.activeNodes(in: values)
                activity.append(active)
                for index in active.indices where active[index] {
                    let start = index * layer.nodeSize
                    nodes.append(Node(id: NodeID(layer: layer.index, index: index), value: Array(values[start..<(start + layer.nodeSize)])))
                }
            }
            let active = activity[layer.index]
            if layer.sources.contains(where: { $0.edgeRule == .explicit }) {
                edges += (trace.explicitEdges[layer.index] ?? []).filter {
                    activity[$0.source.layer][$0.source.index] && active[$0.target.index]
                }
            }
            for source in layer.sources where source.edgeRule != .explicit {
                if let summarised = [source.layer, layer.index].first(where: { trace.summaries[$0] != nil }) {
                    underived.append(UnderivedEdges(sourceLayer: source.layer, targetLayer: layer.index, summarisedLayer: summarised))
                    continue
                }
                edges += EdgeDerivation.edges(
                    rule: source.edgeRule, source: topology.layers[source.layer], target: layer,
                    sourceValues: trace.layerValues[source.layer], targetValues: values,
                    sourceActive: activity[source.layer], targetActive: active)
            }
        }
        self.nodes = nodes
        self.edges = edges
        underivedEdges = underived
    }
}
