/// ONNX Abs: |x|.
struct Abs: UnaryElementwiseOperator {
    func apply(_ value: Float) -> Float { abs(value) }
}
