import Engine
import Foundation
import IPG
import Testing
import TestSupport

/// Capture of the residual and concat fixtures (scripts/fixtures/make_fixtures.py): every
/// layer's node values equal onnxruntime's value of the tensor the layer stands for, and every
/// merge edge carries the map sum of its source as onnxruntime computed it.
@Suite struct MergeCaptureParityTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let fixture: String
        /// Layer kinds of the planned topology, in order.
        let kinds: [LayerKind]
        var testDescription: String { fixture }
    }

    static let cases = [
        // stem conv, bn(+relu), maxpool; block 1: conv, bn+relu, conv, bn, add+relu; block 2: the same plus a conv-bn shortcut; gap, flatten, fc
        Expected(fixture: "resnet_cifar", kinds: [
            .input, .conv, .batchNorm, .pool, .conv, .batchNorm, .conv, .batchNorm, .add,
            .conv, .batchNorm, .conv, .batchNorm, .conv, .batchNorm, .add, .pool, .reshape, .dense,
        ]),
        // BN folded: stem conv+relu, maxpool; block 1: conv+relu, conv, add+relu; block 2: conv+relu, conv, shortcut conv, add+relu; mean, reshape, fc
        Expected(fixture: "resnet_mnist", kinds: [.input, .conv, .pool, .conv, .conv, .add, .conv, .conv, .conv, .add, .pool, .reshape, .dense]),
        Expected(fixture: "concat_net", kinds: [.input, .conv, .conv, .conv, .concat, .conv, .pool, .reshape, .dense, .dense, .activation, .add]),
    ]

    @Test(arguments: cases)
    func capturedLayersMatchOnnxRuntime(expected: Expected) throws {
        let manifest = try FixtureManifest.load(expected.fixture)
        let folder = FixturePaths.onnxFixture(expected.fixture)
        let input = try DatasetLoader.load(inputs: folder.appendingPathComponent(manifest.input!.file).path).features
        let capture = try ProvenanceCapture(
            session: InferenceSession(model: Model.load(path: folder.appendingPathComponent("model.onnx").path)),
            sampleShape: Array(input.shape.dropFirst()))
        let samples = input.shape[0]
        let traces = try capture.capture(input, samples: (0..<samples).map { SampleDescription(inputIndex: $0, trueLabel: nil, tag: "clean") })
        let topology = capture.topology
        #expect(topology.layers.map(\.kind) == expected.kinds)

        var reference: [String: [Float]] = [manifest.input!.name: input.values]
        for value in manifest.values! {
            reference[value.name] = try DatasetLoader.load(inputs: folder.appendingPathComponent(value.file).path).features.values
        }
        func referenceValues(layer: Int, sample: Int) throws -> [Float] {
            let all = try #require(reference[capture.layerValueNames[layer]], "no onnxruntime value for layer \(layer)")
            let size = topology.layers[layer].valueCount
            return Array(all[(sample * size)..<((sample + 1) * size)])
        }
        for (sample, trace) in traces.enumerated() {
            for layer in topology.layers {
                let (close, detail) = closeToReference(trace.layerValues[layer.index], try referenceValues(layer: layer.index, sample: sample))
                #expect(close, "\(expected.fixture) sample \(sample) layer \(layer.index) (\(layer.name)): \(detail)")
            }
            // merge edges: source node c → target node offset + c, weight Σ of the source map in onnxruntime's values
            let graph = InferenceProvenanceGraph(topology: topology, trace: trace)
            let weights = Dictionary(graph.edges.map { ("\($0.source)->\($0.target)", $0.weight) }, uniquingKeysWith: { first, _ in first })
            for layer in topology.layers where layer.kind == .add || layer.kind == .concat {
                let active = layer.activeNodes(in: trace.layerValues[layer.index])
                var mergeEdges = 0
                for source in layer.sources {
                    let offset: Int
                    switch source.edgeRule {
                    case .concat(let channelOffset): offset = channelOffset
                    case .channelScale: offset = 0
                    default: Issue.record("merge source rule \(source.edgeRule)"); continue
                    }
                    let sourceLayer = topology.layers[source.layer]
                    let sourceActive = sourceLayer.activeNodes(in: trace.layerValues[source.layer])
                    let values = try referenceValues(layer: source.layer, sample: sample)
                    for channel in 0..<sourceLayer.nodeCount {
                        let key = "\(source.layer):\(channel)->\(layer.index):\(offset + channel)"
                        guard sourceActive[channel] && active[offset + channel] else {
                            #expect(weights[key] == nil, "\(key) joins an inactive node")
                            continue
                        }
                        let map = values[(channel * sourceLayer.nodeSize)..<((channel + 1) * sourceLayer.nodeSize)]
                        let sum = map.reduce(0, +), scale = map.reduce(0) { $0 + abs($1) }
                        let weight = try #require(weights[key], "\(expected.fixture): no edge \(key)")
                        #expect(abs(weight - sum) <= 1e-4 * max(1, scale), "\(expected.fixture): \(key) = \(weight), onnxruntime's map sums to \(sum)")
                        mergeEdges += 1
                    }
                }
                #expect(mergeEdges > 0, "\(expected.fixture) layer \(layer.index) has merge edges")
            }
        }
    }
}
