import Foundation
import GRDB
import IPG

/// How traces' node values are grouped into blocks (`value_blocks`, one row per block and
/// layer, coded by IPG's `LayerBlockCodec`): the traces of one model stored in one transaction
/// are split into as few blocks of at most `capacity(valuesPerTrace:)` as hold them, of sizes
/// within one of each other, in order.
enum ValueBlocks {
    /// Traces per block at most: 256 for traces of up to 2,048 values (an MLP's), fewer for
    /// bigger ones — about 2^19 values per block — but never under 64. A block of a layer is
    /// read and decoded once for its traces; bigger blocks compress better and waste less of
    /// the table's 4 KB pages per trace (each row's part on its leaf page, 0.5–4 KB, leaves
    /// the rest of the page unused: 58 bytes per MLP trace in blocks of 64).
    static func capacity(valuesPerTrace: Int) -> Int {
        var capacity = 256
        while capacity > 64 && capacity * valuesPerTrace > 1 << 19 { capacity /= 2 }
        return capacity
    }

    /// How a block keeps one layer (`value_blocks.resolution` and `source_layer`, migration
    /// 0010): its values per trace are a full map or a summary (mean, max, share active per
    /// node), or none when the layer is derived from `source` (a Flatten/Reshape copy).
    struct KeptLayer: Sendable, Equatable {
        var resolution: LayerResolution
        var source: Int?

        static let full = KeptLayer(resolution: .full, source: nil)

        /// Each layer of `topology` kept at `resolutions`.
        static func layers(of topology: ModelTopology, at resolutions: [LayerResolution]) -> [KeptLayer] {
            topology.layers.map { KeptLayer(resolution: resolutions[$0.index], source: resolutions[$0.index] == .derived ? $0.source : nil) }
        }

        /// The code `value_blocks.resolution` stores.
        var code: Int {
            switch resolution {
            case .full: 0
            case .summary: 1
            case .derived: 2
            }
        }

        init(resolution: LayerResolution, source: Int?) {
            self.resolution = resolution
            self.source = source
        }

        /// From a `value_blocks` row's `resolution` and `source_layer`; nil for a code this
        /// build does not know or a derived row without its source.
        init?(code: Int, source: Int?) {
            switch code {
            case 0: self.init(resolution: .full, source: nil)
            case 1: self.init(resolution: .summary, source: nil)
            case 2:
                guard let source else { return nil }
                self.init(resolution: .derived, source: source)
            default: return nil
            }
        }
    }

    /// One layer of a block, encoded: how it is kept, the codec's layout, the values per trace
    /// and the bytes (none for a derived layer).
    struct EncodedLayer: Sendable {
        var kept: KeptLayer
        var layout: LayerBlockCodec.Layout
        var valueCount: Int
        var bytes: [UInt8]
    }

    /// One block's layers, encoded.
    struct Encoded: Sendable {
        var traceCount: Int
        var layers: [EncodedLayer]
        /// Per layer, the block's `value_block_norms` row (`BlockNorms`); nil when not given
        /// (migration 0008 writes blocks before that table exists).
        var norms: [Data]?
    }

    /// The sizes of the blocks `count` traces are split into.
    static func sizes(for count: Int, capacity: Int) -> [Int] {
        guard count > 0 else { return [] }
        let blocks = (count + capacity - 1) / capacity
        return (0..<blocks).map { count / blocks + ($0 < count % blocks ? 1 : 0) }
    }

    /// For each trace of `blocks` in order, its block (counted from 0) and row in the block.
    static func positions(of blocks: [Encoded]) -> [(block: Int, row: Int)] {
        blocks.enumerated().flatMap { block, encoded in (0..<encoded.traceCount).map { (block, $0) } }
    }

    /// Encodes traces' stored rows (`traces[t][layer]`: a full map, a summary's stored form, or
    /// nothing for a derived layer, as `kept` says; every layer full when nil) into blocks split
    /// by `sizes(for:capacity:)` (the capacity for the first trace's stored values), with their
    /// layer norms (`norms[t][layer]`) when given.
    static func encode(_ traces: [[[Float]]], kept: [KeptLayer]? = nil, norms: [[(l1: Double, sumOfSquares: Double)]]? = nil,
                       encoding: ValueEncoding, codec: LayerBlockCodec) throws -> [Encoded] {
        var start = 0
        let blockCapacity = capacity(valuesPerTrace: traces.first?.reduce(0) { $0 + $1.count } ?? 0)
        return try sizes(for: traces.count, capacity: blockCapacity).map { size in
            defer { start += size }
            let members = traces[start..<(start + size)]
            let layerCount = members.first?.count ?? 0
            guard members.allSatisfy({ $0.count == layerCount }) else {
                throw StoreError(path: "value block", reason: .damaged(detail: "traces of one block have different layer counts"))
            }
            guard kept.map({ $0.count == layerCount }) ?? true else {
                throw StoreError(path: "value block", reason: .damaged(detail: "\(kept?.count ?? 0) layer resolutions for traces of \(layerCount) layers"))
            }
            let layers = try (0..<layerCount).map { layer in
                let keptLayer = kept?[layer] ?? .full
                if keptLayer.resolution == .derived {
                    return EncodedLayer(kept: keptLayer, layout: .shuffled, valueCount: 0, bytes: [])
                }
                let rows = members.map { $0[layer] }
                let (layout, bytes) = try codec.encode(rows, encoding: encoding)
                return EncodedLayer(kept: keptLayer, layout: layout, valueCount: rows.first?.count ?? 0, bytes: bytes)
            }
            let blockNorms = try norms.map { norms in
                let members = norms[start..<(start + size)]
                guard members.allSatisfy({ $0.count == layerCount }) else {
                    throw StoreError(path: "value block", reason: .damaged(detail: "traces of one block have norms for different layer counts"))
                }
                return (0..<layerCount).map { layer in BlockNorms.encode(members.map { $0[layer] }) }
            }
            return Encoded(traceCount: size, layers: layers, norms: blockNorms)
        }
    }

    /// The first block number not in use.
    static func nextBlock(in db: Database) throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT MAX(block) FROM value_blocks") ?? 0) + 1
    }

    /// Inserts `blocks`, numbered from `firstBlock`, layer by layer: rows of one layer are alike
    /// in size, so they fill the table's pages well (rows of alternating sizes left a third of
    /// each page empty when stores used 64 KB pages), and a scan of one layer reads
    /// neighbouring pages. Blocks of full layers only are written without the resolution
    /// columns (migration 0010), which the rewrite of migration 0008 predates.
    static func insert(_ blocks: [Encoded], firstBlock: Int64, encoding: ValueEncoding, in db: Database) throws {
        let reduced = blocks.contains { $0.layers.contains { $0.kept != .full } }
        let insert = try db.cachedStatement(sql: reduced
            ? "INSERT INTO value_blocks (block, layer, trace_count, value_count, encoding, layout, data, resolution, source_layer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            : "INSERT INTO value_blocks (block, layer, trace_count, value_count, encoding, layout, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
        let insertNorms = blocks.contains { $0.norms != nil }
            ? try db.cachedStatement(sql: "INSERT INTO value_block_norms (block, layer, norms) VALUES (?, ?, ?)") : nil
        for layer in 0..<(blocks.map(\.layers.count).max() ?? 0) {
            for (offset, block) in blocks.enumerated() where block.layers.indices.contains(layer) {
                let coded = block.layers[layer]
                var arguments: StatementArguments = [
                    firstBlock + Int64(offset), layer, block.traceCount, coded.valueCount, Int(encoding.rawValue),
                    Int(coded.layout.rawValue), Data(coded.bytes),
                ]
                if reduced { arguments += [coded.kept.code, coded.kept.source] }
                try insert.execute(arguments: arguments)
            }
        }
        // Block by block, in key order: each row goes at the end of the table's b-tree, so its
        // pages fill (in the values' layer-by-layer order, they were left a third full).
        guard let insertNorms else { return }
        for (offset, block) in blocks.enumerated() {
            for (layer, norms) in (block.norms ?? []).enumerated() {
                try insertNorms.execute(arguments: [firstBlock + Int64(offset), layer, norms])
            }
        }
    }
}
