/// Several inputs' inference records in batch-major storage: per layer, every trace's values one
/// after another, as a model's batched evaluation holds them. What a capture hands a stream
/// writer without copying each trace's values out (`Trace` is the same record one input at a time).
public struct TraceBatch: Equatable, Sendable {
    /// One per trace, in order.
    public var metadata: [TraceMetadata]
    /// Per layer, `count × topology.layers[l].valueCount` values: trace 0's, then trace 1's, …
    public var layerValues: [[Float]]
    /// Per trace, the edges of `.explicit` layers keyed by target layer index.
    public var explicitEdges: [[Int: [Edge]]]

    public init(metadata: [TraceMetadata], layerValues: [[Float]], explicitEdges: [[Int: [Edge]]]? = nil) {
        precondition(explicitEdges == nil || explicitEdges!.count == metadata.count, "one edge table per trace")
        self.metadata = metadata
        self.layerValues = layerValues
        self.explicitEdges = explicitEdges ?? Array(repeating: [:], count: metadata.count)
    }

    /// `traces` in batch-major storage (each must hold every layer's values; summaries are not kept).
    public init(traces: [Trace]) {
        let layerCount = traces.first?.layerValues.count ?? 0
        precondition(traces.allSatisfy { $0.layerValues.count == layerCount }, "every trace holds every layer")
        self.init(
            metadata: traces.map(\.metadata), layerValues: (0..<layerCount).map { layer in traces.flatMap { $0.layerValues[layer] } },
            explicitEdges: traces.map(\.explicitEdges))
    }

    public var count: Int { metadata.count }

    /// Trace `position`'s values of `layer`.
    public func values(of layer: Int, trace position: Int) -> ArraySlice<Float> {
        let length = layerValues[layer].count / max(count, 1)
        return layerValues[layer][(position * length)..<((position + 1) * length)]
    }

    /// Trace `position` on its own (its values copied out).
    public func trace(_ position: Int) -> Trace {
        Trace(
            metadata: metadata[position], layerValues: layerValues.indices.map { Array(values(of: $0, trace: position)) },
            explicitEdges: explicitEdges[position])
    }

    /// Every trace on its own, in order.
    public var traces: [Trace] { (0..<count).map(trace) }
}
