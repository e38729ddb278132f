/// Operators that only move or copy values pass gradients straight back (reshaped).
extension Flatten: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        [outputGradients[0].reshaped(try inputs.required(0).shape)]
    }
}

extension Reshape: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        [outputGradients[0].reshaped(try inputs.required(0).shape), nil]
    }
}

extension Identity: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        [outputGradients[0]]
    }
}

extension Dropout: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        [outputGradients[0]] + [Tensor?](repeating: nil, count: max(0, inputs.count - 1))
    }
}

extension Constant: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        []
    }
}
