import Engine
import Foundation
import Testing
import TestSupport

/// Every operator's gradient (input and weights) against central finite differences of the
/// forward pass, on small random models. Loss = Σ output ⊙ R for a fixed random R, or the
/// cross-entropy for the loss tests.
@Suite struct FiniteDifferenceTests {
    static func values(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var state = seed &+ 0x9E3779B97F4A7C15
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return scale * (Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1)
        }
    }

    /// Compares analytic and numeric gradients of Σ output ⊙ R for the input and all weights.
    static func check(_ model: Model, input: Tensor, tolerance: Float = 2e-2) throws {
        let session = try InferenceSession(model: model)
        let evaluation = try session.evaluate(input)
        let output = evaluation.output
        let weights = Tensor(shape: output.shape, values: values(output.count, seed: 99))
        let analytic = try session.gradients(of: evaluation, seeds: [model.graph.outputs[0].name: weights])
        func loss(_ session: InferenceSession, _ input: Tensor) throws -> Double {
            zip(try session.run(input).values, weights.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let epsilon: Float = 1e-2
        func compare(_ numeric: Double, _ exact: Float, _ label: String) {
            let allowed = Double(tolerance) * max(1, abs(Double(exact)))
            #expect(abs(numeric - Double(exact)) <= allowed, "\(label): numeric \(numeric) vs analytic \(exact)")
        }
        for index in stride(from: 0, to: input.count, by: max(1, input.count / 24)) {
            var plus = input, minus = input
            plus.values[index] += epsilon
            minus.values[index] -= epsilon
            let numeric = (try loss(session, plus) - loss(session, minus)) / Double(2 * epsilon)
            compare(numeric, analytic.input.values[index], "input[\(index)]")
        }
        for (name, gradient) in analytic.parameters {
            guard case .float(let tensor)? = model.graph.initializers[name] else { continue }
            for index in stride(from: 0, to: tensor.count, by: max(1, tensor.count / 12)) {
                func perturbed(_ delta: Float) throws -> Double {
                    var graph = model.graph
                    var changed = tensor
                    changed.values[index] += delta
                    graph.initializers[name] = .float(changed)
                    return try loss(InferenceSession(model: Model(graph: graph, fingerprint: "", source: "fd")), input)
                }
                let numeric = (try perturbed(epsilon) - perturbed(-epsilon)) / Double(2 * epsilon)
                compare(numeric, gradient.values[index], "\(name)[\(index)]")
            }
        }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemm(transposeA: Bool, transposeB: Bool) throws {
        var builder = GraphBuilder(inputShape: transposeA ? [4, 3] : [3, 4])
        builder.weights("b", shape: transposeB ? [5, 4] : [4, 5], Self.values(20, seed: 1))
        builder.weights("c", shape: [5], Self.values(5, seed: 2))
        let output = builder.node("Gemm", ["x", "b", "c"], attributes: [
            "transA": .int(transposeA ? 1 : 0), "transB": .int(transposeB ? 1 : 0), "alpha": .float(0.7), "beta": .float(1.3),
        ])
        try Self.check(builder.model(output: output), input: Tensor(shape: transposeA ? [4, 3] : [3, 4], values: Self.values(12, seed: 3)))
    }

    @Test func batchedMatMulAndArithmetic() throws {
        var builder = GraphBuilder(inputShape: [2, 3, 4])
        builder.weights("w", shape: [4, 3], Self.values(12, seed: 4))
        builder.weights("shift", shape: [3], Self.values(3, seed: 5))
        builder.weights("factor", shape: [1, 3, 1], Self.values(3, seed: 6, scale: 2))
        builder.weights("divisor", shape: [], [1.7])
        var value = builder.node("MatMul", ["x", "w"])
        value = builder.node("Add", [value, "shift"])
        value = builder.node("Mul", [value, "factor"])
        value = builder.node("Sub", ["shift", value])
        value = builder.node("Div", [value, "divisor"])
        try Self.check(builder.model(output: value), input: Tensor(shape: [2, 3, 4], values: Self.values(24, seed: 7)))
    }

    @Test(arguments: ["Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax"])
    func activation(opType: String) throws {
        var builder = GraphBuilder(inputShape: [3, 5])
        builder.weights("w", shape: [5, 4], Self.values(20, seed: 8))
        let hidden = builder.node("MatMul", ["x", "w"])
        let output = builder.node(opType, [hidden], attributes: opType == "LeakyRelu" ? ["alpha": .float(0.1)] : [:])
        try Self.check(builder.model(output: output), input: Tensor(shape: [3, 5], values: Self.values(15, seed: 9)))
    }

    @Test(arguments: [
        (groups: 1, strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1]),
        (groups: 2, strides: [2, 1], dilations: [1, 2], pads: [0, 1, 2, 0]),
    ])
    func conv2D(groups: Int, strides: [Int], dilations: [Int], pads: [Int]) throws {
        var builder = GraphBuilder(inputShape: [2, 4, 6, 5])
        builder.weights("w", shape: [4, 4 / groups, 3, 2], Self.values(4 * 4 / groups * 6, seed: 10))
        builder.weights("b", shape: [4], Self.values(4, seed: 11))
        let output = builder.node("Conv", ["x", "w", "b"], attributes: [
            "group": .int(groups), "strides": .ints(strides), "dilations": .ints(dilations), "pads": .ints(pads),
        ])
        try Self.check(builder.model(output: output), input: Tensor(shape: [2, 4, 6, 5], values: Self.values(240, seed: 12)))
    }

    @Test func conv1DPoolingAndBatchNorm() throws {
        var builder = GraphBuilder(inputShape: [2, 2, 12])
        builder.weights("w", shape: [3, 2, 3], Self.values(18, seed: 13))
        for (name, seed) in [("gamma", 14), ("beta", 15), ("mean", 16)] { builder.weights(name, shape: [3], Self.values(3, seed: UInt64(seed))) }
        builder.weights("var", shape: [3], [0.5, 1.5, 2])
        var value = builder.node("Conv", ["x", "w"], attributes: ["pads": .ints([1, 1]), "strides": .ints([1])])
        value = builder.node("BatchNormalization", [value, "gamma", "beta", "mean", "var"])
        value = builder.node("MaxPool", [value], attributes: ["kernel_shape": .ints([2]), "strides": .ints([2])])
        value = builder.node("AveragePool", [value], attributes: ["kernel_shape": .ints([3]), "pads": .ints([1, 1]), "count_include_pad": .int(0)])
        value = builder.node("AveragePool", [value], attributes: ["kernel_shape": .ints([2]), "pads": .ints([1, 0]), "count_include_pad": .int(1)])
        value = builder.node("GlobalAveragePool", [value])
        value = builder.node("Flatten", [value])
        try Self.check(builder.model(output: value), input: Tensor(shape: [2, 2, 12], values: Self.values(48, seed: 17)))
    }

    @Test(arguments: ["logits", "Softmax", "LogSoftmax"])
    func crossEntropy(head: String) throws {
        var builder = GraphBuilder(inputShape: [4, 6])
        builder.weights("w", shape: [6, 5], Self.values(30, seed: 18))
        var output = builder.node("MatMul", ["x", "w"])
        if head != "logits" { output = builder.node(head, [output]) }
        let model = try builder.model(output: output)
        let session = try InferenceSession(model: model)
        let input = Tensor(shape: [4, 6], values: Self.values(24, seed: 19))
        let labels = [0, 3, 4, 1]
        let loss = try CrossEntropyLoss(session: session, evaluation: session.evaluate(input), labels: labels)
        let gradients = try session.gradients(of: session.evaluate(input), seeds: loss.seeds)
        let epsilon: Float = 1e-2
        for index in 0..<input.count {
            var plus = input, minus = input
            plus.values[index] += epsilon
            minus.values[index] -= epsilon
            let up = try CrossEntropyLoss(session: session, evaluation: session.evaluate(plus), labels: labels).loss
            let down = try CrossEntropyLoss(session: session, evaluation: session.evaluate(minus), labels: labels).loss
            let numeric = (up - down) / (2 * epsilon)
            #expect(abs(numeric - gradients.input.values[index]) <= 1e-2 * max(1, abs(numeric)), "input[\(index)]")
        }
    }
}
