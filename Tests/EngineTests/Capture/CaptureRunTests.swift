import Engine
import IPG
import Testing
import TestSupport

/// A capture run: traces in input order with their metadata, a summary, checks before the
/// first trace, and a sink that fails.
@Suite struct CaptureRunTests {
    /// Five inputs for `TinyModels.gemmReluScaledGemm`, which predicts class 0 for every input:
    /// with hidden values h, output 1 − output 0 = −2·(h₀ + h₂) ≤ 0, and ties go to class 0.
    static let inputs = Tensor(shape: [5, 2], values: [1, 2, 3, -1, 0, 1, -1, 1, 2, 2])
    static let labels = [0, 1, 0, 1, 0]

    static func run(
        batchSize: Int, parents: ParentInputs? = nil, count: Int = 5
    ) throws -> (run: CaptureRun, session: InferenceSession) {
        let session = try InferenceSession(model: TinyModels.gemmReluScaledGemm())
        let samples = TensorSamples(inputs.batchSlice(0..<count), labels: Array(labels.prefix(count)), source: "five")
        let metadata = CaptureMetadata(tag: "fgsm", attributes: [KeyValue("eps", "0.1")], parents: parents)
        return (try CaptureRun(session: session, samples: samples, metadata: metadata, batchSize: batchSize), session)
    }

    @Test func deliversTracesInOrderWithTheirMetadata() throws {
        let parents = ParentInputs(indices: [10, 11, 12, 13, 14, 15], tag: "clean", source: "p.npy")
        let (run, session) = try Self.run(batchSize: 2, parents: parents)
        var traces: [Trace] = [], progress: [Int] = []
        let summary = try run.run(progress: { progress.append($0) }) { traces.append($0) }
        #expect(progress == [2, 4, 5])
        #expect(traces.map(\.metadata.inputIndex) == [0, 1, 2, 3, 4])
        #expect(traces.map(\.metadata.trueLabel) == Self.labels)
        #expect(traces.map(\.metadata.predictedLabel) == [0, 0, 0, 0, 0])
        #expect(traces.map(\.metadata.parent) == (10...14).map { TraceReference(tag: "clean", inputIndex: $0) })
        #expect(traces.allSatisfy { $0.metadata.tag == "fgsm" && $0.metadata.attributes == [KeyValue("eps", "0.1")] })
        // Input 0, x = [1, 2]: fc1 = relu([5, −5, 3]); fc2 = 2·[5, −3] + 0.5 (as in CaptureExportTests).
        #expect(traces[0].layerValues == [[1, 2], [5, 0, 3], [10.5, -5.5]])
        #expect(summary.traceCount == 5 && summary.labelledCount == 5 && summary.correctCount == 3)
        #expect(summary.accuracy == 0.6)

        // Batching changes no trace: the same inputs captured in one batch.
        let oneBatch = try ProvenanceCapture(session: session, sampleShape: [2]).capture(
            Self.inputs, samples: traces.map { trace in
                SampleDescription(
                    inputIndex: trace.metadata.inputIndex, trueLabel: trace.metadata.trueLabel, tag: "fgsm",
                    parent: trace.metadata.parent, attributes: trace.metadata.attributes)
            })
        #expect(oneBatch == traces)
    }

    @Test func refusesBeforeTheFirstTrace() throws {
        #expect(throws: EngineError("five: no inputs to capture")) { _ = try Self.run(batchSize: 2, count: 0) }
        let short = ParentInputs(indices: [0, 1], tag: "clean", source: "p.npy")
        #expect(throws: EngineError("p.npy: 2 parent indices for 5 inputs")) { _ = try Self.run(batchSize: 2, parents: short) }
    }

    @Test func aFailingSinkStopsTheRun() throws {
        struct Full: Error {}
        let (run, _) = try Self.run(batchSize: 1)
        var delivered = 0, progress: [Int] = []
        #expect(throws: Full.self) {
            _ = try run.run(progress: { progress.append($0) }) { _ in
                delivered += 1
                if delivered == 3 { throw Full() }
            }
        }
        #expect(delivered == 3)
        #expect(progress == [1, 2])
    }
}
