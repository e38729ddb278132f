extension InferenceProvenanceGraph {
    /// The graph with, for every target node, only its `count` incoming edges of largest
    /// |weight|, and only the nodes those edges touch (plus the last layer's nodes): a view
    /// small enough to draw.
    public func keepingStrongestEdges(perTarget count: Int) -> InferenceProvenanceGraph {
        var pruned = self
        let byTarget = Dictionary(grouping: edges, by: \.target)
        pruned.edges = byTarget.keys.sorted().flatMap { target in
            byTarget[target]!.sorted { abs($0.weight) > abs($1.weight) }.prefix(count)
        }
        let lastLayer = nodes.map(\.id.layer).max() ?? 0
        var touched = Set(pruned.edges.flatMap { [$0.source, $0.target] })
        for node in nodes where node.id.layer == lastLayer { touched.insert(node.id) }
        pruned.nodes = nodes.filter { touched.contains($0.id) }
        return pruned
    }
}
