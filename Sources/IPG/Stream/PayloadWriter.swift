/// Appends the stream's little-endian primitives to a byte buffer.
struct PayloadWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    mutating func writeUInt32(_ value: UInt32) { writeRaw(value.littleEndian) }

    mutating func writeUInt32(_ value: Int) throws {
        guard let narrow = UInt32(exactly: value) else { throw PayloadError("\(value) does not fit in 32 bits") }
        writeUInt32(narrow)
    }

    mutating func writeInt64(_ value: Int) { writeRaw(Int64(value).littleEndian) }

    mutating func writeFloat32(_ value: Float) { writeRaw(value.bitPattern.littleEndian) }

    mutating func writeString(_ value: String) throws {
        let utf8 = Array(value.utf8)
        try writeUInt32(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    mutating func writeIntList(_ values: [Int]) throws {
        try writeUInt32(values.count)
        for value in values { try writeUInt32(value) }
    }

    mutating func writeFloatList(_ values: [Float]) throws {
        try writeUInt32(values.count)
        for value in values { writeFloat32(value) }
    }

    mutating func writeKeyValues(_ pairs: [KeyValue]) throws {
        try writeUInt32(pairs.count)
        for pair in pairs {
            try writeString(pair.key)
            try writeString(pair.value)
        }
    }

    mutating func writeBytes(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    /// Bytes written so far.
    var count: Int { bytes.count }

    /// Takes back the last `count` bytes written.
    mutating func removeLast(_ count: Int) { bytes.removeLast(count) }

    /// Replaces the byte at `position` (one already written).
    mutating func setByte(at position: Int, to value: UInt8) { bytes[position] = value }

    /// Appends `count` bytes that `body` writes in place (every one of them), so a layout is
    /// written into the payload without an array of its own.
    mutating func writeBytes(count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        guard count > 0 else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
    }

    private mutating func writeRaw<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }
}
