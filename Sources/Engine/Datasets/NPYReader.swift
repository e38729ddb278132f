/// Reads `.npy` arrays: C order; float32, float64 and 8- to 64-bit integers in either byte order.
enum NPYReader {
    /// Parses the header at the start of `file` and returns a reader of its data.
    static func open(_ file: DataFile) throws -> BinaryArrayReader {
        let start = try file.peek(NPYHeader.fixedLength)
        let header = try NPYHeader(parsing: file.peek(NPYHeader.dataOffset(start) ?? start.count), source: file.path)
        return try BinaryArrayReader(
            shape: header.shape, element: header.element, bigEndian: header.bigEndian,
            file: file, dataOffset: header.dataOffset)
    }
}
