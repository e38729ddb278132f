/// Reads `.npy` arrays: C order; float32, float64 and 8- to 64-bit integers in either byte order.
enum NPYReader {
    static func read(_ bytes: [UInt8], source: String) throws -> BinaryArray {
        let header = try NPYHeader(parsing: bytes, source: source)
        return try BinaryArray(
            shape: header.shape, element: header.element, bigEndian: header.bigEndian,
            bytes: bytes, offset: header.dataOffset, source: source)
    }
}
