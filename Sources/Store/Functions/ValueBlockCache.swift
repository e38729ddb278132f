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
/// A layer kept at summary resolution (migration 0010) holds per trace every node's mean, then
/// max, then share active: `nodes` reads node values (the means) and activity (share above 0)
/// at either resolution, while `values` and `block`, which hand out a layer's elements, refuse
/// it. A derived layer's row names its source layer, whose values it reads.
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
    private var entries: [(key: Key, block: StoredLayerBlock)] = []
    private let codec = LayerBlockCodec()
    private let legacy = LegacyTraceValues()

    init(db: Database) {
        self.db = db
        db.add(transactionObserver: RollbackObserver(cache: self), extent: .databaseLifetime)
    }

    /// `block`'s values in `layer` as stored (decoded, kept), with `row` checked to be one of
    /// its traces; nil when the block has no such layer.
    func storedBlock(_ block: Int64, row: Int, layer: Int) throws -> StoredLayerBlock? {
        let key = Key(block: block, layer: layer)
        let decoded: StoredLayerBlock
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
        guard (0..<decoded.values.rowCount).contains(row) else {
            throw DatabaseError(message: "value block \(block) has \(decoded.values.rowCount) traces, no row \(row)")
        }
        return decoded
    }

    /// What reading the elements of a summarised layer throws.
    static func summarised(_ layer: Int) -> DatabaseError {
        DatabaseError(message: "layer \(layer) is kept at summary resolution (per-node mean, max and share active): its elements are not stored, so its map and edges cannot be read")
    }

    /// The stored block and row of the trace whose `(value_block, value_row)` are
    /// `arguments[first]` and `arguments[first + 1]`, in `layer`; nil for a layer the trace
    /// does not have. A trace of the per-trace blob layout comes as a full block of one.
    func storedRow(_ arguments: [DatabaseValue], first: Int, layer: Int) throws -> (block: StoredLayerBlock, row: Int)? {
        if case .blob(let blob) = arguments[first].storage {
            return try legacy.values(blob: blob, encoding: arguments[first + 1], layer: layer)
                .map { (StoredLayerBlock(values: Self.singleRow($0), isSummary: false), 0) }
        }
        guard let block = Int64.fromDatabaseValue(arguments[first]), let row = Int.fromDatabaseValue(arguments[first + 1]) else {
            throw DatabaseError(message: "ipg functions take a trace's (value_block INTEGER, value_row INTEGER) as arguments \(first + 1) and \(first + 2)")
        }
        return try storedBlock(block, row: row, layer: layer).map { ($0, row) }
    }

    /// Node values (each node's mean element) and activity (some element's |value| above
    /// `threshold`; at summary resolution, share active above 0, as captured with the layer's
    /// threshold) of the trace whose `(value_block, value_row)` are `arguments[first]` and
    /// `arguments[first + 1]`, in `layer` of `nodeSize` values per node; nil for a layer the
    /// trace does not have.
    func nodes(_ arguments: [DatabaseValue], first: Int, layer: Int, nodeSize: Int, threshold: Float) throws -> (values: [Double], active: [Bool])? {
        guard let (stored, row) = try storedRow(arguments, first: first, layer: layer) else { return nil }
        let values = stored.values.row(row)
        guard stored.isSummary else {
            return (NodeValues.means(values, nodeSize: nodeSize), Layer.activeNodes(in: values, nodeSize: nodeSize, threshold: threshold))
        }
        let summary = try stored.summary(values)
        return (summary.means.map { 0.0 + Double($0) }, summary.activeNodes)
    }

    /// Whether the trace whose `(value_block, value_row)` are `arguments[first]` and
    /// `arguments[first + 1]` keeps `layer` at summary resolution.
    func keepsSummary(_ arguments: [DatabaseValue], first: Int, layer: Int) throws -> Bool {
        try storedRow(arguments, first: first, layer: layer)?.block.isSummary ?? false
    }

    /// The block of elements and row of the trace whose `(value_block, value_row)` are
    /// `arguments[first]` and `arguments[first + 1]`, in the layer at `arguments[layerArgument]`;
    /// nil for a layer the trace does not have; a summarised layer throws.
    func block(_ arguments: [DatabaseValue], first: Int = 0, layerArgument: Int) throws -> (block: LayerBlockCodec.Block, row: Int)? {
        guard let layer = Int.fromDatabaseValue(arguments[layerArgument]), let (stored, row) = try storedRow(arguments, first: first, layer: layer) else { return nil }
        guard !stored.isSummary else { throw Self.summarised(layer) }
        return (stored.values, row)
    }

    /// The elements in `layer` of the trace whose `(value_block, value_row)` are
    /// `arguments[first]` and `arguments[first + 1]`; nil for a layer the trace does not have;
    /// a summarised layer throws.
    func values(_ arguments: [DatabaseValue], first: Int, layer: Int) throws -> [Float]? {
        guard let (stored, row) = try storedRow(arguments, first: first, layer: layer) else { return nil }
        guard !stored.isSummary else { throw Self.summarised(layer) }
        return stored.values.row(row)
    }

    private static func singleRow(_ values: [Float]) -> LayerBlockCodec.Block {
        LayerBlockCodec.Block(layout: .dictionary8, encoding: .float32, rowCount: 1, rowLength: values.count, values: values)
    }

    /// Reads and decodes one (block, layer); a derived layer's is its source's (itself derived,
    /// or a full map).
    private func read(_ key: Key) throws -> StoredLayerBlock? {
        guard let db else { throw DatabaseError(message: "ipg functions: the connection is closed") }
        let statement = try db.cachedStatement(sql: "SELECT data, resolution, source_layer FROM value_blocks WHERE block = ? AND layer = ?")
        guard let row = try Row.fetchOne(statement, arguments: [key.block, key.layer]) else { return nil }
        guard let kept = ValueBlocks.KeptLayer(code: row[1], source: row[2]) else {
            throw DatabaseError(message: "value block \(key.block), layer \(key.layer): unknown resolution \(row[1] as Int)")
        }
        if let source = kept.source {
            // Through the cache: a query naming both layers decodes the source once.
            guard source < key.layer, let copied = try storedBlock(key.block, row: 0, layer: source), !copied.isSummary else {
                throw DatabaseError(message: "value block \(key.block), layer \(key.layer): derived from layer \(source), which the block does not keep as a map")
            }
            return copied
        }
        do {
            return StoredLayerBlock(values: try codec.decode([UInt8](row[0] as Data)), isSummary: kept.resolution == .summary)
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

/// One layer of a value block, decoded: full maps (or a derived layer's source's), or, at
/// summary resolution, per trace every node's mean, then max, then share active.
struct StoredLayerBlock {
    var values: LayerBlockCodec.Block
    var isSummary: Bool

    /// A row of a summary block as a `LayerSummary`.
    func summary(_ row: [Float]) throws -> LayerSummary {
        guard row.count % LayerSummary.valuesPerNode == 0 else {
            throw DatabaseError(message: "a summary value block row holds \(row.count) values, not 3 per node")
        }
        return LayerSummary(stored: row, nodeCount: row.count / LayerSummary.valuesPerNode)
    }
}
