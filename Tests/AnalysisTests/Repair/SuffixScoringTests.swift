@testable import Analysis
import Engine
import Testing
import TestSupport

/// Scoring actions from cached activations through a suffix of the network gives exactly the
/// accuracy of a full forward pass of the repaired model, for one layer and for several.
@Suite struct SuffixScoringTests {
    /// x (4) → fc1 + Relu (6) → fc2 + Relu (5) → fc3 (3), seeded weights.
    static func model() throws -> Model {
        var generator = SeededGenerator(seed: 3)
        func weights(_ count: Int) -> [Float] { (0..<count).map { _ in generator.nextGaussian() } }
        var builder = GraphBuilder(inputShape: [nil, 4])
        builder.weights("w1", shape: [4, 6], weights(24))
        builder.weights("w2", shape: [6, 5], weights(30))
        builder.weights("w3", shape: [5, 3], weights(15))
        let first = builder.node("Relu", [builder.node("MatMul", ["x", "w1"], name: "fc1")], name: "relu1")
        let second = builder.node("Relu", [builder.node("MatMul", [first, "w2"], name: "fc2")], name: "relu2")
        let logits = builder.node("MatMul", [second, "w3"], name: "fc3")
        return try builder.model(output: logits)
    }

    static func part(count: Int) -> RepairPart {
        var generator = SeededGenerator(seed: 4)
        let clean = Tensor(shape: [count, 4], values: (0..<(count * 4)).map { _ in generator.nextGaussian() })
        let shifted = Tensor(shape: [count, 4], values: clean.values.map { $0 + 0.5 * generator.nextGaussian() })
        let labels = (0..<count).map { ($0 * 7) % 3 }
        return RepairPart(clean: clean, cleanLabels: labels, cleanInputs: Array(0..<count),
                          adversarial: shifted, adversarialLabels: labels, adversarialParents: Array(0..<count))
    }

    static func fullScores(_ graph: ModelGraph, _ part: RepairPart) throws -> RepairScores {
        let session = try InferenceSession(model: Model(graph: graph, fingerprint: "", source: "full"))
        func share(_ inputs: Tensor, _ labels: [Int]) throws -> Double {
            let output = try session.run(inputs)
            let correct = labels.indices.filter { row in
                let logits = output.values[(row * 3)..<(row * 3 + 3)]
                return logits.indices.max { logits[$0] < logits[$1] }! - row * 3 == labels[row]
            }
            return Double(correct.count) / Double(labels.count)
        }
        return RepairScores(benign: try share(part.clean, part.cleanLabels), adversarial: try share(part.adversarial, part.adversarialLabels))
    }

    @Test func oneAndTwoLayersScoreAsTheFullRepairedModel() throws {
        let model = try Self.model()
        let part = Self.part(count: 300)
        let session = try InferenceSession(model: model)
        let cache = try ActivationCache(part: part, session: session, values: ["relu1", "relu2"], batchSize: 64)
        let first = LayerNodeActions(layer: 1, valueName: "relu1", width: 6, actions: [
            NodeAction(node: 0, target: 0.3, strength: 1, window: 0.8), NodeAction(node: 4, target: 0, strength: 0.5, window: 2),
        ])
        let second = LayerNodeActions(layer: 2, valueName: "relu2", width: 5, actions: [NodeAction(node: 2, target: 1, strength: 1, window: 1.5)])
        for layers in [[first], [second], [first, second]] {
            let full = try Self.fullScores(NodeRepair.apply(layers, to: model.graph), part)
            let scored = try NodeRepair.combinedScores(layers, graph: model.graph, cache: cache)
            #expect(scored == full, "layers \(layers.map(\.layer))")
        }
        let original = try Self.fullScores(model.graph, part)
        let repaired = try Self.fullScores(NodeRepair.apply([first, second], to: model.graph), part)
        #expect(original != repaired, "the actions should change some predictions, or the comparison proves nothing")
    }
}
