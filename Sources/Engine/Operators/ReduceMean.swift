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

    /// Whether the operator passes its input through (no axes, `noop_with_empty_axes`).
    var isIdentity: Bool { (axes ?? []).isEmpty && emptyAxesIsIdentity }

    /// The axes reduced for an input of `rank`, resolved (negative counts from the end).
    func reducedAxes(rank: Int, shape: [Int]) throws -> Set<Int> {
        try Set((axes.flatMap { $0.isEmpty ? nil : $0 } ?? Array(0..<rank)).map { axis -> Int in
            let resolved = axis < 0 ? axis + rank : axis
            guard resolved >= 0 && resolved < rank else {
                throw EngineError("ReduceMean axis \(axis) is out of range for \(shape)")
            }
            return resolved
        })
    }

    /// For each input element, the position of the mean it is part of.
    func outputPositions(for shape: [Int], reduced: Set<Int>) -> (positions: [Int], outputCount: Int) {
        let keptShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let outputStrides = Tensor.strides(of: keptShape)
        let inputStrides = Tensor.strides(of: shape)
        let positions = (0..<shape.reduce(1, *)).map { index in
            (0..<shape.count).reduce(0) { target, axis in
                reduced.contains(axis) ? target : target + (index / inputStrides[axis] % shape[axis]) * outputStrides[axis]
            }
        }
        return (positions, keptShape.reduce(1, *))
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        if isIdentity { return [input] }
        let reduced = try reducedAxes(rank: input.rank, shape: input.shape)
        let (positions, outputCount) = outputPositions(for: input.shape, reduced: reduced)
        var sums = [Double](repeating: 0, count: outputCount)
        for (index, target) in positions.enumerated() { sums[target] += Double(input.values[index]) }
        let divisor = Double(input.count / max(outputCount, 1))
        let shape = input.shape.enumerated().compactMap { axis, size in
            reduced.contains(axis) ? (keepDimensions ? 1 : nil) : size
        }
        return [Tensor(shape: shape, values: sums.map { Float($0 / divisor) })]
    }
}
