import Foundation

/// Reading a data file's bytes, with errors that name the file and the reason.
enum DataFile {
    static func read(_ path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw EngineError("\(path): no such file")
        }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw EngineError("\(path): cannot read: \(error.localizedDescription)")
        }
    }

    /// The bytes, inflated when they are gzip-compressed (detected by the gzip magic number).
    static func readDecompressing(_ path: String) throws -> [UInt8] {
        let bytes = try read(path)
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            return try GzipInflater.inflate(bytes, source: path)
        }
        return bytes
    }
}
