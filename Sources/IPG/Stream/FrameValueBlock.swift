/// One layer's node values for a version-2 traces frame: a `u8` layout code, then the values'
/// bit patterns laid out as `LayerBlockCodec` lays out a store block (`BlockLayouts`; node-major
/// but for dictionaries), so a post-ReLU map reaches zstd as a bitmap and its nonzero values
/// only. Lossless: the patterns are those of the frame's value encoding.
enum FrameValueBlock {
    /// Encodes `rows` (each one trace's values of the layer, `rowLength` of them).
    static func encode(_ rows: [[Float]], rowLength: Int, encoding: ValueEncoding, into payload: inout PayloadWriter) throws {
        let nodeMajor = patterns(rows, rowLength: rowLength, encoding: encoding)
        let layout = LayerBlockCodec.chooseLayout(nodeMajor)
        payload.writeUInt8(layout.rawValue)
        let laidOut = layout.isTraceMajor ? transposed(nodeMajor, rows: rowLength, columns: rows.count) : nodeMajor
        try BlockLayouts.write(laidOut, layout: layout, width: encoding.byteWidth, into: &payload)
    }

    /// Decodes `rowCount` rows of `rowLength` values (the caller has checked that their
    /// decoded size is within bounds).
    static func decode(rowCount: Int, rowLength: Int, encoding: ValueEncoding, from reader: inout PayloadReader) throws -> [[Float]] {
        let code = try reader.readUInt8()
        guard let layout = LayerBlockCodec.Layout(rawValue: code) else { throw PayloadError("unknown value layout \(code)") }
        let patterns = try BlockLayouts.read(count: rowCount * rowLength, layout: layout, width: encoding.byteWidth, from: &reader)
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

    /// The rows' bit patterns in the encoding, node-major (node 0 of every trace, then node 1, …).
    private static func patterns(_ rows: [[Float]], rowLength: Int, encoding: ValueEncoding) -> [UInt32] {
        let rowCount = rows.count
        return [UInt32](unsafeUninitializedCapacity: rowCount * rowLength) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            for (row, values) in rows.enumerated() {
                values.withUnsafeBufferPointer { values in
                    guard let source = values.baseAddress else { return }
                    let target = base + row
                    switch encoding {
                    case .float32: for node in 0..<rowLength { target[node &* rowCount] = source[node].bitPattern }
                    case .float16: for node in 0..<rowLength { target[node &* rowCount] = UInt32(Float16(source[node]).bitPattern) }
                    }
                }
            }
            initialized = rowCount * rowLength
        }
    }

    /// A `rows` × `columns` matrix of patterns (row-major) transposed.
    private static func transposed(_ patterns: [UInt32], rows: Int, columns: Int) -> [UInt32] {
        [UInt32](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            patterns.withUnsafeBufferPointer { patterns in
                for row in 0..<rows {
                    for column in 0..<columns { buffer[column * rows + row] = patterns[row * columns + column] }
                }
            }
            initialized = rows * columns
        }
    }
}
