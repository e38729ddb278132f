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
}

/// A dense array still in its file's bytes: the header has been read, the elements are decoded
/// on demand (as floats for features, exactly as integers for labels).
struct BinaryArray {
    var shape: [Int]
    var element: ElementType
    var bigEndian: Bool
    /// The file's bytes; the elements start at `offset`.
    var bytes: [UInt8]
    var offset: Int

    /// Checks that `bytes` hold every element of `shape` after `offset`.
    init(shape: [Int], element: ElementType, bigEndian: Bool, bytes: [UInt8], offset: Int, source: String) throws {
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw EngineError("\(source): shape \(shape) is too large") }
            count = product
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: element.width)
        guard !overflow else { throw EngineError("\(source): shape \(shape) is too large") }
        let found = bytes.count - offset
        guard found >= needed else {
            throw EngineError("\(source): the data is truncated: shape \(shape) of \(element) needs \(needed) bytes, the file holds \(found)")
        }
        self.shape = shape
        self.element = element
        self.bigEndian = bigEndian
        self.bytes = bytes
        self.offset = offset
    }

    var count: Int { shape.reduce(1, *) }

    /// Every element converted to `Float` (64-bit values are rounded).
    func floats() -> [Float] {
        switch element {
        case .uint8: map(UInt8.self) { Float($0) }
        case .int8: map(UInt8.self) { Float(Int8(bitPattern: $0)) }
        case .uint16: map(UInt16.self) { Float($0) }
        case .int16: map(UInt16.self) { Float(Int16(bitPattern: $0)) }
        case .uint32: map(UInt32.self) { Float($0) }
        case .int32: map(UInt32.self) { Float(Int32(bitPattern: $0)) }
        case .uint64: map(UInt64.self) { Float($0) }
        case .int64: map(UInt64.self) { Float(Int64(bitPattern: $0)) }
        case .float32: map(UInt32.self) { Float(bitPattern: $0) }
        case .float64: map(UInt64.self) { Float(Double(bitPattern: $0)) }
        }
    }

    /// Every element as a `Double`, exact for integers up to 2⁵³.
    func doubles() -> [Double] {
        switch element {
        case .uint8: map(UInt8.self) { Double($0) }
        case .int8: map(UInt8.self) { Double(Int8(bitPattern: $0)) }
        case .uint16: map(UInt16.self) { Double($0) }
        case .int16: map(UInt16.self) { Double(Int16(bitPattern: $0)) }
        case .uint32: map(UInt32.self) { Double($0) }
        case .int32: map(UInt32.self) { Double(Int32(bitPattern: $0)) }
        case .uint64: map(UInt64.self) { Double($0) }
        case .int64: map(UInt64.self) { Double(Int64(bitPattern: $0)) }
        case .float32: map(UInt32.self) { Double(Float(bitPattern: $0)) }
        case .float64: map(UInt64.self) { Double(bitPattern: $0) }
        }
    }

    /// Loads each element as the unsigned integer `Stored` in host byte order and transforms it.
    private func map<Stored: FixedWidthInteger, Result>(_: Stored.Type, _ transform: (Stored) -> Result) -> [Result] {
        let count = count, offset = offset, swap = bigEndian != (1.bigEndian == 1)
        return bytes.withUnsafeBytes { raw in
            [Result](unsafeUninitializedCapacity: count) { output, initialized in
                for index in 0..<count {
                    let stored = raw.loadUnaligned(fromByteOffset: offset + index * MemoryLayout<Stored>.size, as: Stored.self)
                    output[index] = transform(swap ? stored.byteSwapped : stored)
                }
                initialized = count
            }
        }
    }
}
