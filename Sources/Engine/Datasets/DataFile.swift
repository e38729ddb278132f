import Foundation

/// A data file's bytes, read in order a chunk at a time and inflated on the way when the file
/// is gzip-compressed (recognised by the gzip magic, not the name). Errors name the file and
/// the operating system's reason.
final class DataFile {
    let path: String
    /// The file's length when it is a regular file read as it is (not inflated).
    let knownLength: Int?
    private let file: RawFile
    private let inflater: GzipInflater?
    /// Bytes produced but not yet handed out start at `pendingStart`.
    private var pending: [UInt8]
    private var pendingStart = 0
    private var ended = false

    init(path: String) throws {
        self.path = path
        file = try RawFile(path: path)
        let first = try file.read() ?? []
        if GzipInflater.matches(first) {
            let file = file
            inflater = try GzipInflater(first: first, compressed: { try file.read() }, source: path)
            knownLength = nil
            pending = []
        } else {
            inflater = nil
            knownLength = file.regularLength
            pending = first
        }
    }

    /// Up to `count` bytes from the current position, left unread; fewer only when the data ends.
    func peek(_ count: Int) throws -> [UInt8] {
        try fill(count)
        return Array(pending[pendingStart..<min(pendingStart + count, pending.count)])
    }

    /// The next `count` bytes; fewer only when the data ends.
    func read(_ count: Int) throws -> [UInt8] {
        try fill(count)
        let end = min(pendingStart + count, pending.count)
        defer { pendingStart = end }
        return Array(pending[pendingStart..<end])
    }

    /// The next bytes, as many as are at hand, or nil at the end of the data.
    func nextChunk() throws -> [UInt8]? {
        guard pendingStart == pending.count else {
            defer { pending = []; pendingStart = 0 }
            return Array(pending[pendingStart...])
        }
        return try produce()
    }

    private func fill(_ count: Int) throws {
        while pending.count - pendingStart < count, let chunk = try produce() {
            pending.removeFirst(pendingStart)
            pendingStart = 0
            pending += chunk
        }
    }

    private func produce() throws -> [UInt8]? {
        guard !ended else { return nil }
        let chunk = try inflater.map { try $0.next() } ?? file.read()
        if chunk == nil { ended = true }
        return chunk
    }
}

/// A file descriptor read in chunks as they come, closed when released.
private final class RawFile {
    static let chunkSize = 1 << 20

    let path: String
    let regularLength: Int?
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw EngineError("\(path): cannot open: \(Self.reason(errno))") }
        var status = stat()
        let isRegular = fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        regularLength = isRegular ? Int(status.st_size) : nil
    }

    deinit { close(descriptor) }

    /// The next bytes (at most `chunkSize`), or nil at the end of the file.
    func read() throws -> [UInt8]? {
        var failure: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: Self.chunkSize) { buffer, initialized in
            initialized = 0
            while true {
                let received = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
                if received < 0 && errno == EINTR { continue }
                if received < 0 { failure = errno } else { initialized = received }
                return
            }
        }
        guard failure == 0 else { throw EngineError("\(path): cannot read: \(Self.reason(failure))") }
        return chunk.isEmpty ? nil : chunk
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
