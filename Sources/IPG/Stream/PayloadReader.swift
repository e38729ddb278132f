/// Reads the stream's little-endian primitives from a decoded payload, failing cleanly (never
/// trapping) when the payload ends early or holds an impossible value. Every count is checked
/// against the bytes left before anything is sized by it, so a damaged count never allocates.
struct PayloadReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// Bytes not read yet.
    var remainingCount: Int { bytes.count - offset }

    mutating func readUInt8() throws -> UInt8 {
        try require(1, "a byte")
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt32() throws -> UInt32 {
        UInt32(littleEndian: try readRaw(UInt32.self, "a u32"))
    }

    /// A `u32` used as a count or index.
    mutating func readCount() throws -> Int { Int(try readUInt32()) }

    /// A `u32` count of `what`, items taking at least `minimumItemLength` bytes each, checked
    /// against the bytes left after it.
    mutating func readCount(of what: String, minimumItemLength: Int) throws -> Int {
        let count = try readCount()
        try requireRoom(for: count, what, minimumItemLength: minimumItemLength)
        return count
    }

    /// Checks that `count` items of at least `minimumItemLength` bytes each fit in the bytes left.
    func requireRoom(for count: Int, _ what: String, minimumItemLength: Int) throws {
        let (needed, overflow) = count.multipliedReportingOverflow(by: minimumItemLength)
        guard !overflow, needed <= remainingCount else {
            throw PayloadError("\(count) \(what) need at least \(minimumItemLength) bytes each from payload byte \(offset), but the payload has \(remainingCount) bytes left")
        }
    }

    mutating func readInt64() throws -> Int {
        Int(Int64(littleEndian: try readRaw(Int64.self, "an i64")))
    }

    mutating func readFloat32() throws -> Float {
        Float(bitPattern: UInt32(littleEndian: try readRaw(UInt32.self, "an f32")))
    }

    mutating func readString() throws -> String {
        let count = try readCount()
        try require(count, "a \(count)-byte string")
        defer { offset += count }
        guard let text = String(validating: bytes[offset..<(offset + count)], as: UTF8.self) else {
            throw PayloadError("a string at payload byte \(offset) is not valid UTF-8")
        }
        return text
    }

    mutating func readIntList() throws -> [Int] {
        let count = try readCount(of: "integers", minimumItemLength: 4)
        return try (0..<count).map { _ in try readCount() }
    }

    mutating func readFloatList() throws -> [Float] {
        let count = try readCount(of: "floats", minimumItemLength: 4)
        return try (0..<count).map { _ in try readFloat32() }
    }

    mutating func readKeyValues() throws -> [KeyValue] {
        let count = try readCount(of: "key/values", minimumItemLength: 8)
        return try (0..<count).map { _ in KeyValue(try readString(), try readString()) }
    }

    /// The next `count` bytes, as a slice of the payload.
    mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        try require(count, "\(count) bytes")
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    private mutating func readRaw<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        try require(MemoryLayout<T>.size, what)
        defer { offset += MemoryLayout<T>.size }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    private func require(_ count: Int, _ what: String) throws {
        guard count >= 0, count <= bytes.count - offset else {
            throw PayloadError("payload ends at byte \(bytes.count) while reading \(what) at byte \(offset)")
        }
    }
}
