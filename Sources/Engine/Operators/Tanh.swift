import Foundation

/// ONNX Tanh.
struct Tanh: UnaryElementwiseOperator {
    func apply(_ value: Float) -> Float { tanh(value) }
}
