/// Arithmetic differentiates per element, then sums over broadcast axes.
protocol DifferentiableBinaryOperator: BinaryElementwiseOperator, DifferentiableOperator {
    /// ∂out/∂left and ∂out/∂right at one element.
    func partials(_ left: Float, _ right: Float) -> (Float, Float)
}

extension DifferentiableBinaryOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let left = try inputs.required(0), right = try inputs.required(1)
        let gradient = outputGradients[0]
        let shape = gradient.shape
        let leftStrides = Broadcasting.strides(of: left.shape, in: shape)
        let rightStrides = Broadcasting.strides(of: right.shape, in: shape)
        var leftGradient = Tensor(shape: shape), rightGradient = Tensor(shape: shape)
        Broadcasting.forEachIndex(shape: shape, leftStrides, rightStrides) { index, leftIndex, rightIndex in
            let (dLeft, dRight) = partials(left.values[leftIndex], right.values[rightIndex])
            leftGradient.values[index] = gradient.values[index] * dLeft
            rightGradient.values[index] = gradient.values[index] * dRight
        }
        return [leftGradient.reduced(toBroadcastShape: left.shape), rightGradient.reduced(toBroadcastShape: right.shape)]
    }
}

extension Add: DifferentiableBinaryOperator {
    func partials(_ left: Float, _ right: Float) -> (Float, Float) { (1, 1) }
}

extension Sub: DifferentiableBinaryOperator {
    func partials(_ left: Float, _ right: Float) -> (Float, Float) { (1, -1) }
}

extension Mul: DifferentiableBinaryOperator {
    func partials(_ left: Float, _ right: Float) -> (Float, Float) { (right, left) }
}

extension Div: DifferentiableBinaryOperator {
    func partials(_ left: Float, _ right: Float) -> (Float, Float) { (1 / right, -left / (right * right)) }
}
