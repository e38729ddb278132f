import CZlib

/// gzip (and zlib) decompression through zlib, streamed in fixed-size chunks.
enum GzipInflater {
    /// Whether `bytes` start with the gzip magic number 1f 8b.
    static func matches(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a gzip (possibly multi-member, as `cat a.gz b.gz` makes) or zlib stream;
    /// `source` names the file in errors.
    static func inflate(_ compressed: [UInt8], source: String) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: the largest window, and recognise gzip or zlib headers automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw EngineError("\(source): zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(compressed.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        try compressed.withUnsafeBufferPointer { input in
            let start = UnsafeMutablePointer(mutating: input.baseAddress!)
            var consumed: Int { stream.next_in - start }
            stream.next_in = start
            while true {
                if stream.avail_in == 0 { stream.avail_in = UInt32(min(input.count - consumed, 1 << 30)) }
                var status: Int32 = Z_OK
                let produced = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_OK: continue
                case Z_STREAM_END:
                    // Another gzip member may follow; anything else after the stream is ignored, as gzip does.
                    guard input.count - consumed >= 2, start[consumed] == 0x1F, start[consumed + 1] == 0x8B else { return }
                    inflateReset(&stream)
                case Z_BUF_ERROR where consumed == input.count:
                    throw EngineError("\(source): the gzip data ends early (truncated after \(output.count) decompressed bytes)")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw EngineError("\(source): damaged gzip data at compressed byte \(consumed): \(reason)")
                }
            }
        }
        return output
    }
}
