import Engine
import Testing
import TestSupport

/// The gradient through inserted node actions is the action's own derivative: 1 − α inside
/// the window (|x − b| < β) and 1 outside, per element, computed by hand; Abs differentiates
/// like the other activations (finite differences).
@Suite struct NodeActionGradientTests {
    @Test func gradientIsOneMinusStrengthInsideTheWindow() throws {
        var builder = GraphBuilder(inputShape: [nil, 3])
        let hidden = builder.node("Identity", ["x"], name: "hidden")
        let output = builder.node("Identity", [hidden], name: "out")
        var graph = try builder.model(output: output).graph
        // node 0: b 1, α 0.25, β 0.75; node 2: b 0, α 1, β 2; node 1 untouched.
        graph = try graph.applyingNodeActions(
            [NodeAction(node: 0, target: 1, strength: 0.25, window: 0.75), NodeAction(node: 2, target: 0, strength: 1, window: 2)],
            after: hidden, width: 3, label: "act")
        let session = try InferenceSession(model: Model(graph: graph, fingerprint: "", source: "act"))
        // row 0: 1.5 inside node 0's window, 5 outside node 2's; row 1: 2 outside, -1 inside.
        let input = Tensor(shape: [2, 3], values: [1.5, 7, 5, 2, -3, -1])
        let evaluation = try session.evaluate(input)
        #expect(evaluation.output.values == [1.375, 7, 5, 2, -3, 0])
        let gradients = try session.gradients(of: evaluation, seeds: [output: Tensor(shape: [2, 3], repeating: 1)])
        #expect(gradients.input.values == [0.75, 1, 1, 1, 1, 0])
    }

    @Test func absMatchesFiniteDifferences() throws {
        var builder = GraphBuilder(inputShape: [2, 3])
        builder.weights("w", shape: [3, 3], FiniteDifferenceTests.values(9, seed: 31))
        let product = builder.node("MatMul", ["x", "w"])
        let output = builder.node("Abs", [product])
        // inputs whose products stay away from Abs's kink at 0
        try FiniteDifferenceTests.check(builder.model(output: output), input: Tensor(shape: [2, 3], values: [1, 2, 3, -2, 1, 0.5]))
    }
}
