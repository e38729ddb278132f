import CZlib
import CZstd
import Foundation

/// A stream taken apart into its frames as the format spec (`TraceStreamFormat`) lays them out,
/// with zlib's CRC-32 and zstd (its content checksum for version 4's XXH64) used directly rather
/// than through DeepProv's stream code, so a test can damage a frame and seal it again with a
/// valid checksum: the damage then reaches the decoders.
struct StreamFrames {
    struct Frame {
        var kind: UInt8
        var valueEncoding: UInt8
        var itemCount: UInt32
        var storedLength: UInt32
        var decodedLength: UInt32
        /// The zstd frame (empty for an empty frame).
        var compressed: [UInt8]
        /// A version-4 traces frame's raw section; nil for frames stored as one zstd frame.
        var raw: [UInt8]?

        /// The stored payload: the zstd frame, or (version-4 traces frames) its length, the zstd
        /// frame and the raw section.
        var stored: [UInt8] { raw.map { littleEndian(UInt32(compressed.count)) + compressed + $0 } ?? compressed }

        /// The decoded payload (empty for an empty frame).
        var payload: [UInt8] {
            get { compressed.isEmpty ? [] : Self.decompress(compressed, decodedLength: Int(decodedLength)) }
            set {
                compressed = Self.compressed(newValue)
                storedLength = UInt32(stored.count)
                decodedLength = UInt32(newValue.count)
            }
        }

        /// Header and stored payload, with the checksum a reader of stream format `version` expects.
        func bytes(version: UInt16) -> [UInt8] {
            var header: [UInt8] = [kind, valueEncoding, 0, 0]
            for field in [itemCount, storedLength, decodedLength] { header += littleEndian(field) }
            let stored = self.stored
            if version >= 4 { return header + littleEndian(Self.xxh64Low32(header + stored)) + stored }
            var crc = crc32(0, nil, 0)
            crc = header.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
            crc = stored.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
            return header + littleEndian(UInt32(truncatingIfNeeded: crc)) + stored
        }

        /// The low 32 bits of XXH64 (seed 0) of `bytes`, as zstd writes them for a frame's content
        /// checksum (its last 4 bytes).
        static func xxh64Low32(_ bytes: [UInt8]) -> UInt32 {
            let context = ZSTD_createCCtx()!
            defer { ZSTD_freeCCtx(context) }
            ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
            let bound = ZSTD_compressBound(bytes.count)
            var output = [UInt8](repeating: 0, count: bound)
            let written = ZSTD_compress2(context, &output, bound, bytes, bytes.count)
            precondition(ZSTD_isError(written) == 0 && written >= 4, "zstd compression of a test payload")
            return (0..<4).reduce(0) { $0 | UInt32(output[written - 4 + $1]) << (8 * $1) }
        }

        /// `bytes` as one zstd frame recording its content size.
        static func compressed(_ bytes: [UInt8]) -> [UInt8] {
            let bound = ZSTD_compressBound(bytes.count)
            var output = [UInt8](repeating: 0, count: bound)
            let written = ZSTD_compress(&output, bound, bytes, bytes.count, 1)
            precondition(ZSTD_isError(written) == 0, "zstd compression of a test payload")
            return Array(output[0..<written])
        }

        private static func decompress(_ bytes: [UInt8], decodedLength: Int) -> [UInt8] {
            var output = [UInt8](repeating: 0, count: decodedLength)
            let written = ZSTD_decompress(&output, decodedLength, bytes, bytes.count)
            precondition(ZSTD_isError(written) == 0 && written == decodedLength, "a frame of a valid test stream")
            return output
        }
    }

    var preamble: [UInt8]
    var frames: [Frame]

    /// The format version the preamble names.
    var version: UInt16 { UInt16(preamble[4]) | UInt16(preamble[5]) << 8 }

    /// Parses a well-formed stream.
    init(_ bytes: [UInt8]) {
        preamble = Array(bytes[0..<8])
        frames = []
        let version = UInt16(bytes[4]) | UInt16(bytes[5]) << 8
        var offset = 8
        while offset < bytes.count {
            func field(_ position: Int) -> UInt32 {
                (0..<4).reduce(0) { $0 | UInt32(bytes[offset + position + $1]) << (8 * $1) }
            }
            let storedLength = Int(field(8))
            var compressed = Array(bytes[(offset + 20)..<(offset + 20 + storedLength)])
            var raw: [UInt8]?
            if version >= 4 && bytes[offset] == 2 && storedLength > 0 {
                let length = Int(field(20))
                raw = Array(compressed[(4 + length)...])
                compressed = Array(compressed[4..<(4 + length)])
            }
            frames.append(Frame(
                kind: bytes[offset], valueEncoding: bytes[offset + 1], itemCount: field(4), storedLength: UInt32(storedLength),
                decodedLength: field(12), compressed: compressed, raw: raw))
            offset += 20 + storedLength
        }
    }

    /// The stream's bytes, every frame sealed with a valid checksum.
    var bytes: [UInt8] { preamble + frames.flatMap { $0.bytes(version: version) } }

    /// Where each frame starts in `bytes`.
    var frameOffsets: [Int] {
        frames.reduce(into: [8]) { offsets, frame in offsets.append(offsets.last! + 20 + frame.stored.count) }.dropLast()
    }
}

/// `value` as 4 little-endian bytes.
func littleEndian(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// zlib's CRC-32 of `values` as little-endian float32 bit patterns (what read_ipgz.py reports
/// per layer as `layer_crc32`), so two readers can be compared bit for bit.
func layerChecksum(_ values: [Float]) -> Int {
    let bytes = values.flatMap { littleEndian($0.bitPattern) }
    return Int(bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) })
}
