/// ONNX Dropout at inference: the input, unchanged (the mask output is not supported).
struct Dropout: Operator {
    init(_ context: OperatorContext) throws {
        if context.node.outputs.count > 1 && !context.node.outputs[1].isEmpty {
            throw context.attributes.error("the mask output is not supported at inference")
        }
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        [try inputs.required(0)]
    }
}
