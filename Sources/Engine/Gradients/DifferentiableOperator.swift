/// An operator that can pass gradients back: given the inputs and outputs of a forward run
/// and the loss gradient for each output, the loss gradient for each input (nil where an
/// input is absent, a shape constant, or not differentiable).
protocol DifferentiableOperator: Operator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?]
}

extension Tensor {
    /// Sums a broadcast gradient back to `shape` (the inverse of broadcasting to self.shape).
    func reduced(toBroadcastShape shape: [Int]) -> Tensor {
        guard self.shape != shape else { return self }
        var result = Tensor(shape: shape)
        let strides = Broadcasting.strides(of: shape, in: self.shape)
        let zeros = [Int](repeating: 0, count: self.shape.count)
        values.withUnsafeBufferPointer { gradient in
            result.values.withUnsafeMutableBufferPointer { target in
                Broadcasting.forEachIndex(shape: self.shape, zeros, strides) { index, _, targetIndex in
                    target[targetIndex] += gradient[index]
                }
            }
        }
        return result
    }
}
