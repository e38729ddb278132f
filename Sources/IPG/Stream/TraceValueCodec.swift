/// One trace's node values as a self-contained compressed blob (what the store keeps per
/// trace): all layers' values concatenated in layer order, encoded as float32 or float16,
/// byte-shuffled (as in the stream's value blocks) and zstd-compressed. An instance reuses its
/// zstd contexts; use one per thread.
public final class TraceValueCodec {
    private let compressor: ZstdCompressor
    private let decompressor = ZstdDecompressor()

    public init(compressionLevel: Int32 = 3) {
        compressor = ZstdCompressor(level: compressionLevel)
    }

    public func encode(_ layerValues: [[Float]], encoding: ValueEncoding) throws -> [UInt8] {
        let flat = layerValues.flatMap { $0 }
        do {
            return try compressor.compress(ShuffledValueBlock.encode([flat], encoding: encoding))
        } catch let error as PayloadError {
            throw TraceStreamError(file: "trace values", message: error.message)
        }
    }

    /// All values, in layer order; `valueCount` is the layer table's total.
    public func decode(_ blob: [UInt8], valueCount: Int, encoding: ValueEncoding) throws -> [Float] {
        do {
            let shuffled = try decompressor.decompress(blob, decodedLength: valueCount * encoding.byteWidth)
            return ShuffledValueBlock.decode(shuffled[...], rowCount: 1, rowLength: valueCount, encoding: encoding)[0]
        } catch let error as PayloadError {
            throw TraceStreamError(file: "trace values", message: error.message)
        }
    }

    /// Splits concatenated values back into layers.
    public static func split(_ values: [Float], topology: ModelTopology) -> [[Float]] {
        var start = 0
        return topology.layers.map { layer in
            defer { start += layer.valueCount }
            return Array(values[start..<(start + layer.valueCount)])
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

    /// Reads `serialized()` bytes back.
    public init(serialized bytes: [UInt8]) throws {
        do { try self.init(decoding: bytes) } catch let error as PayloadError {
            throw TraceStreamError(file: "stream header", message: error.message)
        }
    }
}
