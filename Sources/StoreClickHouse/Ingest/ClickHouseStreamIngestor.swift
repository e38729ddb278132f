import Crypto
import Foundation
import IPG
import Store

/// Loads trace streams into a ClickHouse store as one run, as `StreamIngestor` does into
/// SQLite: a damaged stream keeps the traces of the frames before the damage (the batch in
/// hand included), marks the run failed and throws the stream's error, which names the place.
public struct ClickHouseStreamIngestor {
    public let backend: ClickHouseBackend
    /// Traces per insert.
    public let batchSize: Int

    public init(backend: ClickHouseBackend, batchSize: Int = 2000) {
        self.backend = backend
        self.batchSize = max(1, batchSize)
    }

    /// Ingests `paths` (`-` for standard input) in order, as one run; `progress` gets the
    /// summary so far as batches are written.
    public func ingest(_ paths: [String], progress: (IngestSummary) -> Void = { _ in }) throws -> IngestSummary {
        let run = try ClickHouseIngestRun(backend: backend, sources: paths.joined(separator: " "), batchSize: batchSize)
        do {
            for path in paths {
                let reader = try TraceStreamReader(path: path)
                try run.beginModel(reader.header.topology, encoding: reader.header.valueEncoding, source: path, onnx: Self.modelBytes(named: reader.header),
                                 resolutions: reader.header.resolutions)
                var reported = 0
                while let trace = try reader.next() {
                    try run.add(trace)
                    reported += 1
                    if reported % batchSize == 0 { progress(run.summary) }
                }
            }
        } catch {
            run.fail(error)
            throw error
        }
        let summary = try run.finish()
        progress(summary)
        return summary
    }

    /// The ONNX bytes of the model a stream's header names (its `model` attribute) when that
    /// file is still there and is the model the traces came from.
    static func modelBytes(named header: StreamHeader) -> Data? {
        guard let path = header.attribute("model"), let bytes = FileManager.default.contents(atPath: path),
              Hex.string(SHA256.hash(data: bytes)) == header.topology.fingerprint else { return nil }
        return bytes
    }
}
