extension AdversarialAttack {
    /// A gradient attack (fgsm, pgd, bim) followed step by step: the model's label for every
    /// input on the clean input and after each step.
    public struct StepOutcome: Sendable {
        /// The inputs after the last step (the same as `run`'s `adversarial`).
        public var adversarial: Tensor
        public var labels: [Int]
        /// `stepPredictions[s][i]`: the model's label for input i after s steps; s = 0 is the
        /// clean input.
        public var stepPredictions: [[Int]]

        /// Steps the attack took (1 for fgsm).
        public var steps: Int { stepPredictions.count - 1 }

        /// Per input: classified right on the clean input and after every step.
        public var robustAtEveryStep: [Bool] {
            labels.indices.map { input in stepPredictions.allSatisfy { $0[input] == labels[input] } }
        }

        /// Accuracy after `step` steps (0: on the clean inputs).
        public func accuracy(afterStep step: Int) -> Double {
            Double(zip(stepPredictions[step], labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
        }
    }

    /// Runs a gradient attack like `run` (same seed, same adversarial inputs) and records the
    /// model's predictions after every step. Square has no steps to follow and is refused.
    public func runRecordingSteps(
        _ inputs: Tensor, labels: [Int], batchSize: Int, progress: (Int) -> Void = { _ in }
    ) throws -> StepOutcome {
        guard options.kind != .square else { throw EngineError("per-step predictions apply to gradient attacks (fgsm, pgd, bim), not square") }
        let count = inputs.shape[0]
        guard labels.count == count else { throw EngineError("\(labels.count) labels for \(count) inputs") }
        var generator = SeededGenerator(seed: options.seed)
        var adversarial: [Float] = []
        adversarial.reserveCapacity(inputs.count)
        let steps = options.kind == .fgsm ? 1 : options.iterations
        var stepPredictions = [[Int]](repeating: [], count: steps + 1)
        let model = ModelAccess(session: session, sampleShape: Array(inputs.shape.dropFirst()))
        let samples = TensorSamples(inputs, labels: labels)
        try BatchLoop(session: session, requestedBatchSize: batchSize).run(samples, progress: progress) { batch in
            let clean = batch.features
            stepPredictions[0] += try model.predict(clean).labels
            var step = 0
            let attacked = try GradientSignAttack(model: model, options: options)
                .attack(clean, labels: batch.labels ?? [], generator: &generator) { current in
                    step += 1
                    stepPredictions[step] += try model.predict(current).labels
                }
            adversarial += attacked.values
        }
        return StepOutcome(adversarial: Tensor(shape: inputs.shape, values: adversarial), labels: labels, stepPredictions: stepPredictions)
    }
}
