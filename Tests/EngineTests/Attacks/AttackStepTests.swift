import Engine
import Testing
import TestSupport

/// Per-step predictions of gradient attacks: recomputed by brute force (the same attack run
/// separately with 1…k steps), the attack's result unchanged by recording.
@Suite struct AttackStepTests {
    static func trainedModel() throws -> (InferenceSession, Tensor, [Int]) {
        let (features, labels) = GaussianBlobs.make(count: 120, seed: 21)
        let session = try InferenceSession(model: Architecture(parsing: "mlp:4,16,2").makeModel(seed: 5))
        let trainer = Trainer(session: session, options: TrainingOptions(batchSize: 32, learningRate: 0.01, seed: 1))
        for _ in 0..<4 { _ = try trainer.trainEpoch(features: features, labels: labels) }
        return (session, features, labels)
    }

    @Test func everyStepsPredictionsEqualAnAttackStoppedAtThatStep() throws {
        let (session, features, labels) = try Self.trainedModel()
        func options(_ steps: Int) -> AttackOptions {
            AttackOptions(kind: .bim, epsilon: 0.9, step: 0.9 / 4, iterations: steps, clipMin: -4, clipMax: 4)
        }
        let recorded = try AdversarialAttack(session: session, options: options(10)).runRecordingSteps(features, labels: labels, batchSize: 32)
        #expect(recorded.steps == 10)
        var robust = try session.predict(features).labels.enumerated().map { $1 == labels[$0] }
        #expect(recorded.stepPredictions[0] == (try session.predict(features).labels))
        for steps in 1...10 {
            let stopped = try AdversarialAttack(session: session, options: options(steps)).run(features, labels: labels, batchSize: 32)
            #expect(recorded.stepPredictions[steps] == stopped.adversarialPredictions, "step \(steps)")
            robust = zip(robust, stopped.adversarialPredictions.enumerated().map { $1 == labels[$0] }).map { $0 && $1 }
        }
        #expect(recorded.robustAtEveryStep == robust)
        #expect(recorded.accuracy(afterStep: 10) < recorded.accuracy(afterStep: 0) - 0.1, "ε 0.9 must hurt")
        #expect(robust.contains(true) && robust.contains(false))
    }

    @Test(arguments: [AttackKind.fgsm, .pgd, .bim])
    func recordingLeavesTheAttackUnchanged(kind: AttackKind) throws {
        let (session, features, labels) = try Self.trainedModel()
        let attack = try AdversarialAttack(session: session, options: AttackOptions(kind: kind, epsilon: 0.5, iterations: 7, seed: 9, clipMin: -4, clipMax: 4))
        let plain = try attack.run(features, labels: labels, batchSize: 16)
        let recorded = try attack.runRecordingSteps(features, labels: labels, batchSize: 16)
        #expect(recorded.adversarial == plain.adversarial)
        #expect(recorded.steps == (kind == .fgsm ? 1 : 7))
        #expect(recorded.stepPredictions.last == plain.adversarialPredictions)
        #expect(recorded.stepPredictions.first == plain.cleanPredictions)
    }

    @Test func squareIsRefused() throws {
        let (session, features, labels) = try Self.trainedModel()
        let attack = try AdversarialAttack(session: session, options: AttackOptions(kind: .square, epsilon: 0.5))
        #expect(throws: EngineError.self) { try attack.runRecordingSteps(features, labels: labels, batchSize: 16) }
    }
}
