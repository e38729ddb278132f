/// What a trace stream says about itself before its first trace: the model's layer table,
/// how node values are stored, and free key/values (producer, model path, …).
public struct StreamHeader: Sendable, Equatable {
    public var topology: ModelTopology
    public var valueEncoding: ValueEncoding
    public var attributes: [KeyValue]

    public init(topology: ModelTopology, valueEncoding: ValueEncoding = .float32, attributes: [KeyValue] = []) {
        self.topology = topology
        self.valueEncoding = valueEncoding
        self.attributes = attributes
    }

    /// The value of the first attribute named `key`.
    public func attribute(_ key: String) -> String? {
        attributes.first { $0.key == key }?.value
    }
}
