import Foundation
import GRDB

/// The layer norms kept in `value_block_norms` (`BlockNorms`), for SQL:
/// - `ipg_block_l2_norm(norms, value_row)`: the trace's L2 norm of its node values in the
///   block's layer, as stored (float32; what the nearest-neighbour search reads);
/// - `ipg_pack_norms(value_row, l1, sum_of_squares)`: aggregate, a block's norms in migration
///   0009's layout (`BlockNorms.Pairs`) from its rows' norms (0009 moves `trace_layer_norms`
///   rows into it with this);
/// - `ipg_norms_from_pairs(norms)`: a block's norms of 0009's layout in this one (migration 0013).
enum BlockNormFunctions {
    static func register(in db: Database) {
        db.add(function: DatabaseFunction("ipg_block_l2_norm", argumentCount: 2, pure: true) { arguments in
            guard let column = Data.fromDatabaseValue(arguments[0]), let row = Int.fromDatabaseValue(arguments[1]) else { return nil }
            return BlockNorms.norm(column, row: row)
        })
        db.add(function: DatabaseFunction("ipg_norms_from_pairs", argumentCount: 1, pure: true) { arguments in
            guard let column = Data.fromDatabaseValue(arguments[0]) else { return nil }
            guard let converted = BlockNorms.Pairs.converted(column) else {
                throw DatabaseError(message: "ipg_norms_from_pairs: \(column.count) bytes are not whole rows of two float64")
            }
            return converted
        })
        ConnectionAggregate.register("ipg_pack_norms", argumentCount: 3, in: db) { PackNorms() }
    }

    /// Collects rows' norms by row number; every row from 0 to the largest must be given once.
    private struct PackNorms: ValueScanAggregate {
        private var rows: [Int: (l1: Double, sumOfSquares: Double)] = [:]

        mutating func step(_ dbValues: [DatabaseValue]) throws {
            guard let row = Int.fromDatabaseValue(dbValues[0]), row >= 0, let l1 = Double.fromDatabaseValue(dbValues[1]),
                  let sumOfSquares = Double.fromDatabaseValue(dbValues[2])
            else { throw DatabaseError(message: "ipg_pack_norms takes (value_row INTEGER ≥ 0, l1 REAL, sum_of_squares REAL)") }
            guard rows.updateValue((l1, sumOfSquares), forKey: row) == nil else {
                throw DatabaseError(message: "ipg_pack_norms: row \(row) given twice")
            }
        }

        func finalize() throws -> (any DatabaseValueConvertible)? {
            guard !rows.isEmpty else { return nil }
            let ordered = try (0..<rows.count).map { row in
                guard let norms = rows[row] else { throw DatabaseError(message: "ipg_pack_norms: no norms for row \(row)") }
                return norms
            }
            return BlockNorms.Pairs.encode(ordered)
        }
    }
}
