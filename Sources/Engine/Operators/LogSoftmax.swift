/// ONNX LogSoftmax: log of Softmax, computed stably (same axis rules as Softmax).
struct LogSoftmax: Operator {
    var softmax: Softmax

    init(_ context: OperatorContext) throws {
        softmax = try Softmax(context)
        softmax.logarithm = true
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        try softmax.run(inputs)
    }
}
