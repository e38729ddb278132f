import Engine
import Testing
import TestSupport

/// Gradients through the merge and head operators of residual and concat networks (Sum,
/// Concat, ReduceMean) against central finite differences (`FiniteDifferenceTests.check`).
@Suite struct MergeGradientTests {
    @Test func sumOfALayerAndItsInputWithBroadcasting() throws {
        var builder = GraphBuilder(inputShape: [2, 3, 2, 2])
        builder.weights("w", shape: [3, 3, 1, 1], FiniteDifferenceTests.values(9, seed: 3))
        builder.weights("bias", shape: [3, 1, 1], FiniteDifferenceTests.values(3, seed: 4))
        let conv = builder.node("Conv", ["x", "w"])
        let output = builder.node("Sum", [conv, "x", "bias"])
        try FiniteDifferenceTests.check(builder.model(output: output), input: Tensor(shape: [2, 3, 2, 2], values: FiniteDifferenceTests.values(24, seed: 5)))
    }

    @Test(arguments: [1, -3, 2])
    func concatOfTwoBranches(axis: Int) throws {
        var builder = GraphBuilder(inputShape: [2, 2, 3, 2])
        builder.weights("w", shape: [3, 2, 1, 1], FiniteDifferenceTests.values(6, seed: 6))
        let conv = builder.node("Conv", ["x", "w"])
        let joined = builder.node("Concat", [axis == 2 ? "x" : conv, "x"], attributes: ["axis": .int(axis)])
        let output = builder.node("Tanh", [joined])
        try FiniteDifferenceTests.check(builder.model(output: output), input: Tensor(shape: [2, 2, 3, 2], values: FiniteDifferenceTests.values(24, seed: 7)))
    }

    @Test(arguments: [[2, 3], [-1], [1, 3]])
    func reduceMeanOverAxes(axes: [Int]) throws {
        var builder = GraphBuilder(inputShape: [2, 3, 2, 3])
        let squared = builder.node("Mul", ["x", "x"])
        let output = builder.node("ReduceMean", [squared], attributes: ["axes": .ints(axes), "keepdims": .int(axes.count == 1 ? 0 : 1)])
        try FiniteDifferenceTests.check(builder.model(output: output), input: Tensor(shape: [2, 3, 2, 3], values: FiniteDifferenceTests.values(36, seed: 8)))
    }
}
