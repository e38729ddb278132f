import Foundation
import GRDB
import IPG

/// A connection's decoded value blocks: the SQL functions take a trace's `(value_block,
/// value_row)` and read that block's row of one layer from `value_blocks` through a statement on
/// the same connection, keeping the last few (block, layer)s decoded — so a scan decodes each
/// block of the layers it names once per block of traces, and no other layer. Blocks never
/// change once committed; a rollback (which may take back a block this connection read) empties
/// the cache.
///
/// The migrations written before blocks existed (0004, 0005) call the same functions with a
/// trace's blob and its encoding (`node_values, value_encoding`): a BLOB where the block
/// number goes is read that way (`LegacyTraceValues`).
final class ValueBlockCache: @unchecked Sendable {
    private struct Key: Hashable {
        var block: Int64
        var layer: Int
    }

    /// Decoded blocks kept, most recent last (a query pairing a trace with its parent, or naming
    /// a few layers, alternates between a few).
    private static let capacity = 8
    private weak var db: Database?
    private var entries: [(key: Key, block: LayerBlockCodec.Block)] = []
    private let codec = LayerBlockCodec()
    private let legacy = LegacyTraceValues()

    init(db: Database) {
        self.db = db
        db.add(transactionObserver: RollbackObserver(cache: self), extent: .databaseLifetime)
    }

    /// `block`'s values in `layer` (decoded, kept), with `row` checked to be one of its traces;
    /// nil when the block has no such layer.
    func block(_ block: Int64, row: Int, layer: Int) throws -> LayerBlockCodec.Block? {
        let key = Key(block: block, layer: layer)
        let decoded: LayerBlockCodec.Block
        if let last = entries.last, last.key == key {
            decoded = last.block
        } else if let index = entries.lastIndex(where: { $0.key == key }) {
            decoded = entries[index].block
            entries.append(entries.remove(at: index))
        } else {
            guard let read = try read(key) else { return nil }
            decoded = read
            if entries.count == Self.capacity { entries.removeFirst() }
            entries.append((key, read))
        }
        guard (0..<decoded.rowCount).contains(row) else {
            throw DatabaseError(message: "value block \(block) has \(decoded.rowCount) traces, no row \(row)")
        }
        return decoded
    }

    /// The block and row of the trace whose `(value_block, value_row)` are `arguments[first]`
    /// and `arguments[first + 1]`, in the layer at `arguments[layerArgument]`; nil for a layer
    /// the trace does not have. A trace of the per-trace blob layout comes as a block of one.
    func block(_ arguments: [DatabaseValue], first: Int = 0, layerArgument: Int) throws -> (block: LayerBlockCodec.Block, row: Int)? {
        guard let layer = Int.fromDatabaseValue(arguments[layerArgument]) else { return nil }
        if case .blob(let blob) = arguments[first].storage {
            return try legacy.values(blob: blob, encoding: arguments[first + 1], layer: layer).map { (Self.singleRow($0), 0) }
        }
        guard let block = Int64.fromDatabaseValue(arguments[first]), let row = Int.fromDatabaseValue(arguments[first + 1]) else {
            throw DatabaseError(message: "ipg functions take a trace's (value_block INTEGER, value_row INTEGER) as arguments \(first + 1) and \(first + 2)")
        }
        return try self.block(block, row: row, layer: layer).map { ($0, row) }
    }

    /// The values of the trace whose `(value_block, value_row)` are `arguments[first]` and
    /// `arguments[first + 1]`, in the layer at `arguments[layerArgument]`; nil for a layer the
    /// trace does not have.
    func values(_ arguments: [DatabaseValue], first: Int = 0, layerArgument: Int) throws -> [Float]? {
        guard let layer = Int.fromDatabaseValue(arguments[layerArgument]) else { return nil }
        return try values(arguments, first: first, layer: layer)
    }

    /// The values in `layer` of the trace whose `(value_block, value_row)` are
    /// `arguments[first]` and `arguments[first + 1]`; nil for a layer the trace does not have.
    func values(_ arguments: [DatabaseValue], first: Int, layer: Int) throws -> [Float]? {
        if case .blob(let blob) = arguments[first].storage { return try legacy.values(blob: blob, encoding: arguments[first + 1], layer: layer) }
        guard let block = Int64.fromDatabaseValue(arguments[first]), let row = Int.fromDatabaseValue(arguments[first + 1]) else {
            throw DatabaseError(message: "ipg functions take a trace's (value_block INTEGER, value_row INTEGER) as arguments \(first + 1) and \(first + 2)")
        }
        return try self.block(block, row: row, layer: layer)?.row(row)
    }

    private static func singleRow(_ values: [Float]) -> LayerBlockCodec.Block {
        LayerBlockCodec.Block(layout: .dictionary8, encoding: .float32, rowCount: 1, rowLength: values.count, values: values)
    }

    private func read(_ key: Key) throws -> LayerBlockCodec.Block? {
        guard let db else { throw DatabaseError(message: "ipg functions: the connection is closed") }
        let statement = try db.cachedStatement(sql: "SELECT data FROM value_blocks WHERE block = ? AND layer = ?")
        guard let data = try Data.fetchOne(statement, arguments: [key.block, key.layer]) else { return nil }
        do {
            return try codec.decode([UInt8](data))
        } catch {
            throw DatabaseError(message: "value block \(key.block), layer \(key.layer): \(error)")
        }
    }

    fileprivate func empty() { entries.removeAll() }

    /// Empties the cache when a transaction rolls back; observes no statement.
    private final class RollbackObserver: TransactionObserver {
        private weak var cache: ValueBlockCache?

        init(cache: ValueBlockCache) { self.cache = cache }

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) {}
        func databaseDidRollback(_ db: Database) { cache?.empty() }
    }
}

/// A trace's values from the blob stores kept per trace before value blocks (IPG's
/// `TraceValueCodec`), the last one decoded kept.
private final class LegacyTraceValues {
    private var blob = Data()
    private var decoded: [[Float]] = []
    private let codec = TraceValueCodec()

    func values(blob: Data, encoding code: DatabaseValue, layer: Int) throws -> [Float]? {
        guard let code = Int.fromDatabaseValue(code), let encoding = ValueEncoding(rawValue: UInt8(clamping: code)) else {
            throw DatabaseError(message: "ipg functions take (node_values BLOB, value_encoding INTEGER, …) or (value_block, value_row, …)")
        }
        if blob != self.blob || decoded.isEmpty {
            decoded = try codec.decode([UInt8](blob), encoding: encoding)
            self.blob = blob
        }
        return decoded.indices.contains(layer) ? decoded[layer] : nil
    }
}
