import Foundation

/// Reads a data file's bytes; errors name the file and the operating system's reason.
enum DataFile {
    static func read(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw EngineError("\(path): cannot open: \(reason(errno))") }
        defer { close(descriptor) }
        var status = stat()
        var bytes: [UInt8] = []
        if fstat(descriptor, &status) == 0 { bytes.reserveCapacity(Int(status.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let received = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if received == 0 { return bytes }
            if received < 0 {
                if errno == EINTR { continue }
                throw EngineError("\(path): cannot read: \(reason(errno))")
            }
            bytes.append(contentsOf: chunk[0..<received])
        }
    }

    /// The bytes, inflated when they are gzip-compressed (recognised by the gzip magic, not the name).
    static func readDecompressing(_ path: String) throws -> [UInt8] {
        let bytes = try read(path)
        return GzipInflater.matches(bytes) ? try GzipInflater.inflate(bytes, source: path) : bytes
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
