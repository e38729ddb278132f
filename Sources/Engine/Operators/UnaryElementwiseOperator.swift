/// An operator applying a scalar function to every element.
protocol UnaryElementwiseOperator: Operator {
    func apply(_ value: Float) -> Float
}

extension UnaryElementwiseOperator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        var inputs = inputs
        return try run(consuming: &inputs)
    }

    func run(consuming inputs: inout [Tensor?]) throws -> [Tensor] {
        var tensor = try inputs.take(0)
        tensor.values.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                buffer[index] = apply(buffer[index])
            }
        }
        return [tensor]
    }
}
