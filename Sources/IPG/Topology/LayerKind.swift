/// What produced a layer of an IPG. Layer 0 is always `.input`.
public enum LayerKind: String, Sendable, CaseIterable, Codable {
    /// The model input (layer 0).
    case input
    /// Gemm, or MatMul with an optional bias Add: one node per unit.
    case dense
    /// Conv (1-D or 2-D): one node per output channel.
    case conv
    /// MaxPool, AveragePool, GlobalAveragePool or ReduceMean over spatial axes: one node per channel.
    case pool
    /// BatchNormalization (inference form).
    case batchNorm
    /// Flatten or Reshape: nodes are the units (or channels) of the new shape.
    case reshape
    /// An activation function that does not directly follow a layer operator.
    case activation
    /// Add or Sum of several layers' outputs (a residual connection): one node per channel or
    /// unit, fed by the same node of every addend.
    case add
    /// Concat of several layers' outputs along the channel (or unit) axis.
    case concat

    /// The kinds that merge several layers' outputs (their sources are listed in full by the
    /// topology's `Layer.sources` and the store's `layer_sources`).
    public static let merges: [LayerKind] = [.add, .concat]

    /// Whether a layer of this kind merges several layers' outputs.
    public var isMerge: Bool { Self.merges.contains(self) }
}
