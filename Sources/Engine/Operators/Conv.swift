/// ONNX Conv (1-D and 2-D, groups, pads, strides, dilations, auto_pad): im2col, then BLAS
/// matrix products (`Conv+Kernel`), or Winograd's F(2×2, 3×3) for 3×3 stride-1 kernels with
/// enough channels (`Conv+Winograd`); a following Relu and MaxPool may be fused into it
/// (`Conv+Pooling`).
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
    /// `rectified`: the session fuses a Conv with the Relu that alone reads it. With `pool`,
    /// the rectified output is max-pooled as well, a few samples at a time, and only the pooled
    /// values are returned (`Conv+Pooling`).
    func run(_ inputs: [Tensor?], rectified: Bool, pooledBy pool: MaxPool? = nil) throws -> Tensor {
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
        let outputShape = [batch, outputChannels] + plane.outputSpatial
        guard count > 0, input.count > 0 else {
            let zeros = Tensor(shape: outputShape, repeating: 0)
            return try pool.map { try $0.run([zeros])[0] } ?? zeros
        }
        let winograd = WinogradConvolution.applies(to: shape)
            ? winogradKernels.kernels(for: weights.values, outputs: outputChannels, channels: channels) : nil
        if let pool, pool.window.kernel.count == plane.outputSpatial.count,
           let pooling = try? PlaneGeometry(window: pool.window, inputSpatial: plane.outputSpatial), pooling.windowsFitInside {
            return Self.convolvePooled(
                shape, pooling: pooling, input: input, weights: winograd ?? weights.values, bias: bias?.values,
                winograd: winograd != nil, rectified: rectified)
        }
        // Every element is written by a matrix product, the copy after it or a tile's transform.
        let output = [Float](unsafeUninitializedCapacity: count) { outputValues, initialized in
            Self.withOperands(input.values, winograd ?? weights.values, bias?.values) { inputStart, weightStart, biasStart in
                Self.convolve(
                    shape, input: inputStart, weights: weightStart, bias: biasStart, output: outputValues.baseAddress!,
                    winograd: winograd != nil, rectified: rectified)
            }
            initialized = count
        }
        let convolved = Tensor(shape: outputShape, values: output)
        return try pool.map { try $0.run([convolved])[0] } ?? convolved
    }

    /// Calls `body` with the start of the input, of the weights (or Winograd kernels) and of
    /// the bias, if any.
    static func withOperands<Result>(
        _ input: [Float], _ weights: [Float], _ bias: [Float]?,
        _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?) -> Result
    ) -> Result {
        input.withUnsafeBufferPointer { inputValues in
            weights.withUnsafeBufferPointer { weightValues in
                (bias ?? []).withUnsafeBufferPointer { biasValues in
                    body(inputValues.baseAddress!, weightValues.baseAddress!, bias == nil ? nil : biasValues.baseAddress!)
                }
            }
        }
    }

    /// The convolution of `shape.batch` samples by Winograd (`weights` are then the
    /// transformed kernels) or by im2col and matrix products.
    static func convolve(
        _ shape: ConvShape, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, winograd: Bool, rectified: Bool
    ) {
        if winograd {
            WinogradConvolution.convolve(shape, input: input, kernels: weights, bias: bias, output: output, rectified: rectified)
        } else {
            convolve(shape, input: input, weights: weights, bias: bias, output: output, rectified: rectified)
        }
    }
}
