import Foundation

/// The per-trace layer norms kept per value block and layer (`value_block_norms.norms`, since
/// migration 0009): for each of the block's rows in order, the L1 norm and the sum of squares
/// of the trace's node values in that layer, two float64 little-endian — 16 bytes per trace
/// and layer, where a row of the table `trace_layer_norms` took about 31. A table of its own,
/// so that reading them (forensics) does not walk the values' overflow pages.
enum BlockNorms {
    static let bytesPerRow = 16

    /// The column's bytes for rows' `(l1, sumOfSquares)`, in row order.
    static func encode(_ rows: [(l1: Double, sumOfSquares: Double)]) -> Data {
        var bytes = [UInt8]()
        bytes.reserveCapacity(rows.count * bytesPerRow)
        for row in rows {
            for number in [row.l1, row.sumOfSquares] {
                withUnsafeBytes(of: number.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
        return Data(bytes)
    }

    /// Row `row`'s L1 norm (`power` 1) or sum of squares (`power` 2); nil when the column has
    /// no such row.
    static func norm(_ column: Data, row: Int, power: Int) -> Double? {
        let start = row * bytesPerRow + (power == 1 ? 0 : 8)
        guard row >= 0, power == 1 || power == 2, start + 8 <= column.count else { return nil }
        var bits: UInt64 = 0
        for offset in 0..<8 { bits |= UInt64(column[column.startIndex + start + offset]) << (8 * UInt64(offset)) }
        return Double(bitPattern: UInt64(littleEndian: bits))
    }
}
