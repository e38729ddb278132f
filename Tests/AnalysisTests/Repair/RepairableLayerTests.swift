@testable import Analysis
import Engine
import Testing
import TestSupport

/// Node actions follow hidden layers of units only: not the input, not the logits (also when
/// a Softmax follows them), not a map.
@Suite struct RepairableLayerTests {
    @Test func theLogitsBeforeASoftmaxAreNotRepairable() throws {
        var builder = GraphBuilder(inputShape: [nil, 3])
        builder.weights("w1", shape: [3, 4], RampValues.ramp(12))
        builder.weights("w2", shape: [4, 2], RampValues.ramp(8))
        let hidden = builder.node("Relu", [builder.node("MatMul", ["x", "w1"], name: "fc1")])
        let logits = builder.node("MatMul", [hidden, "w2"], name: "fc2")
        let probabilities = builder.node("Softmax", [logits], name: "probabilities")
        let model = try builder.model(output: probabilities)
        let capture = try ProvenanceCapture(session: InferenceSession(model: model), sampleShape: [3])
        #expect(capture.topology.layers.count == 3)
        let outputs = Set(model.graph.outputs.map(\.name))
        #expect(try NodeRepair.repairableLayers(capture, requested: nil, outputs: outputs).map(\.index) == [1])
        let error = #expect(throws: RepairError.self) { try NodeRepair.repairableLayers(capture, requested: [1, 2], outputs: outputs) }
        #expect(error?.message == "--layers: layer 2 cannot take node actions (the model's layers are 0–2; repairable: 1 (fc1))")
    }

    @Test func convolutionMapsAreNotRepairable() throws {
        var builder = GraphBuilder(inputShape: [nil, 1, 4, 4])
        builder.weights("k", shape: [2, 1, 3, 3], RampValues.ramp(18))
        let maps = builder.node("Relu", [builder.node("Conv", ["x", "k"], name: "conv")])
        let flat = builder.node("Flatten", [maps], name: "flat")
        builder.weights("w", shape: [8, 2], RampValues.ramp(16))
        let output = builder.node("MatMul", [flat, "w"], name: "fc")
        let model = try builder.model(output: output)
        let capture = try ProvenanceCapture(session: InferenceSession(model: model), sampleShape: [1, 4, 4])
        let outputs = Set(model.graph.outputs.map(\.name))
        // layers: input, conv (2 maps of 2×2), flat (8 units), fc: only flat can take actions
        #expect(try NodeRepair.repairableLayers(capture, requested: nil, outputs: outputs).map(\.name) == ["flat"])
    }

    /// Edge repair without --layers edits every dense layer (its budget goes to the most
    /// shifted entries over all of them); with --layers, the ones named.
    @Test func edgeRepairDefaultsToEveryDenseLayer() throws {
        var builder = GraphBuilder(inputShape: [nil, 3])
        builder.weights("w1", shape: [3, 4], RampValues.ramp(12))
        builder.weights("w2", shape: [4, 4], RampValues.ramp(16))
        builder.weights("w3", shape: [4, 2], RampValues.ramp(8))
        let first = builder.node("Relu", [builder.node("MatMul", ["x", "w1"], name: "fc1")])
        let second = builder.node("Relu", [builder.node("MatMul", [first, "w2"], name: "fc2")])
        let logits = builder.node("MatMul", [second, "w3"], name: "fc3")
        let model = try builder.model(output: logits)
        let capture = try ProvenanceCapture(session: InferenceSession(model: model), sampleShape: [3])
        let dense = try DenseLayerWeights.all(in: capture)
        #expect(try DenseLayerWeights.implicated(dense, requested: nil).map(\.weightName) == ["w1", "w2", "w3"])
        #expect(try DenseLayerWeights.implicated(dense, requested: nil).map(\.layer) == [1, 2, 3])
        #expect(try DenseLayerWeights.implicated(dense, requested: [3, 2]).map(\.weightName) == ["w2", "w3"])
    }
}

/// Small deterministic weights: -1 … 1 in even steps.
enum RampValues {
    static func ramp(_ count: Int) -> [Float] {
        (0..<count).map { count > 1 ? -1 + 2 * Float($0) / Float(count - 1) : 0 }
    }
}
