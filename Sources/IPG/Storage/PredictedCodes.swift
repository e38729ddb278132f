/// The `predictedDictionary8` layout's codes: each trace's values, as ranks in a dictionary
/// ordered by value, read as an image `width` ranks wide and replaced by the difference (mod 256)
/// from the rank LOCO-I's median edge detector predicts from the left, upper and upper-left
/// neighbours (JPEG-LS, Weinberger et al. 2000). On pixel inputs most differences are small, so
/// zstd stores them in fewer bytes than the ranks themselves.
enum PredictedCodes {
    /// The key ordering bit patterns as their floats are ordered (−NaN, −∞ … −0, +0 … +∞, +NaN).
    @inline(__always) static func orderKey(_ bits: UInt32) -> UInt32 {
        bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    /// The image width assumed for a row of `rowLength` values: the largest w with w × w
    /// dividing it (28 for a 28 × 28 image, 32 for 3 × 32 × 32), or the whole row when that is 1.
    static func width(forRowLength rowLength: Int) -> Int {
        var best = 1, side = 2
        while side * side <= rowLength {
            if rowLength % (side * side) == 0 { best = side }
            side += 1
        }
        return best == 1 ? max(rowLength, 1) : best
    }

    /// The prediction at `index` of one row (`row` its start) from the ranks before it.
    @inline(__always) private static func predicted(_ ranks: UnsafeMutablePointer<UInt8>, index: Int, width: Int) -> Int {
        let column = index % width
        let left = column > 0 ? Int(ranks[index - 1]) : -1
        let up = index >= width ? Int(ranks[index - width]) : -1
        switch (left, up) {
        case (-1, -1): return 0
        case (_, -1): return left
        case (-1, _): return up
        default:
            let upLeft = Int(ranks[index - width - 1])
            if upLeft >= max(left, up) { return min(left, up) }
            if upLeft <= min(left, up) { return max(left, up) }
            return left + up - upLeft
        }
    }

    /// The differences of trace-major `ranks` (`rowLength` per trace) from their predictions.
    static func residuals(_ ranks: [UInt8], rowLength: Int, width: Int) -> [UInt8] {
        var ranks = ranks
        return [UInt8](unsafeUninitializedCapacity: ranks.count) { residuals, initialized in
            ranks.withUnsafeMutableBufferPointer { ranks in
                guard let base = ranks.baseAddress, rowLength > 0 else { return }
                for start in stride(from: 0, to: ranks.count, by: rowLength) {
                    let row = base + start
                    for index in 0..<rowLength {
                        residuals[start + index] = row[index] &- UInt8(truncatingIfNeeded: predicted(row, index: index, width: width))
                    }
                }
            }
            initialized = ranks.count
        }
    }

    /// The ranks `residuals` were made from.
    static func ranks(_ residuals: ArraySlice<UInt8>, rowLength: Int, width: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: residuals.count) { ranks, initialized in
            residuals.withUnsafeBufferPointer { residuals in
                guard let base = ranks.baseAddress, rowLength > 0 else { return }
                for start in stride(from: 0, to: residuals.count, by: rowLength) {
                    let row = base + start
                    for index in 0..<rowLength {
                        row[index] = residuals[start + index] &+ UInt8(truncatingIfNeeded: predicted(row, index: index, width: width))
                    }
                }
            }
            initialized = residuals.count
        }
    }
}
