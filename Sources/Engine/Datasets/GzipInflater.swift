import CZlib

/// gzip (and zlib) decompression through zlib, a chunk at a time: compressed chunks are pulled
/// from `compressed` as needed, so a file of any size inflates in constant memory.
final class GzipInflater {
    /// Decompressed bytes per chunk `next()` returns.
    static let chunkSize = 1 << 18

    private let source: String
    private let compressed: () throws -> [UInt8]?
    /// zlib keeps a pointer back to its stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var input: [UInt8]
    private var inputPosition = 0
    private var inputEnded = false
    /// Compressed bytes of the file before `input`.
    private var inputOffset = 0
    private var decompressedCount = 0
    private var finished = false

    /// Whether `bytes` start with the gzip magic number 1f 8b.
    static func matches(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a gzip (possibly multi-member, as `cat a.gz b.gz` makes) or zlib stream that
    /// begins with `first` and goes on with what `compressed` returns (nil at the end of the
    /// file); `source` names the file in errors.
    init(first: [UInt8], compressed: @escaping () throws -> [UInt8]?, source: String) throws {
        self.source = source
        self.compressed = compressed
        input = first
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 + 32: the largest window, and recognise gzip or zlib headers automatically.
        guard inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw EngineError("\(source): zlib could not start inflating")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// The next decompressed bytes (at most `chunkSize`), or nil after the last.
    func next() throws -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: Self.chunkSize)
        var produced = 0
        while produced < output.count && !finished {
            if inputPosition == input.count && !inputEnded { try pullInput() }
            let status = output.withUnsafeMutableBufferPointer { buffer in
                input.withUnsafeMutableBufferPointer { compressed in
                    stream.pointee.next_in = compressed.baseAddress.map { $0 + inputPosition }
                    stream.pointee.avail_in = UInt32(compressed.count - inputPosition)
                    stream.pointee.next_out = buffer.baseAddress! + produced
                    stream.pointee.avail_out = UInt32(buffer.count - produced)
                    let status = inflate(stream, Z_NO_FLUSH)
                    inputPosition = compressed.count - Int(stream.pointee.avail_in)
                    produced = buffer.count - Int(stream.pointee.avail_out)
                    return status
                }
            }
            switch status {
            case Z_OK: continue
            case Z_STREAM_END:
                // Another gzip member may follow; anything else after the stream is ignored, as gzip does.
                while input.count - inputPosition < 2 && !inputEnded { try pullInput() }
                if input.count - inputPosition >= 2, input[inputPosition] == 0x1F, input[inputPosition + 1] == 0x8B {
                    inflateReset(stream)
                } else {
                    finished = true
                }
            case Z_BUF_ERROR where inputPosition == input.count && !inputEnded:
                continue
            case Z_BUF_ERROR where inputPosition == input.count:
                throw EngineError("\(source): the gzip data ends early (truncated after \(decompressedCount + produced) decompressed bytes)")
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw EngineError("\(source): damaged gzip data at compressed byte \(inputOffset + inputPosition): \(reason)")
            }
        }
        decompressedCount += produced
        guard produced > 0 else { return nil }
        output.removeLast(output.count - produced)
        return output
    }

    /// Appends the next compressed chunk to what is left of the input.
    private func pullInput() throws {
        guard let chunk = try compressed() else {
            inputEnded = true
            return
        }
        inputOffset += inputPosition
        input = Array(input[inputPosition...]) + chunk
        inputPosition = 0
    }
}
