/// For each input channel and kernel offset, the sum over all output positions of the input
/// element that offset sees (0 in the padding). A convolution edge weight is then
/// Σ_offset W[k, c, offset] · sum(c, offset).
struct ConvolutionWindowSums {
    private let kernelSize: Int
    private var sums: [Int: [Float]] = [:]

    init(geometry: ConvolutionGeometry, input: [Float], channels: [Int]) {
        let twoD = geometry.kernelShape.count == 2
        let inputHeight = twoD ? geometry.inputSpatial[0] : 1
        let inputWidth = geometry.inputSpatial[twoD ? 1 : 0]
        let outputHeight = twoD ? geometry.outputSpatial[0] : 1
        let outputWidth = geometry.outputSpatial[twoD ? 1 : 0]
        let kernelHeight = twoD ? geometry.kernelShape[0] : 1
        let kernelWidth = geometry.kernelShape[twoD ? 1 : 0]
        let strideHeight = twoD ? geometry.strides[0] : 1
        let strideWidth = geometry.strides[twoD ? 1 : 0]
        let dilationHeight = twoD ? geometry.dilations[0] : 1
        let dilationWidth = geometry.dilations[twoD ? 1 : 0]
        let padTop = twoD ? geometry.padsBegin[0] : 0
        let padLeft = geometry.padsBegin[twoD ? 1 : 0]
        let plane = inputHeight * inputWidth
        kernelSize = kernelHeight * kernelWidth
        for channel in channels {
            var channelSums = [Float](repeating: 0, count: kernelSize)
            for kernelY in 0..<kernelHeight {
                for kernelX in 0..<kernelWidth {
                    var total: Float = 0
                    for outputY in 0..<outputHeight {
                        let inputY = outputY * strideHeight + kernelY * dilationHeight - padTop
                        guard inputY >= 0 && inputY < inputHeight else { continue }
                        let rowStart = channel * plane + inputY * inputWidth
                        for outputX in 0..<outputWidth {
                            let inputX = outputX * strideWidth + kernelX * dilationWidth - padLeft
                            if inputX >= 0 && inputX < inputWidth { total += input[rowStart + inputX] }
                        }
                    }
                    channelSums[kernelY * kernelWidth + kernelX] = total
                }
            }
            sums[channel] = channelSums
        }
    }

    /// The window sum of `channel` at flattened kernel `offset`.
    func sum(channel: Int, offset: Int) -> Float {
        sums[channel]![offset]
    }
}
