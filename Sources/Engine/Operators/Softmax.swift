import Foundation

/// ONNX Softmax. From opset 13 it normalises along `axis` (default −1); before, the input is
/// viewed as 2-D at `axis` (default 1) and each row is normalised.
struct Softmax: Operator {
    let axis: Int
    let legacy: Bool
    var logarithm = false

    init(_ context: OperatorContext) throws {
        legacy = context.opset < 13
        axis = try context.attributes.int("axis", default: legacy ? 1 : -1)
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        var tensor = try inputs.required(0)
        let resolved = axis < 0 ? axis + tensor.rank : axis
        guard resolved >= 0 && resolved < max(tensor.rank, 1) else {
            throw EngineError("axis \(axis) is out of range for \(tensor.shape)")
        }
        let outer = tensor.shape.prefix(resolved).reduce(1, *)
        let length = legacy ? tensor.shape.dropFirst(resolved).reduce(1, *) : tensor.shape[resolved]
        let inner = legacy ? 1 : tensor.shape.dropFirst(resolved + 1).reduce(1, *)
        tensor.values.withUnsafeMutableBufferPointer { values in
            for block in 0..<outer {
                for offset in 0..<inner {
                    let start = block * length * inner + offset
                    var peak = -Float.infinity
                    for step in 0..<length { peak = max(peak, values[start + step * inner]) }
                    var total: Float = 0
                    for step in 0..<length { total += exp(values[start + step * inner] - peak) }
                    let logTotal = log(total)
                    for step in 0..<length {
                        let shifted = values[start + step * inner] - peak
                        values[start + step * inner] = logarithm ? shifted - logTotal : exp(shifted) / total
                    }
                }
            }
        }
        return [tensor]
    }
}
