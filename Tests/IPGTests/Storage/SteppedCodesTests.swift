import Foundation
@testable import IPG
import TestSupport
import Testing

/// The `steppedDictionary8` layout (7): real FGSM images read back bit for bit and are stored in
/// it, smaller than in 16-bit codes; its levels and steps are the clean pixels and the attack's
/// signs; values it cannot explain are kept or refused; damaged blocks are errors.
@Suite struct SteppedCodesTests {
    private static let scale: Float = 0.00784313725, shift: Float = -1, epsilon: Float = 0.1

    /// The clean images the fixture attacks (Fashion-MNIST test images 0–15, scaled).
    private static func cleanImages(_ count: Int) throws -> [[Float]] {
        try ModelledCodesTests.fashionMNIST(count).map { $0.map { Float($0) * scale + shift } }
    }

    /// Tests/Fixtures/fgsm-images: 16 images of the store bench's FGSM attack.
    private static func fgsmImages() throws -> [[Float]] {
        let url = FixturePaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/fgsm-images/fgsm-test-16.f32")
        let bytes = [UInt8](try Data(contentsOf: url))
        try #require(bytes.count == 16 * 784 * 4)
        return (0..<16).map { image in
            (0..<784).map { pixel in
                let at = (image * 784 + pixel) * 4
                return Float(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
            }
        }
    }

    /// Clean images moved ±ε by random signs and clipped, in float32 as FGSM computes them.
    private static func attacked(_ images: [[Float]], seed: UInt64) -> [[Float]] {
        var random = SplitMix(seed: seed)
        return images.map { $0.map { min(max($0 + (Bool.random(using: &random) ? epsilon : -epsilon), -1), 1) } }
    }

    private static func bitPatterns(_ block: LayerBlockCodec.Block) -> [[UInt32]] {
        (0..<block.rowCount).map { block.row($0).map(\.bitPattern) }
    }

    /// The fixture's images are the bench's attack of their clean images (an independent check
    /// of what the layout assumes); stored freely they take layout 7, fewer bytes than 16-bit
    /// codes, and read back bit for bit.
    @Test func realFGSMImagesAreStoredSteppedAndReadBackBitForBit() throws {
        let images = try Self.fgsmImages(), clean = try Self.cleanImages(16)
        for (image, parent) in zip(images, clean) {
            #expect(zip(image, parent).allSatisfy { value, x in
                value == min(max(x + Self.epsilon, -1), 1) || value == min(max(x - Self.epsilon, -1), 1)
            })
        }
        let codec = LayerBlockCodec()
        // (One image has fewer than 256 values: it is stored in a one-byte dictionary unless forced.)
        for rows in [images, Array(images.prefix(1))] {
            let (layout, bytes) = try codec.encode(rows, encoding: .float32, layout: rows.count == 1 ? .steppedDictionary8 : nil)
            #expect(layout == .steppedDictionary8)
            let plain = try codec.encode(rows, encoding: .float32, layout: .dictionary16).bytes
            #expect(bytes.count < plain.count, "\(rows.count) images: \(bytes.count) bytes stepped, \(plain.count) in dictionary16")
            let block = try codec.decode(bytes)
            #expect(block.layout == .steppedDictionary8 && block.rowCount == rows.count && block.rowLength == 784)
            #expect(Self.bitPatterns(block) == rows.map { $0.map(\.bitPattern) })
            #expect(block.value(row: rows.count - 1, position: 300).bitPattern == rows[rows.count - 1][300].bitPattern)
        }
    }

    /// The split finds the attack: where a pixel is not clipped, its level is its clean pixel's
    /// grey level's rank among the block's levels (order kept) and its step the attack's sign;
    /// every level's −ε and +ε values lie 2ε apart.
    @Test func theLevelsAreTheCleanImagesAndTheStepsTheSigns() throws {
        let clean = try Self.cleanImages(64)
        let rows = Self.attacked(clean, seed: 3)
        let split = try #require(SteppedCodes.split(rows.flatMap { $0.map(\.bitPattern) }, rowLength: 784))
        let grey = try ModelledCodesTests.fashionMNIST(64).flatMap { $0 }
        let attackedValues = rows.flatMap { $0 }, cleanValues = clean.flatMap { $0 }
        var levelOfGrey: [UInt8: UInt8] = [:]
        var (wrongSteps, wrongLevels) = (0, 0)
        for index in attackedValues.indices where abs(attackedValues[index]) != 1 {
            let step = attackedValues[index] > cleanValues[index] ? SteppedCodes.plus : SteppedCodes.minus
            if split.steps[index] != step { wrongSteps += 1 }
            // One level per grey level, and the levels ordered as the grey levels.
            if levelOfGrey.updateValue(split.levels[index], forKey: grey[index]).map({ $0 != split.levels[index] }) ?? false { wrongLevels += 1 }
        }
        #expect(wrongSteps == 0 && wrongLevels == 0)
        let ordered = levelOfGrey.sorted { $0.key < $1.key }.map(\.value)
        #expect(ordered == ordered.sorted() && Set(ordered).count == ordered.count)
        for level in 0..<split.levelCount {
            guard let low = split.table[Int(SteppedCodes.minus) * split.levelCount + level],
                  let high = split.table[Int(SteppedCodes.plus) * split.levelCount + level],
                  Float(bitPattern: low) > -1, Float(bitPattern: high) < 1 else { continue }
            #expect(abs(Float(bitPattern: high) - Float(bitPattern: low) - 2 * Self.epsilon) < 1e-6, "level \(level)")
        }
    }

    /// Values that are no levels ± a step (random floats) are never stored stepped, and forcing
    /// the layout on them is an error, not a crash.
    @Test func valuesOffAnyGridFallBack() throws {
        var random = SplitMix(seed: 7)
        let palette = (0..<500).map { _ in Float.random(in: -1...1, using: &random) }
        let rows = (0..<32).map { _ in (0..<784).map { _ in palette[Int.random(in: 0..<palette.count, using: &random)] } }
        let codec = LayerBlockCodec()
        let (layout, bytes) = try codec.encode(rows, encoding: .float32)
        #expect(layout == .dictionary16)
        #expect(Self.bitPatterns(try codec.decode(bytes)) == rows.map { $0.map(\.bitPattern) })
        #expect(throws: TraceStreamError.self) { try codec.encode(rows, encoding: .float32, layout: .steppedDictionary8) }
        #expect(throws: TraceStreamError.self) { try codec.encode(rows, encoding: .float16, layout: .steppedDictionary8) }
    }

    /// Among FGSM values, NaN (with a payload), ±∞, −0.0 beside +0.0 and values a unit in the
    /// last place from others are kept as they are: the block reads back bit for bit, in one row
    /// or many, and is stored stepped when chosen freely.
    @Test func specialValuesAreKept() throws {
        var rows = Self.attacked(try Self.cleanImages(8), seed: 11)
        let specials: [Float] = [.nan, Float(bitPattern: 0x7FC0_1234), .infinity, -.infinity, -0.0, 0.0, rows[0][400].nextUp, rows[1][500].nextDown, 0.123456]
        for (offset, special) in specials.enumerated() { rows[offset % rows.count][37 * offset + 3] = special }
        let codec = LayerBlockCodec()
        for block in [rows, [rows[0]]] {
            let bytes = try codec.encode(block, encoding: .float32, layout: .steppedDictionary8).bytes
            #expect(Self.bitPatterns(try codec.decode(bytes)) == block.map { $0.map(\.bitPattern) })
        }
        let chosen = try codec.encode(rows, encoding: .float32)
        #expect(chosen.layout == .steppedDictionary8)
        #expect(Self.bitPatterns(try codec.decode(chosen.bytes)) == rows.map { $0.map(\.bitPattern) })
    }

    /// A stepped block cut short anywhere or with any byte of its coded levels and steps changed
    /// is an error, never a crash or a hang, and never other values.
    @Test func damagedSteppedBlocksAreErrors() throws {
        let rows = Self.attacked(try Self.cleanImages(24), seed: 5)
        let codec = LayerBlockCodec()
        let bytes = try codec.encode(rows, encoding: .float32, layout: .steppedDictionary8).bytes
        // The coded levels and steps are the last parts, stored as they are.
        expectDamagedCodedBlocksFail(bytes, codec: codec, seed: 17)
    }
}
