@testable import IPG
import Testing

/// A stream frame's value block is gathered straight from its traces (`FrameValueBlock.encode`:
/// the layout chosen from the trace-major patterns, a bitmap layout a tile of nodes at a time);
/// its bytes must be the format's for the node-major patterns, which a reference written here
/// builds the slow, obvious way: every shape (row counts that are no multiple of 8 or of a tile,
/// one row, one node, tiles past their target size), every kind of values, both encodings,
/// versions 3 and 4.
@Suite struct TraceMajorGatherTests {
    /// Traces × values per trace: tiles of 8 nodes (the fewest) and of more nodes, partial last
    /// tiles, bitmaps that end in a partial byte.
    static let shapes: [(rows: Int, length: Int)] = [
        (1, 1), (1, 7), (1, 5_000), (3, 1), (8, 8), (7, 2_341), (128, 300), (129, 130), (2_000, 9), (5, 3_277), (3_000, 20),
    ]

    /// Kinds of values: ReLU maps (with −0, NaN payloads, infinities, subnormals), sparse ones,
    /// all zero, all active, few levels, exactly a quarter zero (the bitmap's threshold), and
    /// about a thousand levels.
    enum Kind: CaseIterable { case relu, sparse, allZero, allActive, levels, quarterZero, manyLevels }

    static func values(_ kind: Kind, count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix(seed: seed)
        func random() -> Float { Float(generator.nextUnit() * 8 - 4) }
        switch kind {
        case .relu:
            let specials: [Float] = [-0.0, Float(bitPattern: 0x7FC0_1234), .infinity, -.infinity, .leastNonzeroMagnitude, 1e-6]
            return (0..<count).map { _ in
                let draw = generator.next() % 20
                return draw < 10 ? 0 : draw < 11 ? specials[Int(generator.next() % UInt64(specials.count))] : max(0, random())
            }
        case .sparse: return (0..<count).map { _ in generator.next() % 20 == 0 ? random() : 0 }
        case .allZero: return [Float](repeating: 0, count: count)
        case .allActive: return (0..<count).map { _ in random() + 5 }
        case .levels: return (0..<count).map { _ in Float(generator.next() % 50) / 4 }
        case .quarterZero:
            var values = (0..<count).map { _ in random() + 5 }
            var order = Array(0..<count)
            order.shuffle(using: &generator)
            for index in order.prefix(count / 4) { values[index] = 0 }
            return values
        case .manyLevels: return (0..<count).map { _ in generator.next() % 8 == 0 ? 0 : Float(generator.next() % 1_000) / 8 + 1 }
        }
    }

    @Test(arguments: [ValueEncoding.float32, .float16])
    func gatheredBlocksHoldTheReferenceBytes(encoding: ValueEncoding) throws {
        var layouts: Set<UInt8> = []
        for (shapeNumber, shape) in Self.shapes.enumerated() {
            for (kindNumber, kind) in Kind.allCases.enumerated() {
                let values = Self.values(kind, count: shape.rows * shape.length, seed: UInt64(100 * shapeNumber + kindNumber))
                for version: UInt16 in [3, 4] {
                    var payload = PayloadWriter(), raw = PayloadWriter()
                    try FrameValueBlock.encode(
                        values[...], rowCount: shape.rows, rowLength: shape.length, encoding: encoding, version: version,
                        into: &payload, raw: &raw)
                    let expected = Self.referenceBlock(values, rowCount: shape.rows, rowLength: shape.length, encoding: encoding, version: version)
                    #expect(payload.bytes == expected.payload, "\(shape) \(kind) version \(version)")
                    #expect(raw.bytes == expected.raw, "\(shape) \(kind) version \(version)")
                    layouts.insert(expected.payload[0])
                }
            }
        }
        #expect(layouts == [0, 1, 2, 3], "the samples call for every stream layout")
    }

    /// The block the format spec describes for `rowCount` traces of `rowLength` values, built
    /// from the node-major patterns with the layout rule of `LayerBlockCodec.chooseLayout`'s
    /// documentation: the payload's bytes and the raw section's.
    static func referenceBlock(_ values: [Float], rowCount: Int, rowLength: Int, encoding: ValueEncoding, version: UInt16) -> (payload: [UInt8], raw: [UInt8]) {
        let traceMajor = values.map { encoding == .float32 ? $0.bitPattern : UInt32(Float16($0).bitPattern) }
        var nodeMajor: [UInt32] = []
        for node in 0..<rowLength {
            for row in 0..<rowCount { nodeMajor.append(traceMajor[row * rowLength + node]) }
        }
        let count = values.count, width = encoding.byteWidth
        let distinct = Set(traceMajor).sorted()
        let zeros = nodeMajor.filter { $0 == 0 }.count
        let quarter = min(65_536, count / 4)
        let layout: UInt8 = distinct.count <= 256 ? 2 : zeros * 4 >= count ? 1 : quarter > 256 && distinct.count <= quarter ? 3 : 0
        func planes(_ patterns: [UInt32], width: Int) -> [[UInt8]] {
            (0..<width).map { byte in patterns.map { UInt8(truncatingIfNeeded: $0 >> (8 * byte)) } }
        }
        var payload: [UInt8] = [layout], raw: [UInt8] = []
        if layout == 2 || layout == 3 {
            payload += (0..<4).map { UInt8(truncatingIfNeeded: distinct.count >> (8 * $0)) }
            let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, UInt32($0)) })
            let codes = traceMajor.map { index[$0]! }
            for plane in planes(distinct, width: width) + planes(codes, width: layout == 2 ? 1 : 2) { payload += plane }
            return (payload, raw)
        }
        let stored = layout == 1 ? nodeMajor.filter { $0 != 0 } : nodeMajor
        var bitmap = [UInt8](repeating: 0, count: (count + 7) / 8)
        for (index, pattern) in nodeMajor.enumerated() where pattern != 0 { bitmap[index / 8] |= 1 << (index % 8) }
        // Version 4: the candidate planes that look random, and a bitmap that does.
        var mask: UInt8 = 0
        if version >= 4 {
            mask = stored.withUnsafeBufferPointer { BlockLayouts.incompressiblePlanes(of: $0, among: FrameValueBlock.rawCandidates(for: encoding)) }
            if layout == 1 && bitmap.withUnsafeBufferPointer({ BlockLayouts.looksRandom($0) }) { mask |= BlockLayouts.rawBitmap }
            payload.append(mask)
        }
        if layout == 1 {
            if mask & BlockLayouts.rawBitmap != 0 { raw += bitmap } else { payload += bitmap }
        }
        for (number, plane) in planes(stored, width: width).enumerated() {
            if mask >> number & 1 == 1 { raw += plane } else { payload += plane }
        }
        return (payload, raw)
    }
}
