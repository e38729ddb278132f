import Engine
import IPG
import Testing
import TestSupport

/// IPGs of tiny merging models (a residual Add, a Concat, a ReduceMean head), computed by hand
/// in the comments.
@Suite struct MergeIPGTests {
    /// x: ch0 = [1, 2], ch1 = [3, −1]; a 1×1 conv doubles ch0 and negates ch1; Add(conv, x) → Relu.
    static func residual(shortcut: (inout GraphBuilder) -> String) throws -> (ModelTopology, Trace, InferenceProvenanceGraph) {
        var builder = GraphBuilder(inputShape: [nil, 2, 2])
        builder.weights("w", shape: [2, 2, 1], [2, 0, 0, -1])
        let conv = builder.node("Conv", ["x", "w"], name: "conv")
        let sum = builder.node("Add", [conv, shortcut(&builder)], name: "residual")
        let output = builder.node("Relu", [sum])
        return try provenanceGraph(builder.model(output: output), input: [1, 2, 3, -1], sampleShape: [2, 2])
    }

    @Test func residualAddReadsBothLayers() throws {
        let (topology, trace, graph) = try Self.residual { _ in "x" }
        // conv: ch0 = [2, 4] (edge 0:0→1:0 = 2·3 = 6, 0:1→1:0 = 0), ch1 = [−3, 1] (0:0→1:1 = 0, 0:1→1:1 = −1·2 = −2)
        // sum: ch0 = [3, 6] → relu [3, 6]; ch1 = [0, 0] → inactive
        // edges into the sum: each addend's channel-0 map sum: conv 2 + 4 = 6, x 1 + 2 = 3
        let merge = topology.layers[2]
        #expect(merge.kind == .add && merge.activation == .relu && merge.name == "residual")
        #expect(merge.sources.map(\.layer) == [1, 0])
        #expect(merge.sources.map(\.edgeRule) == [.channelScale(scales: [1, 1]), .channelScale(scales: [1, 1])])
        #expect(trace.layerValues[2] == [3, 6, 0, 0])
        #expect(graph.nodeIDs == ["0:0", "0:1", "1:0", "1:1", "2:0"])
        #expect(approximatelyEqual(graph.weights, [
            "0:0->1:0": 6, "0:1->1:0": 0, "0:0->1:1": 0, "0:1->1:1": -2,
            "1:0->2:0": 6, "0:0->2:0": 3,
        ]))
    }

    @Test func rescaledAddendKeepsItsEdgesWithTheTrace() throws {
        let (topology, trace, graph) = try Self.residual { builder in
            builder.weights("half", shape: [], [0.5])
            return builder.node("Mul", ["x", "half"])
        }
        // the addend is x/2: ch0 = [0.5, 1] (sum 1.5), ch1 = [1.5, −0.5]; sum ch0 = [2.5, 5], ch1 = [−1.5, 0.5] → relu [0, 0.5]
        #expect(topology.layers[2].sources.map(\.edgeRule) == [.channelScale(scales: [1, 1]), .explicit])
        #expect(trace.layerValues[2] == [2.5, 5, 0, 0.5])
        #expect(trace.explicitEdges[2]?.count == 2)
        #expect(approximatelyEqual(graph.weights, [
            "0:0->1:0": 6, "0:1->1:0": 0, "0:0->1:1": 0, "0:1->1:1": -2,
            "1:0->2:0": 6, "1:1->2:1": -2, "0:0->2:0": 1.5, "0:1->2:1": 1,
        ]))
    }

    @Test func concatMapsEachSourceNodeToTheNodeItBecame() throws {
        var builder = GraphBuilder(inputShape: [nil, 3])
        // h = relu([1 1 1; 0 1 0] · x) = relu([2, −2]) = [2, 0] for x = [1, −2, 3]
        builder.weights("w", shape: [2, 3], [1, 1, 1, 0, 1, 0])
        let hidden = builder.node("Relu", [builder.node("Gemm", ["x", "w"], attributes: ["transB": .int(1)])])
        let output = builder.node("Concat", [hidden, "x"], name: "joined", attributes: ["axis": .int(1)])
        let (topology, trace, graph) = try provenanceGraph(builder.model(output: output), input: [1, -2, 3], sampleShape: [3])
        let merge = topology.layers[2]
        #expect(merge.kind == .concat && merge.nodeCount == 5)
        #expect(merge.sources == [LayerSource(layer: 1, edgeRule: .concat(channelOffset: 0)), LayerSource(layer: 0, edgeRule: .concat(channelOffset: 2))])
        #expect(trace.layerValues[2] == [2, 0, 1, -2, 3])
        // concat edges: 1:0→2:0 (2), 0:0→2:2 (1), 0:1→2:3 (−2), 0:2→2:4 (3); 1:1 and 2:1 are inactive
        #expect(approximatelyEqual(graph.weights, [
            "0:0->1:0": 1, "0:1->1:0": -2, "0:2->1:0": 3,
            "1:0->2:0": 2, "0:0->2:2": 1, "0:1->2:3": -2, "0:2->2:4": 3,
        ]))
    }

    @Test func reduceMeanOverSpatialAxesIsAPoolingLayer() throws {
        var builder = GraphBuilder(inputShape: [nil, 2, 2])
        let output = builder.node("ReduceMean", ["x"], attributes: ["axes": .ints([2]), "keepdims": .int(0)])
        // ch0 = [1, 2] → 1.5, ch1 = [3, −1] → 1: one unit per channel, edge = the pooled value
        let (topology, trace, graph) = try provenanceGraph(builder.model(output: output), input: [1, 2, 3, -1], sampleShape: [2, 2])
        #expect(topology.layers[1].kind == .pool && topology.layers[1].nodeShape == [])
        #expect(trace.layerValues[1] == [1.5, 1])
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 1.5, "0:1->1:1": 1]))
    }

    @Test func unsupportedMergesAreRefusedWithTheirReason() throws {
        var broadcast = GraphBuilder(inputShape: [nil, 2, 2])
        let pooled = broadcast.node("GlobalAveragePool", ["x"])
        let added = broadcast.node("Add", ["x", pooled], name: "broadcast_add")
        var overChannels = GraphBuilder(inputShape: [nil, 2, 2])
        let mean = overChannels.node("ReduceMean", ["x"], name: "channel_mean", attributes: ["axes": .ints([1])])
        var spatialConcat = GraphBuilder(inputShape: [nil, 2, 2])
        let doubled = spatialConcat.node("Relu", ["x"])
        let joined = spatialConcat.node("Concat", ["x", doubled], name: "joined", attributes: ["axis": .int(2)])
        var gated = GraphBuilder(inputShape: [nil, 2, 2])
        let gate = gated.node("Mul", ["x", gated.node("Sigmoid", ["x"])], name: "gate")
        let flattened = gated.node("Flatten", [gate])
        let cases = [
            (broadcast, added, "node 'broadcast_add' (Add): IPG capture adds layers of one shape only (no broadcasting)"),
            (gated, flattened, "node 'gate' (Mul) combines values from 2 layers; IPG capture merges layers only with Add, Sum or Concat"),
            (overChannels, mean, "node 'channel_mean' (ReduceMean): IPG capture needs a mean over spatial axes"),
            (spatialConcat, joined, "node 'joined' (Concat): IPG capture concatenates along channels (axis 1) only"),
        ]
        for (builder, output, message) in cases {
            let error = #expect(throws: EngineError.self) {
                _ = try provenanceGraph(builder.model(output: output), input: [1, 2, 3, -1], sampleShape: [2, 2])
            }
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
        }
    }
}
