/// Reads a `.ipgz` trace stream (format in `TraceStreamFormat`) from a file or standard input,
/// one frame at a time, checking every frame's checksum. Damage is reported as a
/// `TraceStreamError` naming the file, the frame and its byte offset; the traces of the frames
/// before it have already been returned.
public final class TraceStreamReader {
    public let path: String
    public let header: StreamHeader
    /// Traces returned so far.
    public private(set) var tracesRead = 0
    /// Whether the end frame has been read (the stream was finished by its writer).
    public private(set) var reachedEnd = false
    /// The stream's format version (from its preamble).
    private let version: UInt16
    private let input: StreamInput
    private let decompressor = ZstdDecompressor()
    private var frameNumber = 0
    private var buffered: [Trace] = []
    private var bufferedPosition = 0

    /// Opens `path` (`-` for standard input) and reads the preamble and header frame.
    public init(path: String) throws {
        self.path = path
        input = try StreamInput(path: path)
        let preamble = try input.take(TraceStreamFormat.preambleLength)
        guard preamble.count == TraceStreamFormat.preambleLength, Array(preamble[0..<4]) == TraceStreamFormat.magic else {
            throw TraceStreamError(file: path, offset: 0, message: "not a DeepProv trace stream (it does not start with 'IPGZ')")
        }
        version = UInt16(preamble[4]) | UInt16(preamble[5]) << 8
        guard TraceStreamFormat.readableVersions.contains(version) else {
            throw TraceStreamError(
                file: path, offset: 4,
                message: "format version \(version); this build reads versions \(TraceStreamFormat.readableVersions.dropLast().map(String.init).joined(separator: ", ")) and \(TraceStreamFormat.readableVersions.last!)")
        }
        let flags = UInt16(preamble[6]) | UInt16(preamble[7]) << 8
        guard flags == 0 else {
            throw TraceStreamError(file: path, offset: 6, message: "unknown format flags 0x\(String(flags, radix: 16)) (this build writes and reads 0)")
        }
        guard let (frame, payload, _, offset) = try Self.readFrame(from: input, decompressor: decompressor, path: path, number: 0, version: version),
              frame.kind == TraceStreamFormat.FrameKind.header.rawValue
        else {
            throw TraceStreamError(file: path, frame: 0, offset: TraceStreamFormat.preambleLength, message: "the stream has no header frame")
        }
        do {
            header = try StreamHeader(decoding: payload, version: version)
        } catch let error as PayloadError {
            throw TraceStreamError(file: path, frame: 0, offset: offset, message: "header: \(error.message)")
        }
        frameNumber = 1
    }

    /// The next trace, or nil after the end frame.
    public func next() throws -> Trace? {
        while bufferedPosition == buffered.count {
            guard try readTracesFrame() else { return nil }
        }
        defer { bufferedPosition += 1 }
        tracesRead += 1
        return buffered[bufferedPosition]
    }

    /// Reads frames until one with traces; false at the end frame.
    private func readTracesFrame() throws -> Bool {
        if reachedEnd { return false }
        let start = input.offset
        guard let (frame, payload, raw, offset) = try Self.readFrame(from: input, decompressor: decompressor, path: path, number: frameNumber, version: version) else {
            throw TraceStreamError(
                file: path, frame: frameNumber, offset: start,
                message: "the stream ends without its end frame after \(tracesRead) traces (truncated, or its writer did not finish)")
        }
        defer { frameNumber += 1 }
        let damage = { (message: String) in TraceStreamError(file: self.path, frame: self.frameNumber, offset: offset, message: message) }
        switch TraceStreamFormat.FrameKind(rawValue: frame.kind) {
        case .traces:
            guard let encoding = ValueEncoding(rawValue: frame.valueEncoding) else {
                throw damage("unknown value encoding \(frame.valueEncoding)")
            }
            do {
                buffered = try TraceFrame.decode(payload, raw: raw, count: Int(frame.itemCount), header: header, encoding: encoding, version: version)
            } catch let error as PayloadError {
                throw damage(error.message)
            }
            bufferedPosition = 0
            return true
        case .end:
            guard Int(frame.itemCount) == tracesRead else {
                throw damage("the end frame counts \(frame.itemCount) traces but the stream holds \(tracesRead)")
            }
            reachedEnd = true
            guard try input.take(1).isEmpty else {
                throw TraceStreamError(file: path, frame: frameNumber + 1, offset: input.offset - 1, message: "unexpected bytes after the end frame")
            }
            return false
        case .header:
            throw damage("a second header frame")
        case nil:
            throw damage("unknown frame kind \(frame.kind)")
        }
    }

    /// Reads, checks and decompresses one frame: its header, decoded payload, (version 4: a
    /// traces frame's) raw section and offset; nil when the stream ends before it starts.
    private static func readFrame(
        from input: StreamInput, decompressor: ZstdDecompressor, path: String, number: Int, version: UInt16
    ) throws -> (FrameHeader, [UInt8], [UInt8], Int)? {
        let offset = input.offset
        let damage = { (message: String) in TraceStreamError(file: path, frame: number, offset: offset, message: message) }
        let headerBytes = try input.take(TraceStreamFormat.frameHeaderLength)
        if headerBytes.isEmpty { return nil }
        guard headerBytes.count == TraceStreamFormat.frameHeaderLength else {
            throw damage("the stream ends inside the frame header (\(headerBytes.count) of \(TraceStreamFormat.frameHeaderLength) bytes): truncated")
        }
        let frame: FrameHeader
        do {
            frame = try FrameHeader(parsing: headerBytes)
        } catch let error as PayloadError {
            throw damage(error.message)
        }
        guard Int(frame.storedLength) <= TraceStreamFormat.maximumPayloadLength,
              Int(frame.decodedLength) <= TraceStreamFormat.maximumPayloadLength
        else {
            throw damage("implausible payload lengths (stored \(frame.storedLength), decoded \(frame.decodedLength)): the frame header is damaged")
        }
        let stored = try input.take(Int(frame.storedLength))
        guard stored.count == Int(frame.storedLength) else {
            throw damage("the stream ends inside the payload (\(stored.count) of \(frame.storedLength) bytes): truncated")
        }
        let computed = FrameHeader.checksum(Array(headerBytes[0..<16]), stored, version: version)
        guard computed == frame.checksum else {
            throw damage("checksum mismatch (stored \(hex(frame.checksum)), computed \(hex(computed))): the frame is damaged")
        }
        if frame.storedLength == 0 && frame.decodedLength == 0 { return (frame, [], [], offset) }
        do {
            guard version >= 4 && frame.kind == TraceStreamFormat.FrameKind.traces.rawValue else {
                return (frame, try decompressor.decompress(stored, decodedLength: Int(frame.decodedLength)), [], offset)
            }
            var parts = PayloadReader(stored)
            let compressedLength = try parts.readCount()
            guard compressedLength <= parts.remainingCount else {
                throw PayloadError("a compressed part of \(compressedLength) bytes in a payload of \(stored.count)")
            }
            let compressed = Array(try parts.readBytes(compressedLength))
            let raw = Array(try parts.readBytes(parts.remainingCount))
            return (frame, try decompressor.decompress(compressed, decodedLength: Int(frame.decodedLength)), raw, offset)
        } catch let error as PayloadError {
            throw damage(error.message)
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
