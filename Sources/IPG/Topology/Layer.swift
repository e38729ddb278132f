/// One layer of a model's IPG: its nodes and how edges reach it.
public struct Layer: Sendable, Equatable {
    /// Position in the layer table (0 is the model input).
    public var index: Int
    /// The ONNX node (or graph input) the layer came from.
    public var name: String
    public var kind: LayerKind
    public var activation: ActivationFunction
    /// A node is active when some element's absolute value exceeds this.
    public var threshold: Float
    public var nodeCount: Int
    /// Shape of one node's value: `[]` for a unit, `[L]` or `[H, W]` for a channel map.
    public var nodeShape: [Int]
    /// The layer whose nodes feed this one (nil for layer 0).
    public var source: Int?
    public var edgeRule: EdgeRule

    public init(
        index: Int, name: String, kind: LayerKind, activation: ActivationFunction,
        threshold: Float, nodeCount: Int, nodeShape: [Int], source: Int?, edgeRule: EdgeRule
    ) {
        self.index = index
        self.name = name
        self.kind = kind
        self.activation = activation
        self.threshold = threshold
        self.nodeCount = nodeCount
        self.nodeShape = nodeShape
        self.source = source
        self.edgeRule = edgeRule
    }

    /// Number of scalars in one node's value.
    public var nodeSize: Int { nodeShape.reduce(1, *) }

    /// Number of scalars the layer holds per trace.
    public var valueCount: Int { nodeCount * nodeSize }
}
