/// 3×3 stride-1 convolutions by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast
/// Algorithms for Convolutional Neural Networks", 2016): each 2×2 block of outputs comes from a
/// 4×4 input tile with 16 multiplications per input and output channel instead of 36, so the
/// matrix products do 2.25× fewer multiply-adds than im2col's. A batch is cut into chunks of
/// tiles; per chunk, the tiles are transformed (Bᵀ d B), multiplied by the transformed kernels
/// (G g Gᵀ, `WinogradKernels`) in 16 matrix products (one per tile element), and transformed
/// back (Aᵀ m A). Products of transformed values sum in a different order than im2col's, within
/// float32 rounding of the definition (ConvolutionKernelTests).
enum WinogradConvolution {
    /// Tiles per chunk of the batch: 16 × channels × this many transformed input values, about
    /// the size that keeps the products' operands in the level-2 cache.
    static let targetTiles = 256
    /// The fewest input and output channels worth the transforms: below them the transforms
    /// cost about what the products save.
    static let minimumChannels = 32

    /// Whether a convolution of this shape runs here: a 3×3 kernel, stride 1, dilation 1, one
    /// group, 2-D, enough channels.
    static func applies(to shape: ConvShape) -> Bool {
        let plane = shape.plane
        return plane.kernelHeight == 3 && plane.kernelWidth == 3 && plane.strideHeight == 1 && plane.strideWidth == 1
            && plane.dilationHeight == 1 && plane.dilationWidth == 1 && shape.groups == 1
            && shape.channels >= minimumChannels && shape.outputChannels >= minimumChannels
            && plane.outputHeight > 0 && plane.outputWidth > 0
    }

    /// Writes the convolution of `input` [N, C, H, W] with the transformed `kernels` (16 × [M, C],
    /// `WinogradKernels.transform`) plus `bias` to `output` [N, M, H', W'], rectified (ReLU)
    /// when asked.
    static func convolve(
        _ shape: ConvShape, input: UnsafePointer<Float>, kernels: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, rectified: Bool
    ) {
        let geometry = TileGeometry(shape.plane)
        let channels = shape.channels, outputs = shape.outputChannels
        let samplesPerChunk = max(1, min(shape.batch, targetTiles / geometry.tilesPerSample))
        let maximumTiles = samplesPerChunk * geometry.tilesPerSample
        let tiles = UnsafeMutablePointer<Float>.allocate(capacity: 16 * channels * maximumTiles)
        let products = UnsafeMutablePointer<Float>.allocate(capacity: 16 * outputs * maximumTiles)
        let padded = UnsafeMutablePointer<Float>.allocate(capacity: geometry.paddedPlane)
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: 4 * max(geometry.paddedWidth, 2 * geometry.tileColumns))
        defer { tiles.deallocate(); products.deallocate(); padded.deallocate(); rows.deallocate() }
        padded.initialize(repeating: 0, count: geometry.paddedPlane)
        for first in stride(from: 0, to: shape.batch, by: samplesPerChunk) {
            let samples = min(samplesPerChunk, shape.batch - first), tileCount = samples * geometry.tilesPerSample
            for offset in 0..<samples {
                for channel in 0..<channels {
                    geometry.pad(input + ((first + offset) * channels + channel) * geometry.plane.inputPlane, into: padded)
                    transformTiles(
                        padded, geometry: geometry, rows: rows,
                        into: tiles + channel * tileCount + offset * geometry.tilesPerSample, elementStride: channels * tileCount)
                }
            }
            for element in 0..<16 {
                MatrixMultiply.gemm(
                    m: outputs, n: tileCount, k: channels,
                    a: kernels + element * outputs * channels, b: tiles + element * channels * tileCount,
                    c: products + element * outputs * tileCount)
            }
            for offset in 0..<samples {
                for channel in 0..<outputs {
                    transformBack(
                        products + channel * tileCount + offset * geometry.tilesPerSample, elementStride: outputs * tileCount,
                        geometry: geometry, rows: rows, bias: bias?[channel] ?? 0, rectified: rectified,
                        into: output + ((first + offset) * outputs + channel) * geometry.plane.outputPlane)
                }
            }
        }
    }

    /// Bᵀ d B for every 4×4 tile of one zero-padded channel plane; tile element e of tile t goes
    /// to `tiles[e * elementStride + t]`. A row of tiles at a time: first Bᵀ d down the columns of
    /// its four input rows (into `rows`), then the same combination across each tile.
    private static func transformTiles(
        _ padded: UnsafePointer<Float>, geometry: TileGeometry, rows: UnsafeMutablePointer<Float>,
        into tiles: UnsafeMutablePointer<Float>, elementStride: Int
    ) {
        let width = geometry.paddedWidth, columns = geometry.tileColumns
        for tileRow in 0..<geometry.tileRows {
            let r0 = padded + 2 * tileRow * width, r1 = r0 + width, r2 = r1 + width, r3 = r2 + width
            let t0 = rows, t1 = rows + width, t2 = t1 + width, t3 = t2 + width
            for x in 0..<width {
                t0[x] = r0[x] - r2[x]
                t1[x] = r1[x] + r2[x]
                t2[x] = r2[x] - r1[x]
                t3[x] = r1[x] - r3[x]
            }
            let firstTile = tileRow * columns
            for row in 0..<4 {
                let t = rows + row * width
                let e0 = tiles + (4 * row) * elementStride + firstTile, e1 = e0 + elementStride
                let e2 = e1 + elementStride, e3 = e2 + elementStride
                for column in 0..<columns {
                    let a = t[2 * column], b = t[2 * column + 1], c = t[2 * column + 2], d = t[2 * column + 3]
                    e0[column] = a - c
                    e1[column] = b + c
                    e2[column] = c - b
                    e3[column] = b - d
                }
            }
        }
    }

    /// Aᵀ m A for every tile of one output channel, plus the bias (and ReLU), written to the
    /// channel's output plane; a last row or column past an odd-sized plane is dropped. A row of
    /// tiles at a time: Aᵀ m down each tile's columns (into `rows`), then across.
    private static func transformBack(
        _ products: UnsafePointer<Float>, elementStride: Int, geometry: TileGeometry, rows: UnsafeMutablePointer<Float>,
        bias: Float, rectified: Bool, into output: UnsafeMutablePointer<Float>
    ) {
        let outputWidth = geometry.plane.outputWidth, outputHeight = geometry.plane.outputHeight
        let columns = geometry.tileColumns
        // upper[4 t + j] = m0j + m1j + m2j, lower[4 t + j] = m1j − m2j − m3j for tile t's column j.
        let upper = rows, lower = rows + 4 * columns
        for tileRow in 0..<geometry.tileRows {
            let firstTile = tileRow * columns
            for column in 0..<4 {
                let m0 = products + column * elementStride + firstTile, m1 = m0 + 4 * elementStride
                let m2 = m1 + 4 * elementStride, m3 = m2 + 4 * elementStride
                for tile in 0..<columns {
                    upper[4 * tile + column] = m0[tile] + m1[tile] + m2[tile]
                    lower[4 * tile + column] = m1[tile] - m2[tile] - m3[tile]
                }
            }
            let y = 2 * tileRow
            for rowOffset in 0..<min(2, outputHeight - y) {
                let values = rowOffset == 0 ? upper : lower
                let row = output + (y + rowOffset) * outputWidth
                for tile in 0..<(outputWidth / 2) {
                    let v = values + 4 * tile
                    let left = v[0] + v[1] + v[2] + bias, right = v[1] - v[2] - v[3] + bias
                    row[2 * tile] = rectified ? (left > 0 ? left : 0) : left
                    row[2 * tile + 1] = rectified ? (right > 0 ? right : 0) : right
                }
                if outputWidth % 2 == 1 {
                    let v = values + 4 * (columns - 1)
                    let left = v[0] + v[1] + v[2] + bias
                    row[outputWidth - 1] = rectified ? (left > 0 ? left : 0) : left
                }
            }
        }
    }
}

/// How an output plane splits into 2×2 blocks and the input into the 4×4 tiles they need.
struct TileGeometry {
    let plane: PlaneGeometry
    let tileRows: Int, tileColumns: Int
    /// The input with its padding and enough zeros below and right for the last tiles.
    let paddedHeight: Int, paddedWidth: Int

    init(_ plane: PlaneGeometry) {
        self.plane = plane
        tileRows = (plane.outputHeight + 1) / 2
        tileColumns = (plane.outputWidth + 1) / 2
        paddedHeight = 2 * tileRows + 2
        paddedWidth = 2 * tileColumns + 2
    }

    var tilesPerSample: Int { tileRows * tileColumns }
    var paddedPlane: Int { paddedHeight * paddedWidth }

    /// Copies one channel plane into `padded` at the padding's offset; the rest of `padded`
    /// stays zero (it was zeroed once, and every plane lands on the same elements).
    func pad(_ channel: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        let rows = min(plane.inputHeight, paddedHeight - plane.padTop)
        let columns = min(plane.inputWidth, paddedWidth - plane.padLeft)
        guard rows > 0, columns > 0 else { return }
        for row in 0..<rows {
            (padded + (row + plane.padTop) * paddedWidth + plane.padLeft).update(from: channel + row * plane.inputWidth, count: columns)
        }
    }
}
