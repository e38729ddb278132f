/// ONNX Sum: the elementwise sum of one or more inputs, with broadcasting.
struct Sum: Operator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        var total = try inputs.required(0)
        for position in 1..<max(inputs.count, 1) {
            total = try Add().run([total, try inputs.required(position)])[0]
        }
        return [total]
    }
}
