import Foundation

/// ONNX Sigmoid: 1 / (1 + e^−x).
struct Sigmoid: UnaryElementwiseOperator {
    func apply(_ value: Float) -> Float {
        value >= 0 ? 1 / (1 + exp(-value)) : exp(value) / (1 + exp(value))
    }
}
