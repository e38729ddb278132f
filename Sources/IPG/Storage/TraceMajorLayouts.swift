/// The node-major layouts of `BlockLayouts` written straight from a stream frame's trace-major
/// values (`rowCount` traces of `rowLength` values, one trace after another), without the
/// node-major copy of the whole block: a tile of nodes at a time is transposed into a buffer
/// that stays in cache and gathered from there. The bytes are `BlockLayouts.write`'s for the
/// node-major patterns.
extension BlockLayouts {
    /// Patterns per tile (16 KB): a tile stays in the first-level cache while it is written and gathered.
    static let tilePatternCount = 4_096

    /// Calls `body` with the bit patterns of `values` in `encoding`, in the values' order (for
    /// float32 the values' own memory, not copied).
    static func withPatterns<Result>(
        _ values: ArraySlice<Float>, encoding: ValueEncoding, _ body: (UnsafeBufferPointer<UInt32>) throws -> Result
    ) rethrows -> Result {
        switch encoding {
        case .float32:
            return try values.withUnsafeBufferPointer { try $0.withMemoryRebound(to: UInt32.self, body) }
        case .float16:
            let patterns = values.map { UInt32(Float16($0).bitPattern) }
            return try patterns.withUnsafeBufferPointer(body)
        }
    }

    /// Trace-major `patterns` as `layout` lays them out: as they are for a trace-major layout,
    /// else node-major (node 0 of every trace, then node 1, …), written a run of 256 nodes at a
    /// time (every trace's, so the run's output stays in cache while each trace is read in
    /// order): a trace at a time, the output was strided across the whole block, which took as
    /// long as the rest of a frame's layout together.
    static func laidOut(traceMajor patterns: UnsafeBufferPointer<UInt32>, layout: LayerBlockCodec.Layout, rowCount: Int, rowLength: Int) -> [UInt32] {
        precondition(patterns.count == rowCount * rowLength)
        guard !layout.isTraceMajor else { return Array(patterns) }
        let nodesPerPass = 256
        return [UInt32](unsafeUninitializedCapacity: patterns.count) { buffer, initialized in
            if let base = buffer.baseAddress {
                for first in stride(from: 0, to: rowLength, by: nodesPerPass) {
                    transposeTile(
                        of: patterns, rowCount: rowCount, rowLength: rowLength,
                        nodes: first..<min(rowLength, first + nodesPerPass), into: base + first * rowCount)
                }
            }
            initialized = patterns.count
        }
    }

    /// `write`'s `.activeBitmap` bytes for trace-major `patterns`.
    static func writeActiveBitmap(
        traceMajor patterns: UnsafeBufferPointer<UInt32>, rowCount: Int, rowLength: Int, width: Int,
        into payload: inout PayloadWriter, rawCandidates: UInt8?, raw: inout PayloadWriter
    ) {
        precondition(patterns.count == rowCount * rowLength)
        // Whole bytes of the bitmap per tile: a multiple of 8 nodes.
        let nodesPerTile = max(8, tilePatternCount / max(rowCount, 1) & ~7)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: nodesPerTile * rowCount) { tile in
            writeBitmapLayout(count: patterns.count, width: width, into: &payload, rawCandidates: rawCandidates, raw: &raw) { bitmap, active in
                var gathered = 0
                for first in stride(from: 0, to: rowLength, by: nodesPerTile) {
                    let nodes = min(nodesPerTile, rowLength - first)
                    transposeTile(of: patterns, rowCount: rowCount, rowLength: rowLength, nodes: first..<(first + nodes), into: tile.baseAddress!)
                    gathered += gatherActive(
                        UnsafeBufferPointer(start: tile.baseAddress!, count: nodes * rowCount),
                        bitmap: bitmap + first * rowCount / 8, active: active + gathered)
                }
                return gathered
            }
        }
    }

    /// The patterns of `nodes` of every trace, node-major (node after node, every trace's
    /// pattern of it) into `tile` (a buffer of their own, or their place in a whole block laid
    /// out node-major): each trace's run read in order (reading node after node, the
    /// traces' cache lines, a power of two apart for many layers, evict one another).
    private static func transposeTile(
        of patterns: UnsafeBufferPointer<UInt32>, rowCount: Int, rowLength: Int, nodes: Range<Int>,
        into tile: UnsafeMutablePointer<UInt32>
    ) {
        let source = patterns.baseAddress!
        for row in 0..<rowCount {
            let from = source + row &* rowLength, target = tile + row
            for node in nodes { target[(node &- nodes.lowerBound) &* rowCount] = from[node] }
        }
    }
}
