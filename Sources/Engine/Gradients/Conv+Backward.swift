/// Convolution gradients through im2col: dW += dY·colsᵀ and dcols = Wᵀ·dY folded back onto
/// the input (col2im); dBias = Σ dY per channel.
extension Conv: DifferentiableOperator {
    func backward(inputs: [Tensor?], outputs: [Tensor], outputGradients: [Tensor]) throws -> [Tensor?] {
        let input = try inputs.required(0), weights = try inputs.required(1)
        let gradient = outputGradients[0]
        let batch = input.shape[0], channels = input.shape[1]
        let outputChannels = weights.shape[0], channelsPerGroup = weights.shape[1]
        let plane = try PlaneGeometry(window: window(weightShape: weights.shape), inputSpatial: Array(input.shape.dropFirst(2)))
        let outputsPerGroup = outputChannels / groups
        let columnRows = channelsPerGroup * plane.kernelHeight * plane.kernelWidth
        var columns = [Float](repeating: 0, count: columnRows * plane.outputPlane)
        var columnGradient = columns
        var inputGradient = Tensor(shape: input.shape)
        var weightGradient = Tensor(shape: weights.shape)
        for sample in 0..<batch {
            for group in 0..<groups {
                let firstChannel = sample * channels + group * channelsPerGroup
                let outputOffset = (sample * outputChannels + group * outputsPerGroup) * plane.outputPlane
                let weightOffset = group * outputsPerGroup * columnRows
                input.values.withUnsafeBufferPointer { inputValues in
                    Im2Col.fill(&columns, from: inputValues.baseAddress! + firstChannel * plane.inputPlane, channels: channelsPerGroup, plane: plane)
                }
                gradient.values.withUnsafeBufferPointer { dY in
                    weightGradient.values.withUnsafeMutableBufferPointer { dW in
                        MatrixMultiply.gemm(
                            m: outputsPerGroup, n: columnRows, k: plane.outputPlane,
                            a: dY.baseAddress! + outputOffset, b: columns, transposeB: true,
                            beta: 1, c: dW.baseAddress! + weightOffset)
                    }
                    weights.values.withUnsafeBufferPointer { w in
                        MatrixMultiply.gemm(
                            m: columnRows, n: plane.outputPlane, k: outputsPerGroup,
                            a: w.baseAddress! + weightOffset, transposeA: true,
                            b: dY.baseAddress! + outputOffset, c: &columnGradient)
                    }
                }
                inputGradient.values.withUnsafeMutableBufferPointer { dX in
                    Im2Col.accumulate(columnGradient, into: dX.baseAddress! + firstChannel * plane.inputPlane, channels: channelsPerGroup, plane: plane)
                }
            }
        }
        var biasGradient: Tensor?
        if inputs.count > 2, inputs[2] != nil {
            var sums = Tensor(shape: [outputChannels])
            for block in 0..<(batch * outputChannels) {
                let channel = block % outputChannels
                for index in (block * plane.outputPlane)..<((block + 1) * plane.outputPlane) { sums.values[channel] += gradient.values[index] }
            }
            biasGradient = sums
        }
        return [inputGradient, weightGradient, biasGradient]
    }
}

extension Im2Col {
    /// The adjoint of `fill`: adds each column entry back onto the input element it came from.
    static func accumulate(_ columns: [Float], into input: UnsafeMutablePointer<Float>, channels: Int, plane: PlaneGeometry) {
        var row = 0
        for channel in 0..<channels {
            let channelInput = input + channel * plane.inputPlane
            for kernelY in 0..<plane.kernelHeight {
                for kernelX in 0..<plane.kernelWidth {
                    let rowStart = row * plane.outputPlane
                    for outputY in 0..<plane.outputHeight {
                        let inputY = outputY * plane.strideHeight + kernelY * plane.dilationHeight - plane.padTop
                        guard inputY >= 0 && inputY < plane.inputHeight else { continue }
                        for outputX in 0..<plane.outputWidth {
                            let inputX = outputX * plane.strideWidth + kernelX * plane.dilationWidth - plane.padLeft
                            if inputX >= 0 && inputX < plane.inputWidth {
                                channelInput[inputY * plane.inputWidth + inputX] += columns[rowStart + outputY * plane.outputWidth + outputX]
                            }
                        }
                    }
                    row += 1
                }
            }
        }
    }
}
