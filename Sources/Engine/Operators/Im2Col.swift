/// Unfolds the windows of a convolution into a matrix: row (c, kh, kw), column (oh, ow)
/// holds the input element that kernel offset (kh, kw) of channel c sees at output (oh, ow),
/// or 0 in the padding.
enum Im2Col {
    static func fill(_ columns: UnsafeMutablePointer<Float>, from input: UnsafePointer<Float>, channels: Int, plane: PlaneGeometry) {
        var row = 0
        for channel in 0..<channels {
            let channelInput = input + channel * plane.inputPlane
            for kernelY in 0..<plane.kernelHeight {
                for kernelX in 0..<plane.kernelWidth {
                    let rowStart = columns + row * plane.outputPlane
                    for outputY in 0..<plane.outputHeight {
                        let inputY = outputY * plane.strideHeight + kernelY * plane.dilationHeight - plane.padTop
                        let rowOffset = outputY * plane.outputWidth
                        guard inputY >= 0 && inputY < plane.inputHeight else {
                            (rowStart + rowOffset).update(repeating: 0, count: plane.outputWidth)
                            continue
                        }
                        let inputRow = channelInput + inputY * plane.inputWidth
                        for outputX in 0..<plane.outputWidth {
                            let inputX = outputX * plane.strideWidth + kernelX * plane.dilationWidth - plane.padLeft
                            rowStart[rowOffset + outputX] = inputX >= 0 && inputX < plane.inputWidth ? inputRow[inputX] : 0
                        }
                    }
                    row += 1
                }
            }
        }
    }
}
