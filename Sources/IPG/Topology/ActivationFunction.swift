/// The elementwise activation fused into a layer (`.identity` when there is none).
public enum ActivationFunction: String, Sendable, CaseIterable, Codable {
    case identity
    case relu
    case leakyRelu = "leaky_relu"
    case sigmoid
    case tanh
}

/// Per-activation thresholds deciding when a node is *active*: a node is active when any
/// element of its value has an absolute value above the threshold of its layer's activation.
/// The default threshold is 0 for every function ("any element non-zero").
public struct ActivationThresholds: Sendable, Equatable {
    public private(set) var values: [ActivationFunction: Float]

    public init(_ values: [ActivationFunction: Float] = [:]) {
        self.values = values
    }

    /// The threshold applied to layers whose activation is `function`.
    public subscript(function: ActivationFunction) -> Float {
        get { values[function] ?? 0 }
        set { values[function] = newValue }
    }
}
