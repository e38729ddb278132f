import Dispatch
import Foundation
import GRDB
import IPG

/// One ingest run: traces handed over in memory (from a stream reader or straight from a
/// capture) are stored in batched transactions. Three stages overlap: the caller produces
/// traces, a batch is encoded on another thread, and the batch before it is written on a
/// third. Idempotent: a trace already stored is skipped, so re-running an interrupted ingest
/// completes it without duplicates; a killed ingest loses at most the batches in flight.
/// Statistics change in the same transaction as the traces they summarise.
public final class IngestRun: TraceIngestion, @unchecked Sendable {
    public let store: ProvenanceStore
    /// Traces per transaction at most; fewer when their values pass `batchValueLimit`.
    public let batchSize: Int
    /// Node values (as handed over: a capture's full maps, a stream's stored rows) a batch
    /// holds before it is handed over: with the batches in flight, what bounds an ingest's
    /// memory whatever the number of traces (`defaultBatchValueLimit`).
    public let batchValueLimit: Int
    /// 2^24 values (64 MB of float32) per batch.
    public static let defaultBatchValueLimit = 1 << 24
    private let started = Date()
    private var model: (id: Int64, topology: ModelTopology, encoding: ValueEncoding, resolutions: [LayerResolution])?
    private var batch: [Trace] = []
    private var batchValues = 0
    /// Writes batches in order, one at a time; `inFlight` bounds the batches encoded or queued.
    private let writing = DispatchQueue(label: "deepprov.ingest.write")
    private let inFlight = DispatchSemaphore(value: 3)
    private let lock = NSLock()
    private var progressSoFar: IngestSummary
    private var writeFailure: (any Error)?

    /// Starts a run reading `sources` (recorded with the run, with this process). Runs left
    /// `running` by processes that have ended are first recorded as interrupted.
    public init(store: ProvenanceStore, sources: String, batchSize: Int = 2000, batchValueLimit: Int = defaultBatchValueLimit) throws {
        self.store = store
        self.batchSize = max(1, batchSize)
        self.batchValueLimit = max(1, batchValueLimit)
        let process = WriterProcess.current
        let runID = try store.write { db in
            try RunStatus.recordInterrupted(in: db)
            try db.execute(
                sql: "INSERT INTO runs (sources, started_at, status, process_id, host) VALUES (?, ?, 'running', ?, ?)",
                arguments: [sources, Self.timestamp(), process.processID, process.host])
            return db.lastInsertedRowID
        }
        progressSoFar = IngestSummary(runID: runID)
    }

    /// What the run has stored so far (batches written).
    public var summary: IngestSummary {
        lock.withLock { progressSoFar }
    }

    /// The traces that follow belong to `topology`'s model, stored with `encoding` at
    /// `resolutions` (one per layer; every layer full when nil); `onnx`, when known, is kept as
    /// the model's bytes. `source` names where they come from in errors. A model whose stored
    /// traces are kept at other resolutions is refused.
    public func beginModel(_ topology: ModelTopology, encoding: ValueEncoding, source: String, onnx: Data?,
                           resolutions: [LayerResolution]?) throws {
        try flush()
        let resolutions = resolutions ?? Array(repeating: .full, count: topology.layers.count)
        if let problem = topology.resolutionProblem(resolutions) {
            throw StoreError(path: store.path, reason: .damaged(detail: "\(source): layer resolutions: \(problem)"))
        }
        let id = try store.write { db in
            let id = try ModelRegistry.register(topology, resolutions: resolutions, in: db, source: source, storePath: store.path)
            if let onnx { try ModelRegistry.keepBytes(onnx, of: topology, modelID: id, in: db, storePath: store.path) }
            return id
        }
        model = (id, topology, encoding, resolutions)
    }

    /// The same with every layer full.
    public func beginModel(_ topology: ModelTopology, encoding: ValueEncoding, source: String, onnx: Data? = nil) throws {
        try beginModel(topology, encoding: encoding, source: source, onnx: onnx, resolutions: nil)
    }

    /// Adds one trace of the current model; a full batch is handed over to be encoded and written.
    public func add(_ trace: Trace) throws {
        batch.append(trace)
        batchValues += trace.layerValues.reduce(0) { $0 + $1.count }
        if batch.count >= batchSize || batchValues >= batchValueLimit { try handOver() }
    }

    /// Hands over the partial batch and waits until every batch is written.
    public func flush() throws {
        try handOver()
        writing.sync {}
        try rethrowWriteFailure()
    }

    /// Writes what is left and records the run as finished.
    public func finish() throws -> IngestSummary {
        try flush()
        var summary = self.summary
        summary.seconds = Date().timeIntervalSince(started)
        try record(summary, status: "finished", message: nil)
        return summary
    }

    /// Keeps the batches already handed over when possible and records the run as failed
    /// with `error`'s text; returns what was stored.
    @discardableResult
    public func fail(_ error: any Error) -> IngestSummary {
        try? flush()
        var summary = self.summary
        summary.seconds = Date().timeIntervalSince(started)
        try? record(summary, status: "failed", message: "\(error)")
        return summary
    }

    private func handOver() throws {
        try rethrowWriteFailure()
        guard !batch.isEmpty, let model else { return }
        let prepared = PreparedBatch(batch, topology: model.topology, resolutions: model.resolutions, encoding: model.encoding)
        batch.removeAll(keepingCapacity: true)
        batchValues = 0
        inFlight.wait()
        writing.async { [self] in
            defer { inFlight.signal() }
            guard lock.withLock({ writeFailure == nil }) else { return }
            do {
                let batch = try prepared.wait()
                try save(batch.traces, statistics: batch.statistics, blocks: batch.blocks, modelID: model.id, topology: model.topology,
                         resolutions: model.resolutions, encoding: model.encoding)
            } catch {
                lock.withLock { writeFailure = error }
            }
        }
    }

    private func rethrowWriteFailure() throws {
        if let failure = lock.withLock({ writeFailure }) { throw failure }
    }

    /// One transaction: the new traces, their attributes, their value blocks, the statistics,
    /// the run's counters. `statistics` and `blocks` cover all of `traces`; when some were
    /// already stored, those of the new ones are made here instead (and the new traces' block
    /// rows set again).
    private func save(_ traces: [PreparedTrace], statistics: BatchStatistics, blocks: [ValueBlocks.Encoded], modelID: Int64, topology: ModelTopology,
                      resolutions: [LayerResolution], encoding: ValueEncoding) throws {
        guard !traces.isEmpty else { return }
        let runID = summary.runID
        let (added, reused) = try store.write { db -> (Int, [String: ReusedIndices]) in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO traces (model_id, run_id, tag, input_index, true_label, predicted_label,
                    confidence, parent_tag, parent_index, value_block, value_row, explicit_edges, explicit_input_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let firstBlock = try ValueBlocks.nextBlock(in: db)
            let positions = ValueBlocks.positions(of: blocks)
            var addedIDs: [Int64] = []
            let attribute = try db.cachedStatement(sql: "INSERT INTO trace_attributes (trace_id, position, key, value) VALUES (?, ?, ?, ?)")
            // A trace is stored once per (model, tag, input hash, input index, parent): the
            // traces of its (tag, index), found through traces_by_input, are compared in full
            // (the store keeps no unique index over the 32-byte hash since migration 0009), their
            // hashes recomputed from their input values unless kept (migration 0012) — or, for
            // the traces this transaction added, whose blocks are written after them, as added.
            let sameInput = try db.cachedStatement(sql: """
                SELECT id, explicit_input_hash, value_block, value_row, parent_tag, parent_index
                FROM traces INDEXED BY traces_by_input WHERE tag = ? AND input_index = ? AND model_id = ?
                """)
            var storedHashes = InputHash.Reader()
            var addedHashes: [Int64: [UInt8]] = [:]
            var skipped: Set<Int> = []
            var added = 0
            var reused: [String: ReusedIndices] = [:]
            for (position, trace) in traces.enumerated() {
                let metadata = trace.metadata
                let inputHash = metadata.storedInputHash
                let parentTag = metadata.parent?.tag ?? "", parentIndex = metadata.parent?.inputIndex ?? -1
                var alreadyStored = false, otherInput = false
                for row in try Row.fetchAll(sameInput, arguments: [metadata.tag, metadata.inputIndex, modelID]) {
                    let id: Int64 = row[0]
                    let hash = try addedHashes[id] ?? storedHashes.hash(explicit: row[1], block: row[2], row: row[3], in: db)
                    if hash != inputHash {
                        otherInput = true
                    } else if (row[4] as String) == parentTag && (row[5] as Int) == parentIndex {
                        alreadyStored = true
                    }
                }
                guard !alreadyStored else {
                    skipped.insert(position)
                    continue
                }
                try insert.execute(arguments: [
                    modelID, runID, metadata.tag, metadata.inputIndex, metadata.trueLabel,
                    metadata.predictedLabel, Double(metadata.confidence), parentTag,
                    parentIndex, firstBlock + Int64(positions[position].block), positions[position].row,
                    trace.explicitEdges, trace.explicitInputHash,
                ])
                let traceID = db.lastInsertedRowID
                addedIDs.append(traceID)
                addedHashes[traceID] = inputHash
                for (order, pair) in metadata.attributes.enumerated() {
                    try attribute.execute(arguments: [traceID, order, pair.key, pair.value])
                }
                if otherInput {
                    reused[metadata.tag, default: ReusedIndices(firstIndex: metadata.inputIndex)].traces += 1
                }
                added += 1
            }
            if skipped.isEmpty {
                try ValueBlocks.insert(blocks, firstBlock: firstBlock, encoding: encoding, in: db)
                try statistics.merge(into: db, modelID: modelID)
            } else {
                let kept = traces.indices.filter { !skipped.contains($0) }.map { traces[$0] }
                let keptBlocks = try PreparedTrace.blocks(of: kept, topology: topology, resolutions: resolutions, encoding: encoding)
                try ValueBlocks.insert(keptBlocks, firstBlock: firstBlock, encoding: encoding, in: db)
                let update = try db.cachedStatement(sql: "UPDATE traces SET value_block = ?, value_row = ? WHERE id = ?")
                for (id, position) in zip(addedIDs, ValueBlocks.positions(of: keptBlocks)) {
                    try update.execute(arguments: [firstBlock + Int64(position.block), position.row, id])
                }
                var newTraces = BatchStatistics(topology: topology)
                for (position, trace) in traces.enumerated() where !skipped.contains(position) { newTraces.add(trace) }
                try newTraces.merge(into: db, modelID: modelID)
            }
            try db.execute(
                sql: "UPDATE runs SET traces_read = traces_read + ?, traces_added = traces_added + ?, traces_skipped = traces_skipped + ? WHERE id = ?",
                arguments: [traces.count, added, traces.count - added, runID])
            return (added, reused)
        }
        lock.withLock {
            progressSoFar.reusedIndices.merge(reused) { ReusedIndices(traces: $0.traces + $1.traces, firstIndex: $0.firstIndex) }
            progressSoFar.tracesRead += traces.count
            progressSoFar.tracesAdded += added
            progressSoFar.tracesSkipped += traces.count - added
        }
    }

    private func record(_ summary: IngestSummary, status: String, message: String?) throws {
        try store.write { db in
            try db.execute(
                sql: "UPDATE runs SET finished_at = ?, status = ?, message = ? WHERE id = ?",
                arguments: [Self.timestamp(), status, message, summary.runID])
        }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
