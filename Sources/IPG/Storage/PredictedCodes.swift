/// The `predictedDictionary8` layout's codes: each trace's values, as ranks in a dictionary
/// ordered by value, read as an image `width` ranks wide and replaced by the difference (mod 256)
/// from the rank LOCO-I's median edge detector predicts from the left, upper and upper-left
/// neighbours (JPEG-LS, Weinberger et al. 2000). The differences go to one of `contextCount`
/// streams by the local gradient |left − upper-left| + |upper − upper-left| (the image's edge
/// apart), so that zstd codes each with a table of its own: in flat regions nearly every
/// difference is 0, along edges they spread. Fashion-MNIST images take 383 bytes each in the
/// store's blocks of 256 (dictionary included) where plain `dictionary8` codes took 450 in
/// blocks of 64; decoding is sequential (each rank needs its left neighbour), about 10 ns a
/// value, several times plain codes' — a scan of pixel layers pays for the smaller store.
enum PredictedCodes {
    /// Contexts: six of gradients (0, 1–2, 3–7, 8–23, 24–63, 64 and more), then the pixels of
    /// the image's top row and left column.
    static let contextCount = 7

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

    /// The prediction at `index` (in image column `column`) of one trace's ranks (`row`) from
    /// those before it, and the context of its difference.
    @inline(__always) private static func predicted(_ row: UnsafeMutablePointer<UInt8>, index: Int, column: Int, width: Int) -> (rank: Int, context: Int) {
        let hasLeft = column > 0, hasUp = index >= width
        guard hasLeft && hasUp else {
            return (hasLeft ? Int(row[index - 1]) : hasUp ? Int(row[index - width]) : 0, contextCount - 1)
        }
        let left = Int(row[index - 1]), up = Int(row[index - width]), upLeft = Int(row[index - width - 1])
        let gradient = abs(left - upLeft) + abs(up - upLeft)
        // The number of gradient bounds (1, 3, 8, 24, 64) at or below it.
        let context = (gradient >= 1 ? 1 : 0) + (gradient >= 3 ? 1 : 0) + (gradient >= 8 ? 1 : 0) + (gradient >= 24 ? 1 : 0) + (gradient >= 64 ? 1 : 0)
        if upLeft >= max(left, up) { return (min(left, up), context) }
        if upLeft <= min(left, up) { return (max(left, up), context) }
        return (left + up - upLeft, context)
    }

    /// The differences of trace-major `ranks` (`rowLength` per trace) from their predictions,
    /// one stream per context, each in the order of the values.
    static func residuals(_ ranks: [UInt8], rowLength: Int, width: Int) -> [[UInt8]] {
        let count = ranks.count
        var residuals = [UInt8](repeating: 0, count: count), contexts = [UInt8](repeating: 0, count: count)
        var ranks = ranks
        ranks.withUnsafeMutableBufferPointer { ranks in
            residuals.withUnsafeMutableBufferPointer { residuals in
                contexts.withUnsafeMutableBufferPointer { contexts in
                    guard let base = ranks.baseAddress, rowLength > 0 else { return }
                    for start in stride(from: 0, to: count, by: rowLength) {
                        let row = base + start
                        var column = 0
                        for index in 0..<rowLength {
                            let (rank, context) = predicted(row, index: index, column: column, width: width)
                            column = column &+ 1 == width ? 0 : column &+ 1
                            residuals[start &+ index] = row[index] &- UInt8(truncatingIfNeeded: rank)
                            contexts[start &+ index] = UInt8(truncatingIfNeeded: context)
                        }
                    }
                }
            }
        }
        var sizes = [Int](repeating: 0, count: contextCount)
        for context in contexts { sizes[Int(context)] += 1 }
        var streams = sizes.map { [UInt8](repeating: 0, count: $0) }
        var next = [Int](repeating: 0, count: contextCount)
        for (residual, context) in zip(residuals, contexts) {
            streams[Int(context)][next[Int(context)]] = residual
            next[Int(context)] += 1
        }
        return streams
    }

    /// The `count` ranks `streams` were made from (`rowLength` per trace); every stream must
    /// be used up exactly.
    static func ranks(_ streams: [ArraySlice<UInt8>], count: Int, rowLength: Int, width: Int) throws -> [UInt8] {
        guard streams.count == contextCount, rowLength > 0 || count == 0, count % max(rowLength, 1) == 0 else {
            throw PayloadError("\(count) predicted values in rows of \(rowLength) from \(streams.count) streams")
        }
        // The streams back to back, read through one cursor each (scans decode every pixel here).
        let joined = Array(streams.joined())
        var next = [Int](), ends = [Int]()
        for stream in streams {
            next.append(ends.last ?? 0)
            ends.append(next[next.count - 1] + stream.count)
        }
        var failed = false
        let ranks = [UInt8](unsafeUninitializedCapacity: count) { ranks, initialized in
            guard let base = ranks.baseAddress, count > 0 else { return }
            base.initialize(repeating: 0, count: count)
            initialized = count
            joined.withUnsafeBufferPointer { joined in
                next.withUnsafeMutableBufferPointer { next in
                    ends.withUnsafeBufferPointer { ends in
                        guard let source = joined.baseAddress else {
                            failed = true
                            return
                        }
                        // The next difference of `context`, nil when its stream is used up.
                        @inline(__always) func take(_ context: Int) -> UInt8? {
                            let position = next[context]
                            guard position < ends[context] else { return nil }
                            next[context] = position &+ 1
                            return source[position]
                        }
                        // As `predicted`, line by line with the left and upper-left ranks held
                        // (each rank depends on the one before it: no reloading it).
                        let edge = contextCount - 1
                        for start in stride(from: 0, to: count, by: rowLength) {
                            let row = base + start
                            var lineStart = 0
                            while lineStart < rowLength {
                                let lineEnd = min(lineStart + width, rowLength)
                                var left: Int
                                if lineStart == 0 {
                                    guard let first = take(edge) else { failed = true; return }
                                    left = Int(first)
                                    row[0] = first
                                    for index in 1..<lineEnd {
                                        guard let difference = take(edge) else { failed = true; return }
                                        left = Int(difference &+ UInt8(truncatingIfNeeded: left))
                                        row[index] = UInt8(truncatingIfNeeded: left)
                                    }
                                } else {
                                    let up = row + (lineStart - width)
                                    var upLeft = Int(up[0])
                                    guard let first = take(edge) else { failed = true; return }
                                    left = Int(first &+ up[0])
                                    row[lineStart] = UInt8(truncatingIfNeeded: left)
                                    for column in 1..<(lineEnd - lineStart) {
                                        let above = Int(up[column])
                                        let gradient = abs(left - upLeft) + abs(above - upLeft)
                                        let context = (gradient >= 1 ? 1 : 0) + (gradient >= 3 ? 1 : 0) + (gradient >= 8 ? 1 : 0)
                                            + (gradient >= 24 ? 1 : 0) + (gradient >= 64 ? 1 : 0)
                                        let rank = upLeft >= max(left, above) ? min(left, above) : upLeft <= min(left, above) ? max(left, above) : left + above - upLeft
                                        guard let difference = take(context) else { failed = true; return }
                                        left = Int(difference &+ UInt8(truncatingIfNeeded: rank))
                                        row[lineStart + column] = UInt8(truncatingIfNeeded: left)
                                        upLeft = above
                                    }
                                }
                                lineStart = lineEnd
                            }
                        }
                    }
                }
            }
        }
        guard !failed, next == ends else {
            throw PayloadError("predicted value streams of \(streams.map(\.count)) bytes for \(count) values")
        }
        return ranks
    }
}
