import CZlib
import Foundation

/// gzip compression of request bodies (ClickHouse reads `Content-Encoding: gzip`).
enum Gzip {
    /// `data` as one gzip member, at zlib's fastest level (inserts are bound by the network
    /// and the server, not by how small the body gets).
    static func compress(_ data: Data) throws -> Data {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer.
        guard deflateInit2_(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(message: "zlib could not start compressing")
        }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        let written = try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> Int in
            try output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { throw GzipError(message: "zlib could not compress \(input.count) bytes") }
                return out.count - Int(stream.avail_out)
            }
        }
        output.count = written
        return output
    }

    struct GzipError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
