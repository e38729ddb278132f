import Analysis
import Engine
import Foundation
import Testing
import TestSupport

/// `RobustnessEvaluation` against independent recomputations: "robust to both" is the AND over
/// the exact and the BPDA attack and over every step (each step recomputed by an attack stopped
/// there), on a model whose node actions make the two gradients differ; transfer and square
/// equal the attacks run directly.
@Suite struct RobustnessEvaluationTests {

    /// A trained blob MLP (the original) and the same with node actions after its hidden Relu:
    /// every hidden node pulled 80 % toward its clean mean within a window of one mean.
    static func originalAndRepaired() throws -> (original: InferenceSession, repaired: InferenceSession) {
        let session = try InferenceSession(model: Architecture(parsing: "mlp:4,16,2").makeModel(seed: 5))
        let (features, labels) = GaussianBlobs.make(count: 300, seed: 3)
        let trainer = Trainer(session: session, options: TrainingOptions(batchSize: 32, learningRate: 0.01, seed: 9))
        for _ in 0..<6 { _ = try trainer.trainEpoch(features: features, labels: labels) }
        let model = try session.currentModel()
        let relu = try #require(model.graph.nodes.first { $0.opType == "Relu" }).outputs[0]
        let hidden = try #require(session.evaluate(features)[relu])
        var means = [Float](repeating: 0, count: 16)
        for (index, value) in hidden.values.enumerated() { means[index % 16] += value / 300 }
        let actions = means.enumerated().map { NodeAction(node: $0, target: $1, strength: 0.8, window: max($1, 0.1)) }
        let graph = try model.graph.applyingNodeActions(actions, after: relu, width: 16, label: "act")
        return (session, try InferenceSession(model: Model(graph: graph, fingerprint: "", source: "repaired")))
    }

    /// Right on the clean input and after every one of `steps` steps, each step recomputed by a
    /// separate attack stopped there.
    static func robustByBruteForce(
        _ session: InferenceSession, _ inputs: Tensor, _ labels: [Int], pass: BackwardPass, epsilon: Float, steps: Int
    ) throws -> [Bool] {
        var robust = try session.predict(inputs).labels.enumerated().map { $1 == labels[$0] }
        for stop in 1...steps {
            let options = AttackOptions(kind: .bim, epsilon: epsilon, step: epsilon / 4, iterations: stop, clipMin: -5, clipMax: 5, backwardPass: pass)
            let predicted = try AdversarialAttack(session: session, options: options).run(inputs, labels: labels, batchSize: 64).adversarialPredictions
            robust = robust.enumerated().map { $1 && predicted[$0] == labels[$0] }
        }
        return robust
    }

    @Test func robustToBothIsTheAndOverBothAttacksAndEveryStep() throws {
        let (original, repaired) = try Self.originalAndRepaired()
        let (inputs, labels) = GaussianBlobs.make(count: 200, seed: 17)
        let settings = RobustnessEvaluation.Settings(attack: .fgsm, epsilon: 1.2, clipMin: -5, clipMax: 5, seed: 4, adaptiveSteps: 6, batchSize: 64)
        let report = try RobustnessEvaluation(model: repaired, original: original, settings: settings).run(inputs, labels: labels)
        let adaptive = try #require(report.adaptive)
        let exact = try Self.robustByBruteForce(repaired, inputs, labels, pass: .exact, epsilon: 1.2, steps: 6)
        let bpda = try Self.robustByBruteForce(repaired, inputs, labels, pass: .bpda, epsilon: 1.2, steps: 6)
        let both = zip(exact, bpda).map { $0 && $1 }
        #expect(adaptive.exact.robustAtEveryStep == .init(inputs: 200, correct: exact.filter { $0 }.count))
        #expect(adaptive.bpda.robustAtEveryStep == .init(inputs: 200, correct: bpda.filter { $0 }.count))
        #expect(adaptive.robustToBoth == .init(inputs: 200, correct: both.filter { $0 }.count))
        // The two attacks must disagree both ways, so that the AND differs from either alone.
        #expect(zip(exact, bpda).contains { $0 && !$1 } && zip(exact, bpda).contains { !$0 && $1 })
        #expect(adaptive.steps == 6 && adaptive.step == 0.3 && !adaptive.randomStart)
        #expect(adaptive.exact.accuracyPerStep.count == 7)
        // On this model an input can be wrong at some step and right again at the last one.
        #expect(adaptive.bpda.robustAtEveryStep.accuracy < adaptive.bpda.accuracyPerStep.last!)
    }

    @Test func transferIsTheAttackMadeOnTheOriginalScoredOnTheModel() throws {
        let (original, repaired) = try Self.originalAndRepaired()
        let (inputs, labels) = GaussianBlobs.make(count: 150, seed: 19)
        for attack in [AttackKind.fgsm, .pgd] {
            let settings = RobustnessEvaluation.Settings(attack: attack, epsilon: 0.9, clipMin: -5, clipMax: 5, seed: 8, batchSize: 32)
            let transfer = try #require(try RobustnessEvaluation(model: repaired, original: original, settings: settings).run(inputs, labels: labels).transfer)
            let made = try AdversarialAttack(session: original, options: AttackOptions(kind: attack, epsilon: 0.9, seed: 8, clipMin: -5, clipMax: 5))
                .run(inputs, labels: labels, batchSize: 32)
            let scored = try repaired.predict(made.adversarial).labels
            #expect(transfer.score == .init(inputs: 150, correct: zip(scored, labels).filter { $0 == $1 }.count), "\(attack)")
            #expect(transfer.onSource.accuracy == made.adversarialAccuracy)
            #expect(transfer.seed == 8 && transfer.randomStart == (attack == .pgd))
        }
        let withoutOriginal = try RobustnessEvaluation(
            model: repaired, original: nil, settings: .init(attack: .fgsm, epsilon: 0.9, clipMin: -5, clipMax: 5)).run(inputs, labels: labels)
        #expect(withoutOriginal.transfer == nil)
    }

    @Test func squareRunsOnTheFirstInputsWithItsQueriesAndSeed() throws {
        let (_, repaired) = try Self.originalAndRepaired()
        let (inputs, labels) = GaussianBlobs.make(count: 90, seed: 23)
        let settings = RobustnessEvaluation.Settings(attack: .square, epsilon: 1.0, clipMin: -5, clipMax: 5, seed: 6, squareInputs: 40, queries: 50, batchSize: 16)
        let report = try RobustnessEvaluation(model: repaired, original: nil, settings: settings).run(inputs, labels: labels)
        let square = try #require(report.square)
        let direct = try AdversarialAttack(session: repaired, options: AttackOptions(kind: .square, epsilon: 1.0, iterations: 50, seed: 6, clipMin: -5, clipMax: 5))
            .run(inputs.batchSlice(0..<40), labels: Array(labels[0..<40]), batchSize: 16)
        #expect(square.score.inputs == 40 && square.queries == 50 && square.seed == 6)
        #expect(square.score.accuracy == direct.adversarialAccuracy)
        #expect(square.benign.accuracy == direct.cleanAccuracy)
        #expect(report.benign.inputs == 90 && report.adaptive == nil)
    }
}
