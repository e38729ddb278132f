import Foundation
@testable import IPG
import TestSupport
import Testing

/// The `modelledDictionary8` layout and its range coder: real Fashion-MNIST images and attacked
/// ones read back bit for bit, the coder spends what the probabilities say, and damaged blocks
/// are errors.
@Suite struct ModelledCodesTests {
    /// The first `count` Fashion-MNIST test images as pixel bytes (gunzipped by `gzip`).
    static func fashionMNIST(_ count: Int) throws -> [[UInt8]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        try #require(process.terminationStatus == 0 && bytes.count == 16 + 10_000 * 784)
        return (0..<count).map { Array(bytes[(16 + $0 * 784)..<(16 + ($0 + 1) * 784)]) }
    }

    private static func bitPatterns(_ block: LayerBlockCodec.Block) -> [[UInt32]] {
        (0..<block.rowCount).map { block.row($0).map(\.bitPattern) }
    }

    /// Blocks of real images (pixel / 255, as the demo's inputs) are stored modelled, smaller than
    /// in the predicted layout, and read back bit for bit.
    @Test func fashionMNISTImagesReadBackBitForBit() throws {
        let images = try Self.fashionMNIST(600)
        let codec = LayerBlockCodec()
        for range in [0..<256, 256..<600, 7..<8] {
            let rows = images[range].map { $0.map { Float($0) / 255 } }
            let (layout, bytes) = try codec.encode(rows, encoding: .float32)
            #expect(layout == .modelledDictionary8)
            let predicted = try codec.encode(rows, encoding: .float32, layout: .predictedDictionary8).bytes
            #expect(bytes.count < predicted.count, "\(range): \(bytes.count) bytes modelled, \(predicted.count) predicted")
            let block = try codec.decode(bytes)
            #expect(block.layout == .modelledDictionary8 && block.rowCount == range.count && block.rowLength == 784)
            #expect(Self.bitPatterns(block) == rows.map { $0.map(\.bitPattern) })
            #expect(block.value(row: range.count - 1, position: 400).bitPattern == rows[range.count - 1][400].bitPattern)
        }
    }

    /// Images moved by ±ε at random (an attack's noise) and clipped: forced into the modelled
    /// layout they read back bit for bit; chosen freely, the block of at most 256 values is
    /// never larger than the modelled, predicted or plain dictionary layouts would make it.
    @Test(arguments: [2, 8, 25])
    func attackedImagesReadBackBitForBit(epsilon: Int) throws {
        let images = try Self.fashionMNIST(128)
        var random = SplitMix(seed: UInt64(epsilon))
        let levels = images.map { $0.map { min(255, max(0, Int($0) + (Bool.random(using: &random) ? epsilon : -epsilon))) } }
        let codec = LayerBlockCodec()
        // On the pixel grid (at most 256 values), and in float arithmetic as FGSM computes it.
        let onGrid = levels.map { $0.map { Float($0) / 255 } }
        let inFloats = images.enumerated().map { index, image in
            image.enumerated().map { position, pixel in min(1, max(0, Float(pixel) / 255 + Float(levels[index][position] - Int(pixel)) / 255)) }
        }
        let forced = try codec.encode(onGrid, encoding: .float32, layout: .modelledDictionary8)
        #expect(Self.bitPatterns(try codec.decode(forced.bytes)) == onGrid.map { $0.map(\.bitPattern) })
        for rows in [onGrid, inFloats] {
            let (layout, bytes) = try codec.encode(rows, encoding: .float32)
            #expect(Self.bitPatterns(try codec.decode(bytes)) == rows.map { $0.map(\.bitPattern) }, "ε \(epsilon) in \(layout)")
            // (Where more than 256 values call for the bitmap or 16-bit codes, `chooseLayout`'s
            // guess decides, as before this layout.)
            guard [.modelledDictionary8, .predictedDictionary8, .dictionary8].contains(layout) else { continue }
            for other in [LayerBlockCodec.Layout.modelledDictionary8, .predictedDictionary8, .dictionary8] {
                let alternative = try codec.encode(rows, encoding: .float32, layout: other)
                #expect(bytes.count <= alternative.bytes.count, "ε \(epsilon): \(layout) \(bytes.count) bytes, \(other) \(alternative.bytes.count)")
            }
        }
    }

    /// The committed blocks layout 5's first encoder wrote (commit 7314b4c, before its decoder
    /// was made faster; Tests/Fixtures/modelled-blocks-v5): 64 Fashion-MNIST test images, 32
    /// moved ±8 grey levels, and a block of one image, at the demo's scaling (pixel · 2/255 − 1).
    /// They decode to the images recomputed here from the data set, bit for bit, and today's
    /// encoder writes the same bytes: the layout's format is unchanged.
    @Test func layoutFiveFixturesStillDecodeAndAreStillWritten() throws {
        let images = try Self.fashionMNIST(100)
        let scale: Float = 0.00784313725, shift: Float = -1
        func scaled(_ pixels: [UInt8]) -> [Float] { pixels.map { Float($0) * scale + shift } }
        // The fixtures' noise: a 64-bit LCG's top bit as the sign of each move.
        var state: UInt64 = 5
        func nextSign() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 63 == 0 ? -1 : 1
        }
        let noisy = images[64..<96].map { image in image.map { UInt8(min(255, max(0, Int($0) + 8 * nextSign()))) } }
        let directory = FixturePaths.repositoryRoot.appendingPathComponent("Tests/Fixtures/modelled-blocks-v5")
        let codec = LayerBlockCodec()
        for (file, rows) in [("clean-64.bin", images[0..<64].map(scaled)), ("noisy-32.bin", noisy.map(scaled)), ("single.bin", [scaled(images[99])])] {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            let block = try codec.decode(bytes)
            #expect(block.layout == .modelledDictionary8 && block.rowCount == rows.count && block.rowLength == 784, "\(file)")
            #expect(Self.bitPatterns(block) == rows.map { $0.map(\.bitPattern) }, "\(file)")
            #expect(try codec.encode(rows, encoding: .float32, layout: .modelledDictionary8).bytes == bytes, "\(file)")
        }
    }

    /// A modelled block cut short anywhere or with any byte of its coded ranks changed is an
    /// error, never a crash or a hang, and never other values.
    @Test func damagedModelledBlocksAreErrors() throws {
        let rows = try Self.fashionMNIST(24).map { $0.map { Float($0) / 255 } }
        let codec = LayerBlockCodec()
        let bytes = try codec.encode(rows, encoding: .float32, layout: .modelledDictionary8).bytes
        // The coded ranks are the last part, stored as they are (range-coded bytes do not shrink).
        expectDamagedCodedBlocksFail(bytes, codec: codec, seed: 13)
    }

    /// Bits coded under fixed probabilities take the information they carry, −Σ log₂ p(bit),
    /// within a few bytes, and decode to themselves; cut short, the stream is refused.
    @Test func theRangeCoderSpendsTheEntropy() throws {
        var random = SplitMix(seed: 21)
        let chances = (0..<50_000).map { _ in UInt32.random(in: 1...4095, using: &random) }
        let bits = chances.map { Int(UInt32.random(in: 0..<4096, using: &random) < $0 ? 0 : 1) }
        var encoder = BinaryRangeCoder.Coder(encodingWithCapacity: 0)
        for (bit, chance) in zip(bits, chances) { _ = encoder.code(bit, chanceOfZero: chance) }
        let bytes = encoder.finishEncoding()
        let information = zip(bits, chances).reduce(0.0) { total, pair in
            total - log2(pair.0 == 0 ? Double(pair.1) / 4096 : 1 - Double(pair.1) / 4096)
        } / 8
        #expect(abs(Double(bytes.count) - information) < 0.002 * information + 8, "\(bytes.count) bytes for \(information)")
        try bytes.withUnsafeBufferPointer { input in
            var decoder = try BinaryRangeCoder.Coder(decoding: input)
            #expect(chances.map { decoder.code(0, chanceOfZero: $0) } == bits)
            try decoder.finishDecoding()
        }
        let short = Array(bytes.dropLast(3))
        try short.withUnsafeBufferPointer { input in
            var decoder = try BinaryRangeCoder.Coder(decoding: input)
            for chance in chances { _ = decoder.code(0, chanceOfZero: chance) }
            #expect(throws: PayloadError.self) { try decoder.finishDecoding() }
        }
    }
}
