/// Where passes the gradient to X where the condition held and to Y elsewhere (summed over
/// broadcast axes); the condition, a comparison's piecewise-constant output, gets none.
extension Where: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let condition = try inputs.required(0), chosen = try inputs.required(1), other = try inputs.required(2)
        let gradient = outputGradients[0]
        let conditions = Broadcasting.expand(condition, to: gradient.shape).values
        var chosenGradient = Tensor(shape: gradient.shape), otherGradient = Tensor(shape: gradient.shape)
        for index in gradient.values.indices {
            if conditions[index] != 0 {
                chosenGradient.values[index] = gradient.values[index]
            } else {
                otherGradient.values[index] = gradient.values[index]
            }
        }
        return [nil, chosenGradient.reduced(toBroadcastShape: chosen.shape), otherGradient.reduced(toBroadcastShape: other.shape)]
    }
}

/// A comparison is piecewise constant: no gradient flows back through it (zero almost
/// everywhere), so a gradient that reaches it stops there instead of failing the pass.
extension Less: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        [nil, nil]
    }
}
