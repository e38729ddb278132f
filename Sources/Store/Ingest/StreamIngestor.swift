import Foundation
import GRDB
import IPG

/// What an ingest did.
public struct IngestSummary: Sendable {
    public var runID: Int64
    public var tracesRead = 0
    /// New traces stored.
    public var tracesAdded = 0
    /// Traces the store already held (same model, tag, input hash, input index and parent).
    public var tracesSkipped = 0
    public var seconds = 0.0
    /// Per tag, the new traces whose input index the tag already held for a different input
    /// (two datasets under one tag). A child naming such a (tag, index) as its parent pairs
    /// with the first trace stored.
    public var reusedIndices: [String: ReusedIndices] = [:]
}

/// New traces of one tag whose input index the tag already held for another input.
public struct ReusedIndices: Sendable, Equatable {
    public var traces = 0
    /// The first such input index met.
    public var firstIndex: Int

    public init(traces: Int = 0, firstIndex: Int) {
        self.traces = traces
        self.firstIndex = firstIndex
    }
}

/// Loads trace streams into a store in batched transactions. Idempotent: a trace already
/// stored is skipped, so re-running an interrupted ingest completes it without duplicates; a
/// killed ingest loses at most the batch in flight. Statistics change in the same transaction
/// as the traces they summarise. A damaged stream keeps the traces of the frames before the
/// damage, marks the run failed and throws the stream's error.
public final class StreamIngestor {
    public let store: ProvenanceStore
    /// Traces per transaction.
    public let batchSize: Int

    public init(store: ProvenanceStore, batchSize: Int = 2000) {
        self.store = store
        self.batchSize = max(1, batchSize)
    }

    /// Ingests `paths` (`-` for standard input) in order, as one run; `progress` gets the
    /// summary so far after every batch.
    public func ingest(_ paths: [String], progress: (IngestSummary) -> Void = { _ in }) throws -> IngestSummary {
        let started = Date()
        let runID = try write { db in
            try db.execute(
                sql: "INSERT INTO runs (sources, started_at, status) VALUES (?, ?, 'running')",
                arguments: [paths.joined(separator: " "), Self.timestamp()])
            return db.lastInsertedRowID
        }
        var summary = IngestSummary(runID: runID)
        do {
            for path in paths {
                try ingest(path, into: &summary, progress: progress)
            }
        } catch {
            summary.seconds = Date().timeIntervalSince(started)
            try? finishRun(summary, status: "failed", message: "\(error)")
            throw error
        }
        summary.seconds = Date().timeIntervalSince(started)
        try finishRun(summary, status: "finished", message: nil)
        return summary
    }

    private func ingest(_ path: String, into summary: inout IngestSummary, progress: (IngestSummary) -> Void) throws {
        let reader = try TraceStreamReader(path: path)
        let topology = reader.header.topology
        let encoding = reader.header.valueEncoding
        let modelID = try write { db in try ModelRegistry.register(topology, in: db, source: path) }
        // Batch k+1 is encoded in the background while batch k is written.
        var batch: [Trace] = []
        var inFlight: PreparedBatch?
        func handOver() throws {
            let next = batch.isEmpty ? nil : PreparedBatch(batch, topology: topology, encoding: encoding)
            batch.removeAll(keepingCapacity: true)
            if let inFlight {
                try save(inFlight.wait(), modelID: modelID, topology: topology, encoding: encoding, summary: &summary)
                progress(summary)
            }
            inFlight = next
        }
        do {
            while let trace = try reader.next() {
                batch.append(trace)
                if batch.count == batchSize { try handOver() }
            }
        } catch let error as TraceStreamError {
            // The reader only hands out traces of verified frames: keep them.
            try handOver()
            try handOver()
            throw error
        }
        try handOver()
        try handOver()
    }

    /// One transaction: the new traces, their attributes, the statistics, the run's counters.
    private func save(_ traces: [PreparedTrace], modelID: Int64, topology: ModelTopology, encoding: ValueEncoding, summary: inout IngestSummary) throws {
        guard !traces.isEmpty else { return }
        let runID = summary.runID
        let (added, skipped, reused) = try write { db -> (Int, Int, [String: ReusedIndices]) in
            let insert = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO traces (model_id, run_id, tag, input_index, input_hash, true_label, predicted_label,
                    confidence, parent_tag, parent_index, value_encoding, node_values, explicit_edges)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let attribute = try db.makeStatement(sql: "INSERT INTO trace_attributes (trace_id, position, key, value) VALUES (?, ?, ?, ?)")
            // By (tag, index): the unique index's (model, tag) prefix would visit every trace
            // of the tag, each insert.
            let otherInput = try db.makeStatement(
                sql: "SELECT 1 FROM traces INDEXED BY traces_by_input WHERE tag = ? AND input_index = ? AND model_id = ? AND input_hash <> ? LIMIT 1")
            var statistics = BatchStatistics(topology: topology)
            var added = 0
            var reused: [String: ReusedIndices] = [:]
            for trace in traces {
                let metadata = trace.metadata
                // Stored as raw bytes (half the size in the table and its unique index); a hash
                // that is not hex is kept as its UTF-8.
                let inputHash = Data(Hex.bytes(metadata.inputHash) ?? Array(metadata.inputHash.utf8))
                try insert.execute(arguments: [
                    modelID, runID, metadata.tag, metadata.inputIndex, inputHash, metadata.trueLabel,
                    metadata.predictedLabel, Double(metadata.confidence), metadata.parent?.tag ?? "",
                    metadata.parent?.inputIndex ?? -1, Int(encoding.rawValue), trace.nodeValues, trace.explicitEdges,
                ])
                guard db.changesCount == 1 else { continue }
                let traceID = db.lastInsertedRowID
                for (position, pair) in metadata.attributes.enumerated() {
                    try attribute.execute(arguments: [traceID, position, pair.key, pair.value])
                }
                if try Bool.fetchOne(otherInput, arguments: [metadata.tag, metadata.inputIndex, modelID, inputHash]) != nil {
                    reused[metadata.tag, default: ReusedIndices(firstIndex: metadata.inputIndex)].traces += 1
                }
                statistics.add(trace)
                added += 1
            }
            try statistics.merge(into: db, modelID: modelID)
            try db.execute(
                sql: "UPDATE runs SET traces_read = traces_read + ?, traces_added = traces_added + ?, traces_skipped = traces_skipped + ? WHERE id = ?",
                arguments: [traces.count, added, traces.count - added, runID])
            return (added, traces.count - added, reused)
        }
        summary.reusedIndices.merge(reused) { ReusedIndices(traces: $0.traces + $1.traces, firstIndex: $0.firstIndex) }
        summary.tracesRead += traces.count
        summary.tracesAdded += added
        summary.tracesSkipped += skipped
    }

    private func finishRun(_ summary: IngestSummary, status: String, message: String?) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET finished_at = ?, status = ?, message = ? WHERE id = ?",
                arguments: [Self.timestamp(), status, message, summary.runID])
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        try ProvenanceStore.describingFailures(store.path) { try store.pool.write(body) }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
