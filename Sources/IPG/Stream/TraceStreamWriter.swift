import Dispatch

/// Writes a `.ipgz` trace stream (format in `TraceStreamFormat`). Traces are grouped into
/// frames of about 2 MB of node values; each full frame is encoded, compressed, checksummed and
/// written on a background queue while the caller goes on capturing. `finish()` writes the end
/// frame and moves the file into place; a stream that was not finished is never mistaken for a
/// complete one.
public final class TraceStreamWriter: @unchecked Sendable {
    /// What a finished stream holds.
    public struct Summary: Sendable {
        public var traceCount: Int
        public var frameCount: Int
        public var bytesWritten: Int
    }

    public let header: StreamHeader
    /// Traces per frame.
    public let frameCapacity: Int
    private let output: StreamOutput
    private let compressor: ZstdCompressor
    private let queue = DispatchQueue(label: "deepprov.trace-stream-writer")
    private let framesInFlight = DispatchSemaphore(value: 2)
    private var pending: [Trace] = []
    private var traceCount = 0
    private var isFinished = false
    // Touched on `queue` only.
    private var frameCount = 0
    private var failure: TraceStreamError?

    /// Opens `path` (`-` for standard output) and writes the preamble and header frame.
    /// `frameCapacity` defaults to as many traces as fit in about 2 MB of node values.
    public init(path: String, header: StreamHeader, frameCapacity: Int? = nil, compressionLevel: Int32 = 1) throws {
        self.header = header
        let bytesPerTrace = max(1, header.topology.layers.reduce(0) { $0 + $1.valueCount } * header.valueEncoding.byteWidth)
        self.frameCapacity = max(1, frameCapacity ?? min(4096, (2 << 20) / bytesPerTrace))
        output = try StreamOutput(path: path)
        compressor = ZstdCompressor(level: compressionLevel)
        var preamble = PayloadWriter()
        preamble.writeBytes(TraceStreamFormat.magic)
        preamble.writeBytes([UInt8(truncatingIfNeeded: TraceStreamFormat.version), UInt8(TraceStreamFormat.version >> 8), 0, 0])
        try output.append(preamble.bytes)
        try writeFrame(kind: .header, itemCount: 0, payload: wrap { try header.encoded() })
    }

    /// Adds one trace; its layer values must match the header's layer table.
    public func append(_ trace: Trace) throws {
        guard !isFinished else { throw TraceStreamError(file: output.path, message: "append after finish") }
        guard trace.layerValues.count == header.topology.layers.count else {
            throw TraceStreamError(file: output.path, message: "input \(trace.metadata.inputIndex): \(trace.layerValues.count) layers, the header has \(header.topology.layers.count)")
        }
        pending.append(trace)
        traceCount += 1
        if pending.count >= frameCapacity { try flush() }
    }

    /// Writes what is pending and the end frame, waits for the background writes, and moves
    /// the file into place.
    @discardableResult
    public func finish() throws -> Summary {
        guard !isFinished else { throw TraceStreamError(file: output.path, message: "finish called twice") }
        try flush()
        isFinished = true
        try queue.sync {
            if let failure { throw failure }
            try writeFrame(kind: .end, itemCount: traceCount, payload: nil)
            try output.commit()
        }
        return queue.sync { Summary(traceCount: traceCount, frameCount: frameCount, bytesWritten: output.bytesWritten) }
    }

    private func flush() throws {
        if let failure = queue.sync(execute: { failure }) { throw failure }
        guard !pending.isEmpty else { return }
        let traces = pending
        pending = []
        framesInFlight.wait()
        queue.async { [self] in
            defer { framesInFlight.signal() }
            guard failure == nil else { return }
            do {
                let payload = try wrap { try TraceFrame.encode(traces, topology: header.topology, encoding: header.valueEncoding) }
                try writeFrame(kind: .traces, itemCount: traces.count, payload: payload)
            } catch let error as TraceStreamError {
                failure = error
            } catch {
                failure = TraceStreamError(file: output.path, message: "\(error)")
            }
        }
    }

    /// Compresses (when there is a payload), checksums and writes one frame.
    private func writeFrame(kind: TraceStreamFormat.FrameKind, itemCount: Int, payload: [UInt8]?) throws {
        let stored = try payload.map { bytes in try wrap { try compressor.compress(bytes) } } ?? []
        let frame = FrameHeader.sealing(
            kind: kind, valueEncoding: kind == .traces ? header.valueEncoding.rawValue : 0,
            itemCount: itemCount, stored: stored, decodedLength: payload?.count ?? 0)
        try output.append(frame.bytes)
        try output.append(stored)
        frameCount += 1
    }

    /// Turns a payload problem into an error naming this stream.
    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PayloadError {
            throw TraceStreamError(file: output.path, frame: frameCount, message: error.message)
        }
    }
}
