import IPG

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
        let count = input.shape[0] * input.shape[1] * plane.outputPlane
        // Both ways write every output element.
        let output = [Float](unsafeUninitializedCapacity: count) { pooled, initialized in
            defer { initialized = count }
            if plane.windowsFitInside {
                Self.poolFullWindows(input, plane, into: pooled)
                return
            }
            PoolingLayout.forEachWindow(input, plane) { channelInput, outputIndex, rowOffsets, columns in
                var best = -Float.infinity
                for rowOffset in rowOffsets {
                    let row = channelInput + rowOffset
                    for x in columns { best = max(best, row[x]) }
                }
                pooled[outputIndex] = best
            }
        }
        return [Tensor(shape: Array(input.shape.prefix(2)) + plane.outputSpatial, values: output)]
    }

    /// The common case (no padding, dilation 1, every window inside the input): IPG's
    /// `MaxPooling`, the kernel a stream's derived max-pool blocks are recomputed with.
    private static func poolFullWindows(_ input: Tensor, _ plane: PlaneGeometry, into pooled: UnsafeMutableBufferPointer<Float>) {
        let window = MaxPooling.Window(
            kernelHeight: plane.kernelHeight, kernelWidth: plane.kernelWidth, strideHeight: plane.strideHeight, strideWidth: plane.strideWidth)
        input.values.withUnsafeBufferPointer { values in
            guard let source = values.baseAddress, let target = pooled.baseAddress else { return }  // an empty batch
            MaxPooling.pool(
                source, channels: input.shape[0] * input.shape[1], height: plane.inputHeight, width: plane.inputWidth,
                window: window, outputHeight: plane.outputHeight, outputWidth: plane.outputWidth, into: target)
        }
    }
}
