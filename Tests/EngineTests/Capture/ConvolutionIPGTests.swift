import Engine
import IPG
import Testing
import TestSupport

/// IPGs of tiny convolutional models, computed by hand in the comments.
@Suite struct ConvolutionIPGTests {
    @Test func conv2DReluTwoChannels() throws {
        var builder = GraphBuilder(inputShape: [nil, 2, 3, 3])
        // channel 0 = [1 2 0; 0 1 3; 4 0 1], channel 1 = all ones.
        // k0: c0 [[1,0],[0,1]], c1 [[0,0],[0,−1]] → pre [2−1, 5−1; 0−1, 2−1] = [1, 4, −1, 1] → relu [1, 4, 0, 1]
        //     edge c0→k0 = 2+5+0+2 = 9, c1→k0 = −4
        // k1: c0 and c1 all ones, bias −20 → every window sum < 20 → inactive
        builder.weights("w", shape: [2, 2, 2, 2], [1, 0, 0, 1, 0, 0, 0, -1, 1, 1, 1, 1, 1, 1, 1, 1])
        builder.weights("b", shape: [2], [0, -20])
        let conv = builder.node("Conv", ["x", "w", "b"], name: "conv")
        let output = builder.node("Relu", [conv])
        let input: [Float] = [1, 2, 0, 0, 1, 3, 4, 0, 1] + [Float](repeating: 1, count: 9)
        let (topology, trace, graph) = try provenanceGraph(builder.model(output: output), input: input, sampleShape: [2, 3, 3])

        #expect(topology.layers[0].nodeCount == 2 && topology.layers[0].nodeShape == [3, 3])
        #expect(topology.layers[1].kind == .conv && topology.layers[1].nodeShape == [2, 2])
        #expect(trace.layerValues[1] == [1, 4, 0, 1, 0, 0, 0, 0])
        #expect(graph.nodeIDs == ["0:0", "0:1", "1:0"])
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 9, "0:1->1:0": -4]))
        #expect(graph.nodes.first { $0.id.description == "1:0" }?.value == [1, 4, 0, 1])
    }

    @Test func conv1DWithPaddingAndStride() throws {
        var builder = GraphBuilder(inputShape: [nil, 1, 3])
        // x = [1, 2, 3], kernel [1, 10, 100], pads 1, stride 2:
        // out0 = 0·1 + 1·10 + 2·100 = 210, out1 = 2·1 + 3·10 + 0·100 = 32 → edge 242
        builder.weights("w", shape: [1, 1, 3], [1, 10, 100])
        let output = builder.node("Conv", ["x", "w"], attributes: ["pads": .ints([1, 1]), "strides": .ints([2])])
        let (topology, trace, graph) = try provenanceGraph(builder.model(output: output), input: [1, 2, 3], sampleShape: [1, 3])
        #expect(topology.layers[1].nodeShape == [2])
        #expect(trace.layerValues[1] == [210, 32])
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 242]))
    }

    @Test func poolingEdgesCarryThePooledMap() throws {
        var builder = GraphBuilder(inputShape: [nil, 2, 2, 2])
        // ch0 = [1 −2; 3 0] → max 3, global mean 0.5; ch1 = all −1 → max −1, mean −1
        let pooled = builder.node("MaxPool", ["x"], attributes: ["kernel_shape": .ints([2, 2])])
        let output = builder.node("GlobalAveragePool", [pooled])
        let input: [Float] = [1, -2, 3, 0, -1, -1, -1, -1]
        let (topology, _, graph) = try provenanceGraph(builder.model(output: output), input: input, sampleShape: [2, 2, 2])
        #expect(topology.layers.map(\.kind) == [.input, .pool, .pool])
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 3, "0:1->1:1": -1, "1:0->2:0": 3, "1:1->2:1": -1]))
    }

    @Test func poolingWithFusedReluKeepsPreActivationWeights() throws {
        var builder = GraphBuilder(inputShape: [nil, 2, 2, 2])
        let pooled = builder.node("AveragePool", ["x"], attributes: ["kernel_shape": .ints([1, 2])])
        let output = builder.node("Relu", [pooled])
        // ch0 rows: (1 + −2)/2 = −0.5 → 0, (3 + 0)/2 = 1.5; ch1 all −1 → 0 (inactive)
        let input: [Float] = [1, -2, 3, 0, -1, -1, -1, -1]
        let (topology, trace, graph) = try provenanceGraph(builder.model(output: output), input: input, sampleShape: [2, 2, 2])
        #expect(topology.layers[1].activation == .relu && topology.layers[1].edgeRule == .explicit)
        #expect(trace.layerValues[1] == [0, 1.5, 0, 0])
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 1.0]))
    }

    @Test func batchNormalizationScalesTheChannelSum() throws {
        var builder = GraphBuilder(inputShape: [nil, 2, 2])
        // scale = γ/√(var+ε) = [2/√4, 1/√16] = [1, 0.25]; ch0 = [1, 2] → 3; ch1 = [3, −3] → 0
        builder.weights("gamma", shape: [2], [2, 1])
        builder.weights("beta", shape: [2], [0, 1])
        builder.weights("mean", shape: [2], [0, 0])
        builder.weights("var", shape: [2], [3, 15])
        let output = builder.node("BatchNormalization", ["x", "gamma", "beta", "mean", "var"], attributes: ["epsilon": .float(1)])
        let (topology, trace, graph) = try provenanceGraph(builder.model(output: output), input: [1, 2, 3, -3], sampleShape: [2, 2])
        #expect(topology.layers[1].kind == .batchNorm)
        #expect(trace.layerValues[1] == [1, 2, 1.75, 0.25])
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 3, "0:1->1:1": 0]))
    }

    @Test func flattenAndReshapeMapChannelsToUnits() throws {
        var builder = GraphBuilder(inputShape: [nil, 2, 2])
        builder.integers("shape", [0, 2, 2])
        let flat = builder.node("Flatten", ["x"])
        let output = builder.node("Reshape", [flat, "shape"])
        // ch0 = [1, 0], ch1 = [0, 3] → units [1, 0, 0, 3] → channels [1, 0], [0, 3]
        let (topology, _, graph) = try provenanceGraph(builder.model(output: output), input: [1, 0, 0, 3], sampleShape: [2, 2])
        #expect(topology.layers.map(\.kind) == [.input, .reshape, .reshape])
        #expect(topology.layers[1].nodeCount == 4 && topology.layers[2].nodeCount == 2)
        #expect(graph.nodeIDs == ["0:0", "0:1", "1:0", "1:3", "2:0", "2:1"])
        #expect(approximatelyEqual(graph.weights, ["0:0->1:0": 1, "0:1->1:3": 3, "1:0->2:0": 1, "1:3->2:1": 3]))
    }
}
