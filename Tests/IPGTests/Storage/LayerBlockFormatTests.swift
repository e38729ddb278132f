import Foundation
@testable import IPG
import TestSupport
import Testing

/// The store block format: every layout reads back bit for bit whatever the values, and blocks
/// written in format 1 (before format 2 compressed each part on its own) still decode.
@Suite struct LayerBlockFormatTests {
    /// ±0, NaNs with payloads, subnormals, infinities, extremes.
    private static let awkward: [UInt32] = [0x0000_0000, 0x8000_0000, 0x7FC0_0001, 0xFFA0_1234, 0x7F80_0001, 0x0000_0001,
                                            0x807F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7F7F_FFFF, 0x0080_0000, 0x7FFF_FFFF]

    /// Values of one kind: few distinct ones (so that every layout can hold them) or many.
    private static func rows(_ kind: String, traces: Int, length: Int, random: inout SplitMix) -> [[Float]] {
        (0..<traces).map { _ in
            (0..<length).map { _ -> Float in
                switch kind {
                case "all zero": return 0
                case "awkward": return Float(bitPattern: awkward.randomElement(using: &random)!)
                case "relu": return Int.random(in: 0..<3, using: &random) == 0 ? Float.random(in: 0...6, using: &random) : 0
                case "random bits": return Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &random))
                default: return Float(Int.random(in: 0..<200, using: &random)) / 199 * 2 - 1  // pixels, 200 levels
                }
            }
        }
    }

    private static func bitPatterns(of block: LayerBlockCodec.Block) -> [[UInt32]] {
        (0..<block.rowCount).map { block.row($0).map(\.bitPattern) }
    }

    /// Random shapes (single rows, single values, a block of 64 × 350), kinds and layouts: the
    /// bits come back, the layout is the one forced, and `value(row:position:)` agrees with `row`.
    @Test(arguments: ["all zero", "awkward", "relu", "random bits", "pixels"])
    func everyLayoutReadsBackBitForBit(kind: String) throws {
        let codec = LayerBlockCodec()
        var random = SplitMix(seed: UInt64(kind.utf8.count) * 7919)
        let shapes = [(1, 1), (1, 784), (64, 350), (37, 1)] + (0..<6).map { _ in (Int.random(in: 1...80, using: &random), Int.random(in: 1...300, using: &random)) }
        for (traces, length) in shapes {
            var input = Self.rows(kind, traces: traces, length: length, random: &random)
            if kind != "all zero" { input[traces - 1][length - 1] = -0.0 }
            let expected = input.map { $0.map(\.bitPattern) }
            let distinct = Set(expected.joined()).count
            // (Layout 7 takes only levels ± a step: `SteppedCodesTests`.)
            for layout in LayerBlockCodec.Layout.allCases where layout != .steppedDictionary8 {
                if (layout == .dictionary8 || layout == .predictedDictionary8 || layout == .modelledDictionary8) && distinct > 256 || layout == .dictionary16 && distinct > 65_536 { continue }
                let (written, bytes) = try codec.encode(input, encoding: .float32, layout: layout)
                #expect(written == layout && bytes.first == LayerBlockCodec.formatVersion)
                let block = try codec.decode(bytes)
                #expect(block.layout == layout && block.rowCount == traces && block.rowLength == length)
                #expect(Self.bitPatterns(of: block) == expected, "\(kind) \(traces)×\(length) as \(layout)")
                let (row, position) = (Int.random(in: 0..<traces, using: &random), Int.random(in: 0..<length, using: &random))
                #expect(block.value(row: row, position: position).bitPattern == expected[row][position])
            }
        }
    }

    @Test func aDictionaryLayoutRefusesTooManyValuesForItsCodes() throws {
        var random = SplitMix(seed: 5)
        let input = Self.rows("random bits", traces: 4, length: 100, random: &random)
        for layout in [LayerBlockCodec.Layout.dictionary8, .predictedDictionary8, .modelledDictionary8] {
            #expect(throws: TraceStreamError.self) { try LayerBlockCodec().encode(input, encoding: .float32, layout: layout) }
        }
    }

    /// Hand-worked predictions: ranks [[1, 2], [3, 9]] in a 2-wide image predict 0 (nothing
    /// known), 1 (left), 1 (up) — all three on the image's edge, context 6 — then max(2, 3) = 3
    /// as the upper-left 1 is below both (gradient |3 − 1| + |2 − 1| = 3: context 2). The second
    /// image [[5, 5], [5, 0]]: 0, 5, 5 on the edge, then min(5, 5) = 5 at gradient 0 (context 0).
    @Test func predictedRanksFollowTheMedianEdgeDetector() throws {
        let ranks: [UInt8] = [1, 2, 3, 9, 5, 5, 5, 0]
        let streams = PredictedCodes.residuals(ranks, rowLength: 4, width: 2)
        #expect(streams == [[251], [], [6], [], [], [], [1, 1, 2, 5, 0, 0]])
        #expect(try PredictedCodes.ranks(streams.map { $0[...] }, count: 8, rowLength: 4, width: 2) == ranks)
        var short = streams.map { $0[...] }
        short[6].removeLast()
        #expect(throws: PayloadError.self) { try PredictedCodes.ranks(short, count: 8, rowLength: 4, width: 2) }
        var long = streams.map { $0[...] }
        long[0].append(0)
        #expect(throws: PayloadError.self) { try PredictedCodes.ranks(long, count: 8, rowLength: 4, width: 2) }
        #expect(PredictedCodes.width(forRowLength: 784) == 28 && PredictedCodes.width(forRowLength: 3_072) == 32)
        #expect(PredictedCodes.width(forRowLength: 10) == 10 && PredictedCodes.width(forRowLength: 1) == 1)
    }

    /// The committed format-1 blocks (real bench traces: pixels in 8- and 16-bit dictionaries, a
    /// post-ReLU layer as a bitmap, logits shuffled) decode to the values the source streams
    /// hold, checked row by row against CRC-32s computed by the independent Python stream
    /// reader; and format 2 stores each in fewer bytes.
    @Test func formatOneBlocksStillDecode() throws {
        let directory = FixturePaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/value-blocks-v1")
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        #expect(Set(manifest.blocks.map(\.layout)) == [0, 1, 2, 3])
        let codec = LayerBlockCodec()
        for entry in manifest.blocks {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(entry.file)))
            #expect(bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]), "\(entry.file) is a format-1 block")
            let block = try codec.decode(bytes)
            #expect(Int(block.layout.rawValue) == entry.layout && block.encoding == .float32)
            #expect(block.rowCount == entry.rows && block.rowLength == entry.valuesPerRow, "\(entry.file)")
            let checksums = (0..<block.rowCount).map { row in
                CRC32.checksum(block.row(row).flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }, [])
            }
            #expect(checksums == entry.rowCRC32, "\(entry.file)")
            #expect(Array(block.row(0).prefix(3)) == entry.firstRowFirstValues, "\(entry.file)")
            let rows = (0..<block.rowCount).map { block.row($0) }
            let reencoded = try codec.encode(rows, encoding: .float32)
            // Images of 256 grey levels or fewer are stored as modelled images, FGSM inputs (grey
            // levels ± ε) stepped, post-ReLU bitmaps rotated.
            let storedAs: [LayerBlockCodec.Layout: LayerBlockCodec.Layout] = [
                .dictionary8: .modelledDictionary8, .dictionary16: .steppedDictionary8, .activeBitmap: .rotatedBitmap,
            ]
            #expect(reencoded.layout == storedAs[block.layout, default: block.layout], "\(entry.file)")
            #expect(reencoded.bytes.count < bytes.count, "\(entry.file): \(reencoded.bytes.count) bytes in format 2, \(bytes.count) in format 1")
        }
    }

    private struct Manifest: Decodable {
        struct Entry: Decodable {
            var file: String
            var layout: Int
            var rows: Int
            var valuesPerRow: Int
            var rowCRC32: [UInt32]
            var firstRowFirstValues: [Float]
        }
        var blocks: [Entry]
    }

    /// Damage a format-2 block's part table: a part longer than the block's values could be, a
    /// stored part longer than its decoded length, a stored part that is not a zstd frame, an
    /// unknown format number.
    @Test func damagedPartTablesAreErrorsNotCrashes() throws {
        let codec = LayerBlockCodec()
        var random = SplitMix(seed: 3)
        let (_, bytes) = try codec.encode(Self.rows("relu", traces: 16, length: 40, random: &random), encoding: .float32)
        let firstPart = 12  // format, layout, encoding, trace count, values per trace, part count
        func damaged(_ change: (inout [UInt8]) -> Void) -> [UInt8] {
            var copy = bytes
            change(&copy)
            return copy
        }
        let cases = [
            damaged { $0.replaceSubrange(firstPart..<(firstPart + 4), with: [0xFF, 0xFF, 0xFF, 0x7F]) },
            damaged { $0.replaceSubrange((firstPart + 4)..<(firstPart + 8), with: [0xFF, 0xFF, 0, 0]) },
            damaged { $0[0] = 9 },
            damaged { $0.append(0) },
        ]
        for bytes in cases {
            #expect(throws: TraceStreamError.self) { try codec.decode(bytes) }
        }
        // A part stored compressed whose frame is damaged.
        let compressedPart = try #require(Self.firstCompressedPart(bytes))
        #expect(throws: TraceStreamError.self) { try codec.decode(damaged { $0[compressedPart + 1] ^= 0xFF }) }
    }

    /// The offset of the first part stored as a zstd frame in a format-2 block.
    private static func firstCompressedPart(_ bytes: [UInt8]) -> Int? {
        func count(at offset: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) } }
        var offset = 12
        for _ in 0..<Int(bytes[11]) {
            let (length, stored) = (count(at: offset), count(at: offset + 4))
            if stored < length { return offset + 8 }
            offset += 8 + stored
        }
        return nil
    }
}
