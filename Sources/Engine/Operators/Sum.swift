/// ONNX Sum: the elementwise sum of one or more inputs, with broadcasting. The running total
/// is accumulated in place (Add's same-shape path) instead of copied per addend.
struct Sum: Operator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        var inputs = inputs
        return try run(consuming: &inputs)
    }

    func run(consuming inputs: inout [Tensor?]) throws -> [Tensor] {
        var pair: [Tensor?] = [try inputs.take(0), nil]
        for position in 1..<max(inputs.count, 1) {
            pair[1] = try inputs.take(position)
            pair[0] = try Add().run(consuming: &pair)[0]
        }
        return [pair[0]!]
    }
}
