import Foundation
import IPG

/// A layer table using every edge rule (merge layers too), and traces with every metadata field, for stream tests.
enum StreamSamples {
    static let topology: ModelTopology = {
        let geometry = ConvolutionGeometry(
            inputChannels: 1, outputChannels: 2, groups: 1, kernelShape: [3, 3], strides: [1, 1],
            dilations: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], inputSpatial: [4, 4], outputSpatial: [4, 4])
        let layers = [
            Layer(index: 0, name: "input", kind: .input, activation: .identity, threshold: 0, nodeCount: 1, nodeShape: [4, 4], source: nil, edgeRule: .none),
            Layer(index: 1, name: "conv", kind: .conv, activation: .relu, threshold: 0, nodeCount: 2, nodeShape: [4, 4], source: 0,
                  edgeRule: .conv(geometry, weights: (0..<18).map { Float($0) / 7 - 1 })),
            Layer(index: 2, name: "bn", kind: .batchNorm, activation: .identity, threshold: 0, nodeCount: 2, nodeShape: [4, 4], source: 1,
                  edgeRule: .channelScale(scales: [0.5, -2])),
            Layer(index: 3, name: "pool", kind: .pool, activation: .identity, threshold: 0.25, nodeCount: 2, nodeShape: [2, 2], source: 2, edgeRule: .channelOutput),
            Layer(index: 4, name: "flatten", kind: .reshape, activation: .identity, threshold: 0, nodeCount: 8, nodeShape: [], source: 3, edgeRule: .reshape),
            Layer(index: 5, name: "fc", kind: .dense, activation: .leakyRelu, threshold: 0, nodeCount: 3, nodeShape: [], source: 4,
                  edgeRule: .dense(weights: (0..<24).map { sin(Float($0)) })),
            Layer(index: 6, name: "rescaled", kind: .activation, activation: .tanh, threshold: 1e-3, nodeCount: 3, nodeShape: [], source: 5, edgeRule: .explicit),
            Layer(index: 7, name: "residual", kind: .add, activation: .relu, threshold: 0, nodeCount: 3, nodeShape: [], source: 5,
                  edgeRule: .channelScale(scales: [1, 1, 1]), mergedSources: [LayerSource(layer: 6, edgeRule: .channelScale(scales: [1, 1, 1]))]),
            Layer(index: 8, name: "concat", kind: .concat, activation: .identity, threshold: 0, nodeCount: 4, nodeShape: [2, 2], source: 3,
                  edgeRule: .concat(channelOffset: 0), mergedSources: [LayerSource(layer: 3, edgeRule: .concat(channelOffset: 2))]),
        ]
        return ModelTopology(fingerprint: String(repeating: "ab", count: 32), name: "every-rule", layers: layers)
    }()

    /// Trace `number`: ReLU-like zeros, a value outside float16's range on odd traces, an
    /// explicit edge, and metadata varying with the number.
    static func trace(_ number: Int) -> Trace {
        var generator = SplitMix(seed: UInt64(number + 1))
        let values = topology.layers.map { layer in
            (0..<layer.valueCount).map { _ -> Float in
                let value = Float(generator.nextUnit() * 4 - 2)
                return layer.activation == .relu ? max(0, value) : value
            }
        }
        var layerValues = values
        if number % 2 == 1 { layerValues[5][0] = 1e6 }
        let metadata = TraceMetadata(
            inputIndex: number * 3, inputHash: String(repeating: "\(number % 10)", count: 64),
            trueLabel: number % 3 == 0 ? nil : number % 10, predictedLabel: (number + 1) % 10,
            confidence: 0.5 + Float(number) / 100, tag: number % 2 == 0 ? "clean" : "fgsm",
            parent: number % 2 == 0 ? nil : TraceReference(tag: "clean", inputIndex: number - 1),
            attributes: number % 4 == 0 ? [] : [KeyValue("epsilon", "0.\(number)"), KeyValue("note", "é ✓")])
        let edges = [Edge(source: NodeID(layer: 5, index: number % 3), target: NodeID(layer: 6, index: 2), weight: Float(number) - 0.5)]
        return Trace(metadata: metadata, layerValues: layerValues, explicitEdges: [6: edges])
    }
}

/// A small deterministic generator (SplitMix64) so samples do not depend on the platform.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
