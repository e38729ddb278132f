/// The one loop over samples in forward-pass batches, behind capture, evaluate, training and
/// attacks: it reads a `SampleSource` a batch at a time, in order, and reports progress. A
/// model whose input has a fixed batch axis gets batches of exactly that size.
public struct BatchLoop: Sendable {
    /// Samples per batch.
    public let batchSize: Int
    private let fixedBatchSize: Int?
    private let model: String

    /// Batches of `requestedBatchSize` samples, unless `session`'s input fixes the batch axis.
    public init(session: InferenceSession, requestedBatchSize: Int) {
        precondition(requestedBatchSize > 0, "batches hold at least one sample")
        fixedBatchSize = (session.inputShape.first ?? nil).flatMap { $0 > 0 ? $0 : nil }
        batchSize = fixedBatchSize ?? requestedBatchSize
        model = session.model.source
    }

    /// Throws when the model's fixed batch axis cannot take `count` samples in whole batches.
    public func check(count: Int) throws {
        guard let fixedBatchSize, count % fixedBatchSize != 0 else { return }
        throw EngineError(
            "\(model): the model's input has a fixed batch axis of \(fixedBatchSize), and \(count) inputs do not "
            + "fill whole batches; run a multiple of \(fixedBatchSize) inputs, or export the model with a dynamic batch axis")
    }

    /// Reads `samples` from where they stand to the end: `body` gets each batch in order, then
    /// `progress` the number of samples done. Checks the batch axis (`check(count:)`) first.
    public func run(
        _ samples: some SampleSource, progress: (Int) -> Void = { _ in }, _ body: (SampleBatch) throws -> Void
    ) throws {
        try check(count: samples.count)
        while let batch = try samples.nextBatch(maximumCount: batchSize) {
            try body(batch)
            progress(batch.positions.upperBound)
        }
    }
}
