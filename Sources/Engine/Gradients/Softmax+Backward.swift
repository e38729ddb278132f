import Foundation

/// Softmax: dx = y ⊙ (dy − Σ dy·y); LogSoftmax: dx = dy − softmax(x)·Σ dy, along the
/// normalised axis (or the flattened tail before opset 13).
extension Softmax: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let output = outputs[0], gradient = outputGradients[0]
        let resolved = axis < 0 ? axis + output.rank : axis
        let outer = output.shape.prefix(resolved).reduce(1, *)
        let length = legacy ? output.shape.dropFirst(resolved).reduce(1, *) : output.shape[resolved]
        let inner = legacy ? 1 : output.shape.dropFirst(resolved + 1).reduce(1, *)
        var inputGradient = Tensor(shape: output.shape)
        for block in 0..<outer {
            for offset in 0..<inner {
                let start = block * length * inner + offset
                var total: Float = 0
                for step in 0..<length {
                    let index = start + step * inner
                    total += logarithm ? gradient.values[index] : gradient.values[index] * output.values[index]
                }
                for step in 0..<length {
                    let index = start + step * inner
                    inputGradient.values[index] = logarithm
                        ? gradient.values[index] - exp(output.values[index]) * total
                        : output.values[index] * (gradient.values[index] - total)
                }
            }
        }
        return [inputGradient]
    }
}

extension LogSoftmax: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        try softmax.backward(inputs: inputs, outputs: outputs, outputGradients: outputGradients)
    }
}
