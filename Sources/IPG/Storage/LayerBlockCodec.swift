/// One layer's node values for a block of traces (what the store keeps per block and layer),
/// lossless for float32. Format 2 (written since; format 1's blocks of the store bench's MLP
/// traces took 4 % more bytes, their values' layouts in one zstd frame): a header — `u8`
/// format (2), `u8` layout, `u8` value encoding, `u32` trace count, `u32` values per trace,
/// `u8` part count — then each part of the laid-out values
/// (`BlockLayouts.parts`) as `u32` length, `u32` stored length and the stored bytes: a zstd
/// frame when the stored length is the smaller, else the part itself. (A part is compressed at
/// the codec's level and, when that shrinks it, also with `ZstdCompressor.frequencyCoding`:
/// the smaller frame is kept; either decodes alike.) Format 1 (still read) is
/// one zstd frame holding the same header without the part count, then the parts back to back;
/// its first byte is zstd's magic 0x28, never a format number.
///
/// The values are the bit patterns of the encoding in one of these layouts, node-major
/// (node 0 of every trace, then node 1, …: one node's values across traces are alike) but for
/// dictionaries, which are trace-major (an image's codes run as its pixels do):
/// - `shuffled`: the patterns byte-shuffled (every pattern's byte 0, then every byte 1, …);
/// - `activeBitmap`: a bitmap (LSB first) of the patterns that are not +0.0, then those
///   patterns byte-shuffled — for post-ReLU layers, mostly zero;
/// - `rotatedBitmap` (store blocks of float32 only): a bit per node (LSB first), set for the
///   nodes active in more than half the block's traces, whose run of the bitmap is inverted
///   (every node's bits then mostly 0); the bitmap; the active patterns, each rotated left by
///   one bit, byte-shuffled — the top plane holds the whole exponent and the sign sits in bit
///   0. For post-ReLU layers (no value negative), where the sign is then a constant bit of the
///   noisy low plane and the exponent's low bit leaves the noisy third plane: the store
///   bench MLP's layer 1 (350 nodes) takes 432.5 bytes a trace where `activeBitmap` took
///   445.7, with `frequencyCoding`'s exponent plane;
/// - `dictionary8`, `dictionary16`: a `u32` count and the distinct patterns in ascending order
///   byte-shuffled, then per value its index in them as one byte, or two byte-shuffled —
///   for values that repeat (pixel inputs and attacks of them);
/// - `predictedDictionary8` (store blocks only, never a stream's): a `u32` count, a `u32` image
///   width and stream lengths, the distinct patterns ordered by value byte-shuffled, then per
///   value its index less the index predicted from its neighbours in the trace read as an
///   image (`PredictedCodes`);
/// - `modelledDictionary8` (store blocks only): a `u32` count, a `u32` image width, the coded
///   length and the ranks' CRC-32, the distinct patterns ordered by value byte-shuffled, then
///   the ranks range-coded under an adaptive context model of the image (`ModelledCodes`):
///   Fashion-MNIST images take 332 bytes where the predicted layout took 384 (the bench
///   store's blocks), decoded about 12 times more slowly.
/// - `steppedDictionary8` (store blocks of float32 only): a `u32` level count, a `u32` image
///   width, the coded lengths of levels and steps and their CRC-32, a bitmap of the (step,
///   level) entries used and their patterns byte-shuffled, then each value's level range-coded
///   as the modelled layout codes ranks and its step (−ε, kept, +ε) under its neighbours' steps
///   (`SteppedCodes`): images attacked by FGSM (each pixel a grid level ± ε, clipped), which
///   have about 500 distinct values.
/// A block that fits `dictionary8` is stored in the smallest of the modelled, predicted and plain
/// `dictionary8` layouts; a block that takes `activeBitmap` and has no negative value is stored
/// `rotatedBitmap`; a float32 block that takes `dictionary16` is stored `steppedDictionary8`
/// when its values are levels ± a step and that is smaller.
///
/// An instance reuses its zstd contexts; use one per thread.
public final class LayerBlockCodec {
    /// How a block's values are laid out before zstd.
    public enum Layout: UInt8, Sendable, CaseIterable {
        case shuffled = 0, activeBitmap = 1, dictionary8 = 2, dictionary16 = 3, predictedDictionary8 = 4, modelledDictionary8 = 5
        case rotatedBitmap = 6, steppedDictionary8 = 7

        /// Whether values are laid out trace by trace (dictionaries) rather than node by node.
        public var isTraceMajor: Bool { self != .shuffled && self != .activeBitmap && self != .rotatedBitmap }

        /// Whether only store blocks use the layout, never a stream's frames.
        public var isStoreOnly: Bool {
            self == .predictedDictionary8 || self == .modelledDictionary8 || self == .rotatedBitmap || self == .steppedDictionary8
        }
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

        /// Every trace's values, trace after trace (`rowCount` rows of `rowLength`), whichever
        /// order the layout keeps them in.
        public var traceMajorValues: [Float] {
            layout.isTraceMajor ? values : BlockLayouts.transposed(values, rows: rowLength, columns: rowCount)
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

    /// The format written; `decode` reads it and format 1.
    static let formatVersion: UInt8 = 2
    private static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
    private let compressor: ZstdCompressor
    private let frequencyCompressor = ZstdCompressor.frequencyCoding()
    private let decompressor = ZstdDecompressor()

    public init(compressionLevel: Int32 = 3) {
        compressor = ZstdCompressor(level: compressionLevel)
    }

    /// Encodes `rows` (each one trace's values of the layer, all of one length) and says which
    /// layout it chose; `layout` forces one (a dictionary layout throws for more distinct values
    /// than its codes hold).
    public func encode(_ rows: [[Float]], encoding: ValueEncoding, layout forced: Layout? = nil) throws -> (layout: Layout, bytes: [UInt8]) {
        let rowLength = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == rowLength }) else {
            throw TraceStreamError(file: "value block", message: "the traces of a block have layers of different lengths")
        }
        var (layout, patterns) = Self.laidOut(rows, rowLength: rowLength, encoding: encoding, layout: forced)
        if forced == nil && layout == .activeBitmap && encoding == .float32 && !Self.hasNegative(patterns) { layout = .rotatedBitmap }
        do {
            func block(_ layout: Layout) throws -> [UInt8] {
                let parts = switch layout {
                case .predictedDictionary8: try BlockLayouts.predictedParts(patterns, rowLength: rowLength, width: encoding.byteWidth)
                case .modelledDictionary8: try BlockLayouts.modelledParts(patterns, rowLength: rowLength, width: encoding.byteWidth)
                case .rotatedBitmap: try BlockLayouts.rotatedParts(patterns, rowLength: rowLength, width: encoding.byteWidth)
                case .steppedDictionary8: try BlockLayouts.steppedParts(patterns, rowLength: rowLength, width: encoding.byteWidth)
                default: try BlockLayouts.parts(patterns, layout: layout, width: encoding.byteWidth)
                }
                return try self.block(parts, layout: layout, encoding: encoding, rowCount: rows.count, rowLength: rowLength)
            }
            // Float32 values for 16-bit codes are stored stepped (FGSM attacks of images) when
            // they are levels ± a step and that is smaller.
            if forced == nil && layout == .dictionary16 && encoding == .float32 {
                let plain = try block(.dictionary16)
                guard let stepped = try? block(.steppedDictionary8), stepped.count < plain.count else { return (layout, plain) }
                return (.steppedDictionary8, stepped)
            }
            // Values that fit a dictionary of 256 are stored in the smallest of the modelled,
            // predicted and plain layouts (pixels: modelled; noisy attacks of them: often plain).
            guard forced == nil && layout == .dictionary8 else { return (layout, try block(layout)) }
            let candidates = try [Layout.modelledDictionary8, .predictedDictionary8, .dictionary8].map { ($0, try block($0)) }
            return candidates.min { $0.1.count < $1.1.count }!
        } catch let error as PayloadError {
            throw TraceStreamError(file: "value block", message: error.message)
        }
    }

    /// The rows' bit patterns in `layout` (or the one `chooseLayout` picks) as a store block and
    /// a stream frame's value block lay them out: node-major, or trace-major for dictionaries.
    static func laidOut(_ rows: [[Float]], rowLength: Int, encoding: ValueEncoding, layout forced: Layout? = nil) -> (layout: Layout, patterns: [UInt32]) {
        var values: [Float] = []
        values.reserveCapacity(rows.count * rowLength)
        for row in rows { values += row }
        return laidOut(values[...], rowCount: rows.count, rowLength: rowLength, encoding: encoding, layout: forced)
    }

    /// `laidOut` for `rowCount` rows stored one after another in `values` (as a stream frame
    /// gathers them): the layout chosen from them in that order (`chooseLayout` depends only on
    /// which patterns occur how often), a dictionary's patterns taken as they are.
    static func laidOut(
        _ values: ArraySlice<Float>, rowCount: Int, rowLength: Int, encoding: ValueEncoding, layout forced: Layout? = nil
    ) -> (layout: Layout, patterns: [UInt32]) {
        BlockLayouts.withPatterns(values, encoding: encoding) { patterns in
            let layout = forced ?? chooseLayout(patterns)
            return (layout, BlockLayouts.laidOut(traceMajor: patterns, layout: layout, rowCount: rowCount, rowLength: rowLength))
        }
    }

    /// A format-2 block of `parts`, each zstd-compressed when that makes it smaller.
    private func block(_ parts: [[UInt8]], layout: Layout, encoding: ValueEncoding, rowCount: Int, rowLength: Int) throws -> [UInt8] {
        var block = PayloadWriter(reservingCapacity: 16 + 8 * parts.count + parts.reduce(0) { $0 + $1.count })
        block.writeUInt8(Self.formatVersion)
        block.writeUInt8(layout.rawValue)
        block.writeUInt8(encoding.rawValue)
        try block.writeUInt32(rowCount)
        try block.writeUInt32(rowLength)
        block.writeUInt8(UInt8(parts.count))
        for part in parts {
            var stored = try compressor.compress(part)
            if stored.count < part.count {
                let frequencyCoded = try frequencyCompressor.compress(part)
                if frequencyCoded.count < stored.count { stored = frequencyCoded }
            } else {
                stored = part
            }
            try block.writeUInt32(part.count)
            try block.writeUInt32(stored.count)
            block.writeBytes(stored)
        }
        return block.bytes
    }

    /// Reads `encode`'s bytes back.
    public func decode(_ bytes: [UInt8]) throws -> Block {
        do {
            if bytes.starts(with: Self.zstdMagic) {
                var reader = PayloadReader(try decompressor.decompress(bytes))
                let version = try reader.readUInt8()
                guard version == 1 else { throw PayloadError("value block format \(version) inside a zstd frame, this build reads 1 there") }
                let header = try Header(&reader)
                return try header.block(from: &reader)
            }
            var reader = PayloadReader(bytes)
            let version = try reader.readUInt8()
            guard version == Self.formatVersion else { throw PayloadError("value block format \(version), this build reads 1 and \(Self.formatVersion)") }
            let header = try Header(&reader)
            var laidOut = PayloadReader(try joinedParts(from: &reader, atMost: header.total * (header.encoding.byteWidth + 2) + 8 + 4 * PredictedCodes.contextCount))
            guard reader.isAtEnd else { throw PayloadError("\(reader.remainingCount) bytes after the parts") }
            return try header.block(from: &laidOut)
        } catch let error as PayloadError {
            throw TraceStreamError(file: "value block", message: error.message)
        }
    }

    /// A block's header after the format number: its layout, encoding and shape.
    private struct Header {
        var layout: Layout
        var encoding: ValueEncoding
        var rowCount: Int
        var rowLength: Int
        var total: Int

        init(_ reader: inout PayloadReader) throws {
            let layoutCode = try reader.readUInt8(), encodingCode = try reader.readUInt8()
            guard let layout = Layout(rawValue: layoutCode) else { throw PayloadError("unknown value block layout \(layoutCode)") }
            guard let encoding = ValueEncoding(rawValue: encodingCode) else { throw PayloadError("unknown value encoding \(encodingCode)") }
            (self.layout, self.encoding) = (layout, encoding)
            (rowCount, rowLength) = (try reader.readCount(), try reader.readCount())
            let (total, overflow) = rowCount.multipliedReportingOverflow(by: rowLength)
            guard !overflow, total <= TraceStreamFormat.maximumPayloadLength else { throw PayloadError("\(rowCount) × \(rowLength) values is too many") }
            self.total = total
        }

        /// The block from its laid-out values (`BlockLayouts.write`'s bytes), which must end there.
        func block(from reader: inout PayloadReader) throws -> Block {
            var noRawSection = PayloadReader([])
            let patterns = try BlockLayouts.read(
                count: total, layout: layout, width: encoding.byteWidth, rowLength: rowLength, from: &reader, raw: &noRawSection)
            guard reader.isAtEnd else { throw PayloadError("\(reader.remainingCount) bytes after the values") }
            return Block(layout: layout, encoding: encoding, rowCount: rowCount, rowLength: rowLength, values: LayerBlockCodec.values(patterns, encoding: encoding))
        }
    }

    /// A format-2 block's parts decoded and joined: at most `limit` bytes in all (no layout
    /// takes more than the values, 2-byte codes for each and the predicted layout's header).
    private func joinedParts(from reader: inout PayloadReader, atMost limit: Int) throws -> [UInt8] {
        let partCount = Int(try reader.readUInt8())
        var joined: [UInt8] = []
        for _ in 0..<partCount {
            let length = try reader.readCount(), storedLength = try reader.readCount()
            guard length <= limit - joined.count else { throw PayloadError("value block parts longer than its \(limit) bytes of values") }
            guard storedLength <= length else { throw PayloadError("a stored part of \(storedLength) bytes for \(length)") }
            let stored = Array(try reader.readBytes(storedLength))
            joined += storedLength == length ? stored : try decompressor.decompress(stored, decodedLength: length)
        }
        return joined
    }

    /// The layout expected to compress best: a dictionary when the distinct patterns are few
    /// (8-bit codes up to 256 of them; 16-bit ones while they number at most a quarter of the
    /// values and 65,536), else a bitmap when a quarter or more are zero, else plain shuffling.
    /// The small table comes first: most layers show a 257th distinct value within a few
    /// hundred, so a capture's frames are rarely hashed through.
    static func chooseLayout(_ patterns: [UInt32]) -> Layout {
        patterns.withUnsafeBufferPointer { chooseLayout($0) }
    }

    /// `chooseLayout` of patterns in any order (what it decides depends only on which patterns
    /// occur how often: a stream frame's come trace-major).
    static func chooseLayout(_ patterns: UnsafeBufferPointer<UInt32>) -> Layout {
        if PatternTable(patterns, limit: 256).distinct.count <= 256 { return .dictionary8 }
        let zeros = patterns.count - nonzeroCount(patterns)
        if zeros * 4 >= patterns.count { return .activeBitmap }
        let limit = min(65_536, patterns.count / 4)
        if limit > 256 && PatternTable(patterns, limit: limit).distinct.count <= limit { return .dictionary16 }
        return .shuffled
    }

    /// Whether some float32 pattern has its sign bit set, eight patterns at a time.
    static func hasNegative(_ patterns: [UInt32]) -> Bool {
        patterns.withUnsafeBufferPointer { patterns in
            guard let base = patterns.baseAddress else { return false }
            let vectors = patterns.count / 8
            var bits = SIMD8<UInt32>()
            let raw = UnsafeRawPointer(base)
            for index in 0..<vectors { bits |= raw.loadUnaligned(fromByteOffset: index &* 32, as: SIMD8<UInt32>.self) }
            var any: UInt32 = 0
            for lane in 0..<8 { any |= bits[lane] }
            for index in (vectors * 8)..<patterns.count { any |= patterns[index] }
            return any & 0x8000_0000 != 0
        }
    }

    /// How many patterns are not 0, without branches (post-ReLU zeros come at random): `(b | −b) >> 31`
    /// is 1 exactly when b ≠ 0, eight patterns at a time.
    static func nonzeroCount(_ patterns: UnsafeBufferPointer<UInt32>) -> Int {
        guard let base = patterns.baseAddress else { return 0 }
        let vectors = patterns.count / 8
        var counts = SIMD8<UInt32>()
        let raw = UnsafeRawPointer(base)
        for index in 0..<vectors {
            let bits = raw.loadUnaligned(fromByteOffset: index &* 32, as: SIMD8<UInt32>.self)
            counts &+= (bits | (0 &- bits)) &>> 31
        }
        var count = Int(counts.wrappedSum())
        for index in (vectors * 8)..<patterns.count { count &+= Int((patterns[index] | (0 &- patterns[index])) &>> 31) }
        return count
    }

    /// The values of `patterns` in the encoding.
    fileprivate static func values(_ patterns: [UInt32], encoding: ValueEncoding) -> [Float] {
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
