/// One layer's node values for a block of traces (what the store keeps per block and layer),
/// lossless for float32: one zstd frame (with its content size) holding a header — `u8`
/// format (1), `u8` layout, `u8` value encoding, `u32` trace count, `u32` values per trace —
/// then the values as the bit patterns of the encoding in one of these layouts, node-major
/// (node 0 of every trace, then node 1, …: one node's values across traces are alike) but for
/// dictionaries, which are trace-major (an image's codes run as its pixels do):
///
/// - `shuffled`: the patterns byte-shuffled (every pattern's byte 0, then every byte 1, …);
/// - `activeBitmap`: a bitmap (LSB first) of the patterns that are not +0.0, then those
///   patterns byte-shuffled — for post-ReLU layers, mostly zero;
/// - `dictionary8`, `dictionary16`: a `u32` count and the distinct patterns in ascending order
///   byte-shuffled, then per value its index in them as one byte, or two byte-shuffled —
///   for values that repeat (pixel inputs and attacks of them).
///
/// An instance reuses its zstd contexts; use one per thread.
public final class LayerBlockCodec {
    /// How a block's values are laid out before zstd.
    public enum Layout: UInt8, Sendable, CaseIterable {
        case shuffled = 0, activeBitmap = 1, dictionary8 = 2, dictionary16 = 3

        /// Whether values are laid out trace by trace (dictionaries) rather than node by node.
        public var isTraceMajor: Bool { self == .dictionary8 || self == .dictionary16 }
    }

    /// A decoded block, its values as they were laid out: node-major (`values[position ×
    /// rowCount + row]`) or, for dictionaries, trace-major (`values[row × rowLength + position]`),
    /// so that reading one node of every trace transposes nothing.
    public struct Block: Sendable {
        public var layout: Layout
        public var encoding: ValueEncoding
        public var rowCount: Int
        public var rowLength: Int
        public var values: [Float]

        public init(layout: Layout, encoding: ValueEncoding, rowCount: Int, rowLength: Int, values: [Float]) {
            (self.layout, self.encoding, self.rowCount, self.rowLength, self.values) = (layout, encoding, rowCount, rowLength, values)
        }

        /// Trace `row`'s value at `position`.
        @inlinable public func value(row: Int, position: Int) -> Float {
            layout.isTraceMajor ? values[row * rowLength + position] : values[position * rowCount + row]
        }

        /// Trace `row`'s values.
        public func row(_ row: Int) -> [Float] {
            if layout.isTraceMajor { return Array(values[(row * rowLength)..<((row + 1) * rowLength)]) }
            return [Float](unsafeUninitializedCapacity: rowLength) { buffer, initialized in
                values.withUnsafeBufferPointer { values in
                    for position in 0..<rowLength { buffer[position] = values[position * rowCount + row] }
                }
                initialized = rowLength
            }
        }
    }

    static let formatVersion: UInt8 = 1
    private let compressor: ZstdCompressor
    private let decompressor = ZstdDecompressor()

    public init(compressionLevel: Int32 = 3) {
        compressor = ZstdCompressor(level: compressionLevel)
    }

    /// Encodes `rows` (each one trace's values of the layer, all of one length) and says which
    /// layout it chose.
    public func encode(_ rows: [[Float]], encoding: ValueEncoding) throws -> (layout: Layout, bytes: [UInt8]) {
        let rowLength = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == rowLength }) else {
            throw TraceStreamError(file: "value block", message: "the traces of a block have layers of different lengths")
        }
        var patterns = BlockLayouts.nodeMajorPatterns(rows, rowLength: rowLength, encoding: encoding)
        let layout = Self.chooseLayout(patterns)
        if layout.isTraceMajor { patterns = BlockLayouts.transposed(patterns, rows: rowLength, columns: rows.count) }
        var payload = PayloadWriter(reservingCapacity: 16 + patterns.count * encoding.byteWidth)
        do {
            payload.writeUInt8(Self.formatVersion)
            payload.writeUInt8(layout.rawValue)
            payload.writeUInt8(encoding.rawValue)
            try payload.writeUInt32(rows.count)
            try payload.writeUInt32(rowLength)
            try BlockLayouts.write(patterns, layout: layout, width: encoding.byteWidth, into: &payload)
            return (layout, try compressor.compress(payload.bytes))
        } catch let error as PayloadError {
            throw TraceStreamError(file: "value block", message: error.message)
        }
    }

    /// Reads `encode`'s bytes back.
    public func decode(_ bytes: [UInt8]) throws -> Block {
        do {
            var reader = PayloadReader(try decompressor.decompress(bytes))
            let version = try reader.readUInt8()
            guard version == Self.formatVersion else { throw PayloadError("value block format \(version), this build reads \(Self.formatVersion)") }
            let layoutCode = try reader.readUInt8(), encodingCode = try reader.readUInt8()
            guard let layout = Layout(rawValue: layoutCode) else { throw PayloadError("unknown value block layout \(layoutCode)") }
            guard let encoding = ValueEncoding(rawValue: encodingCode) else { throw PayloadError("unknown value encoding \(encodingCode)") }
            let rowCount = try reader.readCount(), rowLength = try reader.readCount()
            let (total, overflow) = rowCount.multipliedReportingOverflow(by: rowLength)
            guard !overflow, total <= TraceStreamFormat.maximumPayloadLength else { throw PayloadError("\(rowCount) × \(rowLength) values is too many") }
            let patterns = try BlockLayouts.read(count: total, layout: layout, width: encoding.byteWidth, from: &reader)
            guard reader.isAtEnd else { throw PayloadError("\(reader.remainingCount) bytes after the values") }
            return Block(layout: layout, encoding: encoding, rowCount: rowCount, rowLength: rowLength, values: Self.values(patterns, encoding: encoding))
        } catch let error as PayloadError {
            throw TraceStreamError(file: "value block", message: error.message)
        }
    }

    /// The layout expected to compress best: a dictionary when the distinct patterns are few
    /// (8-bit codes up to 256 of them; 16-bit ones while they number at most a quarter of the
    /// values and 65,536), else a bitmap when a quarter or more are zero, else plain shuffling.
    /// The small table comes first: most layers show a 257th distinct value within a few
    /// hundred, so a capture's frames are rarely hashed through.
    static func chooseLayout(_ patterns: [UInt32]) -> Layout {
        if PatternTable(patterns, limit: 256).distinct.count <= 256 { return .dictionary8 }
        // Without branches (post-ReLU zeros come at random): `(b | −b) >> 31` is 1 exactly when b ≠ 0.
        let nonzeros = patterns.reduce(0) { $0 &+ Int(($1 | (0 &- $1)) &>> 31) }
        if (patterns.count - nonzeros) * 4 >= patterns.count { return .activeBitmap }
        let limit = min(65_536, patterns.count / 4)
        if limit > 256 && PatternTable(patterns, limit: limit).distinct.count <= limit { return .dictionary16 }
        return .shuffled
    }

    /// The values of `patterns` in the encoding.
    private static func values(_ patterns: [UInt32], encoding: ValueEncoding) -> [Float] {
        switch encoding {
        case .float32:
            return [Float](unsafeUninitializedCapacity: patterns.count) { values, initialized in
                patterns.withUnsafeBytes { UnsafeMutableRawBufferPointer(values).copyMemory(from: $0) }
                initialized = patterns.count
            }
        case .float16: return patterns.map { Float(Float16(bitPattern: UInt16(truncatingIfNeeded: $0))) }
        }
    }
}
