/// ONNX Identity: the input, unchanged.
struct Identity: Operator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        [try inputs.required(0)]
    }
}
