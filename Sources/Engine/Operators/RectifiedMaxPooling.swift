import IPG

/// Max pooling of values not yet rectified that gives the pool of their ReLU (`max(0, x)`, NaN
/// to 0, as the Relu operator computes it): each window's largest value above +0, else +0.
/// Rectified values are neither NaN nor −0, so their maximum does not depend on the order they
/// are compared in: the result has the bits of Relu then MaxPool (`MaxPooling`), without a
/// ReLU pass over the whole convolution output first. Every window must lie inside its map.
enum RectifiedMaxPooling {
    /// Pools `channels` maps of `height` × `width` (back to back at `input`) into maps of
    /// `outputHeight` × `outputWidth` (back to back at `output`), row by row: the rectified
    /// maximum down each window column in one vectorised pass, then across each window's columns.
    static func pool(
        _ input: UnsafePointer<Float>, channels: Int, height: Int, width: Int, window: MaxPooling.Window,
        outputHeight: Int, outputWidth: Int, into output: UnsafeMutablePointer<Float>
    ) {
        let (kernelHeight, kernelWidth) = (window.kernelHeight, window.kernelWidth)
        let (strideHeight, strideWidth) = (window.strideHeight, window.strideWidth)
        precondition(
            kernelHeight >= 1 && kernelWidth >= 1 && strideHeight >= 1 && strideWidth >= 1
                && (outputHeight - 1) * strideHeight + kernelHeight <= height
                && (outputWidth - 1) * strideWidth + kernelWidth <= width,
            "every window lies inside the map")
        let inputPlane = height * width, outputPlane = outputHeight * outputWidth
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { columnMaxima in
            let columns = columnMaxima.baseAddress!
            for channel in 0..<channels {
                let map = input + channel &* inputPlane, pooled = output + channel &* outputPlane
                for y in 0..<outputHeight {
                    let top = map + y &* strideHeight &* width
                    if kernelHeight == 1 {
                        for x in 0..<width {
                            let value = top[x]
                            columns[x] = value > 0 ? value : 0
                        }
                    } else {  // the first two rows in one pass, then any others
                        let second = top + width
                        for x in 0..<width {
                            let first = top[x], value = second[x]
                            let best = first > 0 ? first : 0
                            columns[x] = value > best ? value : best
                        }
                    }
                    for kernelY in 2..<max(2, kernelHeight) {
                        let row = top + kernelY &* width
                        for x in 0..<width {
                            let value = row[x], best = columns[x]
                            columns[x] = value > best ? value : best
                        }
                    }
                    let outputRow = pooled + y &* outputWidth
                    if kernelWidth == 2 && strideWidth == 2 {  // the usual 2×2 pool, in a form the compiler vectorises
                        for x in 0..<outputWidth {
                            let left = columns[2 &* x], right = columns[2 &* x &+ 1]
                            outputRow[x] = right > left ? right : left
                        }
                        continue
                    }
                    for x in 0..<outputWidth {
                        let first = columns + x &* strideWidth
                        var best = first[0]
                        for kernelX in 1..<kernelWidth {
                            let value = first[kernelX]
                            best = value > best ? value : best
                        }
                        outputRow[x] = best
                    }
                }
            }
        }
    }
}
