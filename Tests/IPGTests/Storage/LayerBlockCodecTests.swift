import Foundation
import IPG
import Testing

/// A block of traces' layer values reads back bit for bit, whichever layout the codec picks.
@Suite struct LayerBlockCodecTests {
    /// Awkward bit patterns: ±0, NaNs with payloads, subnormals, infinities, extremes.
    private static let awkward: [UInt32] = [0x0000_0000, 0x8000_0000, 0x7FC0_0001, 0xFFA0_1234, 0x7F80_0001, 0x0000_0001,
                                            0x807F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7F7F_FFFF, 0x0080_0000]

    private func rows(_ kind: String, traces: Int, length: Int, seed: UInt64) -> [[Float]] {
        var random = SplitMix(seed: seed)
        return (0..<traces).map { _ in
            (0..<length).map { _ -> Float in
                switch kind {
                case "pixels": return Float(Int.random(in: 0...255, using: &random)) / 255
                case "attacked pixels":  // a pixel moved by ±ε and clipped, as FGSM does
                    let pixel = Float(Int.random(in: 0...40, using: &random)) / 40
                    return min(1, max(0, pixel + (Bool.random(using: &random) ? 0.1 : -0.1)))
                case "relu": return Bool.random(using: &random) && Bool.random(using: &random) ? Float.random(in: 0...6, using: &random) : 0
                case "awkward": return Float(bitPattern: Self.awkward.randomElement(using: &random)!)
                case "random bits": return Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &random))
                default: return Float.random(in: -3...3, using: &random)
                }
            }
        }
    }

    private func bits(_ rows: [[Float]]) -> [UInt32] { rows.flatMap { $0.map(\.bitPattern) } }

    /// Every trace's values of a decoded block, trace after trace.
    private func rows(of block: LayerBlockCodec.Block) -> [Float] { (0..<block.rowCount).flatMap { block.row($0) } }

    @Test(arguments: ["pixels", "attacked pixels", "relu", "awkward", "random bits", "logits"])
    func float32ReadsBackBitForBit(kind: String) throws {
        let codec = LayerBlockCodec()
        for (traces, length) in [(64, 350), (1, 10), (37, 1), (200, 784)] {
            var input = rows(kind, traces: traces, length: length, seed: UInt64(traces * 1000 + length))
            if kind == "awkward" || kind == "relu" { input[0][0] = -0.0 }
            let (layout, bytes) = try codec.encode(input, encoding: .float32)
            let block = try codec.decode(bytes)
            #expect(block.layout == layout && block.encoding == .float32)
            #expect(block.rowCount == traces && block.rowLength == length)
            #expect(rows(of: block).map(\.bitPattern) == bits(input), "\(kind) \(traces)×\(length) in \(layout)")
            let (row, position) = (traces / 2, length - 1)
            #expect(block.value(row: row, position: position).bitPattern == input[row][position].bitPattern)
        }
    }

    @Test func eachKindOfDataGetsTheLayoutMeantForIt() throws {
        let codec = LayerBlockCodec()
        // Pixels of independent random levels: no prediction helps noise, so plain codes are the
        // smallest whether the rows read as 28 × 28 images (784) or not (787, a prime); real
        // images are modelled (`ModelledCodesTests`).
        let expected: [(String, Int, LayerBlockCodec.Layout)] = [
            ("pixels", 784, .dictionary8), ("pixels", 787, .dictionary8), ("relu", 784, .rotatedBitmap), ("logits", 784, .shuffled),
        ]
        for (kind, length, layout) in expected {
            #expect(try codec.encode(rows(kind, traces: 64, length: length, seed: 3), encoding: .float32).layout == layout, "\(kind) \(length)")
        }
        // ~500 distinct values among 50,176: 16-bit codes, or levels ± a step where that is
        // smaller (the levels of one grid can be read as fewer levels ± a step).
        var random = SplitMix(seed: 9)
        let manyLevels = (0..<64).map { _ in (0..<784).map { _ in Float(Int.random(in: 0..<500, using: &random)) / 499 } }
        let chosen = try codec.encode(manyLevels, encoding: .float32)
        let plain = try codec.encode(manyLevels, encoding: .float32, layout: .dictionary16).bytes
        #expect(chosen.layout == .dictionary16 || chosen.layout == .steppedDictionary8 && chosen.bytes.count < plain.count)
        #expect(rows(of: try codec.decode(codec.encode(manyLevels, encoding: .float32).bytes)) == manyLevels.flatMap { $0 })
    }

    /// A block of a big layer with more distinct values than 16-bit codes hold (a quarter of a
    /// million values or more, few zeros: a batch-norm map of 64 traces) is shuffled, not refused.
    @Test func manyDistinctValuesInABigBlockAreShuffled() throws {
        let codec = LayerBlockCodec()
        let input = rows("logits", traces: 64, length: 8_192, seed: 11)
        let (layout, bytes) = try codec.encode(input, encoding: .float32)
        #expect(layout == .shuffled)
        #expect(rows(of: try codec.decode(bytes)).map(\.bitPattern) == bits(input))
    }

    @Test func float16KeepsWhatFloat16Holds() throws {
        let codec = LayerBlockCodec()
        for kind in ["pixels", "relu", "logits"] {
            let input = rows(kind, traces: 64, length: 100, seed: 5)
            let block = try codec.decode(codec.encode(input, encoding: .float16).bytes)
            #expect(block.encoding == .float16)
            #expect(rows(of: block) == input.flatMap { $0.map { Float(Float16($0)) } })
        }
    }

    @Test func compressesReluBlocksWellBelowTheirRawSize() throws {
        let input = rows("relu", traces: 64, length: 350, seed: 7)
        let size = try LayerBlockCodec().encode(input, encoding: .float32).bytes.count
        #expect(size < 64 * 350 * 4 / 2)
    }

    @Test func damagedBlocksAreErrorsNotCrashes() throws {
        let codec = LayerBlockCodec()
        for kind in ["pixels", "attacked pixels", "relu", "logits"] {
            let bytes = try codec.encode(rows(kind, traces: 8, length: 50, seed: 11), encoding: .float32).bytes
            #expect(throws: TraceStreamError.self) { try codec.decode(Array(bytes.prefix(bytes.count / 2))) }
            #expect(throws: TraceStreamError.self) { try codec.decode(Array(bytes.reversed())) }
        }
        #expect(throws: TraceStreamError.self) { try codec.encode([[1, 2], [3]], encoding: .float32) }
    }
}
