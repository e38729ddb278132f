import Foundation
import GRDB
import IPG

extension ProvenanceStore {
    /// The stored trace of input `inputIndex` with `tag` (of the model whose fingerprint starts
    /// with `model`, needed when several models have such a trace), with its layer table.
    public func trace(tag: String, inputIndex: Int, model: String? = nil) throws -> (topology: ModelTopology, trace: Trace) {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.*, m.fingerprint FROM traces t JOIN models m ON m.id = t.model_id
                WHERE t.tag = ? AND t.input_index = ? AND m.fingerprint LIKE ? ORDER BY t.id
                """, arguments: [tag, inputIndex, (model ?? "") + "%"])
            guard let row = rows.first else {
                throw StoreError(path: path, reason: .noSuchTrace(tag: tag, inputIndex: inputIndex, model: model))
            }
            let fingerprints = Set(rows.map { $0["fingerprint"] as String })
            guard fingerprints.count == 1 else {
                throw StoreError(path: path, reason: .ambiguousTrace(tag: tag, inputIndex: inputIndex, fingerprints: Array(fingerprints)))
            }
            var topologies = TopologyCache()
            var blocks = TraceBlockReader()
            return (try topologies.topology(row, in: db, path: path), try decodeTrace(row, blocks: &blocks, in: db))
        }
    }

    /// Calls `body` with each selected trace, decoded, in storage order, until it returns false.
    public func forEachTrace(_ selection: TraceSelection, _ body: (ModelTopology, Trace) throws -> Bool) throws {
        var conditions = ["m.fingerprint LIKE ?"]
        var arguments: [any DatabaseValueConvertible] = [(selection.model ?? "") + "%"]
        if let tag = selection.tag {
            conditions.append("t.tag = ?")
            arguments.append(tag)
        }
        if let indices = selection.inputIndices {
            conditions.append("t.input_index IN (SELECT value FROM json_each(?))")
            arguments.append("[" + indices.map(String.init).joined(separator: ",") + "]")
        }
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT t.*, m.fingerprint FROM traces t JOIN models m ON m.id = t.model_id
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY t.id
                """, arguments: StatementArguments(arguments))
            var topologies = TopologyCache()
            var blocks = TraceBlockReader()
            while let row = try cursor.next() {
                guard try body(try topologies.topology(row, in: db, path: path), try decodeTrace(row, blocks: &blocks, in: db)) else { return }
            }
        }
    }

    /// A `traces` row (with its attributes looked up) as a `Trace`.
    private func decodeTrace(_ row: Row, blocks: inout TraceBlockReader, in db: Database) throws -> Trace {
        let (layerValues, summaries) = try blocks.layerValues(block: row["value_block"], row: row["value_row"], in: db, path: path)
        let attributes = try Row.fetchAll(db, sql: "SELECT key, value FROM trace_attributes WHERE trace_id = ? ORDER BY position", arguments: [row["id"] as Int64])
            .map { KeyValue($0["key"], $0["value"]) }
        let parentTag: String = row["parent_tag"]
        // The input hash (migration 0012): kept, or the sha256 of the input values kept exactly.
        let inputHash: [UInt8]
        if let explicit = row["explicit_input_hash"] as Data? {
            inputHash = [UInt8](explicit)
        } else if let input = layerValues.first, !input.isEmpty {
            inputHash = InputDigest.sha256(input[...])
        } else {
            throw StoreError(path: path, reason: .damaged(detail: "trace \(row["id"] as Int64) keeps neither its input hash nor its input values"))
        }
        let metadata = TraceMetadata(
            inputIndex: row["input_index"], inputHash: Hex.string(inputHash), trueLabel: row["true_label"],
            predictedLabel: row["predicted_label"], confidence: Float(row["confidence"] as Double), tag: row["tag"],
            parent: parentTag.isEmpty ? nil : TraceReference(tag: parentTag, inputIndex: row["parent_index"]),
            attributes: attributes)
        return Trace(metadata: metadata, layerValues: layerValues, explicitEdges: ExplicitEdgesCodec.decode(row["explicit_edges"]), summaries: summaries)
    }
}

/// Layer tables read and decoded once per model while reading traces (a layer table is over a
/// megabyte for a 784-350-50-10 MLP: selected with every trace row, it took most of a scan).
private struct TopologyCache {
    private var byFingerprint: [String: ModelTopology] = [:]

    mutating func topology(_ row: Row, in db: Database, path: String) throws -> ModelTopology {
        let fingerprint: String = row["fingerprint"]
        if let known = byFingerprint[fingerprint] { return known }
        guard let table = try Data.fetchOne(db, sql: "SELECT layer_table FROM models WHERE fingerprint = ?", arguments: [fingerprint]) else {
            throw StoreError(path: path, reason: .damaged(detail: "model \(fingerprint) has no layer table"))
        }
        let topology = try StreamHeader(serialized: [UInt8](table)).topology
        byFingerprint[fingerprint] = topology
        return topology
    }
}

/// A trace's values from its value block, every layer, as a stream reader gives them: a full
/// map, a derived layer's copy of its source, or (summary resolution) no values and a summary.
/// The last block read is kept decoded, so reading traces in storage order decodes each block
/// once.
private struct TraceBlockReader {
    private var block: Int64?
    private var layers: [(kept: ValueBlocks.KeptLayer, values: LayerBlockCodec.Block?)] = []
    private let codec = LayerBlockCodec()

    mutating func layerValues(block: Int64, row: Int, in db: Database, path: String) throws -> (values: [[Float]], summaries: [Int: LayerSummary]) {
        if block != self.block {
            let rows = try Row.fetchAll(db, sql: "SELECT layer, data, resolution, source_layer FROM value_blocks WHERE block = ? ORDER BY layer", arguments: [block])
            guard rows.enumerated().allSatisfy({ $0.offset == $0.element["layer"] as Int }) else {
                throw StoreError(path: path, reason: .damaged(detail: "value block \(block) lacks a layer"))
            }
            do {
                layers = try rows.map { row in
                    guard let kept = ValueBlocks.KeptLayer(code: row["resolution"], source: row["source_layer"]) else {
                        throw StoreError(path: path, reason: .damaged(detail: "value block \(block), layer \(row["layer"] as Int): unknown resolution"))
                    }
                    return (kept, kept.resolution == .derived ? nil : try codec.decode([UInt8](row["data"] as Data)))
                }
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(path: path, reason: .damaged(detail: "value block \(block): \(error)"))
            }
            self.block = block
        }
        var values: [[Float]] = [], summaries: [Int: LayerSummary] = [:]
        for (index, layer) in layers.enumerated() {
            if let source = layer.kept.source {
                guard source < index, layers[source].kept.resolution != .summary else {
                    throw StoreError(path: path, reason: .damaged(detail: "value block \(block), layer \(index): derived from layer \(source), which it does not keep as a map"))
                }
                values.append(values[source])
                continue
            }
            guard let decoded = layer.values, (0..<decoded.rowCount).contains(row) else {
                throw StoreError(path: path, reason: .damaged(detail: "value block \(block) has no row \(row)"))
            }
            let stored = decoded.row(row)
            if layer.kept.resolution == .summary {
                guard stored.count % LayerSummary.valuesPerNode == 0 else {
                    throw StoreError(path: path, reason: .damaged(detail: "value block \(block), layer \(index): a summary row of \(stored.count) values"))
                }
                summaries[index] = LayerSummary(stored: stored, nodeCount: stored.count / LayerSummary.valuesPerNode)
                values.append([])
            } else {
                values.append(stored)
            }
        }
        return (values, summaries)
    }
}
