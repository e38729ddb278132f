import Dispatch
import Foundation
import IPG
import Store

/// One ingest run into ClickHouse: traces handed over in memory are inserted in batches, one
/// `INSERT … FORMAT RowBinary` (gzip-compressed) per batch, split on a cluster into one part
/// per node, sent at once. Idempotent like the SQLite
/// ingest: before a batch is inserted, the stored traces of its (model, tag, input index)s are
/// read and a trace the store already holds (same model, tag, input hash, input index and
/// parent) is skipped, so re-running an interrupted ingest completes it without duplicates.
/// The batch's tags are claimed while it is read and inserted (`ClickHouseTagClaim`), so ingests
/// of one stream running at once store each trace once; the first batch, and one an hour after
/// that, drops the hours of lapsed claims (`ClickHouseTagClaim.dropLapsedHours`).
/// The run's id is claimed first (`ClickHouseRunClaim`: concurrent ingests get distinct ones);
/// its state is a row of `runs` rewritten (a new version) after every batch.
final class ClickHouseIngestRun: TraceIngestion {
    let backend: ClickHouseBackend
    let batchSize: Int
    private let started = Date()
    private let startedAt = ClickHouseBackend.timestamp()
    private let sources: String
    private var model: (id: UInt64, topology: ModelTopology)?
    private var batch: [Trace] = []
    private(set) var summary: IngestSummary
    /// Where batches go: on a cluster every node (each has the `Distributed` table), each
    /// taking an equal part of a batch, so that no one node parses, and forwards, every row;
    /// on one server, that server.
    private let inserters: [ClickHouseClient]
    /// When this run last dropped lapsed claims.
    private var lapsedClaimsDropped: Date?

    init(backend: ClickHouseBackend, sources: String, batchSize: Int) throws {
        self.backend = backend
        self.batchSize = max(1, batchSize)
        self.sources = sources
        let nodes = try ClickHouseMigrator(client: backend.client, address: backend.address).shardClients()
        inserters = nodes.isEmpty ? [backend.client] : nodes
        summary = IngestSummary(runID: try ClickHouseRunClaim.claim(on: backend))
        try record(status: "running", message: nil, finished: false)
    }

    func beginModel(_ topology: ModelTopology, encoding: ValueEncoding, source: String, onnx: Data?) throws {
        try beginModel(topology, encoding: encoding, source: source, onnx: onnx, resolutions: nil)
    }

    /// Refuses layers kept at summary or derived resolution: this store keeps every layer full.
    func beginModel(_ topology: ModelTopology, encoding: ValueEncoding, source: String, onnx: Data?, resolutions: [LayerResolution]?) throws {
        if let resolutions, let layer = topology.layers.first(where: { resolutions[$0.index] != .full }) {
            throw StoreError(path: backend.location, reason: .reducedResolution(
                stream: source, layer: layer.index, layerName: layer.name, resolution: resolutions[layer.index].rawValue))
        }
        try flush()
        let registry = ClickHouseModelRegistry(backend: backend)
        let id = try registry.register(topology, source: source)
        if let onnx { try registry.keepBytes(onnx, of: topology, modelID: id) }
        model = (id, topology)
    }

    func add(_ trace: Trace) throws {
        guard trace.explicitEdges.isEmpty else {
            throw StoreError(path: backend.location, reason: .unsupported(detail: "traces with explicit edges are not stored on clickhouse yet"))
        }
        guard trace.summaries.isEmpty else {
            throw StoreError(path: backend.location, reason: .unsupported(detail: "layers kept at summary resolution are not stored on clickhouse yet"))
        }
        batch.append(trace)
        if batch.count >= batchSize { try flush() }
    }

    func finish() throws -> IngestSummary {
        try flush()
        summary.seconds = Date().timeIntervalSince(started)
        try record(status: "finished", message: nil, finished: true)
        return summary
    }

    @discardableResult
    func fail(_ error: any Error) -> IngestSummary {
        try? flush()
        summary.seconds = Date().timeIntervalSince(started)
        try? record(status: "failed", message: "\(error)", finished: true)
        return summary
    }

    /// Inserts the batch's new traces and records the run's counters.
    private func flush() throws {
        guard !batch.isEmpty, let model else { return }
        let traces = batch
        batch.removeAll(keepingCapacity: true)
        if lapsedClaimsDropped.map({ Date().timeIntervalSince($0) >= 3600 }) ?? true {
            try ClickHouseTagClaim.dropLapsedHours(on: backend)
            lapsedClaimsDropped = Date()
        }
        let claim = ClickHouseTagClaim(backend: backend, runID: summary.runID, modelID: model.id, fingerprint: model.topology.fingerprint)
        try claim.holding(Set(traces.map(\.metadata.tag))) { try store(traces, modelID: model.id) }
        try record(status: "running", message: nil, finished: false)
    }

    /// Inserts the traces of `traces` the store lacks (its tags held) and counts them.
    private func store(_ traces: [Trace], modelID: UInt64) throws {
        var stored = try storedInputs(of: traces, modelID: modelID)
        var parts = Array(repeating: RowBinaryWriter(), count: inserters.count)
        var added = 0
        for trace in traces {
            let metadata = trace.metadata
            let key = InputKey(tag: metadata.tag, inputIndex: metadata.inputIndex)
            let identity = StoredIdentity(metadata)
            let known = stored[key, default: []]
            if known.contains(identity) { continue }
            if known.contains(where: { $0.inputHash != identity.inputHash }) {
                summary.reusedIndices[metadata.tag, default: ReusedIndices(firstIndex: metadata.inputIndex)].traces += 1
            }
            stored[key, default: []].append(identity)
            let ordinal = UInt64(summary.tracesAdded + added)
            Self.write(trace, id: UInt64(summary.runID) << 32 | ordinal, modelID: modelID, runID: UInt64(summary.runID),
                       to: &parts[added % parts.count])
            added += 1
        }
        try insert(parts.map(\.data))
        summary.tracesRead += traces.count
        summary.tracesAdded += added
        summary.tracesSkipped += traces.count - added
    }

    /// Sends each non-empty part to its node, all at once, and waits until every node has
    /// stored its part (and forwarded the other shards' rows); throws the first failure.
    private func insert(_ parts: [Data]) throws {
        let sql = "INSERT INTO \(backend.table("traces")) (\(ClickHouseBackend.insertColumns)) FORMAT RowBinary"
        let failure = FirstFailure()
        let (inserters, settings) = (self.inserters, backend.insertSettings)
        DispatchQueue.concurrentPerform(iterations: parts.count) { node in
            guard !parts[node].isEmpty else { return }
            do { try inserters[node].insert(sql, data: parts[node], settings: settings) } catch { failure.keep(error) }
        }
        if let error = failure.error { throw error }
    }

    /// The identities of the stored traces sharing a (tag, input index) with one of `traces`.
    private func storedInputs(of traces: [Trace], modelID: UInt64) throws -> [InputKey: [StoredIdentity]] {
        var indicesByTag: [String: Set<Int>] = [:]
        for trace in traces { indicesByTag[trace.metadata.tag, default: []].insert(trace.metadata.inputIndex) }
        var stored: [InputKey: [StoredIdentity]] = [:]
        for (tag, indices) in indicesByTag {
            var reader = RowBinaryReader(try backend.client.execute("""
                SELECT input_index, input_hash, parent_tag, parent_index FROM \(backend.table("traces"))
                WHERE model_id = \(modelID) AND tag = \(SQLLiteral.string(tag)) AND input_index IN \(SQLLiteral.list(indices.sorted()))
                FORMAT RowBinary
                """))
            while !reader.atEnd {
                let index = Int(try reader.int64())
                let identity = StoredIdentity(inputHash: try reader.bytesValue(), parentTag: try reader.string(), parentIndex: Int(try reader.int64()))
                stored[InputKey(tag: tag, inputIndex: index), default: []].append(identity)
            }
        }
        return stored
    }

    private static func write(_ trace: Trace, id: UInt64, modelID: UInt64, runID: UInt64, to row: inout RowBinaryWriter) {
        let metadata = trace.metadata
        row.uint64(id)
        row.uint64(modelID)
        row.uint64(runID)
        row.string(metadata.tag)
        row.int64(Int64(metadata.inputIndex))
        row.bytes(Data(metadata.storedInputHash))
        row.nullable(metadata.trueLabel) { $0.int64(Int64($1)) }
        row.int64(Int64(metadata.predictedLabel))
        row.float32(metadata.confidence)
        row.string(metadata.parent?.tag ?? "")
        row.int64(Int64(metadata.parent?.inputIndex ?? -1))
        row.stringArray(metadata.attributes.map(\.key))
        row.stringArray(metadata.attributes.map(\.value))
        row.length(trace.layerValues.count)
        for values in trace.layerValues { row.float32Array(values) }
    }

    private func record(status: String, message: String?, finished: Bool) throws {
        let process = WriterProcess.current
        var row = RowBinaryWriter()
        row.uint64(UInt64(summary.runID))
        row.string(sources)
        row.string(startedAt)
        row.nullable(finished ? ClickHouseBackend.timestamp() : nil) { $0.string($1) }
        row.string(status)
        row.nullable(process.processID) { $0.int32($1) }
        row.nullable(process.host) { $0.string($1) }
        row.uint64(UInt64(summary.tracesRead))
        row.uint64(UInt64(summary.tracesAdded))
        row.uint64(UInt64(summary.tracesSkipped))
        row.nullable(message) { $0.string($1) }
        row.uint64(ClickHouseBackend.version())
        try backend.client.insert("INSERT INTO \(backend.table("runs")) FORMAT RowBinary", data: row.data)
    }
}

extension ClickHouseBackend {
    /// The `traces` columns an ingest writes, in `ClickHouseIngestRun.write`'s order.
    static let insertColumns = """
        id, model_id, run_id, tag, input_index, input_hash, true_label, predicted_label, confidence, parent_tag, parent_index, \
        attribute_keys, attribute_values, layer_values
        """
}

private struct InputKey: Hashable {
    var tag: String
    var inputIndex: Int
}

/// What tells two traces of one (model, tag, input index) apart.
private struct StoredIdentity: Equatable {
    var inputHash: [UInt8]
    var parentTag: String
    var parentIndex: Int

    init(inputHash: [UInt8], parentTag: String, parentIndex: Int) {
        (self.inputHash, self.parentTag, self.parentIndex) = (inputHash, parentTag, parentIndex)
    }

    init(_ metadata: TraceMetadata) {
        self.init(inputHash: metadata.storedInputHash, parentTag: metadata.parent?.tag ?? "", parentIndex: metadata.parent?.inputIndex ?? -1)
    }
}

/// The first error of inserts running at once.
private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (any Error)?

    var error: (any Error)? { lock.withLock { first } }

    func keep(_ error: any Error) {
        lock.withLock { if first == nil { first = error } }
    }
}
