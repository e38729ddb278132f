import Foundation

/// Rows in ClickHouse's `RowBinary` input format: fixed-width numbers little-endian, strings
/// and arrays prefixed by their length (LEB128), `Nullable` by a null flag byte.
struct RowBinaryWriter {
    private(set) var data = Data()

    mutating func uint8(_ value: UInt8) { data.append(value) }
    mutating func uint32(_ value: UInt32) { fixed(value.littleEndian) }
    mutating func uint64(_ value: UInt64) { fixed(value.littleEndian) }
    mutating func int32(_ value: Int32) { fixed(value.littleEndian) }
    mutating func int64(_ value: Int64) { fixed(value.littleEndian) }
    mutating func float32(_ value: Float) { fixed(value.bitPattern.littleEndian) }
    mutating func float64(_ value: Double) { fixed(value.bitPattern.littleEndian) }

    mutating func length(_ count: Int) {
        var rest = UInt64(count)
        repeat {
            let low = UInt8(rest & 0x7F)
            rest >>= 7
            data.append(rest == 0 ? low : low | 0x80)
        } while rest != 0
    }

    mutating func string(_ value: String) { bytes(Data(value.utf8)) }

    mutating func bytes(_ value: Data) {
        length(value.count)
        data.append(value)
    }

    mutating func float32Array(_ values: [Float]) {
        length(values.count)
        values.withUnsafeBufferPointer { buffer in
            // Float's bytes are little-endian on every platform Swift runs DeepProv on.
            data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: UInt8.self), count: buffer.count * 4))
        }
    }

    mutating func stringArray(_ values: [String]) {
        length(values.count)
        for value in values { string(value) }
    }

    /// A `Nullable(T)`: the flag, then the value written by `write` when there is one.
    mutating func nullable<T>(_ value: T?, _ write: (inout RowBinaryWriter, T) -> Void) {
        guard let value else { return uint8(1) }
        uint8(0)
        write(&self, value)
    }

    private mutating func fixed<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { data.append(contentsOf: $0) }
    }
}
