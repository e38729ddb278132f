import Engine
import IPG
import Testing
import TestSupport

/// IPGs of tiny dense models, computed by hand in the comments.
@Suite struct DenseIPGTests {
    @Test func gemmReluThenScaledGemm() throws {
        // W1 (transB) = [[1, 2], [3, -4], [0, 1]], b1 = [0, 0, 1]; x = [1, 2]
        // pre = [5, -5, 3] → relu [5, 0, 3]: units 0 and 2 active.
        // B2 = [[1, 0], [5, 5], [0, -1]] (no transB), alpha 2, C = [0.5, 0.5]
        // out = 2·[5, -3] + 0.5 = [10.5, -5.5]
        let (topology, trace, graph) = try provenanceGraph(TinyModels.gemmReluScaledGemm(), input: [1, 2], sampleShape: [2])

        #expect(topology.layers.map(\.kind) == [.input, .dense, .dense])
        #expect(topology.layers.map(\.activation) == [.identity, .relu, .identity])
        #expect(topology.layers.map(\.name) == ["x", "fc1", "fc2"])
        #expect(trace.layerValues == [[1, 2], [5, 0, 3], [10.5, -5.5]])
        #expect(graph.nodeIDs == ["0:0", "0:1", "1:0", "1:2", "2:0", "2:1"])
        let expected: [String: Float] = [
            "0:0->1:0": 1, "0:1->1:0": 4, "0:0->1:2": 0, "0:1->1:2": 2,
            "1:0->2:0": 10, "1:2->2:0": 0, "1:0->2:1": 0, "1:2->2:1": -6,
        ]
        #expect(approximatelyEqual(graph.weights, expected))
        #expect(trace.metadata.predictedLabel == 0)
    }

    @Test func matMulBiasSigmoidIsOneLayerWithThreshold() throws {
        var builder = GraphBuilder(inputShape: [nil, 2])
        // x·W = [1·1 + (−1)·2, 1·(−1) + 0] = [−1, −1]; + [1, 3] = [0, 2]; sigmoid = [0.5, 0.8808]
        builder.weights("w", shape: [2, 2], [1, -1, 2, 0])
        builder.weights("b", shape: [2], [1, 3])
        let product = builder.node("MatMul", ["x", "w"], name: "dense")
        let biased = builder.node("Add", [product, "b"])
        let output = builder.node("Sigmoid", [biased])
        let model = try builder.model(output: output)

        let strict = try provenanceGraph(model, input: [1, -1], sampleShape: [2], thresholds: ActivationThresholds([.sigmoid: 0.5]))
        #expect(strict.topology.layers.count == 2)
        #expect(strict.topology.layers[1].kind == .dense)
        #expect(strict.topology.layers[1].activation == .sigmoid)
        #expect(strict.topology.layers[1].threshold == 0.5)
        #expect(strict.graph.nodeIDs == ["0:0", "0:1", "1:1"])
        #expect(approximatelyEqual(strict.graph.weights, ["0:0->1:1": -1, "0:1->1:1": 0]))

        let loose = try provenanceGraph(model, input: [1, -1], sampleShape: [2])
        #expect(loose.graph.edges.count == 4)
        #expect(approximatelyEqual(loose.graph.weights, ["0:0->1:0": 1, "0:1->1:0": -2, "0:0->1:1": -1, "0:1->1:1": 0]))
    }

    @Test func rescalingBetweenLayersStoresExplicitEdges() throws {
        var builder = GraphBuilder(inputShape: [nil, 2])
        // the Gemm sees 2·x = [2, 6]; W = [[1, 1]] → contributions 2 and 6
        builder.weights("two", shape: [], [2])
        builder.weights("w", shape: [1, 2], [1, 1])
        let doubled = builder.node("Mul", ["x", "two"])
        let output = builder.node("Gemm", [doubled, "w"], attributes: ["transB": .int(1)])
        let (topology, trace, graph) = try provenanceGraph(builder.model(output: output), input: [1, 3], sampleShape: [2])
        #expect(topology.layers[1].edgeRule == .explicit)
        #expect(trace.explicitEdges[1]?.count == 2)
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 2, "0:1->1:0": 6]))
    }

    @Test func activationWithoutLayerOperatorIsItsOwnLayer() throws {
        var builder = GraphBuilder(inputShape: [nil, 2])
        builder.weights("w", shape: [1, 2], [1, 1])
        let squashed = builder.node("Tanh", ["x"])
        let output = builder.node("Gemm", [squashed, "w"], attributes: ["transB": .int(1)])
        let (topology, _, graph) = try provenanceGraph(builder.model(output: output), input: [0.5, 0], sampleShape: [2])
        #expect(topology.layers.map(\.kind) == [.input, .activation, .dense])
        // tanh(0.5) = 0.4621; the activation layer's edge carries its pre-activation, 0.5
        #expect(graph.nodeIDs == ["0:0", "1:0", "2:0"])
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 0.5, "1:0->2:0": 0.46211716]))
    }
}
