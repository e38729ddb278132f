import Foundation
import GRDB
import IPG

extension ProvenanceStore {
    /// The stored trace of input `inputIndex` with `tag` (of the model whose fingerprint starts
    /// with `model`, needed when several models have such a trace), with its layer table.
    public func trace(tag: String, inputIndex: Int, model: String? = nil) throws -> (topology: ModelTopology, trace: Trace) {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(StoredTraceRow.columns) FROM traces t JOIN models m ON m.id = t.model_id
                WHERE t.tag = ? AND t.input_index = ? AND m.fingerprint LIKE ? ORDER BY t.id
                """, arguments: [tag, inputIndex, (model ?? "") + "%"])
            guard let row = rows.first else {
                throw StoreError(path: path, reason: .noSuchTrace(tag: tag, inputIndex: inputIndex, model: model))
            }
            let fingerprints = Set(rows.map { $0[StoredTraceRow.fingerprint] as String })
            guard fingerprints.count == 1 else {
                throw StoreError(path: path, reason: .ambiguousTrace(tag: tag, inputIndex: inputIndex, fingerprints: Array(fingerprints)))
            }
            let attributes = try Row.fetchAll(db, sql: "SELECT key, value FROM trace_attributes WHERE trace_id = ? ORDER BY position", arguments: [row[StoredTraceRow.id] as Int64])
                .map { KeyValue($0[0], $0[1]) }
            var topologies = TopologyCache()
            // One trace: only its own values taken out of its block, its input hashed only when not kept.
            let values = try TraceBlockReader(path: path, readingAhead: false).aloneLayerValues(
                block: row[StoredTraceRow.valueBlock], row: row[StoredTraceRow.valueRow],
                hashingInput: row[StoredTraceRow.explicitInputHash] as Data? == nil, in: db)
            return (try topologies.topology(row, in: db, path: path), try decodeTrace(row, attributes: attributes, layerValues: values))
        }
    }

    /// Calls `body` with each selected trace, decoded, in storage order, until it returns false.
    /// Streams block by block: one statement over the traces and one over their attributes,
    /// walked together, and each value block decoded once for its traces (the next one, unless
    /// the selection names inputs, on another thread meanwhile), their inputs hashed only for
    /// traces that keep no input hash.
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
        let filter = "JOIN models m ON m.id = t.model_id WHERE \(conditions.joined(separator: " AND "))"
        try read { db in
            let traces = try Row.fetchCursor(db, sql: "SELECT \(StoredTraceRow.columns) FROM traces t \(filter) ORDER BY t.id", arguments: StatementArguments(arguments))
            var attributes = try TraceAttributeCursor(db, sql: "SELECT a.trace_id, a.key, a.value FROM trace_attributes a JOIN traces t ON t.id = a.trace_id \(filter) ORDER BY a.trace_id, a.position", arguments: StatementArguments(arguments))
            var topologies = TopologyCache()
            var blocks = TraceBlockReader(path: path, readingAhead: selection.inputIndices == nil)
            while let row = try traces.next() {
                let values = try blocks.layerValues(block: row[StoredTraceRow.valueBlock], row: row[StoredTraceRow.valueRow],
                                                    hashingInput: row[StoredTraceRow.explicitInputHash] as Data? == nil, in: db)
                let trace = try decodeTrace(row, attributes: try attributes.attributes(of: row[StoredTraceRow.id]), layerValues: values)
                guard try body(try topologies.topology(row, in: db, path: path), trace) else { return }
            }
        }
    }

    /// A `traces` row (`StoredTraceRow.columns`) with its attributes and values as a `Trace`.
    private func decodeTrace(_ row: Row, attributes: [KeyValue], layerValues values: TraceLayerValues) throws -> Trace {
        typealias Column = StoredTraceRow
        let (layerValues, summaries, inputDigest) = values
        let parentTag: String = row[Column.parentTag]
        // The input hash (migration 0012): kept, or the sha256 of the input values kept exactly.
        let inputHash: [UInt8]
        if let explicit = row[Column.explicitInputHash] as Data? {
            inputHash = [UInt8](explicit)
        } else if let inputDigest {
            inputHash = inputDigest
        } else if let input = layerValues.first, !input.isEmpty {
            inputHash = InputDigest.sha256(input[...])
        } else {
            throw StoreError(path: path, reason: .damaged(detail: "trace \(row[Column.id] as Int64) keeps neither its input hash nor its input values"))
        }
        let metadata = TraceMetadata(
            inputIndex: row[Column.inputIndex], inputHash: Hex.string(inputHash), trueLabel: row[Column.trueLabel],
            predictedLabel: row[Column.predictedLabel], confidence: Float(row[Column.confidence] as Double), tag: row[Column.tag],
            parent: parentTag.isEmpty ? nil : TraceReference(tag: parentTag, inputIndex: row[Column.parentIndex]),
            attributes: attributes)
        return Trace(metadata: metadata, layerValues: layerValues, explicitEdges: ExplicitEdgesCodec.decode(row[Column.explicitEdges]), summaries: summaries)
    }
}

/// The columns a trace is read from and their positions (read by position: no name looked up
/// per trace).
private enum StoredTraceRow {
    static let columns = """
        t.id, t.tag, t.input_index, t.true_label, t.predicted_label, t.confidence, t.parent_tag, t.parent_index, \
        t.explicit_edges, t.value_block, t.value_row, t.explicit_input_hash, m.fingerprint, t.model_id
        """
    static let id = 0, tag = 1, inputIndex = 2, trueLabel = 3, predictedLabel = 4, confidence = 5, parentTag = 6, parentIndex = 7
    static let explicitEdges = 8, valueBlock = 9, valueRow = 10, explicitInputHash = 11, fingerprint = 12, modelID = 13
}

/// The attributes of the traces a scan reads, from one statement ordered by trace id and
/// position, handed out as the scan reaches each trace (in increasing id order).
private struct TraceAttributeCursor {
    private let rows: RowCursor
    /// The next attribute row not yet handed out: its trace id, key and value.
    private var pending: (traceID: Int64, attribute: KeyValue)?

    init(_ db: Database, sql: String, arguments: StatementArguments) throws {
        rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        pending = try Self.read(rows)
    }

    /// The attributes of trace `traceID`, skipping those of traces before it.
    mutating func attributes(of traceID: Int64) throws -> [KeyValue] {
        var found: [KeyValue] = []
        while let next = pending, next.traceID <= traceID {
            if next.traceID == traceID { found.append(next.attribute) }
            pending = try Self.read(rows)
        }
        return found
    }

    private static func read(_ rows: RowCursor) throws -> (traceID: Int64, attribute: KeyValue)? {
        guard let row = try rows.next() else { return nil }
        return (row[0], KeyValue(row[1], row[2]))
    }
}

/// Layer tables read and decoded once per model while reading traces (a layer table is over a
/// megabyte for a 784-350-50-10 MLP: selected with every trace row, it took most of a scan),
/// looked up by the model's id.
private struct TopologyCache {
    private var byModel: [Int64: ModelTopology] = [:]

    mutating func topology(_ row: Row, in db: Database, path: String) throws -> ModelTopology {
        let model: Int64 = row[StoredTraceRow.modelID]
        if let known = byModel[model] { return known }
        guard let table = try Data.fetchOne(db, sql: "SELECT layer_table FROM models WHERE id = ?", arguments: [model]) else {
            throw StoreError(path: path, reason: .damaged(detail: "model \(row[StoredTraceRow.fingerprint] as String) has no layer table"))
        }
        let topology = try StreamHeader(serialized: [UInt8](table)).topology
        byModel[model] = topology
        return topology
    }
}
