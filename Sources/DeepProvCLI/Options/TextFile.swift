#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads (`query --file`) and writes (`forensics --html`) text files named on the command line,
/// failing with a message that names the file and gives the system's reason instead of
/// Foundation's error dump.
enum TextFile {
    /// Why a file could not be read or written, as "path: reason".
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// The file's contents, which must be UTF-8.
    static func contents(of path: String) throws -> String {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw systemError(path) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw systemError(path) }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadError(description: "\(path): not UTF-8 text")
        }
        return text
    }

    /// Writes `text` (UTF-8) to `path`, replacing it (`forensics --html`); fails with "path:
    /// cannot write: reason".
    static func save(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ReadError(description: "\(path): cannot write: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var remaining = Array(text.utf8)[...]
        while !remaining.isEmpty {
            let count = remaining.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ReadError(description: "\(path): cannot write: \(String(cString: strerror(errno)))") }
            remaining = remaining.dropFirst(count)
        }
    }

    /// `errno`'s reason, such as "No such file or directory".
    private static func systemError(_ path: String) -> ReadError {
        ReadError(description: "\(path): cannot read: \(String(cString: strerror(errno)))")
    }
}
