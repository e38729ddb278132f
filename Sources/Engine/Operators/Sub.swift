/// ONNX Sub with broadcasting.
struct Sub: BinaryElementwiseOperator {
    func combine(_ left: Float, _ right: Float) -> Float { left - right }
}
