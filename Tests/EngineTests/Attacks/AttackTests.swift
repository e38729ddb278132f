import Engine
import Foundation
import Testing
import TestSupport

/// Attacks: FGSM's direction computed by hand, the ε-ball and clip range respected by every
/// attack, reproducibility, and PGD at least as strong as FGSM on a trained model.
@Suite struct AttackTests {
    /// logits = W·x with W rows [1, 2, 0] and [0, −1, 3].
    static func linearModel() throws -> Model {
        var builder = GraphBuilder(inputShape: [nil, 3])
        builder.weights("w", shape: [2, 3], [1, 2, 0, 0, -1, 3])
        let logits = builder.node("Gemm", ["x", "w"], name: "logits", attributes: ["transB": .int(1)])
        return try builder.model(output: logits)
    }

    @Test func fgsmStepsAlongTheHandComputedGradientSign() throws {
        // For label 0, dL/dx = p₁·(W₁ − W₀) = p₁·[−1, −3, 3]: the sign is [−1, −1, +1].
        let session = try InferenceSession(model: Self.linearModel())
        let clean = Tensor(shape: [2, 3], values: [0.5, 0.5, 0.5, 0.9, 0.1, 0.95])
        let attack = try AdversarialAttack(session: session, options: AttackOptions(kind: .fgsm, epsilon: 0.1, clipMin: 0, clipMax: 1))
        let outcome = try attack.run(clean, labels: [0, 0], batchSize: 8)
        let expected: [Float] = [0.4, 0.4, 0.6, 0.8, 0.0, 1.0]  // the second input is clipped at 0 and 1
        #expect(zip(outcome.adversarial.values, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(outcome.adversarial.values)")
    }

    @Test(arguments: AttackKind.allCases)
    func staysInsideTheBallAndTheClipRange(kind: AttackKind) throws {
        let session = try InferenceSession(model: Architecture(parsing: "cnn:1x4x4:conv2,pool2,3").makeModel(seed: 4))
        var generator = SeededGenerator(seed: 6)
        let clean = Tensor(shape: [10, 1, 4, 4], values: (0..<160).map { _ in Float.random(in: 0...1, using: &generator) })
        let labels = (0..<10).map { $0 % 3 }
        let options = AttackOptions(kind: kind, epsilon: 0.2, iterations: 20, seed: 7, clipMin: 0, clipMax: 1)
        let attack = try AdversarialAttack(session: session, options: options)
        let outcome = try attack.run(clean, labels: labels, batchSize: 4)
        #expect(outcome.adversarial.shape == clean.shape)
        for (adversarial, original) in zip(outcome.adversarial.values, clean.values) {
            #expect(abs(adversarial - original) <= 0.2 + 1e-6 && adversarial >= 0 && adversarial <= 1)
        }
        #expect(outcome.adversarial != clean)
        #expect(try attack.run(clean, labels: labels, batchSize: 4).adversarial == outcome.adversarial, "same seed, same result")
    }

    @Test func iterativeAttacksAreAtLeastAsStrongAsFGSM() throws {
        let (features, labels) = GaussianBlobs.make(count: 300, seed: 11)
        let session = try InferenceSession(model: Architecture(parsing: "mlp:4,16,2").makeModel(seed: 3))
        let trainer = Trainer(session: session, options: TrainingOptions(batchSize: 32, learningRate: 0.01, seed: 1))
        for _ in 0..<6 { _ = try trainer.trainEpoch(features: features, labels: labels) }
        func outcome(_ kind: AttackKind) throws -> AdversarialAttack.Outcome {
            try AdversarialAttack(session: session, options: AttackOptions(kind: kind, epsilon: 0.8, iterations: 20, seed: 2, clipMin: -4, clipMax: 4))
                .run(features, labels: labels, batchSize: 64)
        }
        let fgsm = try outcome(.fgsm), pgd = try outcome(.pgd), square = try outcome(.square)
        #expect(fgsm.cleanAccuracy > 0.9)
        #expect(fgsm.adversarialAccuracy < fgsm.cleanAccuracy - 0.1, "FGSM at ε 0.8 must hurt: \(fgsm.adversarialAccuracy)")
        #expect(pgd.adversarialAccuracy <= fgsm.adversarialAccuracy, "PGD \(pgd.adversarialAccuracy) vs FGSM \(fgsm.adversarialAccuracy)")
        #expect(square.adversarialAccuracy < square.cleanAccuracy, "square must find some adversarial inputs")
        #expect(pgd.successRate >= fgsm.successRate)
    }

    @Test func npyOutputsReadBackInNumpy() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("adv.npy"), parents = directory.path("adv.parents.npy")
        try NPYWriter.write(Tensor(shape: [2, 3], values: [0.5, -1, 3.25, 0.125, 0, -0.0]), to: path)
        try NPYWriter.write(integers: [4, 0, 123456789012], to: parents)
        let check = try PythonScript.run("fixtures/summarize_npy.py", arguments: [path, parents])
        #expect(check.status == 0, "\(check.errorOutput)")
        #expect(check.output == "float32 (2, 3) [0.5, -1.0, 3.25, 0.125, 0.0, -0.0]\nint64 (3,) [4, 0, 123456789012]\n")
    }
}
