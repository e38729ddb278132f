import Foundation
import IPG
import Testing
import TestSupport

/// A header whose edge rules do not fit the layers they connect is refused when read (frame 0),
/// before edge derivation could index past a weight list or a layer's values.
@Suite struct LayerTableConsistencyTests {
    struct Change: Sendable, CustomTestStringConvertible {
        let problem: String
        let apply: @Sendable (inout [Layer]) -> Void
        var testDescription: String { problem }
    }

    static let changes = [
        Change(problem: "layer 5: 23 dense weights for 8 source and 3 target nodes") {
            if case .dense(let weights) = $0[5].edgeRule { $0[5].edgeRule = .dense(weights: weights.dropLast()) }
        },
        Change(problem: "layer 5: dense edges need unit source nodes; layer 3's have shape [2, 2]") { $0[5].source = 3 },
        Change(problem: "layer 1: 1 input and 2 output channels in 0 groups") { changeConvolution(&$0) { geometry, _ in geometry.groups = 0 } },
        Change(problem: "layer 1: 17 convolution weights for shape [2, 1, 3, 3]") { changeConvolution(&$0) { _, weights in weights.removeLast() } },
        Change(problem: "layer 1: a 3-D convolution (1-D and 2-D are supported)") { changeConvolution(&$0) { geometry, _ in geometry.kernelShape = [3, 3, 1] } },
        Change(problem: "layer 1: convolution geometry lists of other lengths than its 2-D kernel") {
            changeConvolution(&$0) { geometry, _ in geometry.strides = [1] }
        },
        Change(problem: "layer 1: a convolution of 1 channels of [4, 5] from layer 0's 1 nodes of shape [4, 4]") {
            changeConvolution(&$0) { geometry, _ in geometry.inputSpatial = [4, 5] }
        },
        Change(problem: "layer 1: a convolution into 2 channels of [3, 4], the layer has 2 nodes of shape [4, 4]") {
            changeConvolution(&$0) { geometry, _ in geometry.outputSpatial = [3, 4] }
        },
        Change(problem: "layer 2: 1 channel scales from 2 to 2 channels") { $0[2].edgeRule = .channelScale(scales: [0.5]) },
        Change(problem: "layer 3: channel edges from 2 to 3 channels") { $0[3].nodeCount = 3 },
        Change(problem: "layer 4: a reshape of 8 values into 9") { $0[4].nodeCount = 9 },
        Change(problem: "layer 8: a concatenation of 2 nodes of shape [2, 2] at offset 3 into 4 nodes of shape [2, 2]") {
            $0[8].mergedSources[0].edgeRule = .concat(channelOffset: 3)
        },
        Change(problem: "layer 7: a merge of 2 sources cannot use a reshape rule for source layer 6") { $0[7].mergedSources[0].edgeRule = .reshape },
        Change(problem: "layer 7: a merge mixes added and concatenated sources") { $0[7].mergedSources[0].edgeRule = .concat(channelOffset: 0) },
        Change(problem: "merged source 8 → 7: not an earlier layer feeding a layer with a first source") { $0[7].mergedSources[0].layer = 8 },
    ]

    @Test(arguments: changes)
    func inconsistentLayerTableIsRefused(change: Change) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("table.ipgz")
        var layers = StreamSamples.topology.layers
        change.apply(&layers)
        let topology = ModelTopology(fingerprint: StreamSamples.topology.fingerprint, name: "inconsistent", layers: layers)
        try TraceStreamWriter(path: path, header: StreamHeader(topology: topology)).finish()
        let outcome = StreamReadOutcome(reading: path)
        let error = try #require(outcome.streamError)
        #expect(error.frame == 0)
        #expect(error.offset == 8)
        #expect(error.message == "header: \(change.problem)")
    }

    private static func changeConvolution(_ layers: inout [Layer], _ change: (inout ConvolutionGeometry, inout [Float]) -> Void) {
        guard case .conv(var geometry, var weights) = layers[1].edgeRule else { return }
        change(&geometry, &weights)
        layers[1].edgeRule = .conv(geometry, weights: weights)
    }
}
