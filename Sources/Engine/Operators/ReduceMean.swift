/// ONNX ReduceMean: the mean over `axes` (every axis when none are given, unless
/// `noop_with_empty_axes`), keeping them as size 1 when `keepdims` (the default). Axes come
/// from the attribute (opset < 18) or a constant second input (opset 18).
struct ReduceMean: Operator {
    let axes: [Int]?
    let keepDimensions: Bool
    let emptyAxesIsIdentity: Bool

    init(_ context: OperatorContext) throws {
        if context.opset >= 18 {
            axes = context.node.input(1) == nil ? nil : try context.integerInput(1).map { Int($0) }
        } else {
            axes = try context.attributes.ints("axes")
        }
        keepDimensions = try context.attributes.int("keepdims", default: 1) == 1
        emptyAxesIsIdentity = try context.attributes.int("noop_with_empty_axes", default: 0) == 1
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        if (axes ?? []).isEmpty && emptyAxesIsIdentity { return [input] }
        let reduced = try Set((axes ?? Array(0..<input.rank)).map { axis -> Int in
            let resolved = axis < 0 ? axis + input.rank : axis
            guard resolved >= 0 && resolved < input.rank else {
                throw EngineError("ReduceMean axis \(axis) is out of range for \(input.shape)")
            }
            return resolved
        })
        let keptShape = input.shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let outputStrides = Tensor.strides(of: keptShape)
        let inputStrides = Tensor.strides(of: input.shape)
        var sums = [Double](repeating: 0, count: keptShape.reduce(1, *))
        for index in 0..<input.count {
            var target = 0
            for axis in 0..<input.rank where !reduced.contains(axis) {
                target += (index / inputStrides[axis] % input.shape[axis]) * outputStrides[axis]
            }
            sums[target] += Double(input.values[index])
        }
        let divisor = Double(input.count / max(sums.count, 1))
        let shape = keepDimensions ? keptShape : input.shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        return [Tensor(shape: shape, values: sums.map { Float($0 / divisor) })]
    }
}
