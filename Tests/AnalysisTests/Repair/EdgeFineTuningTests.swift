@testable import Analysis
import Engine
import Foundation
import Testing
import TestSupport

/// Edge repair's masked adversarial fine-tuning on two Gaussian blobs: the edges into the
/// last layer chosen by `EdgeSelection`, trained on FGSM inputs regenerated against the model
/// being repaired, make the model more robust on a held-out part to FGSM regenerated against
/// the repaired model itself; the epoch kept is the one with the best validation score against
/// the adaptive attack (`AdaptiveValidation`) within the benign budget; only chosen entries
/// change, at most the budget; the repaired
/// ONNX keeps every initializer's name and shape and runs in onnxruntime with our outputs.
@Suite struct EdgeFineTuningTests {
    static func blobs(count: Int, seed: UInt64) -> EdgeFineTuning.LabeledInputs {
        let (inputs, labels) = GaussianBlobs.make(count: count, seed: seed)
        return .init(inputs: inputs, labels: labels)
    }

    @Test func keepsTheBestAdaptiveEpochAndImprovesHeldOutRobustnessChangingOnlyTheChosenEdges() throws {
        let session = try InferenceSession(model: Architecture(parsing: "mlp:4,16,2").makeModel(seed: 5))
        let training = Self.blobs(count: 400, seed: 3)
        let trainer = Trainer(session: session, options: TrainingOptions(batchSize: 32, learningRate: 0.01, seed: 9))
        for _ in 0..<8 { _ = try trainer.trainEpoch(features: training.inputs, labels: training.labels) }
        let mining = Self.blobs(count: 300, seed: 11), validation = Self.blobs(count: 100, seed: 12), heldOut = Self.blobs(count: 300, seed: 13)
        let attack = AttackOptions(kind: .fgsm, epsilon: 1.0, seed: 4)
        let scoring = AdaptiveValidation(epsilon: 1.0, clipMin: -.infinity, clipMax: .infinity, seed: 4)

        // edges into the last layer: its Gemm (transB) reads the hidden layer and weight [2, 16]
        let last = try #require(session.model.graph.nodes.last { $0.opType == "Gemm" })
        let weightName = last.inputs[1]
        let weight = try #require(session.parameter(weightName))
        let clean = try #require(session.evaluate(mining.inputs)[last.inputs[0]])
        let attacked = try AdversarialAttack(session: session, options: attack).run(mining.inputs, labels: mining.labels, batchSize: 64).adversarial
        let adversarial = try #require(session.evaluate(attacked)[last.inputs[0]])
        let budget = 16
        let flags = try EdgeSelection(clean: clean, adversarial: adversarial, weight: weight, transposed: true).mostShifted(budget: budget)
        let mask = ParameterMask([weightName: flags])
        #expect(mask.changeableCount == budget)

        let before = Dictionary(uniqueKeysWithValues: session.trainableParameterNames.map { ($0, session.parameter($0)!) })
        let originalGraph = try session.currentModel().graph
        func fgsmHeldOut() throws -> RepairScores {
            let outcome = try AdversarialAttack(session: session, options: attack).run(heldOut.inputs, labels: heldOut.labels, batchSize: 64)
            return RepairScores(benign: outcome.cleanAccuracy, adversarial: outcome.adversarialAccuracy)
        }
        let originalHeldOut = try fgsmHeldOut()
        let result = try EdgeFineTuning.run(
            session, mask: mask, mining: mining, validation: validation,
            options: .init(epochs: 6, attacks: [attack], scoring: scoring, training: TrainingOptions(batchSize: 32, learningRate: 0.05, seed: 2), maxBenignDrop: 2))
        let repairedHeldOut = try fgsmHeldOut()
        // the kept epoch is the best adaptive validation score within the benign budget, and the
        // session holds that epoch's weights (re-scored, the same numbers)
        let chosen = try #require(result.chosenEpoch)
        let withinBudget = result.scores.indices.dropFirst().filter { (result.scores[0].benign - result.scores[$0].benign) * 100 <= 2 }
        #expect(result.scores[chosen].adversarial > result.scores[0].adversarial)
        #expect(withinBudget.allSatisfy { result.scores[$0].adversarial <= result.scores[chosen].adversarial }, "\(result.scores)")
        #expect(try scoring.scores(session, validation.inputs, labels: validation.labels) == result.scores[chosen])
        // on held-out inputs, more robust to the attack it trained on, regenerated on the repaired model
        #expect(repairedHeldOut.adversarial > originalHeldOut.adversarial + 0.03, "held out \(originalHeldOut) → \(repairedHeldOut)")
        #expect(repairedHeldOut.benign >= originalHeldOut.benign - 0.05, "held out \(originalHeldOut) → \(repairedHeldOut)")

        for name in session.trainableParameterNames where name != weightName {
            #expect(session.parameter(name)!.values == before[name]!.values, "\(name) changed")
        }
        let after = session.parameter(weightName)!.values, original = before[weightName]!.values
        let changed = after.indices.filter { after[$0] != original[$0] }
        #expect(!changed.isEmpty && changed.count <= budget && changed.allSatisfy { flags[$0] })
        try expectSameInitializersAndOnnxRuntimeParity(session, original: originalGraph, heldOut.inputs, budget: budget)
    }

    /// The repaired ONNX against the original graph: same initializer names and shapes, at
    /// most `budget` entries differing over all of them, and onnxruntime's outputs ours.
    private func expectSameInitializersAndOnnxRuntimeParity(
        _ session: InferenceSession, original: ModelGraph, _ inputs: Tensor, budget: Int
    ) throws {
        let repaired = try session.currentModel()
        #expect(Set(repaired.graph.initializers.keys) == Set(original.initializers.keys))
        var differing = 0
        for (name, constant) in original.initializers {
            guard case .float(let before) = constant, case .float(let after)? = repaired.graph.initializers[name] else { continue }
            #expect(after.shape == before.shape, "\(name)")
            differing += zip(before.values, after.values).count { $0 != $1 }
        }
        #expect(differing > 0 && differing <= budget)
        let theirs = try ONNXRuntimeReference.outputs(of: ONNXExporter.serialize(repaired.graph), on: inputs), ours = try session.run(inputs)
        #expect(theirs.shape == ours.shape)
        #expect(zip(ours.values, theirs.values).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
    }
}
