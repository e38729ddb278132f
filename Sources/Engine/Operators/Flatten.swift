/// ONNX Flatten: [d0 … d(axis−1)] × [d(axis) …] as a 2-D tensor (axis defaults to 1).
struct Flatten: Operator {
    let axis: Int

    init(_ context: OperatorContext) throws {
        axis = try context.attributes.int("axis", default: 1)
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        let resolved = axis < 0 ? axis + input.rank : axis
        guard resolved >= 0 && resolved <= input.rank else {
            throw EngineError("Flatten axis \(axis) is out of range for \(input.shape)")
        }
        let outer = input.shape.prefix(resolved).reduce(1, *)
        return [input.reshaped([outer, input.count / max(outer, 1)])]
    }
}
