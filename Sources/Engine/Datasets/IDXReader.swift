/// Reads IDX arrays (the MNIST / Fashion-MNIST format): two zero bytes, a type code, the
/// number of dimensions, big-endian `u32` dimensions, then big-endian data.
enum IDXReader {
    private static let typeCodes: [UInt8: ElementType] = [
        0x08: .uint8, 0x09: .int8, 0x0B: .int16, 0x0C: .int32, 0x0D: .float32, 0x0E: .float64,
    ]

    /// Whether `bytes` start like an IDX file: two zero bytes, a known type code, one or more dimensions.
    static func matches(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && typeCodes[bytes[2]] != nil && bytes[3] > 0
    }

    /// Parses the header at the start of `file` and returns a reader of its data.
    static func open(_ file: DataFile) throws -> BinaryArrayReader {
        let magic = try file.peek(4)
        guard matches(magic), let element = typeCodes[magic[2]] else {
            throw EngineError("\(file.path): not an IDX file (no 00 00 <type> <dimensions> magic)")
        }
        let rank = Int(magic[3])
        let dataOffset = 4 + 4 * rank
        let bytes = try file.peek(dataOffset)
        guard bytes.count >= dataOffset else {
            throw EngineError("\(file.path): the IDX header is truncated (\(rank) dimensions need \(dataOffset) bytes, the file holds \(bytes.count))")
        }
        let shape = (0..<rank).map { dimension in
            Int(bytes.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: 4 + 4 * dimension, as: UInt32.self)) })
        }
        return try BinaryArrayReader(shape: shape, element: element, bigEndian: true, file: file, dataOffset: dataOffset)
    }
}
