/// Sum passes the gradient to every addend (summed back over broadcast axes).
extension Sum: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        try inputs.indices.map { outputGradients[0].reduced(toBroadcastShape: try inputs.required($0).shape) }
    }
}

/// Concat hands each input the slice of the gradient its values became.
extension Concat: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let parts = try inputs.indices.map { try inputs.required($0) }
        let gradient = outputGradients[0]
        let resolved = axis < 0 ? axis + gradient.rank : axis
        let outer = gradient.shape.prefix(resolved).reduce(1, *)
        let chunks = parts.map { $0.shape.suffix(from: resolved).reduce(1, *) }
        let row = chunks.reduce(0, +)
        var start = 0
        return zip(parts, chunks).map { part, chunk in
            var values: [Float] = []
            values.reserveCapacity(part.count)
            for block in 0..<outer {
                values += gradient.values[(block * row + start)..<(block * row + start + chunk)]
            }
            start += chunk
            return Tensor(shape: part.shape, values: values)
        }
    }
}

/// ReduceMean spreads each mean's gradient evenly over the elements it averaged.
extension ReduceMean: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let input = try inputs.required(0)
        let passedAxes: [Tensor?] = inputs.count > 1 ? [nil] : []
        if isIdentity { return [outputGradients[0]] + passedAxes }
        let reduced = try reducedAxes(rank: input.rank, shape: input.shape)
        let share = 1 / Float(input.count / max(outputCount(for: input.shape, reduced: reduced), 1))
        let gradient = outputGradients[0].values
        var spread = [Float](repeating: 0, count: input.count)
        forEachPosition(for: input.shape, reduced: reduced) { index, target in spread[index] = gradient[target] * share }
        return [Tensor(shape: input.shape, values: spread)] + passedAxes
    }
}
