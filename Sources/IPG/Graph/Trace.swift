/// Identifies the trace an adversarial input was made from.
public struct TraceReference: Hashable, Sendable {
    public var tag: String
    public var inputIndex: Int

    public init(tag: String, inputIndex: Int) {
        self.tag = tag
        self.inputIndex = inputIndex
    }
}

/// What is known about one input's inference, besides its node values.
public struct TraceMetadata: Equatable, Sendable {
    /// Position of the input in the file it was read from.
    public var inputIndex: Int
    /// sha256 (lowercase hex) of the input as the model saw it: float32 little-endian values.
    public var inputHash: String
    public var trueLabel: Int?
    public var predictedLabel: Int
    /// Probability of the predicted label.
    public var confidence: Float
    public var tag: String
    public var parent: TraceReference?
    /// Free key/values, in the order given.
    public var attributes: [KeyValue]

    public init(
        inputIndex: Int, inputHash: String, trueLabel: Int?, predictedLabel: Int,
        confidence: Float, tag: String, parent: TraceReference? = nil, attributes: [KeyValue] = []
    ) {
        self.inputIndex = inputIndex
        self.inputHash = inputHash
        self.trueLabel = trueLabel
        self.predictedLabel = predictedLabel
        self.confidence = confidence
        self.tag = tag
        self.parent = parent
        self.attributes = attributes
    }
}

/// A key/value pair attached to a trace or a stream.
public struct KeyValue: Hashable, Sendable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// One input's inference record: metadata plus every layer's node values (all nodes, active or
/// not, flattened row-major node after node). Edges are derived from these and the model's
/// layer table, except for layers whose rule is `.explicit`, whose edges are kept here.
/// A layer read from a stream that kept it at summary resolution has no values (an empty
/// array) and a summary instead.
public struct Trace: Equatable, Sendable {
    public var metadata: TraceMetadata
    /// `layerValues[l].count == topology.layers[l].valueCount`, or 0 for a summarised layer.
    public var layerValues: [[Float]]
    /// Edges of `.explicit` layers, keyed by target layer index.
    public var explicitEdges: [Int: [Edge]]
    /// Layers kept at summary resolution, keyed by layer index (their `layerValues` are empty).
    public var summaries: [Int: LayerSummary]

    public init(metadata: TraceMetadata, layerValues: [[Float]], explicitEdges: [Int: [Edge]] = [:], summaries: [Int: LayerSummary] = [:]) {
        self.metadata = metadata
        self.layerValues = layerValues
        self.explicitEdges = explicitEdges
        self.summaries = summaries
    }

    /// The value of one node (a slice of its layer's values).
    public func value(of node: NodeID, in topology: ModelTopology) -> ArraySlice<Float> {
        let size = topology.layers[node.layer].nodeSize
        let start = node.index * size
        return layerValues[node.layer][start..<(start + size)]
    }
}
