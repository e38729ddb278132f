import Engine
import Foundation
import IPG
import Testing
import TestSupport

/// Edge weights checked against an independent definition: by linearity, the contribution
/// of source node c to target k is Σ over k's map of (pre-activation with every source
/// present) − (pre-activation with c zeroed). The engine's forward pass computes both sides.
@Suite struct EdgeLinearityTests {
    /// Deterministic pseudo-random values in [−1, 1].
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
    }

    static func checkAgainstAblation(model: Model, sampleShape: [Int], input: [Float]) throws {
        let session = try InferenceSession(model: model)
        let capture = try ProvenanceCapture(session: session, sampleShape: sampleShape)
        let trace = try capture.capture(Tensor(shape: [1] + sampleShape, values: input), samples: [SampleDescription(inputIndex: 0, trueLabel: nil, tag: "t")])[0]
        let graph = InferenceProvenanceGraph(topology: capture.topology, trace: trace)
        let source = capture.topology.layers[0], target = capture.topology.layers[1]
        let full = try session.run(Tensor(shape: [1] + sampleShape, values: input)).values
        var checked = 0
        for edge in graph.edges {
            var ablated = input
            for element in (edge.source.index * source.nodeSize)..<((edge.source.index + 1) * source.nodeSize) { ablated[element] = 0 }
            let without = try session.run(Tensor(shape: [1] + sampleShape, values: ablated)).values
            let range = (edge.target.index * target.nodeSize)..<((edge.target.index + 1) * target.nodeSize)
            let expected = range.reduce(Float(0)) { $0 + full[$1] - without[$1] }
            #expect(abs(edge.weight - expected) <= 1e-4 * max(1, abs(expected)), "edge \(edge.source)->\(edge.target)")
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test(arguments: [
        (groups: 1, strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0]),
        (groups: 1, strides: [2, 1], dilations: [1, 2], pads: [1, 0, 2, 1]),
        (groups: 2, strides: [1, 2], dilations: [2, 1], pads: [1, 1, 1, 1]),
    ])
    func conv2DEdgesEqualAblation(groups: Int, strides: [Int], dilations: [Int], pads: [Int]) throws {
        var builder = GraphBuilder(inputShape: [nil, 4, 7, 6])
        builder.weights("w", shape: [6, 4 / groups, 3, 2], Self.values(6 * 4 / groups * 6, seed: 1))
        builder.weights("b", shape: [6], Self.values(6, seed: 2))
        let output = builder.node("Conv", ["x", "w", "b"], attributes: [
            "group": .int(groups), "strides": .ints(strides), "dilations": .ints(dilations), "pads": .ints(pads),
        ])
        try Self.checkAgainstAblation(model: builder.model(output: output), sampleShape: [4, 7, 6], input: Self.values(4 * 42, seed: 3))
    }

    @Test func conv1DSamePaddingEdgesEqualAblation() throws {
        var builder = GraphBuilder(inputShape: [nil, 3, 11])
        builder.weights("w", shape: [5, 3, 4], Self.values(60, seed: 4))
        let output = builder.node("Conv", ["x", "w"], attributes: ["auto_pad": .string("SAME_UPPER"), "strides": .ints([2])])
        try Self.checkAgainstAblation(model: builder.model(output: output), sampleShape: [3, 11], input: Self.values(33, seed: 5))
    }

    @Test func denseEdgesEqualAblation() throws {
        var builder = GraphBuilder(inputShape: [nil, 9])
        builder.weights("w", shape: [9, 4], Self.values(36, seed: 6))
        builder.weights("b", shape: [4], Self.values(4, seed: 7))
        let output = builder.node("Gemm", ["x", "w", "b"], attributes: ["alpha": .float(0.5), "beta": .float(3)])
        try Self.checkAgainstAblation(model: builder.model(output: output), sampleShape: [9], input: Self.values(9, seed: 8))
    }

    @Test func batchNormEdgesEqualAblation() throws {
        var builder = GraphBuilder(inputShape: [nil, 3, 5])
        builder.weights("gamma", shape: [3], [1.5, -2, 0.5])
        builder.weights("beta", shape: [3], [0.1, 0.2, 0.3])
        builder.weights("mean", shape: [3], [0.5, -0.5, 0])
        builder.weights("var", shape: [3], [2, 0.25, 1])
        let output = builder.node("BatchNormalization", ["x", "gamma", "beta", "mean", "var"])
        try Self.checkAgainstAblation(model: builder.model(output: output), sampleShape: [3, 5], input: Self.values(15, seed: 9))
    }
}
