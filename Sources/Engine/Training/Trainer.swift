import Foundation

/// How `Trainer` trains.
public struct TrainingOptions: Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var optimizer: OptimizerKind
    public var seed: UInt64
    /// When set, only the entries it marks change; every other parameter is frozen.
    public var mask: ParameterMask?

    public init(
        epochs: Int = 5, batchSize: Int = 128, learningRate: Float = 1e-3, optimizer: OptimizerKind = .adam, seed: UInt64 = 1,
        mask: ParameterMask? = nil
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.seed = seed
        self.mask = mask
    }
}

/// One epoch's results.
public struct EpochReport: Sendable {
    public var epoch: Int
    /// Mean cross-entropy over the epoch's batches (weighted by batch size).
    public var loss: Float
    /// Accuracy on the training batches, as predicted before each step.
    public var accuracy: Double
    public var seconds: Double
}

/// Mini-batch training with cross-entropy on a session's trainable parameters, seeded
/// shuffling, and the chosen optimizer. The session's parameters change in place.
public final class Trainer {
    public let session: InferenceSession
    public let options: TrainingOptions
    private var optimizer: any Optimizer
    private var generator: SeededGenerator
    private var completedEpochs = 0

    public init(session: InferenceSession, options: TrainingOptions) {
        self.session = session
        self.options = options
        optimizer = options.optimizer.make(learningRate: options.learningRate)
        generator = SeededGenerator(seed: options.seed)
    }

    /// Trains one pass over `features` (shaped for the model) and `labels`; `progress` is
    /// called after every batch with the number of samples done.
    public func trainEpoch(features: Tensor, labels: [Int], progress: (Int) -> Void = { _ in }) throws -> EpochReport {
        let count = features.shape[0]
        guard labels.count == count else { throw EngineError("\(labels.count) labels for \(count) training samples") }
        let started = Date()
        let samples = TensorSamples(features, labels: labels, order: Array(0..<count).shuffled(using: &generator))
        try options.mask?.validate(for: session)
        let names = options.mask.map { $0.trainable.keys.sorted() } ?? session.trainableParameterNames
        var parameters = Dictionary(uniqueKeysWithValues: names.map { ($0, session.parameter($0)!) })
        var lossTotal: Double = 0, correct = 0
        try BatchLoop(session: session, requestedBatchSize: options.batchSize).run(samples, progress: progress) { batch in
            let batchLabels = batch.labels ?? []
            let evaluation = try session.evaluate(batch.features)
            let loss = try CrossEntropyLoss(session: session, evaluation: evaluation, labels: batchLabels)
            lossTotal += Double(loss.loss) * Double(batch.count)
            correct += zip(loss.prediction.labels, batchLabels).filter { $0 == $1 }.count
            let gradients = try session.gradients(of: evaluation, seeds: loss.seeds)
            let before = options.mask == nil ? [:] : parameters
            optimizer.step(&parameters, gradients: gradients.parameters.filter { parameters[$0.key] != nil })
            options.mask?.restoreFrozenEntries(&parameters, from: before)
            for (name, value) in parameters { try session.setParameter(name, value) }
        }
        completedEpochs += 1
        return EpochReport(
            epoch: completedEpochs, loss: Float(lossTotal / Double(max(count, 1))),
            accuracy: Double(correct) / Double(max(count, 1)), seconds: Date().timeIntervalSince(started))
    }
}
