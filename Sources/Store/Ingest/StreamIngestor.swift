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
        let (added, skipped) = try write { db -> (Int, Int) in
            let insert = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO traces (model_id, run_id, tag, input_index, input_hash, true_label, predicted_label,
                    confidence, parent_tag, parent_index, value_encoding, node_values, explicit_edges)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let attribute = try db.makeStatement(sql: "INSERT INTO trace_attributes (trace_id, position, key, value) VALUES (?, ?, ?, ?)")
            var statistics = BatchStatistics(topology: topology)
            var added = 0
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
                statistics.add(trace)
                added += 1
            }
            try statistics.merge(into: db, modelID: modelID)
            try db.execute(
                sql: "UPDATE runs SET traces_read = traces_read + ?, traces_added = traces_added + ?, traces_skipped = traces_skipped + ? WHERE id = ?",
                arguments: [traces.count, added, traces.count - added, runID])
            return (added, traces.count - added)
        }
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
