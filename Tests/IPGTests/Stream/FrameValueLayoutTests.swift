import Foundation
@testable import IPG
import Testing
import TestSupport

/// Version-2 traces frames lay each layer's values out as the store's blocks do (shuffled,
/// bitmap of nonzero values, 8- or 16-bit dictionary): every layout reads back bit for bit,
/// through DeepProv's reader and the spec-only Python reader.
@Suite struct FrameValueLayoutTests {
    /// Four source-less layers whose frames of 4 traces call for each layout.
    static let topology = ModelTopology(
        fingerprint: String(repeating: "cd", count: 32), name: "every-layout",
        layers: [("pixels", 64), ("relu", 300), ("levels", 2_000), ("dense", 300)].enumerated().map { index, layer in
            Layer(index: index, name: layer.0, kind: .input, activation: .identity, threshold: 0, nodeCount: layer.1,
                  nodeShape: [], source: nil, edgeRule: .none)
        })

    /// Trace `number`: 8-bit pixel levels; half zeros (and a −0.0, kept as a value); 400 levels
    /// that repeat; arbitrary floats with infinities, a subnormal (and, in float32, a NaN with a payload).
    static func trace(_ number: Int, encoding: ValueEncoding) -> Trace {
        var generator = SplitMix(seed: UInt64(100 + number))
        let pixels = (0..<64).map { _ in Float(generator.next() % 256) / 255 }
        var relu = (0..<300).map { _ in max(0, Float(generator.nextUnit() * 2 - 1)) }
        relu[7] = -0.0
        let levels = (0..<2_000).map { _ in Float(generator.next() % 400) / 16 - 10 }
        var dense = (0..<300).map { _ in Float(generator.nextUnit() * 8 - 4) }
        dense[0] = .infinity
        dense[1] = -.infinity
        dense[2] = encoding == .float32 ? .leastNonzeroMagnitude : Float(Float16.leastNonzeroMagnitude)
        if encoding == .float32 { dense[3] = Float(bitPattern: 0x7FC0_1234) }
        let metadata = TraceMetadata(inputIndex: number, inputHash: "h\(number)", trueLabel: nil, predictedLabel: 0, confidence: 1, tag: "clean")
        return Trace(metadata: metadata, layerValues: [pixels, relu, levels, dense], explicitEdges: [:])
    }

    /// What a reader must return for `values` stored in `encoding`.
    static func stored(_ values: [Float], _ encoding: ValueEncoding) -> [Float] {
        encoding == .float32 ? values : values.map { Float(Float16($0)) }
    }

    @Test func theSampleCallsForEveryLayout() {
        let traces = (0..<4).map { Self.trace($0, encoding: .float32) }
        let layouts = Self.topology.layers.indices.map { layer in
            LayerBlockCodec.chooseLayout(traces.flatMap { $0.layerValues[layer].map(\.bitPattern) })
        }
        #expect(layouts == [.dictionary8, .activeBitmap, .dictionary16, .shuffled])
    }

    @Test(arguments: [ValueEncoding.float32, .float16])
    func everyLayoutReadsBackBitForBit(encoding: ValueEncoding) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("layouts.ipgz")
        let traces = (0..<10).map { Self.trace($0, encoding: encoding) }
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: Self.topology, valueEncoding: encoding), frameCapacity: 4)
        for trace in traces { try writer.append(trace) }
        let summary = try writer.finish()
        #expect(summary.frameCount == 1 + 3 + 1)

        let outcome = StreamReadOutcome(reading: path)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.traces.count == traces.count)
        for (read, written) in zip(outcome.traces, traces) {
            #expect(read.metadata == written.metadata)
            #expect(read.layerValues.map { $0.map(\.bitPattern) } == written.layerValues.map { Self.stored($0, encoding).map(\.bitPattern) },
                    "input \(written.metadata.inputIndex)")
        }

        let result = try PythonScript.run("fixtures/read_ipgz.py", arguments: [path])
        #expect(result.status == 0, "\(result.errorOutput)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let records = try #require(decoded["traces"] as? [[String: Any]])
        #expect(records.count == traces.count)
        for (record, trace) in zip(records, traces) {
            #expect(record["layer_crc32"] as? [Int] == trace.layerValues.map { layerChecksum(Self.stored($0, encoding)) },
                    "input \(trace.metadata.inputIndex)")
        }
    }

    /// A value block written straight into the payload holds the spec's bytes (built here
    /// byte by byte from `TraceStreamFormat`'s words): the layout code, then, node-major, the
    /// bitmap of nonzero patterns (LSB first, padding bits 0) and those patterns shuffled, or
    /// every pattern shuffled; in version 4 with a raw-plane mask after the layout code, the low
    /// mantissa planes (float32: 0 and 1, float16: 0) in the raw section. Three traces, so the
    /// bitmap ends in a partial byte.
    @Test(arguments: [ValueEncoding.float32, .float16])
    func bitmapAndShuffledBlocksHoldTheSpecsBytes(encoding: ValueEncoding) throws {
        let traces = (0..<3).map { Self.trace($0, encoding: encoding) }
        for (layer, isBitmap) in [(1, true), (3, false)] {
            try Self.checkSpecBytes(traces.map { $0.layerValues[layer] }, encoding: encoding, bitmap: isBitmap, layer: layer)
        }
    }

    /// A bitmap of ReLU zeros at random, 300 bytes of it (eight traces), is kept raw in version 4.
    @Test func aRandomBitmapIsKeptRaw() throws {
        let rows = (0..<8).map { Self.trace($0, encoding: .float32).layerValues[1] }
        var payload = PayloadWriter(), raw = PayloadWriter()
        try FrameValueBlock.encode(rows.flatMap { $0 }[...], rowCount: rows.count, rowLength: rows[0].count, encoding: .float32, version: 4, into: &payload, raw: &raw)
        #expect(payload.bytes[0] == 1 && payload.bytes[1] & BlockLayouts.rawBitmap != 0, "layout \(payload.bytes[0]), mask \(payload.bytes[1])")
        try Self.checkSpecBytes(rows, encoding: .float32, bitmap: true, layer: 1)
        var frameRaw: PayloadReader? = PayloadReader(raw.bytes)
        var reader = PayloadReader(payload.bytes)
        let decoded = try FrameValueBlock.decode(rowCount: 8, rowLength: rows[0].count, encoding: .float32, from: &reader, raw: &frameRaw)
        #expect(decoded.map { $0.map(\.bitPattern) } == rows.map { $0.map(\.bitPattern) })
        #expect(reader.isAtEnd && frameRaw!.isAtEnd)
    }

    /// `rows` of one layer encoded in versions 3 and 4 hold the spec's bytes (version 4: the mask
    /// the writer chose, the random mantissa bytes among the raw planes, never the exponent's).
    static func checkSpecBytes(_ rows: [[Float]], encoding: ValueEncoding, bitmap isBitmap: Bool, layer: Int) throws {
        for version: UInt16 in [3, 4] {
            var payload = PayloadWriter(), raw = PayloadWriter()
            try FrameValueBlock.encode(rows.flatMap { $0 }[...], rowCount: rows.count, rowLength: rows[0].count, encoding: encoding, version: version, into: &payload, raw: &raw)
            let mask: UInt8? = version < 4 ? nil : payload.bytes[1]
            if let mask {
                // the random mantissas' low bytes are kept raw, never the exponent's plane
                let lowPlanes: UInt8 = encoding == .float32 ? 0b0011 : 0b0001
                let allowed = FrameValueBlock.rawCandidates(for: encoding) | (isBitmap ? BlockLayouts.rawBitmap : 0)
                #expect(mask & lowPlanes == lowPlanes && mask & ~allowed == 0, "mask \(mask)")
            }
            let expected = Self.specBlock(rows, encoding: encoding, bitmap: isBitmap, rawPlanes: mask)
            #expect(payload.bytes == expected.payload, "layer \(layer), version \(version)")
            #expect(raw.bytes == expected.raw, "layer \(layer), version \(version)")
        }
    }

    /// Planes are kept raw only when their bytes look random: not a constant plane, not one
    /// of 7-bit values, and only among the candidates.
    @Test func onlyRandomLookingPlanesAreKeptRaw() {
        var generator = SplitMix(seed: 5)
        // plane 0 random, plane 1 constant, plane 2 seven random bits, plane 3 random
        let patterns = (0..<5_000).map { _ -> UInt32 in
            let random = UInt32(truncatingIfNeeded: generator.next())
            return random & 0xFF | 0x4200 | (random >> 8 & 0x7F) << 16 | (random & 0xFF00_0000)
        }
        patterns.withUnsafeBufferPointer { patterns in
            #expect(BlockLayouts.incompressiblePlanes(of: patterns, among: 0b1111) == 0b1001)
            #expect(BlockLayouts.incompressiblePlanes(of: patterns, among: 0b0111) == 0b0001)
            #expect(BlockLayouts.incompressiblePlanes(of: UnsafeBufferPointer(rebasing: patterns[0..<255]), among: 0b1111) == 0, "too few to bother")
        }
    }

    /// A bitmap (`bitmap`) or shuffled block of `rows` as the format spec lays it out, and the
    /// planes it keeps in the raw section (version 4: `rawPlanes` is the mask; nil before).
    static func specBlock(_ rows: [[Float]], encoding: ValueEncoding, bitmap: Bool, rawPlanes: UInt8?) -> (payload: [UInt8], raw: [UInt8]) {
        var patterns: [UInt32] = []
        for node in rows[0].indices {
            for row in rows { patterns.append(encoding == .float32 ? row[node].bitPattern : UInt32(Float16(row[node]).bitPattern)) }
        }
        var bytes: [UInt8] = [bitmap ? 1 : 0], raw: [UInt8] = []
        if let rawPlanes { bytes.append(rawPlanes) }
        var stored = patterns
        if bitmap {
            var map = [UInt8](repeating: 0, count: (patterns.count + 7) / 8)
            for (index, pattern) in patterns.enumerated() where pattern != 0 { map[index / 8] |= 1 << (index % 8) }
            if let rawPlanes, rawPlanes & BlockLayouts.rawBitmap != 0 { raw += map } else { bytes += map }
            stored = patterns.filter { $0 != 0 }
        }
        for byte in 0..<encoding.byteWidth {
            let plane = stored.map { UInt8(truncatingIfNeeded: $0 >> (8 * byte)) }
            if let rawPlanes, rawPlanes >> byte & 1 == 1 { raw += plane } else { bytes += plane }
        }
        return (bytes, raw)
    }

    /// A dictionary code past the dictionary is damage named with its frame and layer.
    @Test func codePastTheDictionaryIsDamage() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("good.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: Self.topology), frameCapacity: 4)
        for number in 0..<4 { try writer.append(Self.trace(number, encoding: .float32)) }
        try writer.finish()
        var frames = StreamFrames(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        var payload = frames.frames[1].payload
        // The metadata records, then layer 0's layout byte (2: dictionary8), dictionary count.
        let metadataLength = (0..<4).reduce(0) { total, number in total + 8 + 4 + "h\(number)".utf8.count + 8 + 8 + 4 + 4 + "clean".utf8.count + 1 + 4 }
        #expect(payload[metadataLength] == 2)
        let dictionaryCount = Int(payload[metadataLength + 1]) | Int(payload[metadataLength + 2]) << 8
        let firstCode = metadataLength + 5 + 4 * dictionaryCount
        payload[firstCode] = UInt8(dictionaryCount)  // one past the last entry (the sample has fewer than 256)
        frames.frames[1].payload = payload
        let outcome = try StreamReadOutcome(bytes: frames.bytes, name: "damaged.ipgz", in: directory.url)
        let error = try #require(outcome.streamError)
        #expect(error.frame == 1)
        #expect(error.offset == frames.frameOffsets[1])
        #expect(error.message == "layer 0: value code \(dictionaryCount) past a dictionary of \(dictionaryCount)", "\(error)")
    }
}
