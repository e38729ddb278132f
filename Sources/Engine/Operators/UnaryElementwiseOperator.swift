/// An operator applying a scalar function to every element.
protocol UnaryElementwiseOperator: Operator {
    func apply(_ value: Float) -> Float
}

extension UnaryElementwiseOperator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        var tensor = try inputs.required(0)
        tensor.values.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                buffer[index] = apply(buffer[index])
            }
        }
        return [tensor]
    }
}
