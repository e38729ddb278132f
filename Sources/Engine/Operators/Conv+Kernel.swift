/// The sizes of one Conv evaluation.
struct ConvShape {
    let batch: Int, channels: Int, outputChannels: Int, groups: Int
    /// Rows of a group's column matrix: channels per group × kernel height × kernel width.
    let columnRows: Int
    let plane: PlaneGeometry

    var channelsPerGroup: Int { channels / groups }
    var outputsPerGroup: Int { outputChannels / groups }

    /// A 1×1 kernel with stride 1 and no padding: a sample's input already is its column
    /// matrix.
    var isPointwise: Bool {
        plane.kernelHeight == 1 && plane.kernelWidth == 1 && plane.strideHeight == 1 && plane.strideWidth == 1
            && plane.padTop == 0 && plane.padLeft == 0 && plane.inputPlane == plane.outputPlane
    }

    /// Samples whose columns share one matrix product. A product over a tiny output plane
    /// (4×4 in a ResNet's last stage) is little more than repacking the weights, so the columns
    /// of several samples are laid side by side, up to about `Conv.targetColumns` columns and
    /// at most `Conv.maximumColumnValues` values. Larger planes run a sample at a time: measured
    /// on the small CNN and ResNet-18 of scripts/bench-cnn, gathering them gained nothing.
    var samplesPerProduct: Int {
        let plane = max(1, plane.outputPlane)
        let wanted = (Conv.targetColumns + plane - 1) / plane
        let fitting = Conv.maximumColumnValues / max(1, columnRows * plane)
        return max(1, min(batch, wanted, fitting))
    }
}

extension Conv {
    /// Columns per matrix product that several samples are gathered to reach.
    static let targetColumns = 256
    /// The largest column matrix gathered from several samples (16 MB of float32).
    static let maximumColumnValues = 1 << 22

    /// Writes the convolution of `input` [N, C, plane] with `weights` [M, C/group, kernel]
    /// (plus `bias` [M]) to `output` [N, M, output plane]: one matrix product per sample and
    /// group, or per group of `samplesPerProduct` samples whose products are then scattered to
    /// each sample's channels.
    /// With `rectified`, each sample's output is rectified (ReLU) as soon as it is computed.
    static func convolve(
        _ shape: ConvShape, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, rectified: Bool = false
    ) {
        let samples = shape.samplesPerProduct
        if samples == 1 {
            convolveEachSample(shape, input: input, weights: weights, bias: bias, output: output, rectified: rectified)
        } else {
            convolveGathered(shape, samples: samples, input: input, weights: weights, bias: bias, output: output, rectified: rectified)
        }
    }

    /// ReLU in place, as the Relu operator computes it.
    @inline(__always)
    static func rectify(_ values: UnsafeMutablePointer<Float>, count: Int) {
        for index in 0..<count {
            let value = values[index]
            values[index] = value > 0 ? value : 0
        }
    }

    /// One product per sample and group, written straight into the output; with a bias, the
    /// output starts as the bias and the product is added to it (no second pass).
    private static func convolveEachSample(
        _ shape: ConvShape, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, rectified: Bool
    ) {
        let plane = shape.plane, outputPlane = plane.outputPlane
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: shape.isPointwise ? 0 : shape.columnRows * outputPlane)
        defer { columns.deallocate() }
        for sample in 0..<shape.batch {
            if let bias {  // just before the sample's products, which read it back from the cache
                let sampleOutput = output + sample * shape.outputChannels * outputPlane
                for channel in 0..<shape.outputChannels {
                    (sampleOutput + channel * outputPlane).update(repeating: bias[channel], count: outputPlane)
                }
            }
            for group in 0..<shape.groups {
                let groupInput = input + (sample * shape.channels + group * shape.channelsPerGroup) * plane.inputPlane
                if !shape.isPointwise {
                    Im2Col.fill(columns, from: groupInput, channels: shape.channelsPerGroup, plane: plane)
                }
                MatrixMultiply.gemm(
                    m: shape.outputsPerGroup, n: outputPlane, k: shape.columnRows,
                    a: weights + group * shape.outputsPerGroup * shape.columnRows,
                    b: shape.isPointwise ? groupInput : UnsafePointer(columns),
                    beta: bias == nil ? 0 : 1,
                    c: output + (sample * shape.outputChannels + group * shape.outputsPerGroup) * outputPlane)
            }
            if rectified {
                rectify(output + sample * shape.outputChannels * outputPlane, count: shape.outputChannels * outputPlane)
            }
        }
    }

    /// Per group of `samples` samples and per conv group: their columns side by side, one
    /// product, then each sample's block of the product copied (with the bias) to its channels.
    private static func convolveGathered(
        _ shape: ConvShape, samples: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, rectified: Bool
    ) {
        let plane = shape.plane, outputPlane = plane.outputPlane, outputsPerGroup = shape.outputsPerGroup
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: shape.columnRows * samples * outputPlane)
        let products = UnsafeMutablePointer<Float>.allocate(capacity: outputsPerGroup * samples * outputPlane)
        defer { columns.deallocate(); products.deallocate() }
        for first in stride(from: 0, to: shape.batch, by: samples) {
            let count = min(samples, shape.batch - first), width = count * outputPlane
            for group in 0..<shape.groups {
                for offset in 0..<count {
                    Im2Col.fill(
                        columns + offset * outputPlane,
                        from: input + ((first + offset) * shape.channels + group * shape.channelsPerGroup) * plane.inputPlane,
                        channels: shape.channelsPerGroup, plane: plane, rowStride: width)
                }
                MatrixMultiply.gemm(
                    m: outputsPerGroup, n: width, k: shape.columnRows,
                    a: weights + group * outputsPerGroup * shape.columnRows, b: columns, c: products)
                for offset in 0..<count {
                    for channel in 0..<outputsPerGroup {
                        let outputChannel = group * outputsPerGroup + channel
                        let source = products + channel * width + offset * outputPlane
                        let target = output + ((first + offset) * shape.outputChannels + outputChannel) * outputPlane
                        if let bias {
                            let value = bias[outputChannel]
                            for index in 0..<outputPlane { target[index] = source[index] + value }
                        } else {
                            target.update(from: source, count: outputPlane)
                        }
                        if rectified { rectify(target, count: outputPlane) }
                    }
                }
            }
        }
    }
}
