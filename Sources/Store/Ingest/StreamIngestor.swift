import Crypto
import Foundation
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

/// Loads trace streams into a store (any backend) as one ingest run. A damaged stream keeps
/// the traces of the frames before the damage, marks the run failed and throws the stream's
/// error, which names the place.
public struct StreamIngestor {
    public let backend: any ProvenanceBackend
    /// Traces per batch (an SQLite transaction, a ClickHouse insert).
    public let batchSize: Int

    public init(backend: any ProvenanceBackend, batchSize: Int = 2000) {
        self.backend = backend
        self.batchSize = max(1, batchSize)
    }

    /// Ingests `paths` (`-` for standard input) in order, as one run; `progress` gets the
    /// summary so far as batches are written.
    public func ingest(_ paths: [String], progress: (IngestSummary) -> Void = { _ in }) throws -> IngestSummary {
        let run = try backend.beginIngest(sources: paths.joined(separator: " "), batchSize: batchSize)
        let summary: IngestSummary
        do {
            for path in paths {
                let reader = try TraceStreamReader(path: path)
                try run.beginModel(reader.header.topology, encoding: reader.header.valueEncoding, source: path,
                                   onnx: Self.modelBytes(named: reader.header), resolutions: reader.header.resolutions)
                var reported = 0
                // The reader only hands out traces of verified frames: a damaged one ends the
                // loop by throwing, and `fail` keeps the traces before it.
                while let trace = try reader.next() {
                    try run.add(trace)
                    reported += 1
                    if reported % batchSize == 0 { progress(run.summary) }
                }
            }
            // Its last batch may fail too (a ClickHouse tag another writer holds).
            summary = try run.finish()
        } catch {
            run.fail(error)
            throw error
        }
        progress(summary)
        return summary
    }

    /// The ONNX bytes of the model a stream's header names (its `model` attribute, the path it
    /// was captured with) when that file is still there and is the model the traces came from.
    static func modelBytes(named header: StreamHeader) -> Data? {
        guard let path = header.attributes.first(where: { $0.key == "model" })?.value,
              let bytes = FileManager.default.contents(atPath: path),
              Hex.string(SHA256.hash(data: bytes)) == header.topology.fingerprint else { return nil }
        return bytes
    }
}
