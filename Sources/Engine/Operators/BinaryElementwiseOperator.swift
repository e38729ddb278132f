/// An operator combining two tensors element by element with ONNX (numpy) broadcasting.
protocol BinaryElementwiseOperator: Operator {
    func combine(_ left: Float, _ right: Float) -> Float
}

extension BinaryElementwiseOperator {
    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        var inputs = inputs
        return try run(consuming: &inputs)
    }

    func run(consuming inputs: inout [Tensor?]) throws -> [Tensor] {
        let right = try inputs.required(1)
        var left = try inputs.take(0)
        if left.shape == right.shape {
            left.values.withUnsafeMutableBufferPointer { output in
                right.values.withUnsafeBufferPointer { other in
                    for index in output.indices { output[index] = combine(output[index], other[index]) }
                }
            }
            return [left]
        }
        let shape = try Broadcasting.shape(left.shape, right.shape)
        let leftStrides = Broadcasting.strides(of: left.shape, in: shape)
        let rightStrides = Broadcasting.strides(of: right.shape, in: shape)
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        left.values.withUnsafeBufferPointer { leftValues in
            right.values.withUnsafeBufferPointer { rightValues in
                values.withUnsafeMutableBufferPointer { output in
                    Broadcasting.forEachIndex(shape: shape, leftStrides, rightStrides) { outputIndex, leftIndex, rightIndex in
                        output[outputIndex] = combine(leftValues[leftIndex], rightValues[rightIndex])
                    }
                }
            }
        }
        return [Tensor(shape: shape, values: values)]
    }
}
