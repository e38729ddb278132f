/// Window iteration shared by MaxPool and AveragePool.
enum PoolingLayout {
    static func plane(_ input: Tensor, _ window: SpatialWindow) throws -> PlaneGeometry {
        guard input.rank == window.kernel.count + 2 else {
            throw EngineError("a \(window.kernel.count)-D pool needs input of rank \(window.kernel.count + 2), got \(input.shape)")
        }
        return try PlaneGeometry(window: window, inputSpatial: Array(input.shape.dropFirst(2)))
    }

    /// Calls `body(channelInput, outputIndex, rows, columns)` for every output element, where
    /// rows/columns are the input positions inside the window (padding excluded).
    static func forEachWindow(
        _ input: Tensor, _ plane: PlaneGeometry,
        _ body: (UnsafePointer<Float>, Int, StrideThrough<Int>, StrideThrough<Int>) -> Void
    ) {
        let channels = input.shape[0] * input.shape[1]
        input.values.withUnsafeBufferPointer { values in
            for channel in 0..<channels {
                let channelInput = values.baseAddress! + channel * plane.inputPlane
                for outputY in 0..<plane.outputHeight {
                    let rows = validPositions(
                        start: outputY * plane.strideHeight - plane.padTop, kernel: plane.kernelHeight,
                        dilation: plane.dilationHeight, limit: plane.inputHeight)
                    for outputX in 0..<plane.outputWidth {
                        let columns = validPositions(
                            start: outputX * plane.strideWidth - plane.padLeft, kernel: plane.kernelWidth,
                            dilation: plane.dilationWidth, limit: plane.inputWidth)
                        body(channelInput, (channel * plane.outputHeight + outputY) * plane.outputWidth + outputX, rows, columns)
                    }
                }
            }
        }
    }

    /// Positions start, start+dilation, … (kernel of them) that fall inside [0, limit).
    private static func validPositions(start: Int, kernel: Int, dilation: Int, limit: Int) -> StrideThrough<Int> {
        var first = start
        while first < 0 { first += dilation }
        var last = start + (kernel - 1) * dilation
        while last >= limit { last -= dilation }
        return stride(from: first, through: last, by: dilation)
    }
}
