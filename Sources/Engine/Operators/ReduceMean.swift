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

    /// How many means a reduction of `shape` over `reduced` makes.
    func outputCount(for shape: [Int], reduced: Set<Int>) -> Int {
        shape.enumerated().reduce(1) { count, axis in reduced.contains(axis.offset) ? count : count * axis.element }
    }

    /// Calls `body(inputIndex, outputIndex)` for every input element, in order, with the
    /// position of the mean it is part of (walked axis by axis, no per-element table).
    func forEachPosition(for shape: [Int], reduced: Set<Int>, _ body: (Int, Int) -> Void) {
        let keptShape = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        let outputStrides = zip(keptShape, Tensor.strides(of: keptShape)).map { size, stride in size == 1 ? 0 : stride }
        Broadcasting.forEachIndex(shape: shape, outputStrides, outputStrides) { inputIndex, outputIndex, _ in
            body(inputIndex, outputIndex)
        }
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        if isIdentity { return [input] }
        let reduced = try reducedAxes(rank: input.rank, shape: input.shape)
        let outputCount = outputCount(for: input.shape, reduced: reduced)
        var sums = [Double](repeating: 0, count: outputCount)
        input.values.withUnsafeBufferPointer { values in
            forEachPosition(for: input.shape, reduced: reduced) { index, target in sums[target] += Double(values[index]) }
        }
        let divisor = Double(input.count / max(outputCount, 1))
        let shape = input.shape.enumerated().compactMap { axis, size in
            reduced.contains(axis) ? (keepDimensions ? 1 : nil) : size
        }
        return [Tensor(shape: shape, values: sums.map { Float($0 / divisor) })]
    }
}
