/// ONNX Conv (1-D and 2-D, groups, pads, strides, dilations, auto_pad): im2col, then BLAS
/// matrix products (`Conv+Kernel`), or Winograd's F(2×2, 3×3) for 3×3 stride-1 kernels with
/// enough channels (`Conv+Winograd`).
struct Conv: Operator {
    let context: OperatorContext
    let groups: Int
    /// The weights transformed for Winograd, computed on the first batch that needs them.
    let winogradKernels = WinogradKernels()

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
        [try run(inputs, rectified: false)]
    }

    /// The convolution, followed by ReLU (`max(0, x)`, NaN to 0 as the Relu operator) when
    /// `rectified`: the session fuses a Conv with the Relu that alone reads it.
    func run(_ inputs: [Tensor?], rectified: Bool) throws -> Tensor {
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
        let shape = ConvShape(
            batch: batch, channels: channels, outputChannels: outputChannels, groups: groups,
            columnRows: channelsPerGroup * plane.kernelHeight * plane.kernelWidth, plane: plane)
        let count = batch * outputChannels * plane.outputPlane
        guard count > 0, input.count > 0 else {
            return Tensor(shape: [batch, outputChannels] + plane.outputSpatial, repeating: 0)
        }
        let winograd = WinogradConvolution.applies(to: shape)
            ? winogradKernels.kernels(for: weights.values, outputs: outputChannels, channels: channels) : nil
        // Every element is written by a matrix product, the copy after it or a tile's transform.
        let output = [Float](unsafeUninitializedCapacity: count) { outputValues, initialized in
            input.values.withUnsafeBufferPointer { inputValues in
                (winograd ?? weights.values).withUnsafeBufferPointer { weightValues in
                    (bias?.values ?? []).withUnsafeBufferPointer { biasValues in
                        let biasStart = bias == nil ? nil : biasValues.baseAddress!
                        if winograd != nil {
                            WinogradConvolution.convolve(
                                shape, input: inputValues.baseAddress!, kernels: weightValues.baseAddress!,
                                bias: biasStart, output: outputValues.baseAddress!, rectified: rectified)
                        } else {
                            Self.convolve(
                                shape, input: inputValues.baseAddress!, weights: weightValues.baseAddress!,
                                bias: biasStart, output: outputValues.baseAddress!, rectified: rectified)
                        }
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: [batch, outputChannels] + plane.outputSpatial, values: output)
    }
}
