import Engine
import Testing
import TestSupport

/// The batch loop: batch sizes, progress, order, and models whose batch axis is fixed.
@Suite struct BatchLoopTests {
    /// y = x · [1, 10, 100]ᵀ, with the batch axis `batch` (nil: dynamic).
    static func weightedSum(batch: Int?) throws -> InferenceSession {
        var builder = GraphBuilder(inputShape: [batch, 3])
        builder.weights("w", shape: [3, 1], [1, 10, 100])
        let output = builder.node("MatMul", ["x", "w"])
        return try InferenceSession(model: builder.model(output: output))
    }

    /// Samples 0…n−1 whose three values are (i, i, i).
    static func samples(_ count: Int) -> Tensor {
        Tensor(shape: [count, 3], values: (0..<count).flatMap { Array(repeating: Float($0), count: 3) })
    }

    @Test func walksEverySampleOnceInRequestedBatches() throws {
        let session = try Self.weightedSum(batch: nil)
        let loop = BatchLoop(session: session, requestedBatchSize: 4)
        var sizes: [Int] = [], starts: [Int] = [], progress: [Int] = [], outputs: [Float] = []
        try loop.run(TensorSamples(Self.samples(10), labels: Array(100..<110)), progress: { progress.append($0) }) { batch in
            sizes.append(batch.count)
            starts.append(batch.start)
            #expect(batch.labels == Array((100 + batch.start)..<(100 + batch.start + batch.count)))
            outputs += try session.run(batch.features).values
        }
        #expect(sizes == [4, 4, 2])
        #expect(starts == [0, 4, 8])
        #expect(progress == [4, 8, 10])
        #expect(outputs == (0..<10).map { Float($0 * 111) })
    }

    @Test func readsInTheGivenOrder() throws {
        let loop = BatchLoop(session: try Self.weightedSum(batch: nil), requestedBatchSize: 2)
        var firstValues: [Float] = [], labels: [Int] = []
        try loop.run(TensorSamples(Self.samples(5), labels: [0, 1, 2, 3, 4], order: [3, 0, 4, 1, 2])) { batch in
            firstValues += stride(from: 0, to: batch.features.count, by: 3).map { batch.features.values[$0] }
            labels += batch.labels ?? []
        }
        #expect(firstValues == [3, 0, 4, 1, 2])
        #expect(labels == [3, 0, 4, 1, 2])
    }

    @Test func fixedBatchAxisSetsTheBatchSize() throws {
        let session = try Self.weightedSum(batch: 2)
        let loop = BatchLoop(session: session, requestedBatchSize: 128)
        #expect(loop.batchSize == 2)
        var outputs: [Float] = []
        try loop.run(TensorSamples(Self.samples(6))) { outputs += try session.run($0.features).values }
        #expect(outputs == [0, 111, 222, 333, 444, 555])
        #expect(BatchLoop(session: try Self.weightedSum(batch: 1), requestedBatchSize: 128).batchSize == 1)
    }

    @Test func fixedBatchAxisRefusesAPartialBatchBeforeTheFirst() throws {
        let loop = BatchLoop(session: try Self.weightedSum(batch: 2), requestedBatchSize: 128)
        var batches = 0
        #expect(throws: EngineError(
            "test.onnx: the model's input has a fixed batch axis of 2, and 5 inputs do not fill whole batches; "
            + "run a multiple of 2 inputs, or export the model with a dynamic batch axis")) {
            try loop.run(TensorSamples(Self.samples(5))) { _ in batches += 1 }
        }
        #expect(batches == 0)
    }
}
