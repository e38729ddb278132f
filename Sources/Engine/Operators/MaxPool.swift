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

    /// The common case (no padding, dilation 1, every window inside the input), in two
    /// vectorisable passes per output row: the maximum down the window's rows, then across
    /// each window's columns.
    private static func poolFullWindows(_ input: Tensor, _ plane: PlaneGeometry, into pooled: UnsafeMutableBufferPointer<Float>) {
        let channels = input.shape[0] * input.shape[1]
        let width = plane.inputWidth
        let isTwoByTwo = plane.kernelHeight == 2 && plane.kernelWidth == 2 && plane.strideHeight == 2 && plane.strideWidth == 2
        let columnMaxima = UnsafeMutablePointer<Float>.allocate(capacity: width)
        defer { columnMaxima.deallocate() }
        input.values.withUnsafeBufferPointer { values in
            var outputIndex = 0
            for channel in 0..<channels {
                let channelInput = values.baseAddress! + channel * plane.inputPlane
                for outputY in 0..<plane.outputHeight {
                    let top = channelInput + outputY * plane.strideHeight * width
                    if isTwoByTwo {
                        Self.poolTwoByTwo(
                            top, top + width, count: plane.outputWidth, columnMaxima: columnMaxima, into: pooled.baseAddress! + outputIndex)
                        outputIndex += plane.outputWidth
                        continue
                    }
                    columnMaxima.update(from: top, count: width)
                    for kernelY in 1..<max(plane.kernelHeight, 1) {
                        let row = top + kernelY * width
                        for x in 0..<width {
                            let value = row[x], current = columnMaxima[x]
                            columnMaxima[x] = value > current ? value : current
                        }
                    }
                    for outputX in 0..<plane.outputWidth {
                        let window = columnMaxima + outputX * plane.strideWidth
                        var best = window[0]
                        for kernelX in 1..<max(plane.kernelWidth, 1) {
                            let value = window[kernelX]
                            best = value > best ? value : best
                        }
                        pooled[outputIndex] = best
                        outputIndex += 1
                    }
                }
            }
        }
    }

    /// 2×2 windows with stride 2 (the usual CNN pooling), comparing in the same order as the
    /// general case: the maximum of the two rows column by column (one vectorised pass into
    /// `columnMaxima`), then of each pair of columns.
    private static func poolTwoByTwo(
        _ top: UnsafePointer<Float>, _ bottom: UnsafePointer<Float>, count: Int, columnMaxima: UnsafeMutablePointer<Float>,
        into pooled: UnsafeMutablePointer<Float>
    ) {
        for x in 0..<(2 &* count) {
            let upper = top[x], lower = bottom[x]
            columnMaxima[x] = lower > upper ? lower : upper
        }
        for outputX in 0..<count {
            let left = columnMaxima[2 &* outputX], right = columnMaxima[2 &* outputX &+ 1]
            pooled[outputX] = right > left ? right : left
        }
    }
}
