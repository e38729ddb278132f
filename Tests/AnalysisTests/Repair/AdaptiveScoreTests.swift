@testable import Analysis
import Engine
import Testing
import TestSupport

/// How `--actions both` scores a candidate, by hand, on RepairFixtures' model with a node
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
        let attack = AttackOptions(kind: .bim, epsilon: 0.4, step: 0.1, iterations: 10, clipMin: -10, clipMax: 10)
        let pinned = try RepairComparison.score("node", session, fingerprint: "f", changed: 0, part, attack)
        #expect(pinned.benign == 1)
        #expect(pinned.exactGradient == 1, "\(pinned)")
        #expect(pinned.bpda == 0, "\(pinned)")
        #expect(pinned.adaptive == 0, "\(pinned)")

        // without the action, both gradients are the model's own: x0 and x1 both move and flip both
        let plain = try RepairComparison.score("original", InferenceSession(model: fixture), fingerprint: "f", changed: 0, part, attack)
        #expect(plain.exactGradient == 0 && plain.bpda == 0 && plain.adaptive == 0 && plain.benign == 1, "\(plain)")
    }
}
