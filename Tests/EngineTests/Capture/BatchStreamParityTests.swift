import Engine
import Foundation
import IPG
import Testing
import TestSupport

/// A capture's batches handed to a stream writer as they are (`TraceBatch`: each layer's values
/// in the evaluation's batch-major storage) give the same stream, byte for byte, as the same
/// traces appended one by one — for conv models with max-pool and Flatten layers (derived
/// blocks), summarised and derived resolutions, explicit edges, merges, parents and attributes,
/// frames that span batches — and the stream reads back to what the model computed, bit for bit.
@Suite struct BatchStreamParityTests {
    /// x [2, 8, 8] → Conv 3 (3×3, pad 1) + Relu → MaxPool 2 → AveragePool 1×2 + Relu (explicit
    /// edges) → Flatten → Gemm 4.
    static func pooledModel() throws -> Model {
        var builder = GraphBuilder(inputShape: [nil, 2, 8, 8])
        var generator = SeededGenerator(seed: 3)
        let w = builder.weights("w", shape: [3, 2, 3, 3], (0..<54).map { _ in generator.nextGaussian() })
        let b = builder.weights("b", shape: [3], [0.1, -0.2, 0])
        let conv = builder.node("Relu", [builder.node("Conv", ["x", w, b], attributes: ["pads": .ints([1, 1, 1, 1])])])
        let pooled = builder.node("MaxPool", [conv], attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])])
        let averaged = builder.node("Relu", [builder.node("AveragePool", [pooled], attributes: ["kernel_shape": .ints([1, 2]), "strides": .ints([1, 2])])])
        let flat = builder.node("Flatten", [averaged])
        let fc = builder.weights("fc", shape: [4, 24], (0..<96).map { _ in generator.nextGaussian() })
        let output = builder.node("Gemm", [flat, fc], attributes: ["transB": .int(1)])
        return try builder.model(output: output)
    }

    static func fixture(_ name: String) throws -> Model {
        try Model.load(path: FixturePaths.onnxFixture(name).appendingPathComponent("model.onnx").path)
    }

    /// Batches of `sizes` inputs (seeded Gaussian), odd inputs with a parent and attributes.
    static func batches(_ capture: ProvenanceCapture, sampleShape: [Int], sizes: [Int]) throws -> (batches: [TraceBatch], inputs: [Tensor]) {
        var generator = SeededGenerator(seed: 41)
        var first = 0, batches: [TraceBatch] = [], inputs: [Tensor] = []
        for size in sizes {
            let input = Tensor(shape: [size] + sampleShape, values: (0..<(size * sampleShape.reduce(1, *))).map { _ in generator.nextGaussian() })
            let samples = (first..<(first + size)).map { index in
                index % 2 == 0
                    ? SampleDescription(inputIndex: index, trueLabel: index % 3, tag: "clean")
                    : SampleDescription(
                        inputIndex: index, trueLabel: nil, tag: "noisy", parent: TraceReference(tag: "clean", inputIndex: index - 1),
                        attributes: [KeyValue("eps", "0.\(index)"), KeyValue("note", "é")])
            }
            batches.append(try capture.captureBatch(input, samples: samples))
            inputs.append(input)
            first += size
        }
        return (batches, inputs)
    }

    /// The stream's bytes, the batches appended whole or trace by trace.
    static func stream(_ batches: [TraceBatch], header: StreamHeader, frameCapacity: Int?, whole: Bool, in directory: TemporaryDirectory) throws -> Data {
        let path = directory.path("\(UUID().uuidString).ipgz")
        let writer = try TraceStreamWriter(path: path, header: header, frameCapacity: frameCapacity)
        for batch in batches {
            if whole { try writer.append(batch) } else { try batch.traces.forEach(writer.append) }
        }
        let summary = try writer.finish()
        #expect(summary.traceCount == batches.reduce(0) { $0 + $1.count })
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> [Trace] {
        let reader = try TraceStreamReader(path: path)
        var traces: [Trace] = []
        while let trace = try reader.next() { traces.append(trace) }
        return traces
    }

    @Test(arguments: [("pooled", [2, 8, 8]), ("cnn2d", [2, 9, 9]), ("concat_net", [2, 8, 8]), ("resnet_mnist", [1, 28, 28])])
    func batchesWriteTheStreamOfTheirTraces(model name: String, sampleShape: [Int]) throws {
        let session = try InferenceSession(model: name == "pooled" ? Self.pooledModel() : Self.fixture(name))
        let capture = try ProvenanceCapture(session: session, sampleShape: sampleShape)
        let (batches, inputs) = try Self.batches(capture, sampleShape: sampleShape, sizes: [5, 1, 7, 4])
        let topology = capture.topology
        if name == "pooled" {
            #expect(topology.layers.map(\.kind) == [.input, .conv, .pool, .pool, .reshape, .dense])
            #expect(batches.allSatisfy { $0.explicitEdges.allSatisfy { $0[3]?.isEmpty == false } }, "explicit edges into the average pool")
        }

        // Each trace's values are the evaluation's, sliced sample by sample.
        for (batch, input) in zip(batches, inputs) {
            let evaluation = try session.evaluate(input)
            for position in 0..<batch.count {
                let trace = batch.trace(position)
                for (layer, name) in capture.layerValueNames.enumerated() {
                    let values = try #require(evaluation[name]).values, size = values.count / batch.count
                    #expect(trace.layerValues[layer].map(\.bitPattern) == values[(position * size)..<((position + 1) * size)].map(\.bitPattern))
                }
            }
        }

        let directory = try TemporaryDirectory()
        let choices = [ResolutionChoice(policy: .full), ResolutionChoice(policy: .summary), ResolutionChoice(policy: .auto, valueBudget: 1)]
        for choice in choices {
            let resolutions = try choice.resolutions(for: topology)
            for encoding in [ValueEncoding.float32, .float16] {
                let header = StreamHeader(topology: topology, valueEncoding: encoding, attributes: [KeyValue("k", "v")], resolutions: resolutions)
                for frameCapacity in [nil, 1, 3, 6] {
                    let whole = try Self.stream(batches, header: header, frameCapacity: frameCapacity, whole: true, in: directory)
                    let byTrace = try Self.stream(batches, header: header, frameCapacity: frameCapacity, whole: false, in: directory)
                    #expect(whole == byTrace, "\(name), \(resolutions), \(encoding), frames of \(String(describing: frameCapacity))")
                }
            }
        }

        // Read back at full resolution: the captured traces, bit for bit, edges and metadata too.
        let path = directory.path("full.ipgz")
        let writer = try TraceStreamWriter(path: path, header: StreamHeader(topology: topology), frameCapacity: 3)
        for batch in batches { try writer.append(batch) }
        try writer.finish()
        let captured = batches.flatMap(\.traces)
        let read = try Self.read(path)
        #expect(read.count == captured.count)
        for (read, captured) in zip(read, captured) {
            #expect(read.metadata == captured.metadata && read.explicitEdges == captured.explicitEdges && read.summaries.isEmpty)
            #expect(read.layerValues.map { $0.map(\.bitPattern) } == captured.layerValues.map { $0.map(\.bitPattern) })
        }

        // Summarised and derived layers read back as the per-trace definition says.
        let reduced = try ResolutionChoice(policy: .auto, valueBudget: 1).resolutions(for: topology)
        let reducedPath = directory.path("reduced.ipgz")
        let reducedWriter = try TraceStreamWriter(path: reducedPath, header: StreamHeader(topology: topology, resolutions: reduced))
        for batch in batches { try reducedWriter.append(batch) }
        try reducedWriter.finish()
        for (read, captured) in zip(try Self.read(reducedPath), captured) {
            for layer in topology.layers {
                switch reduced[layer.index] {
                case .summary: #expect(read.summaries[layer.index] == LayerSummary(layer: layer, values: captured.layerValues[layer.index]))
                case .full, .derived: #expect(read.layerValues[layer.index].map(\.bitPattern) == captured.layerValues[layer.index].map(\.bitPattern))
                }
            }
        }
    }

    /// A batch whose derived layer is not a copy of its source is refused, naming the input.
    @Test func aBatchWhoseDerivedLayerIsNoCopyIsRefused() throws {
        let capture = try ProvenanceCapture(session: InferenceSession(model: Self.pooledModel()), sampleShape: [2, 8, 8])
        var batch = try Self.batches(capture, sampleShape: [2, 8, 8], sizes: [3]).batches[0]
        let resolutions: [LayerResolution] = [.full, .full, .full, .full, .derived, .full]
        let directory = try TemporaryDirectory()
        let writer = try TraceStreamWriter(path: directory.path("d.ipgz"), header: StreamHeader(topology: capture.topology, resolutions: resolutions))
        try writer.append(batch)
        batch.layerValues[4][24 + 5] += 1  // trace 1's Flatten
        let error = #expect(throws: TraceStreamError.self) { try writer.append(batch) }
        #expect(error?.message == "input 1: layer 4 (\(capture.topology.layers[4].name)) is to be derived from layer 3, but its values are not a copy of that layer's")
        writer.abandon()
    }
}
