/// ONNX Add with broadcasting.
struct Add: BinaryElementwiseOperator {
    func combine(_ left: Float, _ right: Float) -> Float { left + right }
}
