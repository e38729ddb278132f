/// Unfolds the windows of a convolution into a matrix: row (c, kh, kw), column (oh, ow)
/// holds the input element that kernel offset (kh, kw) of channel c sees at output (oh, ow),
/// or 0 in the padding. Rows are `rowStride` apart (at least the output plane), so the columns
/// of several samples can sit side by side in one matrix.
enum Im2Col {
    static func fill(
        _ columns: UnsafeMutablePointer<Float>, from input: UnsafePointer<Float>, channels: Int, plane: PlaneGeometry,
        rowStride: Int? = nil
    ) {
        let rowStride = rowStride ?? plane.outputPlane
        // For each kernel column, the output columns whose input column lies inside the input.
        let validColumns = (0..<plane.kernelWidth).map { kernelX -> Range<Int> in
            let offset = kernelX * plane.dilationWidth - plane.padLeft
            let first = offset >= 0 ? 0 : (-offset + plane.strideWidth - 1) / plane.strideWidth
            let lastInput = plane.inputWidth - 1 - offset
            let end = lastInput < 0 ? 0 : min(plane.outputWidth, lastInput / plane.strideWidth + 1)
            return first..<max(first, end)
        }
        let sameWidthRows = plane.strideHeight == 1 && plane.strideWidth == 1 && plane.outputWidth == plane.inputWidth
        var row = 0
        for channel in 0..<channels {
            let channelInput = input + channel * plane.inputPlane
            for kernelY in 0..<plane.kernelHeight {
                for kernelX in 0..<plane.kernelWidth {
                    let rowStart = columns + row * rowStride
                    let valid = validColumns[kernelX]
                    if sameWidthRows {
                        fillSameWidth(rowStart, from: channelInput, kernelY: kernelY, kernelX: kernelX, valid: valid, plane: plane)
                        row += 1
                        continue
                    }
                    let columnOffset = kernelX * plane.dilationWidth - plane.padLeft
                    for outputY in 0..<plane.outputHeight {
                        let inputY = outputY * plane.strideHeight + kernelY * plane.dilationHeight - plane.padTop
                        let destination = rowStart + outputY * plane.outputWidth
                        guard inputY >= 0 && inputY < plane.inputHeight, !valid.isEmpty else {
                            destination.update(repeating: 0, count: plane.outputWidth)
                            continue
                        }
                        destination.update(repeating: 0, count: valid.lowerBound)
                        let inputRow = channelInput + inputY * plane.inputWidth + columnOffset
                        if plane.strideWidth == 1 {
                            (destination + valid.lowerBound).update(from: inputRow + valid.lowerBound, count: valid.count)
                        } else {
                            for outputX in valid { destination[outputX] = inputRow[outputX * plane.strideWidth] }
                        }
                        (destination + valid.upperBound).update(repeating: 0, count: plane.outputWidth - valid.upperBound)
                    }
                    row += 1
                }
            }
        }
    }

    /// One row of the matrix when output rows are as wide as input rows and both strides are 1
    /// (a "same" convolution): the output rows whose input row exists are one contiguous run
    /// of the input shifted by the kernel offset, copied at once; the columns that run reads
    /// from a neighbouring row (or past the plane) are then zeroed, as is every output row
    /// outside the input.
    private static func fillSameWidth(
        _ destination: UnsafeMutablePointer<Float>, from channelInput: UnsafePointer<Float>,
        kernelY: Int, kernelX: Int, valid: Range<Int>, plane: PlaneGeometry
    ) {
        let width = plane.inputWidth, rowOffset = kernelY * plane.dilationHeight - plane.padTop
        let firstRow = max(0, -rowOffset), endRow = max(firstRow, min(plane.outputHeight, plane.inputHeight - rowOffset))
        guard endRow > firstRow, !valid.isEmpty else {
            destination.update(repeating: 0, count: plane.outputPlane)
            return
        }
        destination.update(repeating: 0, count: firstRow * width)
        (destination + endRow * width).update(repeating: 0, count: (plane.outputHeight - endRow) * width)
        let sourceStart = (firstRow + rowOffset) * width + kernelX * plane.dilationWidth - plane.padLeft
        let count = (endRow - firstRow) * width
        let first = max(0, -sourceStart), end = min(count, plane.inputPlane - sourceStart)
        let block = destination + firstRow * width
        if end > first { (block + first).update(from: channelInput + sourceStart + first, count: end - first) }
        // Column by column down the rows: usually one column (a padding of 1), a store per row.
        for column in 0..<valid.lowerBound { zeroColumn(block + column, rows: endRow - firstRow, width: width) }
        for column in valid.upperBound..<width { zeroColumn(block + column, rows: endRow - firstRow, width: width) }
    }

    /// Zeroes `rows` values `width` apart from `start`.
    @inline(__always)
    private static func zeroColumn(_ start: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        var position = start
        for _ in 0..<rows {
            position.pointee = 0
            position += width
        }
    }
}
