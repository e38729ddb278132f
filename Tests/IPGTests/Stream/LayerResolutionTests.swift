import Foundation
import IPG
import Testing
import TestSupport

/// Layer resolutions: summaries computed by hand, a stream round trip with a summarised,
/// a derived and full layers, the `auto` planner on a synthetic topology (sizes computed by
/// hand), and headers whose resolution section cannot be right.
@Suite struct LayerResolutionTests {
    @Test func summaryOfAMapByHand() {
        let layer = Layer(index: 1, name: "pool", kind: .pool, activation: .identity, threshold: 0.25,
                          nodeCount: 2, nodeShape: [2, 2], source: 0, edgeRule: .channelOutput)
        let summary = LayerSummary(layer: layer, values: [1, -2, 0.1, 0.5, 0, 0.25, -0.25, 0])
        #expect(summary.means == [Float(-0.1), 0])
        #expect(summary.maxima == [1, 0.25])
        #expect(summary.activeShares == [0.75, 0], "|x| > 0.25: 1, -2 and 0.5; none of the second")
        #expect(summary.activeNodes == [true, false])
        #expect(summary.activeNodes == layer.activeNodes(in: [Float(1), -2, 0.1, 0.5, 0, 0.25, -0.25, 0]))
    }

    /// The sample table with conv summarised and flatten derived (its values a copy of pool's).
    static let resolutions: [LayerResolution] = [.full, .summary, .full, .full, .derived, .full, .full, .full, .full]

    static func consistentTrace(_ number: Int) -> Trace {
        var trace = StreamSamples.trace(number)
        trace.layerValues[4] = trace.layerValues[3]
        return trace
    }

    @Test func streamRoundTripKeepsSummariesAndRebuildsDerivedLayers() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("reduced.ipgz")
        let topology = StreamSamples.topology
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: topology, resolutions: Self.resolutions))
        let traces = (0..<5).map(Self.consistentTrace)
        for trace in traces { try writer.append(trace) }
        try writer.finish()
        let outcome = StreamReadOutcome(reading: path)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.header?.resolutions == Self.resolutions)
        #expect(outcome.traces.count == traces.count)
        for (read, written) in zip(outcome.traces, traces) {
            #expect(read.layerValues[1].isEmpty)
            #expect(read.summaries[1] == LayerSummary(layer: topology.layers[1], values: written.layerValues[1]))
            #expect(read.summaries.count == 1)
            #expect(read.layerValues[4].map(\.bitPattern) == written.layerValues[4].map(\.bitPattern))
            for layer in [0, 2, 3, 5, 6, 7, 8] { #expect(read.layerValues[layer] == written.layerValues[layer]) }
            #expect(read.explicitEdges == written.explicitEdges)
            // the IPG keeps conv's nodes (mean values) and leaves its edges out, saying why
            let graph = InferenceProvenanceGraph(topology: topology, trace: read)
            #expect(graph.underivedEdges.map { [$0.sourceLayer, $0.targetLayer, $0.summarisedLayer] } == [[0, 1, 1], [1, 2, 1]])
            #expect(graph.edges.allSatisfy { $0.source.layer != 1 && $0.target.layer != 1 })
            let full = InferenceProvenanceGraph(topology: topology, trace: written)
            #expect(graph.edges == full.edges.filter { $0.source.layer != 1 && $0.target.layer != 1 })
            #expect(graph.nodes.filter { $0.id.layer == 1 }.map(\.id) == full.nodes.filter { $0.id.layer == 1 }.map(\.id))
        }
    }

    @Test func aDerivedLayerThatIsNotACopyIsRefusedByTheWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bad.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology, resolutions: Self.resolutions))
        // its flatten values differ from pool's: refused when appended, naming the frame
        let error = #expect(throws: TraceStreamError.self) { try writer.append(StreamSamples.trace(0)) }
        #expect(error?.frame == 1)
        #expect(error?.message == "input 0: layer 4 (flatten) is to be derived from layer 3, but its values are not a copy of that layer's")
        writer.abandon()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// input 192 values, a 512, b 256, pool 16 units, flatten (copy of pool) 16, fc 10: 1,002.
    static let synthetic = ModelTopology(fingerprint: "cd", name: "synthetic", layers: [
        Layer(index: 0, name: "x", kind: .input, activation: .identity, threshold: 0, nodeCount: 3, nodeShape: [8, 8], source: nil, edgeRule: .none),
        Layer(index: 1, name: "a", kind: .conv, activation: .relu, threshold: 0, nodeCount: 8, nodeShape: [8, 8], source: 0, edgeRule: .explicit),
        Layer(index: 2, name: "b", kind: .conv, activation: .relu, threshold: 0, nodeCount: 16, nodeShape: [4, 4], source: 1, edgeRule: .explicit),
        Layer(index: 3, name: "pool", kind: .pool, activation: .identity, threshold: 0, nodeCount: 16, nodeShape: [], source: 2, edgeRule: .channelOutput),
        Layer(index: 4, name: "flatten", kind: .reshape, activation: .identity, threshold: 0, nodeCount: 16, nodeShape: [], source: 3, edgeRule: .reshape),
        Layer(index: 5, name: "fc", kind: .dense, activation: .identity, threshold: 0, nodeCount: 10, nodeShape: [], source: 4, edgeRule: .explicit),
    ])

    @Test(arguments: [
        // budget, overrides, expected resolutions (f full, s summary, d derived), stored values
        (2000, "", "ffffff", 1002),
        (1002, "", "ffffff", 1002),
        (1000, "", "ffffdf", 986),   // flatten derived: 1002 − 16
        (600, "", "fsffdf", 498),    // a summarised: 986 − 512 + 3·8
        (300, "", "fssfdf", 290),    // then b: 498 − 256 + 3·16
        (100, "", "fssfdf", 290),    // nothing else shrinks (the input stays full, units do not shrink)
        (300, ",a=full", "ffsfdf", 778),  // a pinned full: b alone, over the budget as best it can
        (2000, ",b=summary,flatten=derived", "ffsfdf", 778),
    ])
    func autoFitsTheBudget(budget: Int, overrides: String, expected: String, stored: Int) throws {
        let choice = try ResolutionChoice(parsing: "auto" + overrides, valueBudget: budget)
        let resolutions = try choice.resolutions(for: Self.synthetic)
        let codes: [Character: LayerResolution] = ["f": .full, "s": .summary, "d": .derived]
        #expect(resolutions == expected.map { codes[$0]! })
        #expect(Self.synthetic.layers.reduce(0) { $0 + resolutions[$1.index].storedValueCount(of: $1) } == stored)
    }

    @Test func summaryPolicyAndFullPolicy() throws {
        #expect(try ResolutionChoice(parsing: "summary").resolutions(for: Self.synthetic) == [.full, .summary, .summary, .full, .derived, .full])
        #expect(try ResolutionChoice(parsing: "full", valueBudget: 1).resolutions(for: Self.synthetic) == Array(repeating: .full, count: 6))
        #expect(try ResolutionChoice(parsing: "summary,b=full,4=full").resolutions(for: Self.synthetic) == [.full, .summary, .full, .full, .full, .full])
    }

    /// The header's last bytes are the resolution section's codes, one per layer.
    static func streamBytes(in directory: TemporaryDirectory, mutatingHeader mutate: (inout [UInt8]) -> Void) throws -> [UInt8] {
        let path = directory.path("source.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: StreamSamples.topology, resolutions: resolutions))
        try writer.append(consistentTrace(0))
        try writer.finish()
        var frames = StreamFrames(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(Array(frames.frames[0].payload.suffix(13)) == littleEndian(9) + resolutions.map { [.full: 0, .summary: 1, .derived: 2][$0]! })
        mutate(&frames.frames[0].payload)
        return frames.bytes
    }

    @Test(arguments: [
        (1, 2, "header: layer 1 (conv): only a Flatten or Reshape without an activation can be derived from its source, this is a conv layer"),
        (0, 1, "header: layer 0 (input): the model input is always kept at full resolution"),
        (1, 9, "header: layer 1: unknown resolution 9"),
        (3, 1, "header: layer 4 (flatten) cannot be derived: its source, layer 3 (pool), is kept at summary resolution"),
    ])
    func impossibleResolutionsAreRefused(layer: Int, code: UInt8, message: String) throws {
        let directory = try TemporaryDirectory()
        let bytes = try Self.streamBytes(in: directory) { payload in payload[payload.count - 9 + layer] = code }
        let outcome = try StreamReadOutcome(bytes: bytes, name: "mutated.ipgz", in: directory.url)
        #expect(outcome.streamError?.frame == 0)
        #expect(outcome.streamError?.message == message)
    }

    @Test func aResolutionSectionOfTheWrongLengthIsRefused() throws {
        let directory = try TemporaryDirectory()
        let bytes = try Self.streamBytes(in: directory) { payload in
            payload.replaceSubrange((payload.count - 13)..<(payload.count - 9), with: littleEndian(8))
            payload.removeLast()
        }
        let outcome = try StreamReadOutcome(bytes: bytes, name: "short.ipgz", in: directory.url)
        #expect(outcome.streamError?.message == "header: 8 layer resolutions for 9 layers")
    }
}
