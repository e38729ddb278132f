import Foundation
import IPG
import Store

/// Streams ingested into any `ProvenanceBackend` through its `beginIngest` (what `deepprov
/// ingest` does for SQLite with `StreamIngestor`), for tests of other backends.
public enum BackendStreamIngest {
    /// Reads `paths` in order as one run; the model's bytes are passed when the stream's
    /// `model` attribute names a file.
    public static func ingest(_ paths: [String], into backend: any ProvenanceBackend, batchSize: Int) throws -> IngestSummary {
        let run = try backend.beginIngest(sources: paths.joined(separator: " "), batchSize: batchSize)
        do {
            for path in paths {
                let reader = try TraceStreamReader(path: path)
                let onnx = reader.header.attribute("model").flatMap { FileManager.default.contents(atPath: $0) }
                try run.beginModel(reader.header.topology, encoding: reader.header.valueEncoding, source: path, onnx: onnx)
                while let trace = try reader.next() { try run.add(trace) }
            }
        } catch {
            run.fail(error)
            throw error
        }
        return try run.finish()
    }

    /// Writes `traces` to a stream at `path` whose header names `modelPath` (when given).
    public static func writeStream(_ traces: [Trace], topology: ModelTopology, to path: String, modelPath: String? = nil, frameCapacity: Int? = nil) throws {
        let header = StreamHeader(topology: topology, attributes: modelPath.map { [KeyValue("model", $0)] } ?? [])
        let writer = try TraceStreamWriter(path: path, header: header, frameCapacity: frameCapacity)
        for trace in traces { try writer.append(trace) }
        try writer.finish()
    }
}
