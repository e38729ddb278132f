import Foundation

/// Reads a `FORMAT RowBinary` response, value by value in the order the SELECT names them.
struct RowBinaryReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    var atEnd: Bool { offset >= bytes.count }

    mutating func uint8() throws -> UInt8 { try take(1).first! }
    mutating func uint32() throws -> UInt32 { try fixed(UInt32.self) }
    mutating func uint64() throws -> UInt64 { try fixed(UInt64.self) }
    mutating func int32() throws -> Int32 { try fixed(Int32.self) }
    mutating func int64() throws -> Int64 { try fixed(Int64.self) }
    mutating func float32() throws -> Float { Float(bitPattern: try fixed(UInt32.self)) }
    mutating func float64() throws -> Double { Double(bitPattern: try fixed(UInt64.self)) }

    mutating func length() throws -> Int {
        var value: UInt64 = 0, shift: UInt64 = 0
        while true {
            let byte = try uint8()
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            guard shift < 64 else { throw RowBinaryError(message: "a length longer than 64 bits at byte \(offset)") }
        }
        // Every element of a string or an array takes at least one byte.
        guard value <= UInt64(bytes.count - offset) else { throw RowBinaryError(message: "a length of \(value) at byte \(offset)") }
        return Int(value)
    }

    mutating func bytesValue() throws -> [UInt8] { Array(try take(try length())) }
    mutating func string() throws -> String { String(decoding: try take(try length()), as: UTF8.self) }

    mutating func float32Array() throws -> [Float] {
        let count = try length()
        let raw = try take(count * 4)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            raw.withUnsafeBytes { source in
                for index in 0..<count { buffer[index] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))) }
            }
            initialized = count
        }
    }

    mutating func float64Array() throws -> [Double] {
        let count = try length()
        return try (0..<count).map { _ in try float64() }
    }

    mutating func stringArray() throws -> [String] {
        let count = try length()
        return try (0..<count).map { _ in try string() }
    }

    mutating func nullable<T>(_ read: (inout RowBinaryReader) throws -> T) throws -> T? {
        try uint8() == 1 ? nil : try read(&self)
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else {
            throw RowBinaryError(message: "the response ends at byte \(bytes.count), \(count) more bytes expected at byte \(offset)")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    private mutating func fixed<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let raw = try take(MemoryLayout<T>.size)
        return T(littleEndian: raw.withUnsafeBytes { $0.loadUnaligned(as: T.self) })
    }
}

struct RowBinaryError: Error, CustomStringConvertible {
    var message: String
    var description: String { "a RowBinary response that does not decode: \(message)" }
}
