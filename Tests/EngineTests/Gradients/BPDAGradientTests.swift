import Engine
import Testing
import TestSupport

/// BPDA (the backward pass of the original network) treats inserted node actions as identity:
/// its gradient differs from the repaired model's own gradient exactly where a value fell
/// inside an action's window, and equals the original network's gradient.
@Suite struct BPDAGradientTests {
    @Test func differsFromTheExactGradientExactlyInsideActionWindows() throws {
        var builder = GraphBuilder(inputShape: [nil, 3])
        let hidden = builder.node("Identity", ["x"], name: "hidden")
        let output = builder.node("Identity", [hidden], name: "out")
        let actions = [NodeAction(node: 0, target: 1, strength: 0.25, window: 0.75), NodeAction(node: 2, target: 0, strength: 1, window: 2)]
        let graph = try builder.model(output: output).graph.applyingNodeActions(actions, after: hidden, width: 3, label: "act")
        let session = try InferenceSession(model: Model(graph: graph, fingerprint: "", source: "act"))
        let input = Tensor(shape: [2, 3], values: [1.5, 7, 5, 2, -3, -1])
        // by hand: row 0 node 0 (|1.5 − 1| < 0.75) and row 1 node 2 (|−1 − 0| < 2) are inside.
        let inside = [true, false, false, false, false, true]
        let evaluation = try session.evaluate(input)
        let seeds = [output: Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])]
        let exact = try session.gradients(of: evaluation, seeds: seeds).input.values
        let bpda = try session.gradients(of: evaluation, seeds: seeds, backwardPass: .bpda).input.values
        #expect(bpda == [1, 2, 3, 4, 5, 6])
        #expect(zip(exact, bpda).map { $0 != $1 } == inside)
    }

    @Test func equalsTheOriginalNetworksGradientThroughADenseLayer() throws {
        var builder = GraphBuilder(inputShape: [nil, 4])
        builder.weights("w", shape: [4, 3], FiniteDifferenceTests.values(12, seed: 5))
        builder.weights("v", shape: [3, 2], FiniteDifferenceTests.values(6, seed: 6))
        let hidden = builder.node("MatMul", ["x", "w"], name: "hidden")
        let output = builder.node("MatMul", [hidden, "v"], name: "out")
        let original = try builder.model(output: output)
        let input = Tensor(shape: [3, 4], values: FiniteDifferenceTests.values(12, seed: 7))
        let originalSession = try InferenceSession(model: original)
        let hiddenValues = try #require(originalSession.evaluate(input)[hidden]).values
        // a window around row 0's node 1 and one around row 2's node 2; row 1 may or may not fall in either.
        let actions = [
            NodeAction(node: 1, target: hiddenValues[1] + 0.05, strength: 0.5, window: 0.1),
            NodeAction(node: 2, target: hiddenValues[8] - 0.05, strength: 1, window: 0.1),
        ]
        let repaired = try original.graph.applyingNodeActions(actions, after: hidden, width: 3, label: "act")
        let session = try InferenceSession(model: Model(graph: repaired, fingerprint: "", source: "repaired"))
        let evaluation = try session.evaluate(input)
        let seeds = [output: Tensor(shape: [3, 2], values: [1, -2, 0.5, 3, -1, 2])]
        let exact = try session.gradients(of: evaluation, seeds: seeds)
        let bpda = try session.gradients(of: evaluation, seeds: seeds, backwardPass: .bpda)
        let reference = try originalSession.gradients(of: originalSession.evaluate(input), seeds: seeds)
        expectClose(bpda.input.values, reference.input.values)
        expectClose(bpda.parameters["w"]!.values, reference.parameters["w"]!.values)
        for row in 0..<3 {
            let rowInside = actions.contains { abs(hiddenValues[row * 3 + $0.node] - $0.target) < $0.window }
            let range = row * 4..<(row + 1) * 4
            let differs = zip(exact.input.values[range], bpda.input.values[range]).contains { abs($0 - $1) > 1e-6 }
            #expect(differs == rowInside, "row \(row)")
        }
        #expect(actions.allSatisfy { action in (0..<3).contains { abs(hiddenValues[$0 * 3 + action.node] - action.target) < action.window } })
    }

    /// Actions that replace every hidden value by a constant (α 1, a window wider than any
    /// value) leave the model's own gradient zero, so FGSM on it changes nothing; FGSM on
    /// BPDA's gradient moves every input by ε.
    @Test func anAttackFollowsTheBackwardPassItIsGiven() throws {
        var builder = GraphBuilder(inputShape: [nil, 2])
        builder.weights("w", shape: [2, 2], [1, -1, 2, 0.5])
        let hidden = builder.node("MatMul", ["x", "w"], name: "hidden")
        let output = builder.node("Identity", [hidden], name: "out")
        let flattening = [0, 1].map { NodeAction(node: $0, target: 0, strength: 1, window: 1000) }
        let graph = try builder.model(output: output).graph.applyingNodeActions(flattening, after: hidden, width: 2, label: "act")
        let session = try InferenceSession(model: Model(graph: graph, fingerprint: "", source: "flat"))
        let inputs = Tensor(shape: [2, 2], values: [0.3, -0.2, 0.1, 0.4])
        let exact = try AdversarialAttack(session: session, options: AttackOptions(kind: .fgsm, epsilon: 0.1))
            .run(inputs, labels: [0, 1], batchSize: 2)
        let bpda = try AdversarialAttack(session: session, options: AttackOptions(kind: .fgsm, epsilon: 0.1, backwardPass: .bpda))
            .run(inputs, labels: [0, 1], batchSize: 2)
        #expect(exact.adversarial.values == inputs.values)
        #expect(zip(bpda.adversarial.values, inputs.values).allSatisfy { abs(abs($0 - $1) - 0.1) < 1e-6 })
    }

    private func expectClose(_ actual: [Float], _ expected: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual, expected) {
            #expect(abs(a - e) <= 1e-5 * max(1, abs(e)), "\(a) vs \(e)", sourceLocation: sourceLocation)
        }
    }
}
