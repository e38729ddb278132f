/// One layer's node values for a version-2 (and later) traces frame: a `u8` layout code, then
/// the values' bit patterns laid out as `LayerBlockCodec` lays out a store block
/// (`BlockLayouts`; node-major but for dictionaries), so a post-ReLU map reaches zstd as a
/// bitmap and its nonzero values only. Version 4 keeps the byte planes of the shuffled and
/// bitmap layouts that look incompressible (and such a bitmap) out of zstd, in the frame's raw
/// section (a `u8` mask after the layout code says which). Lossless: the patterns are those of
/// the frame's value encoding.
enum FrameValueBlock {
    /// The byte planes a version-4 frame may keep raw: below the exponent (float32: the three
    /// low bytes, whose top one holds the exponent's lowest bit; float16: the low byte). In
    /// the small CNN's activations each of them stays within a percent of its size through zstd.
    static func rawCandidates(for encoding: ValueEncoding) -> UInt8 {
        encoding == .float32 ? 0b0111 : 0b0001
    }

    /// Encodes `values` (`rowCount` traces' values of the layer, `rowLength` each, one trace
    /// after another) straight into the payload (version 4: the planes kept raw into `raw`): in
    /// the layout `LayerBlockCodec.chooseLayout` picks, a bitmap layout gathered from the traces
    /// a tile of nodes at a time (`BlockLayouts.writeActiveBitmap`), a dictionary from the traces
    /// as they are.
    static func encode(
        _ values: ArraySlice<Float>, rowCount: Int, rowLength: Int, encoding: ValueEncoding, version: UInt16,
        into payload: inout PayloadWriter, raw: inout PayloadWriter
    ) throws {
        let width = encoding.byteWidth, rawCandidates = version >= 4 ? rawCandidates(for: encoding) : nil
        try BlockLayouts.withPatterns(values, encoding: encoding) { patterns in
            let layout = LayerBlockCodec.chooseLayout(patterns)
            payload.writeUInt8(layout.rawValue)
            switch layout {
            case .activeBitmap:
                BlockLayouts.writeActiveBitmap(
                    traceMajor: patterns, rowCount: rowCount, rowLength: rowLength, width: width, into: &payload,
                    rawCandidates: rawCandidates, raw: &raw)
            default:
                try BlockLayouts.write(
                    BlockLayouts.laidOut(traceMajor: patterns, layout: layout, rowCount: rowCount, rowLength: rowLength),
                    layout: layout, width: width, into: &payload, rawCandidates: rawCandidates, raw: &raw)
            }
        }
    }

    /// Decodes `rowCount` rows of `rowLength` values (the caller has checked that their
    /// decoded size is within bounds).
    /// `derived` reads a version-3 derived block (`DerivedValueBlock`) after its layout code; nil
    /// where none may stand. `raw`: a version-4 frame's raw section, nil for earlier versions.
    static func decode(
        rowCount: Int, rowLength: Int, encoding: ValueEncoding, from reader: inout PayloadReader,
        raw: inout PayloadReader?,
        derived: ((UInt8, inout PayloadReader) throws -> [[Float]])? = nil
    ) throws -> [[Float]] {
        let code = try reader.readUInt8()
        if let derived, code == DerivedValueBlock.copyCode || code == DerivedValueBlock.maxPoolCode {
            return try derived(code, &reader)
        }
        // The predicted and modelled layouts are the store's only, never a stream's.
        guard let layout = LayerBlockCodec.Layout(rawValue: code), !layout.isStoreOnly else { throw PayloadError("unknown value layout \(code)") }
        var rawPlanes: UInt8 = 0
        if raw != nil && (layout == .shuffled || layout == .activeBitmap) {
            rawPlanes = try reader.readUInt8()
            let bitmapBit = layout == .activeBitmap ? BlockLayouts.rawBitmap : 0
            guard (rawPlanes & ~bitmapBit) >> encoding.byteWidth == 0 else {
                throw PayloadError("raw-plane mask \(rawPlanes) names planes past the \(encoding.byteWidth) of a value, or a bitmap where there is none")
            }
        }
        var section = raw ?? PayloadReader([])
        defer { if raw != nil { raw = section } }
        let patterns = try BlockLayouts.read(
            count: rowCount * rowLength, layout: layout, width: encoding.byteWidth, rowLength: rowLength, from: &reader,
            rawPlanes: rawPlanes, raw: &section)
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
