/// The layer table of a model: what every trace of that model is addressed by.
public struct ModelTopology: Sendable, Equatable {
    /// sha256 of the model's ONNX bytes, lowercase hex.
    public var fingerprint: String
    public var name: String
    public var layers: [Layer]

    public init(fingerprint: String, name: String, layers: [Layer]) {
        self.fingerprint = fingerprint
        self.name = name
        self.layers = layers
    }

    /// Total number of nodes over all layers.
    public var nodeCount: Int { layers.reduce(0) { $0 + $1.nodeCount } }
}
