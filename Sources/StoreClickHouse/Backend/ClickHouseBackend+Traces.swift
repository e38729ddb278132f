import Foundation
import IPG
import Store

extension ClickHouseBackend {
    /// The columns a trace is read back from, in `decodeTrace`'s order.
    static let traceColumns = """
        id, model_id, tag, input_index, input_hash, true_label, predicted_label, confidence, parent_tag, parent_index,
        attribute_keys, attribute_values, layer_values
        """

    public func trace(tag: String, inputIndex: Int, model: String?) throws -> (topology: ModelTopology, trace: Trace) {
        let models = try modelIDs().filter { $0.key.hasPrefix(model ?? "") }
        guard !models.isEmpty else { throw StoreError(path: location, reason: .noSuchTrace(tag: tag, inputIndex: inputIndex, model: model)) }
        var reader = RowBinaryReader(try client.execute("""
            SELECT \(Self.traceColumns) FROM \(table("traces"))
            WHERE tag = \(SQLLiteral.string(tag)) AND input_index = \(inputIndex) AND model_id IN \(SQLLiteral.list(Array(models.values)))
            ORDER BY id FORMAT RowBinary
            """))
        var found: [(modelID: UInt64, trace: Trace)] = []
        while !reader.atEnd { found.append(try Self.decodeTrace(&reader)) }
        guard let first = found.first else { throw StoreError(path: location, reason: .noSuchTrace(tag: tag, inputIndex: inputIndex, model: model)) }
        let foundModels = Set(found.map(\.modelID))
        guard foundModels.count == 1 else {
            let fingerprints = models.filter { foundModels.contains($0.value) }.map(\.key)
            throw StoreError(path: location, reason: .ambiguousTrace(tag: tag, inputIndex: inputIndex, fingerprints: fingerprints))
        }
        var topologies = TopologyCache(backend: self)
        return (try topologies.topology(first.modelID), first.trace)
    }

    /// Calls `body` with each selected trace, decoded, in id order (the order they were
    /// stored), read 512 at a time, until it returns false.
    public func forEachTrace(_ selection: TraceSelection, _ body: (ModelTopology, Trace) throws -> Bool) throws {
        try forEachTrace(selection, pageSize: 512, body)
    }

    /// The selected traces read in pages of `pageSize` (each page the next ids).
    func forEachTrace(_ selection: TraceSelection, pageSize: Int, _ body: (ModelTopology, Trace) throws -> Bool) throws {
        let models = try modelIDs().filter { $0.key.hasPrefix(selection.model ?? "") }
        guard !models.isEmpty else { return }
        var conditions = ["model_id IN \(SQLLiteral.list(Array(models.values)))"]
        if let tag = selection.tag { conditions.append("tag = \(SQLLiteral.string(tag))") }
        if let indices = selection.inputIndices {
            guard !indices.isEmpty else { return }
            conditions.append("input_index IN \(SQLLiteral.list(indices))")
        }
        var topologies = TopologyCache(backend: self)
        var after: UInt64?
        while true {
            let page = conditions + (after.map { ["id > \($0)"] } ?? [])
            var reader = RowBinaryReader(try client.execute("""
                SELECT \(Self.traceColumns) FROM \(table("traces")) WHERE \(page.joined(separator: " AND "))
                ORDER BY id LIMIT \(pageSize) FORMAT RowBinary
                """))
            var count = 0
            while !reader.atEnd {
                let id = try reader.uint64()
                let (modelID, trace) = try Self.decodeTrace(&reader, id: id)
                guard try body(try topologies.topology(modelID), trace) else { return }
                after = id
                count += 1
            }
            if count < pageSize { return }
        }
    }

    /// One row of `traceColumns`.
    static func decodeTrace(_ reader: inout RowBinaryReader) throws -> (modelID: UInt64, trace: Trace) {
        try decodeTrace(&reader, id: try reader.uint64())
    }

    /// One row of `traceColumns` whose id has been read.
    static func decodeTrace(_ reader: inout RowBinaryReader, id: UInt64) throws -> (modelID: UInt64, trace: Trace) {
        let modelID = try reader.uint64()
        let tag = try reader.string()
        let inputIndex = Int(try reader.int64())
        let inputHash = Hex.string(try reader.bytesValue())
        let trueLabel = try reader.nullable { Int(try $0.int64()) }
        let predicted = Int(try reader.int64())
        let confidence = try reader.float32()
        let parentTag = try reader.string(), parentIndex = Int(try reader.int64())
        let keys = try reader.stringArray(), values = try reader.stringArray()
        let layerCount = try reader.length()
        let layerValues = try (0..<layerCount).map { _ in try reader.float32Array() }
        let metadata = TraceMetadata(
            inputIndex: inputIndex, inputHash: inputHash, trueLabel: trueLabel, predictedLabel: predicted, confidence: confidence,
            tag: tag, parent: parentTag.isEmpty ? nil : TraceReference(tag: parentTag, inputIndex: parentIndex),
            attributes: zip(keys, values).map { KeyValue($0, $1) })
        return (modelID, Trace(metadata: metadata, layerValues: layerValues))
    }
}

/// Layer tables read and decoded once per model while reading traces.
struct TopologyCache {
    let backend: ClickHouseBackend
    private var byID: [UInt64: ModelTopology] = [:]

    init(backend: ClickHouseBackend) { self.backend = backend }

    mutating func topology(_ modelID: UInt64) throws -> ModelTopology {
        if let known = byID[modelID] { return known }
        guard let topology = try backend.storedTopology(modelID: modelID) else {
            throw StoreError(path: backend.location, reason: .damaged(detail: "model \(modelID) has no layer table"))
        }
        byID[modelID] = topology
        return topology
    }
}

extension ClickHouseBackend {
    /// The layer table stored for model `modelID`, or nil when the store has no such model.
    func storedTopology(modelID: UInt64) throws -> ModelTopology? {
        var reader = RowBinaryReader(try client.execute(
            "SELECT layer_table FROM \(table("models")) FINAL WHERE id = \(modelID) LIMIT 1 FORMAT RowBinary"))
        guard !reader.atEnd else { return nil }
        return try StreamHeader(serialized: try reader.bytesValue()).topology
    }
}
