@testable import Analysis
import Engine
import Testing
import TestSupport

/// How a repair scores a candidate (`AdaptiveValidation`, `deepprov evaluate`'s adaptive
/// attack): by hand, on RepairFixtures' model with a node
/// action that pins h1 to 1 within ±0.25 (logit difference h0 + 1.5·(h1 − 1) − 1). BIM at
/// ε 0.4 (10 steps of 0.1) from (0.5, 1) (label 0) and (1.5, 1) (label 1): the exact gradient
/// is 0 for x1 inside the window, so only x0 moves, by 0.4, leaving a margin of 0.1 — robust.
/// BPDA passes the action as identity, so x1 moves too, leaves the window after 3 steps and
/// flips both. An input counts only when it survives both: adaptive accuracy 0.
@Suite struct AdaptiveScoreTests {
    @Test func aCandidateIsRobustOnlyWhenItSurvivesTheExactGradientAndBPDA() throws {
        let fixture = try RepairFixtures.model()
        let graph = try fixture.graph.applyingNodeActions(
            [NodeAction(node: 1, target: 1, strength: 1, window: 0.25)], after: "relu1", width: 2, label: "pin")
        let session = try InferenceSession(model: Model.load(onnx: ONNXExporter.serialize(graph), source: "pinned.onnx"))
        let clean = Tensor(shape: [2, 2], values: [0.5, 1, 1.5, 1])
        let part = RepairPart(clean: clean, cleanLabels: [0, 1], cleanInputs: [0, 1],
                              adversarial: clean, adversarialLabels: [0, 1], adversarialParents: [0, 1])
        let attack = AdaptiveValidation(epsilon: 0.4, clipMin: -10, clipMax: 10, seed: 0)
        let pinned = try RepairComparison.score("node", session, fingerprint: "f", changed: 0, part, attack)
        #expect(pinned.benign == 1)
        #expect(pinned.exactGradient == 1, "\(pinned)")
        #expect(pinned.bpda == 0, "\(pinned)")
        #expect(pinned.adaptive == 0, "\(pinned)")

        // without the action, both gradients are the model's own: x0 and x1 both move and flip both
        let plain = try RepairComparison.score("original", InferenceSession(model: fixture), fingerprint: "f", changed: 0, part, attack)
        #expect(plain.exactGradient == 0 && plain.bpda == 0 && plain.adaptive == 0 && plain.benign == 1, "\(plain)")
    }

    /// On RobustnessEvaluationTests' blob model with node actions, some inputs are right after
    /// the last step of both attacks but wrong after a middle one: they must not count. The
    /// score is the share right on the clean input and after every step of both, each step
    /// recomputed by an attack stopped there.
    @Test func aCandidateWrongAtAMiddleStepIsNotRobustEvenWhenRightAtTheLast() throws {
        let (_, repaired) = try RobustnessEvaluationTests.originalAndRepaired()
        let (inputs, labels) = GaussianBlobs.make(count: 200, seed: 17)
        let part = RepairPart(clean: inputs, cleanLabels: labels, cleanInputs: Array(labels.indices),
                              adversarial: inputs, adversarialLabels: labels, adversarialParents: Array(labels.indices))
        let steps = AdaptiveValidation.steps
        let candidate = try RepairComparison.score(
            "node", repaired, fingerprint: "f", changed: 0, part, AdaptiveValidation(epsilon: 1.2, clipMin: -5, clipMax: 5, seed: 0))

        let everyStep = try [BackwardPass.exact, .bpda].map {
            try RobustnessEvaluationTests.robustByBruteForce(repaired, inputs, labels, pass: $0, epsilon: 1.2, steps: steps)
        }
        let lastStep = try [BackwardPass.exact, .bpda].map { pass in
            let options = AttackOptions(kind: .bim, epsilon: 1.2, step: 0.3, iterations: steps, clipMin: -5, clipMax: 5, backwardPass: pass)
            let predicted = try AdversarialAttack(session: repaired, options: options).run(inputs, labels: labels, batchSize: 64).adversarialPredictions
            return labels.indices.map { predicted[$0] == labels[$0] }
        }
        func share(_ flags: [Bool]) -> Double { Double(flags.filter { $0 }.count) / Double(flags.count) }
        let robustToBoth = labels.indices.map { everyStep[0][$0] && everyStep[1][$0] }
        let rightAtTheEnd = labels.indices.map { lastStep[0][$0] && lastStep[1][$0] }
        #expect(labels.indices.contains { rightAtTheEnd[$0] && !robustToBoth[$0] }, "the fixture must have an input wrong only at a middle step")
        #expect(candidate.adaptive == share(robustToBoth), "\(candidate)")
        #expect(candidate.exactGradient == share(everyStep[0]) && candidate.bpda == share(everyStep[1]), "\(candidate)")
        #expect(candidate.adaptive < share(rightAtTheEnd))
    }
}
