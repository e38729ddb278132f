import Foundation
import GRDB
import IPG

/// Traces' values from their value block, every layer, as a stream reader gives them: a full
/// map, a derived layer's copy of its source, or (summary resolution) no values and a summary.
/// The last block read is kept decoded, its layers laid out trace by trace, so reading the
/// traces of a block in storage order decodes and rearranges it once and then copies each
/// trace's values out of contiguous rows. With `readingAhead`, while a block's traces are handed
/// out the next block is decoded on another thread. A block's input hashes are computed with it
/// only when the trace it is loaded for needs one (keeps no explicit input hash), and a block
/// read ahead only when the last trace read did: a store that keeps its traces' hashes (or
/// whose inputs are not kept exactly) hashes nothing; a trace left without one is hashed alone
/// by its reader.
/// `aloneLayerValues` reads one trace without keeping its block.
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
    /// sha256 of its layer 0 values when they are kept exactly (float32, full resolution) and
    /// were hashed with its block: when `hashingInput` (the trace keeps no input hash) it was
    /// loaded for, or, read ahead, for the trace before it.
    mutating func layerValues(block: Int64, row: Int, hashingInput: Bool, in db: Database) throws -> TraceLayerValues {
        if current?.block != block { try load(block, hashingInput: hashingInput, in: db) }
        return try current!.trace(at: row, path: path)
    }

    /// What `layerValues` gives for the trace at `row` of `block` (the input hash only when
    /// `hashingInput`), for one trace looked up alone: each layer's block is decoded (layout 5
    /// decodes only in order) but only this trace's values are taken out of it — no other trace
    /// rearranged or hashed — and the block is not kept.
    func aloneLayerValues(block: Int64, row: Int, hashingInput: Bool, in db: Database) throws -> TraceLayerValues {
        let decoded = try DecodingBlock.decode(block, rows(of: block, in: db), only: row, hashingInput: hashingInput, path: path)
        return try decoded.trace(at: row, path: path)
    }

    /// Makes `block` the current one: the block read ahead, or read and decoded now (its input
    /// hashes with it when `hashingInput`); then starts on the block after it, hashing its
    /// inputs as well when `hashingInput`.
    private mutating func load(_ block: Int64, hashingInput: Bool, in db: Database) throws {
        current = nil
        let decoding = try next?.block == block ? next! : DecodingBlock(block, rows: rows(of: block, in: db), hashingInput: hashingInput, path: path)
        next = nil
        current = try decoding.wait()
        if readingAhead, let following = try Int64.fetchOne(db, sql: "SELECT block FROM value_blocks WHERE block > ? ORDER BY block LIMIT 1", arguments: [block]) {
            next = DecodingBlock(following, rows: try rows(of: following, in: db), hashingInput: hashingInput, path: path)
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

/// One trace's values per layer (empty for a summarised layer), its summarised layers, and
/// the sha256 of its layer 0 values when they are kept exactly and were hashed.
typealias TraceLayerValues = (values: [[Float]], summaries: [Int: LayerSummary], inputDigest: [UInt8]?)

/// A value block decoded: its layers trace-major — every trace's values, or one trace's alone —
/// and, when its layer 0 is kept exactly, the sha256 of those traces' layer 0 values.
struct DecodedBlock: Sendable {
    /// One layer of the block.
    struct Layer: Sendable {
        var kept: ValueBlocks.KeptLayer
        /// Trace-major values of the block's rows from `DecodedBlock.firstRow` on (all of them,
        /// or the one read alone); empty for a derived layer.
        var values: [Float]
        /// The rows of the stored block (not only those decoded).
        var rowCount: Int
        var rowLength: Int
    }

    var block: Int64
    /// The block row the layers' values start at: 0, or the row of the trace read alone.
    var firstRow: Int
    var layers: [Layer]
    /// The input hashes of the rows decoded, from `firstRow` on; empty when not computed.
    var inputDigests: [[UInt8]]

    /// The values of the trace at block row `row`, which must be one of the rows decoded.
    func trace(at row: Int, path: String) throws -> TraceLayerValues {
        func damaged(_ detail: String) -> StoreError { StoreError(path: path, reason: .damaged(detail: detail)) }
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
            let start = (row - firstRow) * layer.rowLength
            let stored = Array(layer.values[start..<(start + layer.rowLength)])
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
        return (values, summaries, inputDigests.isEmpty ? nil : inputDigests[row - firstRow])
    }
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

    /// Starts decoding every trace of `block`, with their input hashes when `hashingInput`.
    init(_ block: Int64, rows: [StoredLayer], hashingInput: Bool, path: String) {
        self.block = block
        result = .success(DecodedBlock(block: block, firstRow: 0, layers: [], inputDigests: []))
        DispatchQueue.global().async { [self] in
            result = Result { try Self.decode(block, rows, only: nil, hashingInput: hashingInput, path: path) }
            done.signal()
        }
    }

    func wait() throws -> DecodedBlock {
        done.wait()
        return try result.get()
    }

    /// `block` decoded from its stored layers: every trace, or only the trace at row `only`;
    /// with `hashingInput`, the input hashes of the traces decoded.
    static func decode(_ block: Int64, _ rows: [StoredLayer], only: Int?, hashingInput: Bool, path: String) throws -> DecodedBlock {
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
            let values: [Float]
            if let only {
                // A row past the block's is left for `trace(at:)` to report.
                values = (0..<decoded.rowCount).contains(only) ? decoded.row(only) : []
            } else {
                values = decoded.traceMajorValues
            }
            return DecodedBlock.Layer(kept: row.kept, values: values, rowCount: decoded.rowCount, rowLength: decoded.rowLength)
        }
        let decodedRows = only.map { [$0] } ?? Array(0..<(layers.first?.rowCount ?? 0))
        var digests: [[UInt8]] = []
        if hashingInput, exactInput, let input = layers.first, input.rowLength > 0, decodedRows.allSatisfy({ $0 < input.rowCount }) {
            digests = decodedRows.indices.map { InputDigest.sha256(input.values[($0 * input.rowLength)..<(($0 + 1) * input.rowLength)]) }
        }
        return DecodedBlock(block: block, firstRow: only ?? 0, layers: layers, inputDigests: digests)
    }
}
