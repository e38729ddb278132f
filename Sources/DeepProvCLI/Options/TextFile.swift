#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file named on the command line (`query --file`), failing with a message that
/// names the file and gives the system's reason instead of Foundation's error dump.
enum TextFile {
    /// Why a file could not be read, as "path: reason".
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

    /// `errno`'s reason, such as "No such file or directory".
    private static func systemError(_ path: String) -> ReadError {
        ReadError(description: "\(path): cannot read: \(String(cString: strerror(errno)))")
    }
}
