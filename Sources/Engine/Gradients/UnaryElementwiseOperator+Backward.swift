/// Elementwise activations differentiate through `derivative(input:output:)`.
protocol DifferentiableUnaryOperator: UnaryElementwiseOperator, DifferentiableOperator {
    func derivative(input: Float, output: Float) -> Float
}

extension DifferentiableUnaryOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let input = try inputs.required(0)
        var gradient = outputGradients[0]
        for index in gradient.values.indices {
            gradient.values[index] *= derivative(input: input.values[index], output: outputs[0].values[index])
        }
        return [gradient]
    }
}

extension Relu: DifferentiableUnaryOperator {
    func derivative(input: Float, output: Float) -> Float { input > 0 ? 1 : 0 }
}

extension LeakyRelu: DifferentiableUnaryOperator {
    func derivative(input: Float, output: Float) -> Float { input >= 0 ? 1 : alpha }
}

extension Sigmoid: DifferentiableUnaryOperator {
    func derivative(input: Float, output: Float) -> Float { output * (1 - output) }
}

extension Tanh: DifferentiableUnaryOperator {
    func derivative(input: Float, output: Float) -> Float { 1 - output * output }
}

extension Abs: DifferentiableUnaryOperator {
    func derivative(input: Float, output: Float) -> Float { input > 0 ? 1 : (input < 0 ? -1 : 0) }
}
