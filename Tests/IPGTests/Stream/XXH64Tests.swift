@testable import IPG
import Testing

/// The frame checksum of version-4 streams is the low 32 bits of XXH64 (seed 0): checked against
/// zstd's content checksum of the same bytes (libzstd's own XXH64), over lengths around the
/// 32-byte stripes, 8- and 4-byte tails, and the two pieces a frame is hashed in split anywhere.
@Suite struct XXH64Tests {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    @Test func emptyInputHashesToTheSpecsValue() {
        var hasher = XXH64()
        [UInt8]().withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalize() == 0xEF46_DB37_51D8_E999)
    }

    @Test func matchesZstdsContentChecksum() {
        for length in Array(0...100) + [255, 256, 257, 4_099, 100_003] {
            let data = Self.bytes(length, seed: UInt64(length))
            let expected = StreamFrames.Frame.xxh64Low32(data)
            for split in Set([0, min(16, length), length / 3, length]) {
                #expect(XXH64.checksum32(Array(data[..<split]), Array(data[split...])) == expected, "length \(length), split at \(split)")
            }
        }
    }

    @Test func piecesOfAnySizeHashAsOne() {
        let data = Self.bytes(1_000, seed: 7)
        var whole = XXH64()
        data.withUnsafeBytes { whole.update($0) }
        var pieces = XXH64()
        var offset = 0
        for size in [1, 2, 3, 5, 8, 13, 21, 31, 33, 64, 100] + Array(repeating: 40, count: 20) where offset < data.count {
            let end = min(data.count, offset + size)
            data[offset..<end].withUnsafeBytes { pieces.update($0) }
            offset = end
        }
        data[offset...].withUnsafeBytes { pieces.update($0) }
        #expect(pieces.finalize() == whole.finalize())
    }
}
