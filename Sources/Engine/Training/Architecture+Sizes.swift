/// What each layer of an `Architecture` makes of the shape before it, and the bounds `train`
/// keeps to: a model's weights, and one input's values at any layer, must fit in memory.
extension Architecture {
    /// Most weights a model may have (400 MB as float32, before gradients and optimizer state).
    public static let maximumParameterCount = 100_000_000
    /// Most values one input may have, as the model's input or as any layer's output.
    public static let maximumValuesPerInput = 1 << 24

    /// A layer's per-input output shape and its number of weights (nil when beyond `Int.max`).
    struct LayerOutput {
        var shape: [Int]
        var parameterCount: Int?
    }

    /// Follows the shape through `layers` (`names` as written, for messages) and returns what is
    /// wrong, or nil: an input or layer output past `maximumValuesPerInput` values, more than
    /// `maximumParameterCount` weights in all, or a layer that cannot follow the shape before it.
    static func sizeProblem(inputShape: [Int], layers: [LayerSpec], names: [String]) -> String? {
        guard let inputSize = product(inputShape), inputSize <= maximumValuesPerInput else {
            return "the input shape \(inputShape) has more than \(maximumValuesPerInput) values"
        }
        var shape = inputShape
        var parameterCount = 0
        for (position, spec) in layers.enumerated() {
            let layer = "layer \(position + 1) ('\(names[position])')"
            let output: LayerOutput
            do {
                output = try spec.output(for: shape)
            } catch {
                return "\(layer): \(error.message)"
            }
            guard let weights = output.parameterCount, weights <= maximumParameterCount - parameterCount else {
                let total = output.parameterCount.map { "\(parameterCount + $0)" } ?? "more than \(Int.max)"
                return "\(layer) brings the model to \(total) weights; at most \(maximumParameterCount) are supported"
            }
            guard let values = product(output.shape), values <= maximumValuesPerInput else {
                return "\(layer) outputs \(output.shape) per input, more than \(maximumValuesPerInput) values"
            }
            parameterCount += weights
            shape = output.shape
        }
        return nil
    }

    /// The product of `factors`, or nil when it overflows.
    static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = next
        }
        return result
    }
}

extension Architecture.LayerSpec {
    /// The shape after this layer for an input of `shape` (per input), and its weight count.
    func output(for shape: [Int]) throws(EngineError) -> Architecture.LayerOutput {
        switch self {
        case .conv(let channels, let kernel):
            guard shape.count >= 2 else { throw EngineError("conv needs a channel map, but the layer before outputs \(shape)") }
            let spatial = [Int](repeating: kernel, count: shape.count - 1)
            let weights = Architecture.product([channels, shape[0]] + spatial).flatMap { sum($0, channels) }
            return .init(shape: [channels] + shape.dropFirst(), parameterCount: weights)
        case .maxPool(let size), .averagePool(let size):
            guard shape.count >= 2 else { throw EngineError("pooling needs a channel map, but the layer before outputs \(shape)") }
            let pooled = [shape[0]] + shape.dropFirst().map { $0 / size }
            guard pooled.allSatisfy({ $0 > 0 }) else { throw EngineError("pooling by \(size) leaves nothing of a \(shape) map") }
            return .init(shape: pooled, parameterCount: 0)
        case .batchNorm:
            return .init(shape: shape, parameterCount: 4 * shape[0])
        case .dense(let size, _):
            let weights = Architecture.product(shape + [size]).flatMap { sum($0, size) }
            return .init(shape: [size], parameterCount: weights)
        }
    }

    private func sum(_ first: Int, _ second: Int) -> Int? {
        let (total, overflow) = first.addingReportingOverflow(second)
        return overflow ? nil : total
    }
}
