/// The max pool of channel maps whose windows all lie inside the map (no padding, dilation 1):
/// the one kernel behind the engine's MaxPool (its common case) and a stream's derived
/// max-pool blocks, so a derived layer is recomputed exactly as the engine computed it.
public enum MaxPooling {
    /// A pooling window: kernel and stride per axis (a 1-D map is one row).
    public struct Window: Equatable, Sendable {
        public var kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int

        public init(kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int) {
            (self.kernelHeight, self.kernelWidth, self.strideHeight, self.strideWidth) = (kernelHeight, kernelWidth, strideHeight, strideWidth)
        }
    }

    /// Pools `channels` maps of `height` × `width` (back to back at `input`) into maps of
    /// `outputHeight` × `outputWidth` (back to back at `output`); every window must lie inside
    /// its map. Row by row: the maximum down each window column in one vectorised pass, then
    /// across each window's columns, a value replacing the one so far only when greater.
    /// `rectifying`: pools the ReLU of the values (`max(0, x)`, NaN to 0, as the Relu operator
    /// computes it) without a ReLU pass first — each window's largest value above +0, else +0.
    /// Rectified values are neither NaN nor −0, so the result has the bits of Relu then MaxPool.
    /// Never inlined: every user runs the same compiled loops.
    @inline(never)
    public static func pool(
        _ input: UnsafePointer<Float>, channels: Int, height: Int, width: Int, window: Window,
        outputHeight: Int, outputWidth: Int, into output: UnsafeMutablePointer<Float>, rectifying: Bool = false
    ) {
        precondition(
            window.kernelHeight >= 1 && window.kernelWidth >= 1 && window.strideHeight >= 1 && window.strideWidth >= 1
                && (outputHeight - 1) * window.strideHeight + window.kernelHeight <= height
                && (outputWidth - 1) * window.strideWidth + window.kernelWidth <= width,
            "every window lies inside the map")
        let (kernelHeight, kernelWidth) = (window.kernelHeight, window.kernelWidth)
        let (strideHeight, strideWidth) = (window.strideHeight, window.strideWidth)
        let inputPlane = height * width, outputPlane = outputHeight * outputWidth
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { columnMaxima in
            let columns = columnMaxima.baseAddress!
            for channel in 0..<channels {
                let map = input + channel &* inputPlane
                let pooled = output + channel &* outputPlane
                for y in 0..<outputHeight {
                    let top = map + y &* strideHeight &* width
                    if kernelHeight == 1 {
                        if rectifying {
                            for x in 0..<width {
                                let value = top[x]
                                columns[x] = value > 0 ? value : 0
                            }
                        } else {
                            columns.update(from: top, count: width)
                        }
                    } else {  // the first two rows in one pass, then any others
                        let second = top + width
                        if rectifying {
                            for x in 0..<width {
                                let first = top[x], value = second[x]
                                let current = first > 0 ? first : 0
                                columns[x] = value > current ? value : current
                            }
                        } else {
                            for x in 0..<width {
                                let value = second[x], current = top[x]
                                columns[x] = value > current ? value : current
                            }
                        }
                        for kernelY in 2..<kernelHeight {
                            let row = top + kernelY &* width
                            for x in 0..<width {
                                let value = row[x], current = columns[x]
                                columns[x] = value > current ? value : current
                            }
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
