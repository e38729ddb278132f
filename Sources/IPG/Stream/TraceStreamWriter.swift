import Dispatch
import Synchronization

/// Writes a `.ipgz` trace stream (format in `TraceStreamFormat`). Traces are grouped into
/// frames of about 2 MB of node values; full frames are encoded and compressed on background
/// threads (several at once) while the caller goes on capturing, and written in order.
/// `finish()` writes the end frame and moves the file into place; a stream that was not
/// finished is never mistaken for a complete one.
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
    /// One compressor per frame being encoded, reused frame after frame.
    private let compressors: ZstdCompressorPool
    private let output: StreamOutput
    /// Serial: writes frames in the order they were queued.
    private let writeQueue = DispatchQueue(label: "deepprov.trace-stream-writer")
    private let framesInFlight = DispatchSemaphore(value: 8)
    /// The traces of the frame being gathered.
    private var pending: FrameRows
    private var traceCount = 0
    private var framesQueued = 0
    private var isFinished = false
    // Touched on `writeQueue` only (after the header frame).
    private var framesWritten = 0
    /// The first frame that failed to encode or write. Set on `writeQueue`; read by `flush`
    /// without waiting for that queue, which would wait for every frame in flight and so keep
    /// the caller from capturing while frames are encoded.
    private let failure = Mutex<TraceStreamError?>(nil)

    /// Opens `path` (`-` for standard output) and writes the preamble and header frame.
    /// `frameCapacity` defaults to as many traces as fit in about 2 MB of node values (frames
    /// of twice or four times as many traces compressed no smaller). `compressionLevel` defaults to zstd's −1. Small
    /// CNN capture, 1,024 inputs, whole-process instructions (callgrind) and stream bytes against
    /// −1: level 1 +0.8 % and −2.2 %, −3 −0.9 % and +0.5 %, −5 −1.9 % and +1.1 %; zstd is about a
    /// fifth of the instructions.
    public init(path: String, header: StreamHeader, frameCapacity: Int? = nil, compressionLevel: Int32 = -1) throws {
        self.header = header
        compressors = ZstdCompressorPool(level: compressionLevel)
        if let problem = header.topology.resolutionProblem(header.resolutions) {
            throw TraceStreamError(file: path, message: "layer resolutions: \(problem)")
        }
        let bytesPerTrace = max(1, TraceFrame.storedValueCount(header.topology, header.resolutions) * header.valueEncoding.byteWidth)
        self.frameCapacity = max(1, frameCapacity ?? min(4096, (2 << 20) / bytesPerTrace))
        pending = FrameRows(topology: header.topology, resolutions: header.resolutions)
        output = try StreamOutput(path: path)
        var preamble = PayloadWriter()
        preamble.writeBytes(TraceStreamFormat.magic)
        preamble.writeBytes([UInt8(truncatingIfNeeded: TraceStreamFormat.version), UInt8(TraceStreamFormat.version >> 8), 0, 0])
        try output.append(preamble.bytes)
        let payload = try streamError(frame: 0) { try header.encoded() }
        let stored = try streamError(frame: 0) { try compressors.compress(payload) }
        try writeFrame(sealing(.header, itemCount: 0, storedParts: [stored], decodedLength: payload.count))
        framesQueued = 1
    }

    /// Adds one trace; its layer values must match the header's layer table (a trace that does
    /// not is refused here, naming the frame it was to go into, and nothing of it is kept).
    public func append(_ trace: Trace) throws {
        guard !isFinished else { throw TraceStreamError(file: output.path, message: "append after finish") }
        guard trace.layerValues.count == header.topology.layers.count else {
            throw TraceStreamError(file: output.path, message: "input \(trace.metadata.inputIndex): \(trace.layerValues.count) layers, the header has \(header.topology.layers.count)")
        }
        try streamError(frame: framesQueued) { try pending.append(trace) }
        traceCount += 1
        if pending.count >= frameCapacity { try flush() }
    }

    /// Adds a batch's traces in order, the same stream as appending them one by one, without
    /// copying each trace's values out of the batch's storage.
    public func append(_ batch: TraceBatch) throws {
        guard !isFinished else { throw TraceStreamError(file: output.path, message: "append after finish") }
        guard batch.layerValues.count == header.topology.layers.count else {
            throw TraceStreamError(file: output.path, message: "a batch of \(batch.layerValues.count) layers, the header has \(header.topology.layers.count)")
        }
        var next = 0
        while next < batch.count {
            let positions = next..<min(batch.count, next + frameCapacity - pending.count)
            try streamError(frame: framesQueued) { try pending.append(batch, positions) }
            traceCount += positions.count
            next = positions.upperBound
            if pending.count >= frameCapacity { try flush() }
        }
    }

    /// Writes what is pending and the end frame, waits for the background work, and moves the
    /// file into place.
    @discardableResult
    public func finish() throws -> Summary {
        guard !isFinished else { throw TraceStreamError(file: output.path, message: "finish called twice") }
        try flush()
        isFinished = true
        return try writeQueue.sync {
            if let failure = failure.withLock({ $0 }) { throw failure }
            try writeFrame(sealing(.end, itemCount: traceCount, storedParts: [], decodedLength: 0))
            try output.commit()
            return Summary(traceCount: traceCount, frameCount: framesWritten, bytesWritten: output.bytesWritten)
        }
    }

    /// Gives the stream up (also after a `finish()` that failed): waits for the frames in
    /// flight and removes the unfinished file, leaving whatever stood at the path before.
    public func abandon() {
        isFinished = true
        writeQueue.sync {}
        output.discard()
    }

    /// Hands the pending traces to a background encoder; at most eight frames are in flight
    /// (more than one capture batch of the small CNN, 128 traces in 7 frames, so the caller goes
    /// on to its next batch while the last one is encoded: 3 left it waiting for 4 frames).
    private func flush() throws {
        if let failure = failure.withLock({ $0 }) { throw failure }
        guard pending.count > 0 else { return }
        let traces = pending, number = framesQueued
        pending = FrameRows(topology: header.topology, resolutions: header.resolutions)
        framesQueued += 1
        framesInFlight.wait()
        let sealed = SealedFrame()
        DispatchQueue.global().async { [self] in
            sealed.result = Result {
                let (payload, raw) = try streamError(frame: number) {
                    try TraceFrame.encode(traces, header: header)
                }
                // Version 4: the zstd frame's length, the zstd frame, the raw section (written
                // one after another, not copied into one buffer).
                let compressed = try streamError(frame: number) { try compressors.compress(payload) }
                var length = PayloadWriter(reservingCapacity: 4)
                try streamError(frame: number) { try length.writeUInt32(compressed.count) }
                return sealing(.traces, itemCount: traces.count, storedParts: [length.bytes, compressed, raw], decodedLength: payload.count)
            }
            sealed.ready.signal()
        }
        writeQueue.async { [self] in
            sealed.ready.wait()
            defer { framesInFlight.signal() }
            guard failure.withLock({ $0 == nil }) else { return }
            do {
                try writeFrame(sealed.result!.get())
            } catch let error as TraceStreamError {
                failure.withLock { $0 = error }
            } catch {
                failure.withLock { $0 = TraceStreamError(file: output.path, frame: number, message: "\(error)") }
            }
        }
    }

    /// A frame of `kind` with its header and checksum (computed by the thread that encoded it).
    private func sealing(_ kind: TraceStreamFormat.FrameKind, itemCount: Int, storedParts: [[UInt8]], decodedLength: Int) -> FrameContent {
        let frame = FrameHeader.sealing(
            kind: kind, valueEncoding: kind == .traces ? header.valueEncoding.rawValue : 0,
            itemCount: itemCount, storedParts: storedParts, decodedLength: decodedLength)
        return FrameContent(header: frame.bytes, storedParts: storedParts)
    }

    private func writeFrame(_ content: FrameContent) throws {
        try output.append(content.header)
        for part in content.storedParts { try output.append(part) }
        framesWritten += 1
    }

    /// Turns a payload problem into an error naming this stream and the frame.
    private func streamError<T>(frame: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PayloadError {
            throw TraceStreamError(file: output.path, frame: frame, message: error.message)
        }
    }
}

/// A sealed frame ready to be written: its 20-byte header, then its stored payload in parts.
private struct FrameContent {
    var header: [UInt8]
    var storedParts: [[UInt8]]
}

/// A frame being encoded in the background, and the signal that it is done.
private final class SealedFrame: @unchecked Sendable {
    let ready = DispatchSemaphore(value: 0)
    var result: Result<FrameContent, any Error>?
}
