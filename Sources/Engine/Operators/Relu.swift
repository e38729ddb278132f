/// ONNX Relu: max(0, x).
struct Relu: UnaryElementwiseOperator {
    func apply(_ value: Float) -> Float { value > 0 ? value : 0 }
}
