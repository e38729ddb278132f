/// ONNX AveragePool (1-D and 2-D; pads, strides, ceil_mode, auto_pad, count_include_pad).
struct AveragePool: Operator {
    let window: SpatialWindow
    let countIncludePad: Bool

    init(_ context: OperatorContext) throws {
        guard let kernel = try context.attributes.ints("kernel_shape") else {
            throw context.attributes.error("kernel_shape is required")
        }
        window = try SpatialWindow(context, kernel: kernel, allowsCeilMode: true)
        guard window.dilations.allSatisfy({ $0 == 1 }) else {
            throw context.attributes.error("dilated AveragePool is not supported")
        }
        countIncludePad = try context.attributes.require("count_include_pad", in: [0, 1], default: 0) == 1
    }

    func run(_ inputs: [Tensor?]) throws -> [Tensor] {
        let input = try inputs.required(0)
        let plane = try PoolingLayout.plane(input, window)
        var output = [Float](repeating: 0, count: input.shape[0] * input.shape[1] * plane.outputPlane)
        let paddedHeight = plane.inputHeight + plane.padBottom
        let paddedWidth = plane.inputWidth + plane.padRight
        output.withUnsafeMutableBufferPointer { pooled in
        PoolingLayout.forEachWindow(input, plane) { channelInput, outputIndex, rowOffsets, columns in
            var sum: Float = 0
            for rowOffset in rowOffsets {
                for x in columns { sum += channelInput[rowOffset + x] }
            }
            var divisor = rowOffsets.count * columns.count
            if countIncludePad {
                let outputY = (outputIndex % plane.outputPlane) / plane.outputWidth
                let outputX = outputIndex % plane.outputWidth
                let top = outputY * plane.strideHeight - plane.padTop
                let left = outputX * plane.strideWidth - plane.padLeft
                let height = min(top + plane.kernelHeight, paddedHeight) - top
                let width = min(left + plane.kernelWidth, paddedWidth) - left
                divisor = height * width
            }
            pooled[outputIndex] = divisor > 0 ? sum / Float(divisor) : 0
        }
        }
        return [Tensor(shape: Array(input.shape.prefix(2)) + plane.outputSpatial, values: output)]
    }
}
