import Foundation

/// The per-trace layer norms kept per value block and layer (`value_block_norms.norms`): since
/// migration 0013, for each of the block's rows in order, the L2 norm of the trace's node values
/// in that layer as one float32 little-endian — 4 bytes per trace and layer, where migration
/// 0009's L1 norm and sum of squares (two float64, `Pairs`) took 16. What the nearest-neighbour
/// search orders its candidates by (computing it from the values decodes the whole layer of
/// every candidate); the view `trace_layer_norms` computes both norms from the values. A table
/// of its own, so that reading them does not walk the values' overflow pages.
enum BlockNorms {
    static let bytesPerRow = 4
    /// A stored norm's largest error relative to the norm: float32 rounding (2^-24), doubled.
    static let relativeError = 0x1p-23

    /// The column's bytes for rows' norms, in row order, from their sums of squares.
    static func encode(_ rows: [(l1: Double, sumOfSquares: Double)]) -> Data {
        PackedArray.pack(rows.map { max(0, $0.sumOfSquares).squareRoot() }, as: .float32)
    }

    /// Row `row`'s L2 norm; nil when the column has no such row.
    static func norm(_ column: Data, row: Int) -> Double? {
        let start = row * bytesPerRow
        guard row >= 0, start + bytesPerRow <= column.count else { return nil }
        return column.withUnsafeBytes { PackedElement.float32.read($0, at: start) }
    }

    /// Migration 0009's column: per row the L1 norm and the sum of squares, two float64
    /// little-endian (what `ipg_pack_norms` writes for it; migration 0013 converts them).
    enum Pairs {
        static let bytesPerRow = 16

        static func encode(_ rows: [(l1: Double, sumOfSquares: Double)]) -> Data {
            PackedArray.pack(rows.flatMap { [$0.l1, $0.sumOfSquares] }, as: .float64)
        }

        /// `column`'s rows in `BlockNorms`' layout; nil when its length is not whole rows.
        static func converted(_ column: Data) -> Data? {
            guard column.count % bytesPerRow == 0 else { return nil }
            let rows = column.withUnsafeBytes { bytes in
                (0..<(column.count / bytesPerRow)).map { row -> (l1: Double, sumOfSquares: Double) in
                    (0, PackedElement.float64.read(bytes, at: row * bytesPerRow + 8))
                }
            }
            return BlockNorms.encode(rows)
        }
    }
}
