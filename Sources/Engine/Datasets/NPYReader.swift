/// Reads `.npy` arrays (C order; float32, float64, and 8- to 64-bit integers, little-endian).
enum NPYReader {
    static func read(_ bytes: [UInt8], source: String) throws -> NumericArray {
        let header = try NPYHeader(parsing: bytes, source: source)
        let count = header.shape.reduce(1, *)
        guard let width = Int(header.elementType.dropFirst()), let kind = header.elementType.first,
              "fiu".contains(kind), [1, 2, 4, 8].contains(width), kind != "f" || width >= 4
        else {
            throw EngineError("\(source): dtype '\(header.elementType)' is not supported (float32, float64, uint8 and other integers are)")
        }
        let available = bytes.count - header.dataOffset
        guard available >= count * width else {
            throw EngineError("\(source): the data is truncated: shape \(header.shape) of \(header.elementType) needs \(count * width) bytes, the file holds \(available)")
        }
        let values = bytes.withUnsafeBytes { raw -> [Float] in
            let base = header.dataOffset
            return [Float](unsafeUninitializedCapacity: count) { out, initialized in
                switch (kind, width) {
                case ("f", 4): for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self))) }
                case ("f", 8): for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 8 * i, as: UInt64.self)))) }
                case ("u", 1): for i in 0..<count { out[i] = Float(raw[base + i]) }
                case ("i", 1): for i in 0..<count { out[i] = Float(Int8(bitPattern: raw[base + i])) }
                case ("u", 2): for i in 0..<count { out[i] = Float(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: base + 2 * i, as: UInt16.self))) }
                case ("i", 2): for i in 0..<count { out[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: base + 2 * i, as: Int16.self))) }
                case ("u", 4): for i in 0..<count { out[i] = Float(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self))) }
                case ("i", 4): for i in 0..<count { out[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: Int32.self))) }
                case ("u", 8): for i in 0..<count { out[i] = Float(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 8 * i, as: UInt64.self))) }
                default: for i in 0..<count { out[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 8 * i, as: Int64.self))) }
                }
                initialized = count
            }
        }
        return NumericArray(shape: header.shape, values: values, isIntegral: kind != "f")
    }
}
