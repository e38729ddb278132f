import Engine
import Foundation
import IPG
import Store

/// A small ReLU MLP captured over seeded random inputs, written as a trace stream.
public enum StoreFixtures {
    public static func model() throws -> Model {
        var builder = GraphBuilder(inputShape: [nil, 6])
        var generator = SeededGenerator(seed: 21)
        builder.weights("w1", shape: [5, 6], (0..<30).map { _ in generator.nextGaussian() })
        builder.weights("b1", shape: [5], (0..<5).map { _ in 0.1 * generator.nextGaussian() })
        let hidden = builder.node("Gemm", ["x", "w1", "b1"], name: "fc1", attributes: ["transB": .int(1)])
        let relu = builder.node("Relu", [hidden])
        builder.weights("w2", shape: [3, 5], (0..<15).map { _ in generator.nextGaussian() })
        let logits = builder.node("Gemm", [relu, "w2"], name: "fc2", attributes: ["transB": .int(1)])
        return try builder.model(output: logits)
    }

    /// Captures `count` inputs (tag alternating clean/noisy when `mixedTags`) and returns the
    /// traces and the topology; writes them to `path` when given.
    public static func traces(count: Int, seed: UInt64, path: String? = nil, frameCapacity: Int? = nil, tags: [String] = ["clean"])
        throws -> (ModelTopology, [Trace])
    {
        let capture = try ProvenanceCapture(session: InferenceSession(model: model()), sampleShape: [6])
        var generator = SeededGenerator(seed: seed)
        let inputs = Tensor(shape: [count, 6], values: (0..<(count * 6)).map { _ in generator.nextGaussian() })
        let samples = (0..<count).map { index in
            SampleDescription(inputIndex: index, trueLabel: index % 3, tag: tags[index % tags.count],
                              parent: tags[index % tags.count] == "clean" ? nil : TraceReference(tag: "clean", inputIndex: index - 1),
                              attributes: [KeyValue("k", "\(index)")])
        }
        let traces = try capture.capture(inputs, samples: samples)
        if let path { try TraceStreamFixtures.writeStream(traces, topology: capture.topology, to: path, frameCapacity: frameCapacity) }
        return (capture.topology, traces)
    }

    /// A store at `path` holding `count` traces ingested from memory; returns it opened read-write.
    @discardableResult
    public static func store(at path: String, count: Int, seed: UInt64, tags: [String] = ["clean"]) throws -> ProvenanceStore {
        let (topology, traces) = try Self.traces(count: count, seed: seed, tags: tags)
        let store = try ProvenanceStore(path: path)
        let run = try store.beginIngest(sources: "fixture", batchSize: 7)
        try run.beginModel(topology, encoding: .float32, source: "fixture", onnx: nil)
        for trace in traces { try run.add(trace) }
        _ = try run.finish()
        return store
    }

    /// A store in `directory` holding `traces`, written to a stream and ingested as `deepprov
    /// ingest` would; returns the store's path.
    public static func storeHolding(_ traces: [Trace], topology: ModelTopology, in directory: TemporaryDirectory) throws -> String {
        let stream = directory.path("traces.ipgz"), database = directory.path("store.sqlite")
        try TraceStreamFixtures.writeStream(traces, topology: topology, to: stream)
        _ = try StreamIngestor(backend: ProvenanceStore(path: database)).ingest([stream])
        return database
    }

    /// 30 clean traces of the tiny model and 30 shifted copies with their clean parents; the
    /// shifted traces carry an attribute `source` (camera for every third input, else scan).
    public static func pairedStore(in directory: TemporaryDirectory) throws -> (path: String, traces: [Trace]) {
        let capture = try ProvenanceCapture(session: InferenceSession(model: TinyModels.gemmReluScaledGemm()), sampleShape: [2])
        var generator = SeededGenerator(seed: 11)
        let clean = (0..<60).map { _ in generator.nextGaussian() }
        let shifted = clean.map { $0 + 0.4 + 0.3 * generator.nextGaussian() }
        let labels = (0..<30).map { _ in Int(generator.nextGaussian() > 0 ? 1 : 0) }
        var traces = try capture.capture(Tensor(shape: [30, 2], values: clean),
                                         samples: (0..<30).map { SampleDescription(inputIndex: $0, trueLabel: labels[$0], tag: "clean") })
        traces += try capture.capture(Tensor(shape: [30, 2], values: shifted), samples: (0..<30).map {
            SampleDescription(inputIndex: $0, trueLabel: labels[$0], tag: "shift", parent: TraceReference(tag: "clean", inputIndex: $0),
                              attributes: [KeyValue("source", $0 % 3 == 0 ? "camera" : "scan")])
        })
        return (try StoreFixtures.storeHolding(traces, topology: capture.topology, in: directory), traces)
    }
}
