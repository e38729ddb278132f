import Foundation
@testable import IPG
import TestSupport
import Testing

/// The `rotatedBitmap` layout (6) and the frequency-coded parts: post-ReLU blocks read back bit
/// for bit, take fewer bytes than the plain bitmap layout, and are chosen only where the sign
/// bit is constant.
@Suite struct RotatedBitmapTests {
    /// A post-ReLU layer as an MLP computes it: `max(0, W x + b)` in float32 for pixel-like
    /// inputs and random weights (magnitudes spread over several octaves, about half zero).
    private static func reluLayer(traces: Int, nodes: Int, inputs: Int = 64, seed: UInt64) -> [[Float]] {
        var random = SplitMix(seed: seed)
        let weights = (0..<(nodes * inputs)).map { _ in Float.random(in: -0.3...0.3, using: &random) }
        let biases = (0..<nodes).map { _ in Float.random(in: -0.1...0.1, using: &random) }
        return (0..<traces).map { _ in
            let input = (0..<inputs).map { _ in Float(Int.random(in: 0...255, using: &random)) / 127.5 - 1 }
            return (0..<nodes).map { node in
                var sum = biases[node]
                for index in 0..<inputs { sum += weights[node * inputs + index] * input[index] }
                return max(0, sum)
            }
        }
    }

    private static func bitPatterns(of block: LayerBlockCodec.Block) -> [[UInt32]] {
        (0..<block.rowCount).map { block.row($0).map(\.bitPattern) }
    }

    /// A post-ReLU block (real values of the MLP fixture's hidden layer, and computed ones of
    /// the bench's shape) is stored rotated, reads back bit for bit, and takes fewer bytes than
    /// the plain bitmap layout of the same values.
    @Test func reluBlocksAreStoredRotatedBitForBitAndSmaller() throws {
        let codec = LayerBlockCodec()
        let fixture = FixturePaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/value-blocks-v1/clean-fc2.bin")
        let real = try codec.decode([UInt8](try Data(contentsOf: fixture)))
        let realRows = (0..<real.rowCount).map { real.row($0) }
        for rows in [realRows, Self.reluLayer(traces: 256, nodes: 350, seed: 1)] {
            let expected = rows.map { $0.map(\.bitPattern) }
            let (layout, bytes) = try codec.encode(rows, encoding: .float32)
            #expect(layout == .rotatedBitmap)
            let block = try codec.decode(bytes)
            #expect(block.layout == .rotatedBitmap && Self.bitPatterns(of: block) == expected)
            let plain = try codec.encode(rows, encoding: .float32, layout: .activeBitmap).bytes
            #expect(Self.bitPatterns(of: try codec.decode(plain)) == expected)
            #expect(bytes.count < plain.count, "rotated \(bytes.count) bytes, plain bitmap \(plain.count)")
        }
    }

    /// Any bits go through the rotation and back: NaN payloads, infinities, subnormals, ±0 (−0
    /// is active, its sign bit moves to bit 0), all zero, random patterns.
    @Test func awkwardAndRandomPatternsReadBackBitForBit() throws {
        let codec = LayerBlockCodec()
        let awkward: [UInt32] = [0x0000_0000, 0x8000_0000, 0x7FC0_0001, 0xFFA0_1234, 0x7F80_0001, 0x0000_0001,
                                 0x807F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7F7F_FFFF, 0x0080_0000, 0x7FFF_FFFF]
        var random = SplitMix(seed: 17)
        let blocks: [[[UInt32]]] = [
            (0..<40).map { _ in (0..<33).map { _ in awkward.randomElement(using: &random)! } },
            (0..<9).map { _ in (0..<300).map { _ in Bool.random(using: &random) ? UInt32.random(in: 0...UInt32.max, using: &random) : 0 } },
            [[UInt32]](repeating: [UInt32](repeating: 0, count: 50), count: 7),
            // Nodes active in every trace, in none, in one: their bitmap runs inverted or not.
            (0..<20).map { trace in (0..<70).map { node in node % 3 == 0 || node % 3 == 1 && trace == 4 ? UInt32.random(in: 1...UInt32.max, using: &random) : 0 } },
            [[1]], [[0x8000_0000]],
        ]
        for patterns in blocks {
            let rows = patterns.map { $0.map(Float.init(bitPattern:)) }
            let (layout, bytes) = try codec.encode(rows, encoding: .float32, layout: .rotatedBitmap)
            #expect(layout == .rotatedBitmap)
            #expect(Self.bitPatterns(of: try codec.decode(bytes)) == patterns)
        }
    }

    /// The store picks the rotated layout for bitmap blocks without a negative value in float32,
    /// and the plain one when a value (even −0) is negative or the block is float16; the layout
    /// refuses float16 when forced.
    @Test func theRotationIsChosenOnlyWhereTheSignIsConstant() throws {
        let codec = LayerBlockCodec()
        var rows = Self.reluLayer(traces: 64, nodes: 100, seed: 2)
        #expect(try codec.encode(rows, encoding: .float32).layout == .rotatedBitmap)
        #expect(try codec.encode(rows, encoding: .float16).layout == .activeBitmap)
        rows[63][99] = -0.0
        #expect(try codec.encode(rows, encoding: .float32).layout == .activeBitmap)
        rows[63][99] = -1.5
        #expect(try codec.encode(rows, encoding: .float32).layout == .activeBitmap)
        #expect(throws: TraceStreamError.self) { try codec.encode(rows, encoding: .float16, layout: .rotatedBitmap) }
        #expect(!LayerBlockCodec.hasNegative([]) && LayerBlockCodec.hasNegative([UInt32](repeating: 1, count: 20) + [0x8000_0000]))
    }

    /// Truncated or damaged rotated blocks are errors, never crashes or other values.
    @Test func damagedRotatedBlocksAreErrors() throws {
        let codec = LayerBlockCodec()
        let bytes = try codec.encode(Self.reluLayer(traces: 32, nodes: 60, seed: 3), encoding: .float32).bytes
        #expect(bytes[1] == LayerBlockCodec.Layout.rotatedBitmap.rawValue)
        for length in [0, 5, 12, bytes.count / 2, bytes.count - 1] {
            #expect(throws: TraceStreamError.self) { try codec.decode(Array(bytes.prefix(length))) }
        }
        var float16 = bytes
        float16[2] = ValueEncoding.float16.rawValue
        #expect(throws: TraceStreamError.self) { try codec.decode(float16) }
        #expect(throws: TraceStreamError.self) { try codec.decode(bytes + [0]) }
    }

    /// Frequency coding beats level 3 on a plane of noisy exponent bytes (few symbols, no
    /// repeats), and zstd reads it back.
    @Test func frequencyCodingShrinksNoisyExponentPlanes() throws {
        var random = SplitMix(seed: 23)
        // Exponent bytes of values spread over a few octaves, as a post-ReLU layer's are.
        let plane = (0..<40_000).map { _ -> UInt8 in
            let draw = Double.random(in: 0..<1, using: &random)
            return UInt8(124 + min(6, Int(-log2(1 - draw) * 0.8)))
        }
        let frequencyCoded = try ZstdCompressor.frequencyCoding().compress(plane)
        let levelThree = try ZstdCompressor(level: 3).compress(plane)
        #expect(frequencyCoded.count < levelThree.count, "frequency coding \(frequencyCoded.count) bytes, level 3 \(levelThree.count)")
        #expect(try ZstdDecompressor().decompress(frequencyCoded) == plane)
    }
}

