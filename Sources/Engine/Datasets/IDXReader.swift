/// Reads IDX arrays (the MNIST / Fashion-MNIST format): two zero bytes, a type code, the
/// number of dimensions, big-endian `u32` dimensions, then big-endian data.
enum IDXReader {
    static func read(_ bytes: [UInt8], source: String) throws -> NumericArray {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw EngineError("\(source): not an IDX file (it does not start with two zero bytes)")
        }
        let type = bytes[2], rank = Int(bytes[3])
        let widths: [UInt8: Int] = [0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8]
        guard let width = widths[type] else {
            throw EngineError("\(source): unknown IDX element type 0x\(String(type, radix: 16))")
        }
        guard rank >= 1, bytes.count >= 4 + 4 * rank else { throw EngineError("\(source): the IDX header is truncated") }
        let shape = (0..<rank).map { dimension in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * dimension + $1]) }
        }
        let count = shape.reduce(1, *)
        let base = 4 + 4 * rank
        guard bytes.count - base >= count * width else {
            throw EngineError("\(source): the data is truncated: shape \(shape) needs \(count * width) bytes, the file holds \(bytes.count - base)")
        }
        let values = bytes.withUnsafeBytes { raw -> [Float] in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                switch type {
                case 0x08: for i in 0..<count { out[i] = Float(raw[base + i]) }
                case 0x09: for i in 0..<count { out[i] = Float(Int8(bitPattern: raw[base + i])) }
                case 0x0B: for i in 0..<count { out[i] = Float(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: base + 2 * i, as: Int16.self))) }
                case 0x0C: for i in 0..<count { out[i] = Float(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: Int32.self))) }
                case 0x0D: for i in 0..<count { out[i] = Float(bitPattern: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self))) }
                default: for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: base + 8 * i, as: UInt64.self)))) }
                }
                initialized = count
            }
        }
        return NumericArray(shape: shape, values: values, isIntegral: type != 0x0D && type != 0x0E)
    }
}
