import Foundation
import GRDB
import IPG

/// Traces' values from their value block, every layer, as a stream reader gives them: a full
/// map, a derived layer's copy of its source, or (summary resolution) no values and a summary.
/// The last block read is kept decoded, its layers laid out trace by trace, so reading the
/// traces of a block in storage order decodes and rearranges it once and then copies each
/// trace's values out of contiguous rows. With `readingAhead`, while a block's traces are handed
/// out the next block is decoded on another thread (with its traces' input hashes).
struct TraceBlockReader {
    private var current: DecodedBlock?
    private var next: DecodingBlock?
    private let readingAhead: Bool
    private let path: String

    init(path: String, readingAhead: Bool) {
        self.path = path
        self.readingAhead = readingAhead
    }

    /// The values of the trace at `row` of `block`, per layer, its summarised layers, and the
    /// sha256 of its layer 0 values when they are kept exactly (float32, full resolution).
    mutating func layerValues(block: Int64, row: Int, in db: Database) throws -> (values: [[Float]], summaries: [Int: LayerSummary], inputDigest: [UInt8]?) {
        if current?.block != block { try load(block, in: db) }
        let layers = current!.layers
        var values: [[Float]] = [], summaries: [Int: LayerSummary] = [:]
        values.reserveCapacity(layers.count)
        for (index, layer) in layers.enumerated() {
            if let source = layer.kept.source {
                guard source < index, layers[source].kept.resolution != .summary else {
                    throw damaged("value block \(block), layer \(index): derived from layer \(source), which it does not keep as a map")
                }
                values.append(values[source])
                continue
            }
            guard (0..<layer.rowCount).contains(row) else { throw damaged("value block \(block) has no row \(row)") }
            let stored = Array(layer.values[(row * layer.rowLength)..<((row + 1) * layer.rowLength)])
            if layer.kept.resolution == .summary {
                guard stored.count % LayerSummary.valuesPerNode == 0 else {
                    throw damaged("value block \(block), layer \(index): a summary row of \(stored.count) values")
                }
                summaries[index] = LayerSummary(stored: stored, nodeCount: stored.count / LayerSummary.valuesPerNode)
                values.append([])
            } else {
                values.append(stored)
            }
        }
        return (values, summaries, current!.inputDigests.isEmpty ? nil : current!.inputDigests[row])
    }

    /// Makes `block` the current one: the block read ahead, or read and decoded now; then
    /// starts on the block after it.
    private mutating func load(_ block: Int64, in db: Database) throws {
        current = nil
        let decoding = try next?.block == block ? next! : DecodingBlock(block, rows: rows(of: block, in: db), path: path)
        next = nil
        current = try decoding.wait()
        if readingAhead, let following = try Int64.fetchOne(db, sql: "SELECT block FROM value_blocks WHERE block > ? ORDER BY block LIMIT 1", arguments: [block]) {
            next = DecodingBlock(following, rows: try rows(of: following, in: db), path: path)
        }
    }

    /// The stored layers of `block`, in order.
    private func rows(of block: Int64, in db: Database) throws -> [DecodingBlock.StoredLayer] {
        let statement = try db.cachedStatement(sql: "SELECT layer, data, resolution, source_layer FROM value_blocks WHERE block = ? ORDER BY layer")
        return try Row.fetchAll(statement, arguments: [block]).enumerated().map { position, row in
            guard position == row[0] as Int else { throw damaged("value block \(block) lacks a layer") }
            guard let kept = ValueBlocks.KeptLayer(code: row[2], source: row[3]) else {
                throw damaged("value block \(block), layer \(position): unknown resolution")
            }
            return DecodingBlock.StoredLayer(kept: kept, bytes: kept.resolution == .derived ? [] : [UInt8](row[1] as Data))
        }
    }

    private func damaged(_ detail: String) -> StoreError {
        StoreError(path: path, reason: .damaged(detail: detail))
    }
}

/// A value block decoded: its layers trace-major and, when its layer 0 is kept exactly, the
/// sha256 of each trace's layer 0 values.
struct DecodedBlock: Sendable {
    /// One layer of the block.
    struct Layer: Sendable {
        var kept: ValueBlocks.KeptLayer
        /// Trace-major values (`rowCount` rows of `rowLength`); empty for a derived layer.
        var values: [Float]
        var rowCount: Int
        var rowLength: Int
    }

    var block: Int64
    var layers: [Layer]
    var inputDigests: [[UInt8]]
}

/// A value block being decoded on a background thread; `wait()` returns it (or its error).
final class DecodingBlock: @unchecked Sendable {
    /// One layer as stored: how it is kept and its bytes (none for a derived layer).
    struct StoredLayer: Sendable {
        var kept: ValueBlocks.KeptLayer
        var bytes: [UInt8]
    }

    let block: Int64
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<DecodedBlock, any Error>

    init(_ block: Int64, rows: [StoredLayer], path: String) {
        self.block = block
        result = .success(DecodedBlock(block: block, layers: [], inputDigests: []))
        DispatchQueue.global().async { [self] in
            result = Result { try Self.decode(block, rows, path: path) }
            done.signal()
        }
    }

    func wait() throws -> DecodedBlock {
        done.wait()
        return try result.get()
    }

    private static func decode(_ block: Int64, _ rows: [StoredLayer], path: String) throws -> DecodedBlock {
        let codec = LayerBlockCodec()
        var exactInput = false
        let layers = try rows.enumerated().map { index, row in
            guard row.kept.resolution != .derived else { return DecodedBlock.Layer(kept: row.kept, values: [], rowCount: 0, rowLength: 0) }
            let decoded: LayerBlockCodec.Block
            do {
                decoded = try codec.decode(row.bytes)
            } catch {
                throw StoreError(path: path, reason: .damaged(detail: "value block \(block): \(error)"))
            }
            if index == 0 { exactInput = decoded.encoding == .float32 && row.kept.resolution == .full }
            return DecodedBlock.Layer(kept: row.kept, values: decoded.traceMajorValues, rowCount: decoded.rowCount, rowLength: decoded.rowLength)
        }
        var digests: [[UInt8]] = []
        if exactInput, let input = layers.first, input.rowLength > 0 {
            digests = (0..<input.rowCount).map { InputDigest.sha256(input.values[($0 * input.rowLength)..<(($0 + 1) * input.rowLength)]) }
        }
        return DecodedBlock(block: block, layers: layers, inputDigests: digests)
    }
}
