/// ONNX LeakyRelu: x for x ≥ 0, alpha·x otherwise (alpha defaults to 0.01).
struct LeakyRelu: UnaryElementwiseOperator {
    let alpha: Float

    init(_ context: OperatorContext) throws {
        alpha = try context.attributes.float("alpha", default: 0.01)
    }

    func apply(_ value: Float) -> Float { value >= 0 ? value : alpha * value }
}
