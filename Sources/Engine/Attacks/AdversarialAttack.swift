/// Runs an attack over a data set batch by batch and reports how it went.
public struct AdversarialAttack {
    /// What an attack produced.
    public struct Outcome: Sendable {
        /// Same shape as the clean inputs.
        public var adversarial: Tensor
        /// The model's label for each clean and each adversarial input.
        public var cleanPredictions: [Int]
        public var adversarialPredictions: [Int]
        public var labels: [Int]

        /// Accuracy on the clean inputs.
        public var cleanAccuracy: Double { accuracy(cleanPredictions) }
        /// Accuracy on the adversarial inputs.
        public var adversarialAccuracy: Double { accuracy(adversarialPredictions) }
        /// Of the inputs the model got right, the fraction the attack made it get wrong.
        public var successRate: Double {
            let right = labels.indices.filter { cleanPredictions[$0] == labels[$0] }
            guard !right.isEmpty else { return 0 }
            return Double(right.filter { adversarialPredictions[$0] != labels[$0] }.count) / Double(right.count)
        }

        private func accuracy(_ predictions: [Int]) -> Double {
            Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
        }
    }

    public let session: InferenceSession
    public let options: AttackOptions

    public init(session: InferenceSession, options: AttackOptions) throws {
        guard options.epsilon >= 0, options.epsilon.isFinite else { throw EngineError("ε must be a non-negative number, got \(options.epsilon)") }
        guard options.clipMin < options.clipMax else { throw EngineError("clip range [\(options.clipMin), \(options.clipMax)] is empty") }
        guard options.iterations > 0 else { throw EngineError("iterations must be positive") }
        if let step = options.step, !(step > 0 && step.isFinite) { throw EngineError("the step must be a positive number, got \(step)") }
        self.session = session
        self.options = options
    }

    /// Attacks `inputs` (`[N, …sample shape]`, in the model's input space) with true `labels`,
    /// `batchSize` at a time (`BatchLoop`); `progress` is called after each batch with the
    /// number of inputs done.
    public func run(_ inputs: Tensor, labels: [Int], batchSize: Int, progress: (Int) -> Void = { _ in }) throws -> Outcome {
        let count = inputs.shape[0]
        guard labels.count == count else { throw EngineError("\(labels.count) labels for \(count) inputs") }
        var generator = SeededGenerator(seed: options.seed)
        var adversarial: [Float] = []
        adversarial.reserveCapacity(inputs.count)
        var cleanPredictions: [Int] = [], adversarialPredictions: [Int] = []
        let model = ModelAccess(session: session, sampleShape: Array(inputs.shape.dropFirst()))
        let samples = TensorSamples(inputs, labels: labels)
        try BatchLoop(session: session, requestedBatchSize: batchSize).run(samples, progress: progress) { batch in
            let clean = batch.features, batchLabels = batch.labels ?? []
            let attacked: Tensor
            switch options.kind {
            case .fgsm, .pgd, .bim:
                attacked = try GradientSignAttack(model: model, options: options).attack(clean, labels: batchLabels, generator: &generator)
            case .square:
                attacked = try SquareAttack(model: model, options: options).attack(clean, labels: batchLabels, generator: &generator)
            }
            cleanPredictions += try model.predict(clean).labels
            adversarialPredictions += try model.predict(attacked).labels
            adversarial += attacked.values
        }
        return Outcome(
            adversarial: Tensor(shape: inputs.shape, values: adversarial), cleanPredictions: cleanPredictions,
            adversarialPredictions: adversarialPredictions, labels: labels)
    }
}

/// The model as attacks see it: inputs in the data set's sample shape, reshaped for the model.
struct ModelAccess {
    let session: InferenceSession
    let sampleShape: [Int]

    func predict(_ batch: Tensor) throws -> Prediction {
        try session.predict(session.shapeForInput(batch, source: "attack"))
    }

    /// Mean cross-entropy's gradient with respect to the inputs, in the batch's shape.
    func lossGradient(_ batch: Tensor, labels: [Int], backwardPass: BackwardPass) throws -> Tensor {
        let evaluation = try session.evaluate(session.shapeForInput(batch, source: "attack"))
        let loss = try CrossEntropyLoss(session: session, evaluation: evaluation, labels: labels)
        return try session.gradients(of: evaluation, seeds: loss.seeds, backwardPass: backwardPass).input.reshaped(batch.shape)
    }
}

extension AttackOptions {
    /// Keeps `value` within ε of `clean` and inside the clip range.
    func project(_ value: Float, around clean: Float) -> Float {
        min(max(min(max(value, clean - epsilon), clean + epsilon), clipMin), clipMax)
    }
}
