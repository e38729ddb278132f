/// One layer's nodes at summary resolution: per node its mean element (the node value every
/// query uses), its largest element and the share of its elements active (absolute value above
/// the layer's threshold; a node is active exactly when the share is above 0).
public struct LayerSummary: Sendable, Equatable {
    /// Values a stream stores per node: mean, max, share active.
    public static let valuesPerNode = 3

    /// The float32 nearest each node's mean (accumulated in double precision).
    public var means: [Float]
    public var maxima: [Float]
    public var activeShares: [Float]

    public init(means: [Float], maxima: [Float], activeShares: [Float]) {
        self.means = means
        self.maxima = maxima
        self.activeShares = activeShares
    }

    /// Summarises `values` (a full map of `layer` for one trace).
    public init(layer: Layer, values: [Float]) {
        precondition(values.count == layer.valueCount, "layer \(layer.index) holds \(layer.valueCount) values, got \(values.count)")
        let size = layer.nodeSize
        var means: [Float] = [], maxima: [Float] = [], shares: [Float] = []
        means.reserveCapacity(layer.nodeCount)
        maxima.reserveCapacity(layer.nodeCount)
        shares.reserveCapacity(layer.nodeCount)
        values.withUnsafeBufferPointer { buffer in
            for node in 0..<layer.nodeCount {
                var sum = 0.0, largest = -Float.infinity, active = 0
                for value in buffer[(node * size)..<((node + 1) * size)] {
                    sum += Double(value)
                    largest = Swift.max(largest, value)
                    if abs(value) > layer.threshold { active += 1 }
                }
                means.append(Float(sum / Double(size)))
                maxima.append(largest)
                shares.append(Float(active) / Float(size))
            }
        }
        self.init(means: means, maxima: maxima, activeShares: shares)
    }

    /// Which nodes are active (share above 0), as `Layer.activeNodes(in:)` says of the full map.
    public var activeNodes: [Bool] { activeShares.map { $0 > 0 } }

    /// The stored form (a stream's summary row, a store's summary value block row): every
    /// mean, then every max, then every share.
    public var storedValues: [Float] { means + maxima + activeShares }

    /// From the stored form of `nodeCount` nodes (`values.count == 3 · nodeCount`).
    public init(stored values: [Float], nodeCount: Int) {
        precondition(values.count == Self.valuesPerNode * nodeCount, "a summary of \(nodeCount) nodes stores \(Self.valuesPerNode * nodeCount) values, got \(values.count)")
        self.init(
            means: Array(values[0..<nodeCount]), maxima: Array(values[nodeCount..<(2 * nodeCount)]),
            activeShares: Array(values[(2 * nodeCount)..<(3 * nodeCount)]))
    }
}

/// Edges an IPG leaves out because a layer's resolution cannot give them exactly.
public struct UnderivedEdges: Sendable, Equatable, CustomStringConvertible {
    public var sourceLayer: Int
    public var targetLayer: Int
    /// The summarised layer that stops them (the source, the target or both).
    public var summarisedLayer: Int

    public var description: String {
        "edges \(sourceLayer)→\(targetLayer) left out: layer \(summarisedLayer) is kept at summary resolution (per-node mean, max and share active), so its map cannot give them"
    }
}

/// One node of a summarised layer.
public struct NodeSummary: Sendable, Equatable {
    public var mean: Float
    public var maximum: Float
    public var activeShare: Float
}
