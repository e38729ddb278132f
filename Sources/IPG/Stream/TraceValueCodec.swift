/// One trace's node values as a self-contained compressed blob (what the store keeps per
/// trace), one zstd frame (with its content size) holding:
///
/// - a `u32` layer count, then per layer a `u8` layout (0 byte-shuffled as in the stream's
///   value blocks, 1 plain little-endian values) and a `u32` value count;
/// - then each layer's values in its layout, float32 or float16 (little-endian throughout).
///
/// A layer with at most 256 distinct values (quantised inputs such as scaled pixel bytes) is
/// stored plain, where zstd finds the repeated values whole; others are shuffled, which
/// groups exponent bytes. An instance reuses its zstd contexts; use one per thread.
public final class TraceValueCodec {
    private let compressor: ZstdCompressor
    private let decompressor = ZstdDecompressor()

    public init(compressionLevel: Int32 = 3) {
        compressor = ZstdCompressor(level: compressionLevel)
    }

    public func encode(_ layerValues: [[Float]], encoding: ValueEncoding) throws -> [UInt8] {
        let layouts = layerValues.map { Self.hasFewDistinctValues($0) ? UInt8(1) : UInt8(0) }
        var header = PayloadWriter()
        do {
            try header.writeUInt32(layerValues.count)
            for (values, layout) in zip(layerValues, layouts) {
                header.writeUInt8(layout)
                try header.writeUInt32(values.count)
            }
            var payload = header.bytes
            for (values, layout) in zip(layerValues, layouts) {
                payload += layout == 1 ? Self.plain(values, encoding: encoding) : ShuffledValueBlock.encode(values[...], encoding: encoding)
            }
            return try compressor.compress(payload)
        } catch let error as PayloadError {
            throw TraceStreamError(file: "trace values", message: error.message)
        }
    }

    /// Every layer's values (or only layer `only`'s; the others come back empty).
    public func decode(_ blob: [UInt8], encoding: ValueEncoding, only: Int? = nil) throws -> [[Float]] {
        do {
            let payload = try decompressor.decompress(blob)
            var reader = PayloadReader(payload)
            let layerCount = try reader.readCount(of: "layers", minimumItemLength: 5)  // a layout byte and a value count
            let layers = try (0..<layerCount).map { _ in (layout: try reader.readUInt8(), count: try reader.readCount()) }
            return try layers.enumerated().map { layer, entry in
                let bytes = try reader.readBytes(entry.count * encoding.byteWidth)
                if let only, only != layer { return [] }
                switch entry.layout {
                case 0: return ShuffledValueBlock.decode(bytes, rowCount: 1, rowLength: entry.count, encoding: encoding)[0]
                case 1: return Self.values(plain: bytes, encoding: encoding)
                default: throw PayloadError("layer \(layer) has unknown layout \(entry.layout)")
                }
            }
        } catch let error as PayloadError {
            throw TraceStreamError(file: "trace values", message: error.message)
        }
    }

    /// Whether `values` hold at most 256 distinct bit patterns (an open-addressing set of 1,024
    /// slots, so this costs little more than a pass over the values).
    private static func hasFewDistinctValues(_ values: [Float]) -> Bool {
        guard values.count > 256 else { return true }
        // The set lives on the stack: this runs for every layer of every trace stored.
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 1024) { slots in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: 1024) { occupied in
                occupied.initialize(repeating: false)
                var distinct = 0
                for value in values {
                    let bits = value.bitPattern
                    var slot = Int((bits &* 2_654_435_761) >> 22)
                    while occupied[slot] && slots[slot] != bits { slot = (slot + 1) & 1023 }
                    if !occupied[slot] {
                        occupied[slot] = true
                        slots[slot] = bits
                        distinct += 1
                        if distinct > 256 { return false }
                    }
                }
                return true
            }
        }
    }

    private static func plain(_ values: [Float], encoding: ValueEncoding) -> [UInt8] {
        switch encoding {
        case .float32: return values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Array($0) }
        case .float16: return values.map { Float16($0).bitPattern.littleEndian }.withUnsafeBytes { Array($0) }
        }
    }

    private static func values(plain bytes: ArraySlice<UInt8>, encoding: ValueEncoding) -> [Float] {
        bytes.withUnsafeBytes { raw in
            switch encoding {
            case .float32:
                return (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            case .float16:
                return (0..<(raw.count / 2)).map { Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))) }
            }
        }
    }
}

extension StreamHeader {
    /// The header's binary form (as in a stream's header frame), for storing a layer table.
    public func serialized() throws -> [UInt8] {
        do { return try encoded() } catch let error as PayloadError {
            throw TraceStreamError(file: "stream header", message: error.message)
        }
    }

    /// Reads `serialized()` bytes back (of this version or version 1, whose header has no
    /// merged-sources section).
    public init(serialized bytes: [UInt8]) throws {
        do { try self.init(decoding: bytes, version: nil) } catch let error as PayloadError {
            throw TraceStreamError(file: "stream header", message: error.message)
        }
    }
}
