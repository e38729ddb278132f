/// ONNX MaxPool (1-D and 2-D; pads, strides, dilations, ceil_mode, auto_pad). Padding never wins.
struct MaxPool: Operator {
    let window: SpatialWindow

    init(_ context: OperatorContext) throws {
        guard let kernel = try context.attributes.ints("kernel_shape") else {
            throw context.attributes.error("kernel_shape is required")
        }
        if context.node.outputs.count > 1 && !context.node.outputs[1].isEmpty {
            throw context.attributes.error("the Indices output is not supported")
        }
        window = try SpatialWindow(context, kernel: kernel, allowsCeilMode: true)
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        let plane = try PoolingLayout.plane(input, window)
        var output = [Float](repeating: 0, count: input.shape[0] * input.shape[1] * plane.outputPlane)
        PoolingLayout.forEachWindow(input, plane) { channelInput, outputIndex, rows, columns in
            var best = -Float.infinity
            for y in rows { for x in columns { best = max(best, channelInput[y * plane.inputWidth + x]) } }
            output[outputIndex] = best
        }
        return [Tensor(shape: Array(input.shape.prefix(2)) + plane.outputSpatial, values: output)]
    }
}
