/// Window iteration shared by MaxPool and AveragePool.
enum PoolingLayout {
    static func plane(_ input: Tensor, _ window: SpatialWindow) throws -> PlaneGeometry {
        guard input.rank == window.kernel.count + 2 else {
            throw EngineError("a \(window.kernel.count)-D pool needs input of rank \(window.kernel.count + 2), got \(input.shape)")
        }
        return try PlaneGeometry(window: window, inputSpatial: Array(input.shape.dropFirst(2)))
    }

    /// Calls `body(channelInput, outputIndex, rowOffsets, columns)` for every output element,
    /// where `rowOffsets` are `y · inputWidth` and `columns` are `x` for the input positions
    /// inside the window (padding excluded).
    @inline(__always)
    static func forEachWindow(
        _ input: Tensor, _ plane: PlaneGeometry,
        _ body: (UnsafePointer<Float>, Int, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>) -> Void
    ) {
        let channels = input.shape[0] * input.shape[1]
        let rowWindows = (0..<plane.outputHeight).map { outputY in
            validPositions(
                start: outputY * plane.strideHeight - plane.padTop, kernel: plane.kernelHeight,
                dilation: plane.dilationHeight, limit: plane.inputHeight).map { $0 * plane.inputWidth }
        }
        let columnWindows = (0..<plane.outputWidth).map { outputX in
            validPositions(
                start: outputX * plane.strideWidth - plane.padLeft, kernel: plane.kernelWidth,
                dilation: plane.dilationWidth, limit: plane.inputWidth)
        }
        let (rowPositions, rowRanges) = flatten(rowWindows)
        let (columnPositions, columnRanges) = flatten(columnWindows)
        input.values.withUnsafeBufferPointer { values in
            rowPositions.withUnsafeBufferPointer { rowBuffer in
                columnPositions.withUnsafeBufferPointer { columnBuffer in
                    var outputIndex = 0
                    for channel in 0..<channels {
                        let channelInput = values.baseAddress! + channel * plane.inputPlane
                        for rowRange in rowRanges {
                            let rows = UnsafeBufferPointer(rebasing: rowBuffer[rowRange])
                            for columnRange in columnRanges {
                                body(channelInput, outputIndex, rows, UnsafeBufferPointer(rebasing: columnBuffer[columnRange]))
                                outputIndex += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// All windows' positions in one array, and each window's range in it.
    private static func flatten(_ windows: [[Int]]) -> ([Int], [Range<Int>]) {
        var positions: [Int] = [], ranges: [Range<Int>] = []
        for window in windows {
            ranges.append(positions.count..<(positions.count + window.count))
            positions += window
        }
        return (positions, ranges)
    }

    /// Positions start, start+dilation, … (kernel of them) that fall inside [0, limit).
    private static func validPositions(start: Int, kernel: Int, dilation: Int, limit: Int) -> [Int] {
        (0..<kernel).map { start + $0 * dilation }.filter { $0 >= 0 && $0 < limit }
    }
}
