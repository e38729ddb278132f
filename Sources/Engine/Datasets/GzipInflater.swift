import CZlib

/// gzip (and zlib) decompression through zlib.
enum GzipInflater {
    /// Inflates a whole gzip or zlib stream; `source` names the file in errors.
    static func inflate(_ compressed: [UInt8], source: String) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: the largest window, and detect gzip or zlib headers automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw EngineError("\(source): zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(1 << 16, compressed.count * 4))
        var status: Int32 = Z_OK
        try compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw EngineError("\(source): the gzip data ends early (truncated after \(output.count) decompressed bytes)")
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw EngineError("\(source): damaged gzip data at compressed byte \(Int(stream.total_in)): \(reason)")
                }
            } while status != Z_STREAM_END
        }
        return output
    }
}
