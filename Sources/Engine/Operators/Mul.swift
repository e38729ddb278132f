/// ONNX Mul with broadcasting.
struct Mul: BinaryElementwiseOperator {
    func combine(_ left: Float, _ right: Float) -> Float { left * right }
}
