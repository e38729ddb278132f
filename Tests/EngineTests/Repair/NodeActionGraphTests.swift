import Engine
import Foundation
import IPG
import Testing
import TestSupport

/// Node actions inserted into a model: the repaired ONNX runs in onnxruntime with DeepProv's
/// outputs, equals the original network fed with the acted values by hand, keeps every
/// original initializer, and DeepProv still plans and captures it.
@Suite struct NodeActionGraphTests {
    static let actions = [
        NodeAction(node: 0, target: 0.5, strength: 1, window: 1.5),
        NodeAction(node: 3, target: 0.25, strength: 0.5, window: 0.75),
    ]

    /// StoreFixtures' 6-5-3 ReLU MLP, its hidden layer's value name, and the model with the actions after it.
    static func repaired() throws -> (original: Model, hidden: String, repaired: Model) {
        let original = try StoreFixtures.model()
        let capture = try ProvenanceCapture(session: InferenceSession(model: original), sampleShape: [6])
        let hidden = capture.layerValueNames[1]
        let graph = try original.graph.applyingNodeActions(actions, after: hidden, width: 5, label: "repair")
        return (original, hidden, try Model.load(onnx: ONNXExporter.serialize(graph), source: "repaired.onnx"))
    }

    static func inputs(_ count: Int) -> Tensor {
        var generator = SeededGenerator(seed: 5)
        return Tensor(shape: [count, 6], values: (0..<(count * 6)).map { _ in generator.nextGaussian() })
    }

    @Test func repairedModelRunsInOnnxRuntimeWithDeepProvsOutputs() throws {
        let (_, _, repaired) = try Self.repaired()
        let input = Self.inputs(64)
        let theirs = try ONNXRuntimeReference.outputs(of: ONNXExporter.serialize(repaired.graph), on: input)
        let ours = try InferenceSession(model: repaired).run(input)
        #expect(ours.shape == theirs.shape)
        let largest = zip(ours.values, theirs.values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest <= 1e-5, "largest difference \(largest)")
    }

    @Test func repairedModelEqualsTheOriginalFedActedValues() throws {
        let (original, hidden, repaired) = try Self.repaired()
        let input = Self.inputs(64)
        var acted = try #require(try InferenceSession(model: original).evaluate(input)[hidden])
        var changed = 0
        for row in 0..<64 {
            for action in Self.actions {
                let before = acted.values[row * 5 + action.node]
                acted.values[row * 5 + action.node] = action.apply(before)
                if acted.values[row * 5 + action.node] != before { changed += 1 }
            }
        }
        #expect(changed > 0 && changed < 128, "the windows should catch some values and miss others: \(changed)")
        let suffix = try original.graph.suffix(from: hidden, sampleShape: [5])
        let expected = try InferenceSession(model: Model(graph: suffix, fingerprint: "", source: "suffix")).run(acted)
        #expect(try InferenceSession(model: repaired).run(input).values == expected.values)
    }

    @Test func everyOriginalInitializerKeepsItsNameShapeAndValues() throws {
        let (original, _, repaired) = try Self.repaired()
        for (name, constant) in original.graph.initializers {
            #expect(repaired.graph.initializers[name] == constant, "\(name) changed")
        }
        let added = Set(repaired.graph.initializers.keys).subtracting(original.graph.initializers.keys)
        #expect(added == ["repair_target", "repair_strength", "repair_window"])
        #expect(repaired.graph.floatInitializer("repair_target")?.values == [0.5, 0, 0, 0.25, 0])
        #expect(repaired.graph.floatInitializer("repair_strength")?.values == [1, 0, 0, 0.5, 0])
        #expect(repaired.graph.floatInitializer("repair_window")?.values == [1.5, 0, 0, 0.75, 0])
    }

    /// The inserted operators are elementwise, so they are transparent to the layer planner:
    /// the layers are the original's, the hidden layer keeps the values it computed, and the
    /// edges into the next layer, whose values the actions changed on the way, are stored
    /// with the trace, carrying W[j, i] times the acted value.
    @Test func captureKeepsTheLayersAndStoresTheActedEdges() throws {
        let (original, _, repaired) = try Self.repaired()
        let before = try ProvenanceCapture(session: InferenceSession(model: original), sampleShape: [6])
        let after = try ProvenanceCapture(session: InferenceSession(model: repaired), sampleShape: [6])
        #expect(after.topology.layers.map(\.name) == before.topology.layers.map(\.name))
        let input = Self.inputs(8)
        let samples = (0..<8).map { SampleDescription(inputIndex: $0, trueLabel: nil, tag: "x") }
        let originalTraces = try before.capture(input, samples: samples)
        let traces = try after.capture(input, samples: samples)
        let evaluation = try after.session.evaluate(input)
        let acted = try #require(evaluation["repair_acted"])
        let weights = try #require(original.graph.floatInitializer("w2"))  // [3, 5], transB
        for (sample, trace) in traces.enumerated() {
            #expect(trace.layerValues[1] == originalTraces[sample].layerValues[1], "layer 1 holds the values before the actions")
            #expect(trace.layerValues[2] == Array(evaluation.output.values[(sample * 3)..<(sample * 3 + 3)]))
            let edges = try #require(trace.explicitEdges[2], "edges into layer 2 are stored")
            #expect(!edges.isEmpty)
            for edge in edges {
                let expected = weights.values[edge.target.index * 5 + edge.source.index] * acted.values[sample * 5 + edge.source.index]
                #expect(abs(edge.weight - expected) <= 1e-6, "edge \(edge)")
            }
        }
    }

    @Test func badActionsAreRefusedWithTheReason() throws {
        let (original, hidden, _) = try Self.repaired()
        let graph = original.graph
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch let error as EngineError { return error.message } catch { return "\(error)" }
        }
        #expect(message { _ = try graph.applyingNodeActions([NodeAction(node: 5, target: 0, strength: 1, window: 1)], after: hidden, width: 5, label: "r") }
            .contains("node 5 of a layer of 5 units"))
        #expect(message { _ = try graph.applyingNodeActions([NodeAction(node: 1, target: .nan, strength: 1, window: 1)], after: hidden, width: 5, label: "r") }
            .contains("not finite"))
        #expect(message { _ = try graph.applyingNodeActions([], after: graph.outputs[0].name, width: 3, label: "r") }
            .contains("model's output"))
        #expect(message { _ = try graph.applyingNodeActions([], after: "nowhere", width: 3, label: "r") }
            .contains("no node computes 'nowhere'"))
        var old = graph
        old.opset = 8
        #expect(message { _ = try old.applyingNodeActions([], after: hidden, width: 5, label: "r") }.contains("opset 9"))
    }
}
