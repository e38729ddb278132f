/// One source of a layer: the earlier layer whose nodes feed it and how their edges are derived.
public struct LayerSource: Sendable, Equatable {
    public var layer: Int
    public var edgeRule: EdgeRule

    public init(layer: Int, edgeRule: EdgeRule) {
        self.layer = layer
        self.edgeRule = edgeRule
    }
}

/// One layer of a model's IPG: its nodes and how edges reach it.
///
/// Most layers read one earlier layer (`source`, `edgeRule`). A merge layer (`Add`/`Sum` of
/// several layers' outputs, `Concat` along channels) reads several: its first source is
/// `source`/`edgeRule` as for any layer, the others are `mergedSources`, and `sources` lists
/// them all in operand order.
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
    /// The layer whose nodes feed this one (nil for layer 0); a merge layer's first source.
    public var source: Int?
    public var edgeRule: EdgeRule
    /// A merge layer's sources after the first, in operand order (empty for other layers).
    public var mergedSources: [LayerSource]

    public init(
        index: Int, name: String, kind: LayerKind, activation: ActivationFunction,
        threshold: Float, nodeCount: Int, nodeShape: [Int], source: Int?, edgeRule: EdgeRule,
        mergedSources: [LayerSource] = []
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
        self.mergedSources = mergedSources
    }

    /// Number of scalars in one node's value.
    public var nodeSize: Int { nodeShape.reduce(1, *) }

    /// Number of scalars the layer holds per trace.
    public var valueCount: Int { nodeCount * nodeSize }

    /// Every source in operand order: `source` with `edgeRule`, then `mergedSources`.
    public var sources: [LayerSource] {
        guard let source else { return [] }
        return [LayerSource(layer: source, edgeRule: edgeRule)] + mergedSources
    }

    /// Whether the layer reads more than one source.
    public var isMerge: Bool { !mergedSources.isEmpty }
}
