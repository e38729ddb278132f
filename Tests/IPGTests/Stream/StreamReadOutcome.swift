import Foundation
import IPG

/// What reading a stream to its end gives: the traces delivered, then the error that stopped it.
struct StreamReadOutcome {
    var header: StreamHeader?
    var traces: [Trace] = []
    var error: (any Error)?

    /// The error, when it is the stream's own.
    var streamError: TraceStreamError? { error as? TraceStreamError }

    /// Reads the stream at `path` until its end or an error.
    init(reading path: String) {
        do {
            let reader = try TraceStreamReader(path: path)
            header = reader.header
            while let trace = try reader.next() { traces.append(trace) }
        } catch {
            self.error = error
        }
    }

    /// Writes `bytes` to `name` in `directory` and reads them.
    init(bytes: [UInt8], name: String, in directory: URL) throws {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        self.init(reading: url.path)
    }
}
