import CZlib
import CZstd
import Foundation

/// A stream taken apart into its frames as the format spec (`TraceStreamFormat`) lays them out,
/// with zlib's CRC-32 and zstd used directly rather than through DeepProv's stream code, so a test
/// can damage a frame and seal it again with a valid checksum: the damage then reaches the decoders.
struct StreamFrames {
    struct Frame {
        var kind: UInt8
        var valueEncoding: UInt8
        var itemCount: UInt32
        var storedLength: UInt32
        var decodedLength: UInt32
        var stored: [UInt8]

        /// The decoded payload (empty for an empty frame).
        var payload: [UInt8] {
            get { stored.isEmpty ? [] : Self.decompress(stored, decodedLength: Int(decodedLength)) }
            set {
                stored = Self.compressed(newValue)
                storedLength = UInt32(stored.count)
                decodedLength = UInt32(newValue.count)
            }
        }

        /// Header and stored payload, with the checksum the reader expects.
        var bytes: [UInt8] {
            var header: [UInt8] = [kind, valueEncoding, 0, 0]
            for field in [itemCount, storedLength, decodedLength] { header += littleEndian(field) }
            var crc = crc32(0, nil, 0)
            crc = header.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
            crc = stored.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
            return header + littleEndian(UInt32(truncatingIfNeeded: crc)) + stored
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

    /// Parses a well-formed stream.
    init(_ bytes: [UInt8]) {
        preamble = Array(bytes[0..<8])
        frames = []
        var offset = 8
        while offset < bytes.count {
            func field(_ position: Int) -> UInt32 {
                (0..<4).reduce(0) { $0 | UInt32(bytes[offset + position + $1]) << (8 * $1) }
            }
            let storedLength = field(8)
            frames.append(Frame(
                kind: bytes[offset], valueEncoding: bytes[offset + 1], itemCount: field(4), storedLength: storedLength,
                decodedLength: field(12), stored: Array(bytes[(offset + 20)..<(offset + 20 + Int(storedLength))])))
            offset += 20 + Int(storedLength)
        }
    }

    /// The stream's bytes, every frame sealed with a valid checksum.
    var bytes: [UInt8] { preamble + frames.flatMap(\.bytes) }

    /// Where each frame starts in `bytes`.
    var frameOffsets: [Int] {
        frames.reduce(into: [8]) { offsets, frame in offsets.append(offsets.last! + frame.bytes.count) }.dropLast()
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
