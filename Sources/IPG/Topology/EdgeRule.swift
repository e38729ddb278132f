/// How the edges into a layer are derived from node values. An edge's weight is the source
/// node's *linear contribution* to the target node's pre-activation (summed over the target's
/// map for channel nodes); bias terms are never part of an edge.
///
/// Every rule except `.explicit` derives edges from the source layer's node values (and, for
/// `.channelOutput`, the target's), so a trace only has to store node values.
public enum EdgeRule: Sendable, Equatable {
    /// Layer 0 has no incoming edges.
    case none
    /// Dense: weight(i→j) = `weights[j * sourceNodeCount + i] · a_i` (the operator's alpha folded in).
    case dense(weights: [Float])
    /// Convolution: weight(c→k) = Σ over output positions and kernel offsets of
    /// `W[k, c − g·C/G, offset] · x_c[position · stride + offset · dilation − padBegin]`
    /// (zero outside the input), for input channels `c` in output channel `k`'s group `g`.
    case conv(ConvolutionGeometry, weights: [Float])
    /// Channel to the same channel: weight(c→c) = `scales[c] · Σ x_c` (BatchNormalization uses
    /// γ/√(σ²+ε); an activation-only layer and each addend of an Add/Sum layer use 1).
    case channelScale(scales: [Float])
    /// Channel to the same channel: weight(c→c) = Σ of the target node's value (pooling
    /// without a fused activation: the pooled map is the linear part that flowed).
    case channelOutput
    /// Flatten/Reshape: element order is kept, so element `e` of a sample belongs to source
    /// node `e / sourceNodeSize` and target node `e / targetNodeSize`; weight(i→j) = Σ of the
    /// elements they share.
    case reshape
    /// Concat: source node `c` became target node `channelOffset + c`; weight = Σ x_c (the
    /// source's whole map flowed into the target unchanged).
    case concat(channelOffset: Int)
    /// Edges are stored with each trace (used when the layer's operand is not the source
    /// layer's node values, e.g. after an elementwise rescaling between layers).
    case explicit
}

/// Geometry of a 1-D or 2-D convolution, per sample. 1-D convolutions have one spatial axis.
public struct ConvolutionGeometry: Sendable, Equatable {
    public var inputChannels: Int
    public var outputChannels: Int
    public var groups: Int
    public var kernelShape: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    public var padsBegin: [Int]
    public var padsEnd: [Int]
    public var inputSpatial: [Int]
    public var outputSpatial: [Int]

    public init(
        inputChannels: Int, outputChannels: Int, groups: Int, kernelShape: [Int],
        strides: [Int], dilations: [Int], padsBegin: [Int], padsEnd: [Int],
        inputSpatial: [Int], outputSpatial: [Int]
    ) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.groups = groups
        self.kernelShape = kernelShape
        self.strides = strides
        self.dilations = dilations
        self.padsBegin = padsBegin
        self.padsEnd = padsEnd
        self.inputSpatial = inputSpatial
        self.outputSpatial = outputSpatial
    }

    /// Number of weights per output channel: (inputChannels / groups) × kernel size.
    public var weightsPerOutputChannel: Int {
        inputChannels / groups * kernelShape.reduce(1, *)
    }
}
