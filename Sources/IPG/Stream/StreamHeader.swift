/// What a trace stream says about itself before its first trace: the model's layer table,
/// how node values are stored (encoding and each layer's resolution), and free key/values
/// (producer, model path, …).
public struct StreamHeader: Sendable, Equatable {
    public var topology: ModelTopology
    public var valueEncoding: ValueEncoding
    public var attributes: [KeyValue]
    /// One per layer: full, summary or derived (on reading, from its source).
    public var resolutions: [LayerResolution]

    public init(
        topology: ModelTopology, valueEncoding: ValueEncoding = .float32, attributes: [KeyValue] = [],
        resolutions: [LayerResolution]? = nil
    ) {
        self.topology = topology
        self.valueEncoding = valueEncoding
        self.attributes = attributes
        self.resolutions = resolutions ?? Array(repeating: .full, count: topology.layers.count)
    }

    /// The value of the first attribute named `key`.
    public func attribute(_ key: String) -> String? {
        attributes.first { $0.key == key }?.value
    }

    /// Whether every layer is kept at full resolution (a header then has no resolution section).
    public var isFullResolution: Bool { resolutions.allSatisfy { $0 == .full } }
}
