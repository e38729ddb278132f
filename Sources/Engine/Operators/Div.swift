/// ONNX Div with broadcasting.
struct Div: BinaryElementwiseOperator {
    func combine(_ left: Float, _ right: Float) -> Float { left / right }
}
