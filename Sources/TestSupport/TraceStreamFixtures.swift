import Foundation
import IPG

/// Trace streams written for tests that ingest them.
public enum TraceStreamFixtures {
    /// Writes `traces` to a stream at `path` whose header names `modelPath` (when given).
    public static func writeStream(_ traces: [Trace], topology: ModelTopology, to path: String, modelPath: String? = nil, frameCapacity: Int? = nil) throws {
        let header = StreamHeader(topology: topology, attributes: modelPath.map { [KeyValue("model", $0)] } ?? [])
        let writer = try TraceStreamWriter(path: path, header: header, frameCapacity: frameCapacity)
        for trace in traces { try writer.append(trace) }
        try writer.finish()
    }
}
