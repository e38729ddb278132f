import Foundation
@testable import IPG
import Testing
import TestSupport

/// Version-3 derived blocks: a pooling layer whose maps are the max pool of its source's, and a
/// Flatten whose values are its source's, are written as "computed from layer j" and read back
/// bit for bit (by DeepProv's reader and the spec-only Python reader); a layer that merely
/// looks derivable — an average pool, a copy broken in one trace, a max pool choosing the other
/// zero of a tie — keeps its values.
@Suite struct DerivedValueBlockTests {
    /// input 2 × 9×9 → maxPool 2 × 4×4 (2×2, stride 2: the last row and column unused) →
    /// flatten 32; input → averagePool 2 × 3×3 (3×3, stride 3).
    static let topology = ModelTopology(
        fingerprint: String(repeating: "ef", count: 32), name: "derivable",
        layers: [
            Layer(index: 0, name: "input", kind: .input, activation: .identity, threshold: 0, nodeCount: 2, nodeShape: [9, 9], source: nil, edgeRule: .none),
            Layer(index: 1, name: "maxPool", kind: .pool, activation: .identity, threshold: 0, nodeCount: 2, nodeShape: [4, 4], source: 0, edgeRule: .channelOutput),
            Layer(index: 2, name: "flatten", kind: .reshape, activation: .identity, threshold: 0, nodeCount: 32, nodeShape: [], source: 1, edgeRule: .reshape),
            Layer(index: 3, name: "averagePool", kind: .pool, activation: .identity, threshold: 0, nodeCount: 2, nodeShape: [3, 3], source: 0, edgeRule: .channelOutput),
        ])

    /// The max of each 2×2 window at stride 2, by the definition (distinct values: no ties).
    static func maxPooled(_ input: [Float]) -> [Float] {
        var output: [Float] = []
        for channel in 0..<2 {
            for y in 0..<4 {
                for x in 0..<4 {
                    var window: [Float] = []
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        window.append(input[channel * 81 + (2 * y + dy) * 9 + 2 * x + dx])
                    }
                    output.append(window.max()!)
                }
            }
        }
        return output
    }

    static func averagePooled(_ input: [Float]) -> [Float] {
        var output: [Float] = []
        for channel in 0..<2 {
            for y in 0..<3 {
                for x in 0..<3 {
                    var sum: Float = 0
                    for position in 0..<9 {
                        sum += input[channel * 81 + (3 * y + position / 3) * 9 + 3 * x + position % 3]
                    }
                    output.append(sum / 9)
                }
            }
        }
        return output
    }

    static func trace(_ number: Int) -> Trace {
        var generator = SplitMix(seed: UInt64(500 + number))
        let input = (0..<162).map { _ in Float(generator.nextUnit() * 4 - 2) }
        let pooled = maxPooled(input)
        let metadata = TraceMetadata(inputIndex: number, inputHash: "h\(number)", trueLabel: nil, predictedLabel: 0, confidence: 1, tag: "clean")
        return Trace(metadata: metadata, layerValues: [input, pooled, pooled, averagePooled(input)], explicitEdges: [:])
    }

    static func read(_ path: String) throws -> [Trace] {
        let reader = try TraceStreamReader(path: path)
        var traces: [Trace] = []
        while let trace = try reader.next() { traces.append(trace) }
        return traces
    }

    static func derivations(_ traces: [Trace], encoding: ValueEncoding = .float32) -> [DerivedValueBlock.Derivation?] {
        let stored = traces.map { $0.layerValues.map { encoding == .float32 ? $0 : $0.map { Float(Float16($0)) } } }
        return topology.layers.map { layer in
            DerivedValueBlock.find(
                for: layer, in: topology, values: stored.flatMap { $0[layer.index] }[...], count: traces.count,
                storedValues: { source in stored.flatMap { $0[source] }[...] })
        }
    }

    @Test func poolingAndCopiesAreFoundAndLookalikesAreNot() {
        let window = MaxPooling.Window(kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2)
        let traces = (0..<4).map(Self.trace)
        #expect(Self.derivations(traces) == [nil, .maxPool(source: 0, window: window), .copy(source: 1), nil])
        #expect(Self.derivations(traces, encoding: .float16) == [nil, .maxPool(source: 0, window: window), .copy(source: 1), nil])
        // one trace's Flatten differs in one value: the frame keeps the Flatten's values
        var broken = traces
        broken[2].layerValues[2][5] = broken[2].layerValues[2][5].nextUp
        #expect(Self.derivations(broken)[2] == nil)
        #expect(Self.derivations(broken)[1] != nil)
        // a tie of +0 and −0 pooled to the zero the definition does not give
        var tie = traces
        tie[1].layerValues[0][0] = 0
        tie[1].layerValues[0][1] = -0.0
        tie[1].layerValues[0][9] = -1
        tie[1].layerValues[0][10] = -1
        tie[1].layerValues[1][0] = -0.0  // the definition keeps the first column's +0 (−0 is not greater)
        tie[1].layerValues[2][0] = -0.0
        #expect(Self.derivations(tie)[1] == nil)
        tie[1].layerValues[1][0] = 0
        tie[1].layerValues[2][0] = 0
        #expect(Self.derivations(tie)[1] != nil)
    }

    @Test(arguments: [ValueEncoding.float32, .float16])
    func derivedBlocksReadBackBitForBit(encoding: ValueEncoding) throws {
        let directory = try TemporaryDirectory()
        var traces = (0..<10).map(Self.trace)
        traces[6].layerValues[2][31] = 7  // the second frame stores its Flatten
        let path = directory.path("derived.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: Self.topology, valueEncoding: encoding), frameCapacity: 4)
        for trace in traces { try writer.append(trace) }
        try writer.finish()
        let read = try Self.read(path)
        let stored = { (values: [Float]) in encoding == .float32 ? values : values.map { Float(Float16($0)) } }
        #expect(read.count == traces.count)
        for (trace, readTrace) in zip(traces, read) {
            #expect(readTrace.layerValues.map { $0.map(\.bitPattern) } == trace.layerValues.map { stored($0).map(\.bitPattern) })
        }
        // the spec-only Python reader computes the same values
        let result = try PythonScript.run("fixtures/read_ipgz.py", arguments: [path])
        #expect(result.status == 0, "\(result.errorOutput)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let records = try #require(decoded["traces"] as? [[String: Any]])
        #expect(records.count == traces.count)
        for (trace, record) in zip(traces, records) {
            #expect(record["layer_crc32"] as? [Int] == trace.layerValues.map { layerChecksum(stored($0)) })
        }
    }

    @Test func derivedBlocksMakeFramesSmallerThanVersionTwo() throws {
        let traces = (0..<4).map(Self.trace)
        let header = StreamHeader(topology: Self.topology)
        let version2 = try TraceFrame.encode(traces, header: header, version: 2).payload
        let version3 = try TraceFrame.encode(traces, header: header, version: 3).payload
        // the max pool's and the Flatten's 2 × 32 values per trace are left out
        #expect(version2.count - version3.count >= 4 * 64 * 4 - 2 * 21)
        let decoded = try TraceFrame.decode(version3, count: 4, header: header, encoding: .float32, version: 3)
        #expect(decoded == traces)
    }

    @Test func aDerivedBlockNamingALaterLayerIsRefused() throws {
        let traces = (0..<2).map(Self.trace)
        let header = StreamHeader(topology: Self.topology)
        var payload = try TraceFrame.encode(traces, header: header, version: 3).payload
        // the max pool's block: its code, then its source layer (0) — make it name layer 3
        let code = DerivedValueBlock.maxPoolCode
        let position = try #require(payload.indices.dropLast(6).first { payload[$0] == code && payload[$0 + 1...$0 + 4] == [0, 0, 0, 0] && payload[$0 + 5] == 2 })
        payload[position + 1] = 3
        #expect(throws: PayloadError.self) { try TraceFrame.decode(payload, count: 2, header: header, encoding: .float32, version: 3) }
        // a version-2 frame may not hold derived blocks at all
        payload[position + 1] = 0
        #expect(throws: PayloadError.self) { try TraceFrame.decode(payload, count: 2, header: header, encoding: .float32, version: 2) }
    }
}
