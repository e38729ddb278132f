import Engine
import Foundation
import Testing
import TestSupport

/// An evaluation that keeps only some values lets the others go after their last use, and
/// Relu, BatchNormalization and Add then write over their input instead of copying it. A
/// residual block (a value read by two branches, Add of a value with itself) must give
/// onnxruntime's outputs either way, and a kept value must not be overwritten by the
/// operator that consumes it.
@Suite struct ValueReleaseTests {
    /// x → conv 3×3 stride 2 → BN "bn1" → Relu "r1" → conv 3×3 → BN; shortcut conv 1×1 stride 2 → BN;
    /// Add → Relu "r2"; out = Add(r2, r2).
    static func residualBlock() -> (graph: ModelGraph, output: String) {
        var builder = GraphBuilder(inputShape: [nil, 4, 8, 8])
        var seed = 0.0
        func parameters(_ name: String, _ shape: [Int], positive: Bool = false) -> String {
            seed += 1
            let count = shape.reduce(1, *)
            return builder.weights(name, shape: shape, (0..<count).map { index in
                let value = Float(sin(Double(index) * 12.9898 + seed * 78.233))
                return positive ? 0.5 + abs(value) : value
            })
        }
        func batchNormalization(_ source: String, _ name: String, channels: Int) -> String {
            builder.node("BatchNormalization", [
                source, parameters("\(name).scale", [channels]), parameters("\(name).bias", [channels]),
                parameters("\(name).mean", [channels]), parameters("\(name).var", [channels], positive: true),
            ], name: name)
        }
        let conv1 = builder.node("Conv", ["x", parameters("w1", [6, 4, 3, 3])], name: "conv1",
                                 attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])])
        let r1 = builder.node("Relu", [batchNormalization(conv1, "bn1", channels: 6)], name: "r1")
        let conv2 = builder.node("Conv", [r1, parameters("w2", [6, 6, 3, 3]), parameters("b2", [6])], name: "conv2",
                                 attributes: ["pads": .ints([1, 1, 1, 1])])
        let shortcut = builder.node("Conv", ["x", parameters("w3", [6, 4, 1, 1])], name: "shortcut",
                                    attributes: ["strides": .ints([2, 2])])
        let sum = builder.node("Add", [batchNormalization(conv2, "bn2", channels: 6), batchNormalization(shortcut, "bn3", channels: 6)])
        let r2 = builder.node("Relu", [sum], name: "r2")
        let output = builder.node("Add", [r2, r2], name: "out")
        var graph = builder.graph
        graph.outputs = [ValueInfo(name: output, shape: [nil, 6, 4, 4])]
        return (graph, output)
    }

    @Test func residualBlockMatchesOnnxRuntimeKeepingAnyValues() throws {
        let (graph, output) = Self.residualBlock()
        let onnx = try ONNXExporter.serialize(graph)
        let session = try InferenceSession(model: Model.load(onnx: onnx, source: "residual.onnx"))
        let input = Tensor(shape: [3, 4, 8, 8], values: (0..<(3 * 256)).map { Float(cos(Double($0) * 0.37)) })
        let reference = try ONNXRuntimeReference.outputs(of: onnx, on: input)

        let lean = try session.run(input)
        let full = try session.evaluate(input)
        let partial = try session.evaluate(input, keeping: ["bn1", "r2"])
        for (name, computed) in [("run", lean), ("evaluate", full.output), ("evaluate keeping bn1, r2", partial.output)] {
            #expect(computed.shape == reference.shape, "\(name)")
            let (close, detail) = closeToReference(computed.values, reference.values)
            #expect(close, "\(name): \(detail)")
        }
        // bn1 feeds a Relu and r2 an Add, both of which write over an input they may own:
        // kept, they still hold their own values (bn1 has negative elements, so a Relu
        // written over it would show).
        let bn1 = try #require(partial["bn1"]), r2 = try #require(partial["r2"])
        #expect(bn1.values.contains { $0 < 0 })
        #expect(bn1 == full["bn1"])
        #expect(r2 == full["r2"])
        #expect(partial["r1"] == nil && partial["conv1"] == nil, "values not kept are let go")
        #expect(full["r1"] != nil && full["conv1"] != nil, "a plain evaluate keeps every value")
    }
}
