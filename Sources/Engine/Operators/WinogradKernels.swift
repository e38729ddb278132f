import Synchronization

/// A Conv's kernels transformed for Winograd's F(2×2, 3×3) (G g Gᵀ per output and input
/// channel), kept for as long as the weights stay the same: the transform is computed once per
/// model instead of once per batch, and again after training or repair replace the weights.
final class WinogradKernels: Sendable {
    private let cached = Mutex<(weights: [Float], kernels: [Float])?>(nil)

    /// The transformed `weights` [M, C, 3, 3]: 16 matrices [M, C], one per tile element.
    func kernels(for weights: [Float], outputs: Int, channels: Int) -> [Float] {
        // Array equality first compares storage identity, so the usual hit costs no scan.
        if let hit = cached.withLock({ $0 }), hit.weights == weights { return hit.kernels }
        let kernels = Self.transform(weights, outputs: outputs, channels: channels)
        cached.withLock { $0 = (weights, kernels) }
        return kernels
    }

    /// G g Gᵀ for every (output, input) channel pair, stored as 16 matrices [M, C].
    static func transform(_ weights: [Float], outputs: Int, channels: Int) -> [Float] {
        let stride = outputs * channels
        return [Float](unsafeUninitializedCapacity: 16 * stride) { kernels, initialized in
            // One row of (G g) Gᵀ: the combination g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2 across it.
            func store(_ values: SIMD4<Float>, row: Int, pair: Int) {
                kernels[(row * 4) * stride + pair] = values[0]
                kernels[(row * 4 + 1) * stride + pair] = 0.5 * (values[0] + values[1] + values[2])
                kernels[(row * 4 + 2) * stride + pair] = 0.5 * (values[0] - values[1] + values[2])
                kernels[(row * 4 + 3) * stride + pair] = values[2]
            }
            for pair in 0..<stride {
                let g = pair * 9
                let top = SIMD4(weights[g], weights[g + 1], weights[g + 2], 0)
                let middle = SIMD4(weights[g + 3], weights[g + 4], weights[g + 5], 0)
                let bottom = SIMD4(weights[g + 6], weights[g + 7], weights[g + 8], 0)
                // G g: the same combination down each column.
                store(top, row: 0, pair: pair)
                store(0.5 * (top + middle + bottom), row: 1, pair: pair)
                store(0.5 * (top - middle + bottom), row: 2, pair: pair)
                store(bottom, row: 3, pair: pair)
            }
            initialized = 16 * stride
        }
    }
}
