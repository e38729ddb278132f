/// ONNX Conv (1-D and 2-D, groups, pads, strides, dilations, auto_pad): im2col per sample
/// and group, then one BLAS matrix product.
struct Conv: Operator {
    let context: OperatorContext
    let groups: Int

    init(_ context: OperatorContext) throws {
        self.context = context
        groups = try context.attributes.int("group", default: 1)
        guard groups >= 1 else { throw context.attributes.error("group must be ≥ 1") }
    }

    /// The window for weights of shape [M, C/group, k...].
    func window(weightShape: [Int]) throws -> SpatialWindow {
        let kernel = Array(weightShape.dropFirst(2))
        if let declared = try context.attributes.ints("kernel_shape"), declared != kernel {
            throw context.attributes.error("kernel_shape \(declared) differs from the weights' \(kernel)")
        }
        return try SpatialWindow(context, kernel: kernel, allowsCeilMode: false)
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        let weights = try inputs.required(1)
        let bias = inputs.count > 2 ? inputs[2] : nil
        guard input.rank == 3 || input.rank == 4, weights.rank == input.rank else {
            throw EngineError("Conv needs [N, C, L] or [N, C, H, W] input and matching weights, got \(input.shape) and \(weights.shape)")
        }
        let batch = input.shape[0], channels = input.shape[1]
        let outputChannels = weights.shape[0], channelsPerGroup = weights.shape[1]
        guard channels == channelsPerGroup * groups, outputChannels % groups == 0 else {
            throw EngineError("Conv weights \(weights.shape) with group \(groups) do not fit \(channels) input channels")
        }
        if let bias, bias.count != outputChannels {
            throw EngineError("Conv bias has \(bias.count) values for \(outputChannels) output channels")
        }
        let plane = try PlaneGeometry(window: window(weightShape: weights.shape), inputSpatial: Array(input.shape.dropFirst(2)))
        let outputsPerGroup = outputChannels / groups
        let columnRows = channelsPerGroup * plane.kernelHeight * plane.kernelWidth
        var columns = [Float](repeating: 0, count: columnRows * plane.outputPlane)
        var output = [Float](repeating: 0, count: batch * outputChannels * plane.outputPlane)
        input.values.withUnsafeBufferPointer { inputValues in
            weights.values.withUnsafeBufferPointer { weightValues in
                output.withUnsafeMutableBufferPointer { outputValues in
                    columns.withUnsafeMutableBufferPointer { columnValues in
                        for sample in 0..<batch {
                            for group in 0..<groups {
                                let firstChannel = sample * channels + group * channelsPerGroup
                                Im2Col.fill(
                                    columnValues.baseAddress!,
                                    from: inputValues.baseAddress! + firstChannel * plane.inputPlane,
                                    channels: channelsPerGroup, plane: plane)
                                MatrixMultiply.gemm(
                                    m: outputsPerGroup, n: plane.outputPlane, k: columnRows,
                                    a: weightValues.baseAddress! + group * outputsPerGroup * columnRows,
                                    b: columnValues.baseAddress!,
                                    c: outputValues.baseAddress! + (sample * outputChannels + group * outputsPerGroup) * plane.outputPlane)
                            }
                        }
                        if let bias {
                            for sample in 0..<batch {
                                for channel in 0..<outputChannels {
                                    let start = (sample * outputChannels + channel) * plane.outputPlane
                                    for index in start..<(start + plane.outputPlane) { outputValues[index] += bias.values[channel] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [Tensor(shape: [batch, outputChannels] + plane.outputSpatial, values: output)]
    }
}
