import IPG

extension Conv {
    /// Output values (float32) of the samples convolved before they are pooled: about 256 KB,
    /// so the convolution's output is still in the level-2 cache when the pool reads it.
    static let pooledSliceValues = 1 << 16

    /// The convolution, rectified when asked, then max-pooled over windows that all lie inside
    /// the output (`pooling`): a slice of samples at a time is convolved into a scratch buffer
    /// by the same kernels as an unfused Conv, and pooled from there by the MaxPool operator's
    /// kernel, which applies the ReLU as it reads when rectified.
    /// The values are those of Conv → Relu → MaxPool bit for bit, without the full convolution
    /// output ever being written to (or read back from) memory.
    static func convolvePooled(
        _ shape: ConvShape, pooling: PlaneGeometry, input: Tensor, weights: [Float], bias: [Float]?,
        winograd: Bool, rectified: Bool
    ) -> Tensor {
        let plane = shape.plane, outputs = shape.outputChannels
        let sampleOutput = outputs * plane.outputPlane, samplePooled = outputs * pooling.outputPlane
        let slice = max(1, min(shape.batch, pooledSliceValues / max(1, sampleOutput)))
        let window = MaxPooling.Window(
            kernelHeight: pooling.kernelHeight, kernelWidth: pooling.kernelWidth,
            strideHeight: pooling.strideHeight, strideWidth: pooling.strideWidth)
        let count = shape.batch * samplePooled
        // Every element is written by the pool of its slice.
        let pooled = [Float](unsafeUninitializedCapacity: count) { pooledValues, initialized in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: slice * sampleOutput)
            defer { scratch.deallocate() }
            withOperands(input.values, weights, bias) { inputStart, weightStart, biasStart in
                for first in stride(from: 0, to: shape.batch, by: slice) {
                    let samples = min(slice, shape.batch - first)
                    let sliceShape = ConvShape(
                        batch: samples, channels: shape.channels, outputChannels: outputs, groups: shape.groups,
                        columnRows: shape.columnRows, plane: plane)
                    convolve(
                        sliceShape, input: inputStart + first * shape.channels * plane.inputPlane, weights: weightStart,
                        bias: biasStart, output: scratch, winograd: winograd, rectified: false)
                    MaxPooling.pool(
                        scratch, channels: samples * outputs, height: pooling.inputHeight, width: pooling.inputWidth,
                        window: window, outputHeight: pooling.outputHeight, outputWidth: pooling.outputWidth,
                        into: pooledValues.baseAddress! + first * samplePooled, rectifying: rectified)
                }
            }
            initialized = count
        }
        return Tensor(shape: [shape.batch, outputs] + pooling.outputSpatial, values: pooled)
    }
}
