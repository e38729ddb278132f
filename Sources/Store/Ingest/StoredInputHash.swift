import Foundation
import GRDB
import IPG

extension TraceMetadata {
    /// The input hash as every backend stores it: its bytes (half the size of the hex text in
    /// a table and its index), or, for a hash that is not hex, its UTF-8.
    public var storedInputHash: [UInt8] {
        Hex.bytes(inputHash) ?? Array(inputHash.utf8)
    }
}

/// A trace's input hash as the SQLite store keeps it (migration 0012): recomputed from its
/// layer 0 values (`InputDigest`), and kept in `traces.explicit_input_hash` only when they do
/// not give it back.
enum InputHash {
    /// What `explicit_input_hash` keeps for a trace with input hash `stored` whose layer 0 is
    /// kept as `input` (nil when it is not kept exactly: float16 or summary resolution): nil
    /// when the input's sha256 is the hash.
    static func explicit(_ stored: [UInt8], input: [Float]?) -> Data? {
        guard let input, InputDigest.sha256(input[...]) == stored else { return Data(stored) }
        return nil
    }

    /// Stored traces' input hashes, each `explicit_input_hash` or else recomputed from the
    /// trace's value block (layer 0, the last block decoded kept for the traces that follow).
    struct Reader {
        private var last: (block: Int64, values: LayerBlockCodec.Block)?
        private let codec = LayerBlockCodec()

        /// The hash of the trace at `(block, row)` whose `explicit_input_hash` is `explicit`.
        mutating func hash(explicit: Data?, block: Int64, row: Int, in db: Database) throws -> [UInt8] {
            if let explicit { return [UInt8](explicit) }
            guard let input = try input(block: block, row: row, in: db) else {
                throw DatabaseError(message: "the trace at row \(row) of value block \(block) has no input hash: neither explicit_input_hash nor float32 layer 0 values")
            }
            return InputDigest.sha256(input[...])
        }

        /// The trace's layer 0 values when its block keeps them exactly (float32, full
        /// resolution); nil otherwise.
        mutating func input(block: Int64, row: Int, in db: Database) throws -> [Float]? {
            if last?.block != block {
                last = nil
                guard let stored = try Row.fetchOne(db, sql: "SELECT data, resolution FROM value_blocks WHERE block = ? AND layer = 0", arguments: [block]),
                      stored["resolution"] as Int == 0
                else { return nil }
                last = (block, try codec.decode([UInt8](stored["data"] as Data)))
            }
            guard let values = last?.values, values.encoding == .float32 else { return nil }
            guard (0..<values.rowCount).contains(row) else {
                throw DatabaseError(message: "value block \(block) has \(values.rowCount) traces, no row \(row)")
            }
            return values.row(row)
        }
    }
}
