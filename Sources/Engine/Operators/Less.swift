/// ONNX Less with broadcasting. ONNX gives a boolean tensor; DeepProv holds it as 1 (true) and
/// 0 (false) in a float tensor, which `Where` reads as its condition.
struct Less: BinaryElementwiseOperator {
    func combine(_ left: Float, _ right: Float) -> Float { left < right ? 1 : 0 }
}
