/// The element types NPY and IDX files store.
enum ElementType: String, CaseIterable {
    case uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64

    /// Bytes per element.
    var width: Int {
        switch self {
        case .uint8, .int8: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        }
    }

    var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// Every element of `bytes` converted to `Float` (64-bit values are rounded), written from `output` on.
    func decodeFloats(_ bytes: [UInt8], bigEndian: Bool, into output: UnsafeMutablePointer<Float>) {
        switch self {
        case .uint8: Self.decode(bytes, UInt8.self, bigEndian, output) { Float($0) }
        case .int8: Self.decode(bytes, UInt8.self, bigEndian, output) { Float(Int8(bitPattern: $0)) }
        case .uint16: Self.decode(bytes, UInt16.self, bigEndian, output) { Float($0) }
        case .int16: Self.decode(bytes, UInt16.self, bigEndian, output) { Float(Int16(bitPattern: $0)) }
        case .uint32: Self.decode(bytes, UInt32.self, bigEndian, output) { Float($0) }
        case .int32: Self.decode(bytes, UInt32.self, bigEndian, output) { Float(Int32(bitPattern: $0)) }
        case .uint64: Self.decode(bytes, UInt64.self, bigEndian, output) { Float($0) }
        case .int64: Self.decode(bytes, UInt64.self, bigEndian, output) { Float(Int64(bitPattern: $0)) }
        case .float32: Self.decode(bytes, UInt32.self, bigEndian, output) { Float(bitPattern: $0) }
        case .float64: Self.decode(bytes, UInt64.self, bigEndian, output) { Float(Double(bitPattern: $0)) }
        }
    }

    /// Every element of `bytes` as a `Double`, exact for integers up to 2⁵³, written from `output` on.
    func decodeDoubles(_ bytes: [UInt8], bigEndian: Bool, into output: UnsafeMutablePointer<Double>) {
        switch self {
        case .uint8: Self.decode(bytes, UInt8.self, bigEndian, output) { Double($0) }
        case .int8: Self.decode(bytes, UInt8.self, bigEndian, output) { Double(Int8(bitPattern: $0)) }
        case .uint16: Self.decode(bytes, UInt16.self, bigEndian, output) { Double($0) }
        case .int16: Self.decode(bytes, UInt16.self, bigEndian, output) { Double(Int16(bitPattern: $0)) }
        case .uint32: Self.decode(bytes, UInt32.self, bigEndian, output) { Double($0) }
        case .int32: Self.decode(bytes, UInt32.self, bigEndian, output) { Double(Int32(bitPattern: $0)) }
        case .uint64: Self.decode(bytes, UInt64.self, bigEndian, output) { Double($0) }
        case .int64: Self.decode(bytes, UInt64.self, bigEndian, output) { Double(Int64(bitPattern: $0)) }
        case .float32: Self.decode(bytes, UInt32.self, bigEndian, output) { Double(Float(bitPattern: $0)) }
        case .float64: Self.decode(bytes, UInt64.self, bigEndian, output) { Double(bitPattern: $0) }
        }
    }

    /// Loads each element as the unsigned integer `Stored` in host byte order, transforms it and
    /// writes the result.
    private static func decode<Stored: FixedWidthInteger, Result>(
        _ bytes: [UInt8], _: Stored.Type, _ bigEndian: Bool, _ output: UnsafeMutablePointer<Result>, _ transform: (Stored) -> Result
    ) {
        let count = bytes.count / MemoryLayout<Stored>.size, swap = bigEndian != (1.bigEndian == 1)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                let stored = raw.loadUnaligned(fromByteOffset: index * MemoryLayout<Stored>.size, as: Stored.self)
                (output + index).initialize(to: transform(swap ? stored.byteSwapped : stored))
            }
        }
    }
}
