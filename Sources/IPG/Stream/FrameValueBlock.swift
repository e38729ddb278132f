/// One layer's node values for a version-2 traces frame: a `u8` layout code, then the values'
/// bit patterns laid out as `LayerBlockCodec` lays out a store block (`BlockLayouts`; node-major
/// but for dictionaries), so a post-ReLU map reaches zstd as a bitmap and its nonzero values
/// only. Lossless: the patterns are those of the frame's value encoding.
enum FrameValueBlock {
    /// Encodes `rows` (each one trace's values of the layer, `rowLength` of them) straight
    /// into the payload.
    static func encode(_ rows: [[Float]], rowLength: Int, encoding: ValueEncoding, into payload: inout PayloadWriter) throws {
        let (layout, patterns) = LayerBlockCodec.laidOut(rows, rowLength: rowLength, encoding: encoding)
        payload.writeUInt8(layout.rawValue)
        try BlockLayouts.write(patterns, layout: layout, width: encoding.byteWidth, into: &payload)
    }

    /// Decodes `rowCount` rows of `rowLength` values (the caller has checked that their
    /// decoded size is within bounds).
    /// `derived` reads a version-3 derived block (`DerivedValueBlock`) after its layout code; nil
    /// where none may stand.
    static func decode(
        rowCount: Int, rowLength: Int, encoding: ValueEncoding, from reader: inout PayloadReader,
        derived: ((UInt8, inout PayloadReader) throws -> [[Float]])? = nil
    ) throws -> [[Float]] {
        let code = try reader.readUInt8()
        if let derived, code == DerivedValueBlock.copyCode || code == DerivedValueBlock.maxPoolCode {
            return try derived(code, &reader)
        }
        // The predicted and modelled layouts are the store's only, never a stream's.
        guard let layout = LayerBlockCodec.Layout(rawValue: code), !layout.isStoreOnly else { throw PayloadError("unknown value layout \(code)") }
        let patterns = try BlockLayouts.read(count: rowCount * rowLength, layout: layout, width: encoding.byteWidth, rowLength: rowLength, from: &reader)
        return patterns.withUnsafeBufferPointer { patterns in
            (0..<rowCount).map { row in
                [Float](unsafeUninitializedCapacity: rowLength) { values, initialized in
                    for position in 0..<rowLength {
                        let bits = layout.isTraceMajor ? patterns[row * rowLength + position] : patterns[position * rowCount + row]
                        values[position] = encoding == .float32 ? Float(bitPattern: bits) : Float(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
                    }
                    initialized = rowLength
                }
            }
        }
    }
}
