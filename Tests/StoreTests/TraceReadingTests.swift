import Engine
import Foundation
import IPG
import Store
import Testing
import TestSupport

/// Traces read back from a store (`forEachTrace`, `trace(tag:inputIndex:)`) across several value
/// blocks equal what was ingested, bit for bit: values, summaries, metadata, parents and
/// attributes; and selections (tag, model, inputs, stopping early) give exactly the traces the
/// ingested list gives when filtered the same way.
@Suite struct TraceReadingTests {
    /// What a trace of `encoding` and `resolutions` reads back as, computed from the ingested
    /// trace: float16 values rounded by Swift's `Float16`, summarised layers as their
    /// `LayerSummary` (no values), the input hash as the hex of its stored bytes.
    private func expected(_ trace: Trace, topology: ModelTopology, encoding: ValueEncoding, resolutions: [LayerResolution]?) -> Trace {
        var expected = trace
        let round: (Float) -> Float = encoding == .float16 ? { Float(Float16($0)) } : { $0 }
        expected.layerValues = trace.layerValues.map { $0.map(round) }
        for layer in topology.layers where resolutions?[layer.index] == .summary {
            let summary = LayerSummary(layer: layer, values: trace.layerValues[layer.index])
            expected.summaries[layer.index] = LayerSummary(stored: summary.storedValues.map(round), nodeCount: layer.nodeCount)
            expected.layerValues[layer.index] = []
        }
        expected.metadata.inputHash = Hex.string(trace.metadata.storedInputHash)
        return expected
    }

    private func bits(_ trace: Trace) -> [[UInt32]] { trace.layerValues.map { $0.map(\.bitPattern) } }
    private func summaryBits(_ trace: Trace) -> [Int: [UInt32]] { trace.summaries.mapValues { $0.storedValues.map(\.bitPattern) } }

    /// 450 traces (clean ones and noisy children of them, with attributes; one with its own
    /// input hash) ingested in a shuffled order, in batches of 97: five blocks.
    private func ingested(encoding: ValueEncoding, resolutions: [LayerResolution]?, in directory: TemporaryDirectory)
        throws -> (store: ProvenanceStore, topology: ModelTopology, traces: [Trace])
    {
        let (topology, captured) = try StoreFixtures.traces(count: 450, seed: 41, tags: ["clean", "noisy"])
        var generator = SeededGenerator(seed: 42)
        var traces = captured.shuffled(using: &generator)
        for index in stride(from: 0, to: traces.count, by: 5) {
            traces[index].metadata.attributes += [KeyValue("camera", "c\(index % 3)"), KeyValue("note", "n\(index)")]
        }
        traces[17].metadata.inputHash = "producer's own key"
        let store = try ProvenanceStore(path: directory.path("s.sqlite"))
        let run = try store.beginIngest(sources: "test", batchSize: 97)
        try run.beginModel(topology, encoding: encoding, source: "test", onnx: nil, resolutions: resolutions)
        for trace in traces { try run.add(trace) }
        #expect(try run.finish().tracesAdded == 450)
        return (store, topology, traces.map { expected($0, topology: topology, encoding: encoding, resolutions: resolutions) })
    }

    private func read(_ store: ProvenanceStore, _ selection: TraceSelection, limit: Int = .max) throws -> [Trace] {
        var read: [Trace] = []
        try store.forEachTrace(selection) { _, trace in
            read.append(trace)
            return read.count < limit
        }
        return read
    }

    private func expectSame(_ read: [Trace], _ expected: [Trace], _ what: String) {
        #expect(read.count == expected.count, "\(what): \(read.count) traces, expected \(expected.count)")
        for (got, want) in zip(read, expected) {
            #expect(got.metadata == want.metadata, "\(what): \(got.metadata.tag) \(got.metadata.inputIndex)")
            #expect(bits(got) == bits(want) && summaryBits(got) == summaryBits(want), "\(what): values of \(want.metadata.tag) \(want.metadata.inputIndex)")
        }
    }

    @Test(arguments: [(ValueEncoding.float32, false), (.float16, false), (.float32, true)])
    func tracesReadBackAsIngestedOverSeveralBlocks(encoding: ValueEncoding, summarised: Bool) throws {
        let directory = try TemporaryDirectory()
        let resolutions: [LayerResolution]? = summarised ? [.full, .summary, .full] : nil
        let (store, topology, traces) = try ingested(encoding: encoding, resolutions: resolutions, in: directory)
        #expect(topology.layers.count == 3)
        let blocks = try store.run(sql: "SELECT count(DISTINCT value_block) AS blocks FROM traces", arguments: [])
        #expect(blocks.value(0, "blocks") == .integer(5))

        expectSame(try read(store, TraceSelection()), traces, "every trace")
        expectSame(try read(store, TraceSelection(tag: "noisy")), traces.filter { $0.metadata.tag == "noisy" }, "tag noisy")
        #expect(traces.contains { $0.metadata.parent != nil } && traces.contains { $0.metadata.attributes.count == 3 })
        let inputs = [440, 3, 0, 217, 218, 99]
        expectSame(try read(store, TraceSelection(tag: "clean", inputIndices: inputs)),
                   traces.filter { $0.metadata.tag == "clean" && inputs.contains($0.metadata.inputIndex) }, "tag clean, six inputs")
        expectSame(try read(store, TraceSelection(), limit: 300), Array(traces.prefix(300)), "the first 300")
        let fingerprint = try #require(store.catalog().models.first?.fingerprint)
        expectSame(try read(store, TraceSelection(model: String(fingerprint.prefix(8)))), traces, "model prefix")
        #expect(try read(store, TraceSelection(model: "not-a-model")).isEmpty)
        // One at a time, in an order unlike the storage order.
        for trace in traces.reversed() {
            expectSame([try store.trace(tag: trace.metadata.tag, inputIndex: trace.metadata.inputIndex).trace], [trace], "one trace")
        }
    }
}
